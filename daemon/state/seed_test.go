package state

import (
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// seedHistory stores n finished changes of five tasks each, ready at
// readyAt, the way the engine would have left them, in few transactions.
func seedHistory(tb testing.TB, db *DB, prefix string, n int, readyAt time.Time) {
	tb.Helper()
	const batch = 200
	for start := 0; start < n; start += batch {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				snap := fmt.Sprint(prefix, i)
				spec := ChangeSpec{Kind: "install-snap", Summary: fmt.Sprintf("Install %q snap", snap), Snaps: []string{snap}}
				for j := range 5 {
					ts := TaskSpec{Kind: "step", Summary: fmt.Sprintf("Step %d", j), Data: map[string]any{"snap-setup": map[string]any{"name": "x", "revision": i}}}
					if j > 0 {
						ts.WaitFor = []int{j - 1}
					}
					spec.Tasks = append(spec.Tasks, ts)
				}
				cs, err := insertChange(tx, spec, readyAt.Add(-time.Minute))
				if err != nil {
					return err
				}
				cs.now = readyAt
				for _, t := range cs.tasks {
					cs.setStatus(t, DoneStatus)
				}
				if _, err := cs.save(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}
