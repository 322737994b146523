package state

import (
	"context"
	"fmt"
	"testing"
	"time"
)

var historySizes = []int{0, 1000, 5000}

// benchEngine returns an engine whose database already holds history
// finished changes (five tasks each) and inflight unfinished ones.
func benchEngine(b *testing.B, history, inflight int) *Engine {
	e, _ := newTestEngine(b)
	seedHistory(b, e.DB(), "old", history, time.Now().Add(-time.Hour))
	for i := range inflight {
		mustNewChange(b, e, ChangeSpec{Kind: "install-snap", Snaps: []string{fmt.Sprint("busy", i)},
			Tasks: []TaskSpec{{Kind: "never"}, {Kind: "never", WaitFor: []int{0}}}})
	}
	return e
}

func installSpec(snap string) ChangeSpec {
	spec := ChangeSpec{Kind: "install-snap", Summary: "Install " + snap, Snaps: []string{snap}}
	for j := range 3 {
		ts := TaskSpec{Kind: "noop", Summary: fmt.Sprint("Step ", j)}
		if j > 0 {
			ts.WaitFor = []int{j - 1}
		}
		spec.Tasks = append(spec.Tasks, ts)
	}
	return spec
}

// BenchmarkNewChangeWithHistory creates a three-task change and runs it to
// completion (conflict check, insert, nine committed transitions): the cost
// must not depend on how many finished changes are stored.
func BenchmarkNewChangeWithHistory(b *testing.B) {
	for _, history := range historySizes {
		b.Run(fmt.Sprint("history=", history), func(b *testing.B) {
			e := benchEngine(b, history, 0)
			noop := func(*TaskContext) error { return nil }
			e.AddHandler("noop", noop, noop)
			if err := e.Start(); err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				c, err := e.NewChange(installSpec(fmt.Sprint("snap", i)))
				if err != nil {
					b.Fatal(err)
				}
				if c, err = e.WaitReady(ctx, c.ID); err != nil || c.Status != DoneStatus {
					b.Fatal(err, c.Status)
				}
			}
		})
	}
}

// BenchmarkNewChangeInsertWithHistory times NewChange alone (conflict check
// against five in-flight changes and one insert transaction).
func BenchmarkNewChangeInsertWithHistory(b *testing.B) {
	for _, history := range historySizes {
		b.Run(fmt.Sprint("history=", history), func(b *testing.B) {
			e := benchEngine(b, history, 5)
			b.ResetTimer()
			for i := range b.N {
				c, err := e.NewChange(installSpec(fmt.Sprint("snap", i)))
				if err != nil {
					b.Fatal(err)
				}
				// Keep the in-flight set at five, as it is between runs.
				b.StopTimer()
				if err := e.Abort(c.ID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// BenchmarkChangeWithHistory reads one change.
func BenchmarkChangeWithHistory(b *testing.B) {
	for _, history := range historySizes {
		b.Run(fmt.Sprint("history=", history), func(b *testing.B) {
			e := benchEngine(b, history, 5)
			id := fmt.Sprint(history + 3)
			b.ResetTimer()
			for range b.N {
				if _, err := e.Change(id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChangesList lists in-progress changes (what `snap changes` and
// GET /v2/changes ask for by default) with five in flight; "all" lists the
// whole history, which is linear in it by nature.
func BenchmarkChangesList(b *testing.B) {
	for _, history := range historySizes {
		b.Run(fmt.Sprint("in-progress/history=", history), func(b *testing.B) {
			e := benchEngine(b, history, 5)
			b.ResetTimer()
			for range b.N {
				if cs, err := e.InProgressChanges(nil); err != nil || len(cs) != 5 {
					b.Fatal(err, len(cs))
				}
			}
		})
	}
	for _, history := range historySizes {
		b.Run(fmt.Sprint("all/history=", history), func(b *testing.B) {
			e := benchEngine(b, history, 5)
			b.ResetTimer()
			for range b.N {
				if cs, err := e.Changes(nil); err != nil || len(cs) != history+5 {
					b.Fatal(err, len(cs))
				}
			}
		})
	}
}
