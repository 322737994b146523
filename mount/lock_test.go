package mount

import (
	"sync"
	"testing"
)

func TestKeyedMutex(t *testing.T) {
	var k keyedMutex
	keys := []string{"a", "b"}
	// Distinct elements are distinct memory, so only a broken per-key lock
	// makes -race report here.
	var counts [2]int
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			unlock := k.lock(keys[i%2])
			counts[i%2]++
			unlock()
		})
	}
	wg.Wait()
	if counts != [2]int{100, 100} {
		t.Errorf("counts %v", counts)
	}
	if len(k.keys) != 0 {
		t.Errorf("%d keys kept after everyone unlocked", len(k.keys))
	}
}
