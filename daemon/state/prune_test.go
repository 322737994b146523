package state

import (
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestPrune(t *testing.T) {
	e, _ := newTestEngine(t)
	now := time.Now()
	old := mustNewChange(t, e, ChangeSpec{Kind: "k", Snaps: []string{"busy"}, Tasks: []TaskSpec{{Kind: "never"}}})
	seedHistory(t, e.DB(), "old", 550, now.Add(-48*time.Hour))
	seedHistory(t, e.DB(), "new", 10, now.Add(-time.Hour))

	if err := e.Prune(now); err != nil {
		t.Fatal(err)
	}
	all, err := e.Changes(nil)
	if err != nil {
		t.Fatal(err)
	}
	// The newest 500 (ids 62-561) stay, and so does the unfinished change 1
	// however old; ids 2-61 go.
	if len(all) != 501 || all[0].ID != old.ID || all[1].ID != "62" || all[500].ID != "561" {
		t.Fatalf("%d changes left, first %s %s last %s", len(all), all[0].ID, all[1].ID, all[len(all)-1].ID)
	}
	e.DB().bolt.View(func(tx *bolt.Tx) error {
		if n := tx.Bucket(bucketTasks).Stats().KeyN; n != 1+500*5 {
			t.Errorf("%d tasks left", n)
		}
		if n := tx.Bucket(bucketBySnap).Stats().KeyN; n != 501 {
			t.Errorf("%d snap index entries left", n)
		}
		return nil
	})
	if got, _ := e.ChangesForSnap("old0", nil); len(got) != 0 {
		t.Errorf("pruned change still indexed: %v", got[0].ID)
	}
	// What is left is the newest 500 and the unfinished one: pruning again,
	// however late, keeps them.
	if err := e.Prune(now.Add(48 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if all, _ := e.Changes(nil); len(all) != 501 {
		t.Errorf("%d changes after second prune", len(all))
	}
}
