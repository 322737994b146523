package mount

import (
	"errors"
	"runtime"
	"sync"
)

// Pair is one image to mount and where.
type Pair struct{ Image, Target string }

// MountAll mounts every pair with at most parallel at once (0 means twice
// the CPUs: the work is mostly waiting on the kernel and the disk). It
// attempts all pairs even after failures, and returns them joined, each
// naming its image and target.
func MountAll(pairs []Pair, parallel int) error {
	if parallel <= 0 {
		parallel = runtime.NumCPU() * 2
	}
	parallel = min(parallel, len(pairs))
	errs := make([]error, len(pairs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for i := range next {
				errs[i] = MountSquashfs(pairs[i].Image, pairs[i].Target)
			}
		})
	}
	for i := range pairs {
		next <- i
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}
