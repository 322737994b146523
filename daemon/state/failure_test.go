package state

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestFailureUndoesAffectedTasks(t *testing.T) {
	type task struct {
		name, kind string
		waits      []int
		lanes      []int
	}
	tests := []struct {
		name       string
		tasks      []task
		want       map[string]Status
		wantChange Status
		notCalled  []string // events that must not happen
	}{{
		name: "failure stays in its lane",
		tasks: []task{
			{"a1", "ok", nil, []int{1}},
			{"b1", "fail", []int{0}, []int{1}},
			{"c1", "ok", []int{1}, []int{1}},
			{"a2", "ok", nil, []int{2}},
			{"b2", "ok", []int{3}, []int{2}},
		},
		want:       map[string]Status{"a1": UndoneStatus, "b1": ErrorStatus, "c1": HoldStatus, "a2": DoneStatus, "b2": DoneStatus},
		wantChange: ErrorStatus,
		notCalled:  []string{"undo:a2", "undo:b2", "do:c1", "undo:b1"},
	}, {
		name: "failure without lanes undoes the whole change",
		tasks: []task{
			{"a", "ok", nil, nil},
			{"c", "ok", nil, []int{2}},
			{"b", "fail", []int{0, 1}, nil},
			{"d", "ok", []int{2}, nil},
		},
		want:       map[string]Status{"a": UndoneStatus, "c": UndoneStatus, "b": ErrorStatus, "d": HoldStatus},
		wantChange: ErrorStatus,
		notCalled:  []string{"do:d"},
	}, {
		name: "tasks waiting on a failed lane are held even outside it",
		tasks: []task{
			{"a1", "fail", nil, []int{1}},
			{"a2", "ok", nil, []int{2}},
			{"join", "ok", []int{0, 1}, nil},
		},
		want:       map[string]Status{"a1": ErrorStatus, "a2": DoneStatus, "join": HoldStatus},
		wantChange: ErrorStatus,
		notCalled:  []string{"do:join", "undo:a2"},
	}, {
		name: "done dependents in other lanes are undone first",
		tasks: []task{
			{"base", "ok", nil, []int{1}},
			{"user", "ok", []int{0}, []int{2}},
			{"late", "fail", []int{1}, []int{1}},
		},
		want:       map[string]Status{"base": UndoneStatus, "user": UndoneStatus, "late": ErrorStatus},
		wantChange: ErrorStatus,
	}, {
		name: "unrun tasks are held",
		tasks: []task{
			{"a", "fail", nil, nil},
			{"b", "ok", []int{0}, nil},
			{"c", "ok", []int{1}, nil},
		},
		want:       map[string]Status{"a": ErrorStatus, "b": HoldStatus, "c": HoldStatus},
		wantChange: ErrorStatus,
		notCalled:  []string{"do:b", "do:c"},
	}, {
		name: "nil undo goes straight to Undone",
		tasks: []task{
			{"a", "noundo", nil, nil},
			{"b", "fail", []int{0}, nil},
		},
		want:       map[string]Status{"a": UndoneStatus, "b": ErrorStatus},
		wantChange: ErrorStatus,
		notCalled:  []string{"undo:a"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			rec := &recorder{}
			addStandardHandlers(e, rec)
			e.Start()
			spec := ChangeSpec{Kind: "k"}
			for _, ts := range tt.tasks {
				spec.Tasks = append(spec.Tasks, TaskSpec{Kind: ts.kind, Summary: ts.name, WaitFor: ts.waits, Lanes: ts.lanes})
			}
			c := waitReady(t, e, mustNewChange(t, e, spec).ID)
			if got := statusBySummary(c); !mapsEqual(got, tt.want) {
				t.Errorf("task statuses %v, want %v", got, tt.want)
			}
			if c.Status != tt.wantChange {
				t.Errorf("change status %s, want %s", c.Status, tt.wantChange)
			}
			for _, ev := range tt.notCalled {
				if rec.count(ev) != 0 {
					t.Errorf("%s happened: %v", ev, rec.list())
				}
			}
			for name, s := range tt.want {
				if s == UndoneStatus && rec.index("undo:"+name) >= 0 && rec.index("do:"+name) > rec.index("undo:"+name) {
					t.Errorf("%s undone before done: %v", name, rec.list())
				}
			}
			if tt.name == "done dependents in other lanes are undone first" && rec.index("undo:user") > rec.index("undo:base") {
				t.Errorf("base undone before its dependent: %v", rec.list())
			}
		})
	}
}

func mapsEqual(a, b map[string]Status) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestUndoRunsInReverseDependencyOrder(t *testing.T) {
	tests := []struct {
		name   string
		waits  [][]int // last task fails
		before [][2]string
	}{
		{"chain", [][]int{nil, {0}, {1}, {2}}, [][2]string{{"undone:2", "undo:1"}, {"undone:1", "undo:0"}}},
		{"diamond", [][]int{nil, {0}, {0}, {1, 2}}, [][2]string{{"undone:1", "undo:0"}, {"undone:2", "undo:0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			rec := &recorder{}
			addStandardHandlers(e, rec)
			// Slow undos, so that undoing a task before its dependents are
			// undone would show as overlapping handlers.
			e.AddHandler("ok", func(*TaskContext) error { return nil }, func(tc *TaskContext) error {
				name := summaryOf(tc)
				rec.add("undo:" + name)
				time.Sleep(5 * time.Millisecond)
				rec.add("undone:" + name)
				return nil
			})
			e.Start()
			spec := ChangeSpec{Kind: "k"}
			for i, w := range tt.waits {
				kind := "ok"
				if i == len(tt.waits)-1 {
					kind = "fail"
				}
				spec.Tasks = append(spec.Tasks, TaskSpec{Kind: kind, Summary: string(rune('0' + i)), WaitFor: w})
			}
			c := waitReady(t, e, mustNewChange(t, e, spec).ID)
			if c.Status != ErrorStatus {
				t.Fatalf("change %s", c.Status)
			}
			for _, p := range tt.before {
				i, j := rec.index(p[0]), rec.index(p[1])
				if i < 0 || j < 0 || i > j {
					t.Errorf("want %s before %s: %v", p[0], p[1], rec.list())
				}
			}
		})
	}
}

func TestErrorSummary(t *testing.T) {
	e, _ := newTestEngine(t)
	e.AddHandler("fail", func(*TaskContext) error { return errBoom }, nil)
	e.AddHandler("fail2", func(*TaskContext) error { return errors.New("no space left") }, nil)
	e.Start()
	c := waitReady(t, e, mustNewChange(t, e, ChangeSpec{Kind: "install-snap", Tasks: []TaskSpec{
		{Kind: "fail", Summary: `Mount snap "x" (x1)`, Lanes: []int{1}},
		{Kind: "fail2", Summary: `Copy snap "y" data`, Lanes: []int{2}},
	}}).ID)
	want := "cannot perform the following tasks:\n- Mount snap \"x\" (x1) (boom)\n- Copy snap \"y\" data (no space left)"
	if c.Status != ErrorStatus || c.Err != want {
		t.Fatalf("change %s err:\n%s\nwant:\n%s", c.Status, c.Err, want)
	}
	if c.ReadyTime.IsZero() {
		t.Error("ready change without ready time")
	}
}

func TestAbortRunningTask(t *testing.T) {
	tests := []struct {
		name        string
		handlerErr  bool
		wantBlocked Status
		wantChange  Status
		wantUndo    bool
	}{
		{"handler stops cleanly", false, UndoneStatus, UndoneStatus, true},
		{"handler fails", true, ErrorStatus, ErrorStatus, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			rec := &recorder{}
			addStandardHandlers(e, rec)
			started := make(chan struct{})
			e.AddHandler("block", func(tc *TaskContext) error {
				close(started)
				<-tc.Context().Done()
				if cause := context.Cause(tc.Context()); cause != ErrAborted {
					return fmt.Errorf("cancelled by %v", cause)
				}
				if tt.handlerErr {
					return tc.Context().Err()
				}
				return nil
			}, func(tc *TaskContext) error {
				rec.add("undo:block")
				return nil
			})
			e.Start()
			c := mustNewChange(t, e, ChangeSpec{Kind: "k", Snaps: []string{"hello"}, Tasks: []TaskSpec{
				{Kind: "ok", Summary: "a"},
				{Kind: "block", Summary: "block", WaitFor: []int{0}},
				{Kind: "ok", Summary: "c", WaitFor: []int{1}},
			}})
			<-started
			if err := e.Abort(c.ID); err != nil {
				t.Fatal(err)
			}
			c = waitReady(t, e, c.ID)
			want := map[string]Status{"a": UndoneStatus, "block": tt.wantBlocked, "c": HoldStatus}
			if got := statusBySummary(c); !mapsEqual(got, want) {
				t.Errorf("statuses %v, want %v", got, want)
			}
			if c.Status != tt.wantChange {
				t.Errorf("change %s, want %s (%s)", c.Status, tt.wantChange, c.Err)
			}
			if got := rec.count("undo:block") == 1; got != tt.wantUndo {
				t.Errorf("undo of aborted task called: %v", rec.list())
			}
			if rec.index("undo:a") < rec.index("undo:block") {
				t.Errorf("prerequisite undone before the aborted task: %v", rec.list())
			}
			if err := e.Abort(c.ID); err == nil || err.Error() != "cannot abort change "+c.ID+" with nothing pending" {
				t.Errorf("abort of ready change: %v", err)
			}
		})
	}
}

func TestAbortErrors(t *testing.T) {
	e, _ := newTestEngine(t)
	addStandardHandlers(e, &recorder{})
	e.Start()
	c := waitReady(t, e, mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "ok"}}}).ID)
	if err := e.Abort(c.ID); err == nil || err.Error() != "cannot abort change 1 with nothing pending" {
		t.Errorf("abort of ready change: %v", err)
	}
	if err := e.Abort("42"); !errors.Is(err, ErrNotFound) {
		t.Errorf("abort of missing change: %v", err)
	}
}

func TestConflict(t *testing.T) {
	e, _ := newTestEngine(t)
	release := make(chan struct{})
	e.AddHandler("block", func(*TaskContext) error { <-release; return nil }, nil)
	e.Start()
	first := mustNewChange(t, e, ChangeSpec{Kind: "install-snap", Snaps: []string{"core", "hello"}, Tasks: []TaskSpec{{Kind: "block"}}})

	_, err := e.NewChange(ChangeSpec{Kind: "remove-snap", Snaps: []string{"other", "hello"}, Tasks: []TaskSpec{{Kind: "block"}}})
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("second change: %v", err)
	}
	if *conflict != (ConflictError{Snap: "hello", ChangeKind: "install-snap", ChangeID: first.ID}) {
		t.Errorf("conflict %+v", conflict)
	}
	if conflict.Error() != `snap "hello" has "install-snap" change in progress` {
		t.Errorf("message %q", conflict.Error())
	}
	// Unrelated snaps are not blocked.
	other := mustNewChange(t, e, ChangeSpec{Kind: "install-snap", Snaps: []string{"other"}, Tasks: []TaskSpec{{Kind: "block"}}})

	close(release)
	waitReady(t, e, first.ID)
	waitReady(t, e, other.ID)
	if _, err := e.NewChange(ChangeSpec{Kind: "remove-snap", Snaps: []string{"hello"}, Tasks: []TaskSpec{{Kind: "block"}}}); err != nil {
		t.Fatalf("change after the conflicting one finished: %v", err)
	}
}

func TestConcurrentNewChangeConflict(t *testing.T) {
	e, _ := newTestEngine(t)
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, conflicts int
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.NewChange(ChangeSpec{Kind: "install-snap", Snaps: []string{"hello"}, Tasks: []TaskSpec{{Kind: "x"}}})
			var ce *ConflictError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.As(err, &ce):
				conflicts++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != 1 || conflicts != n-1 {
		t.Fatalf("%d created, %d conflicts", ok, conflicts)
	}
	all, _ := e.Changes(nil)
	if len(all) != 1 || !slices.Equal(all[0].Snaps, []string{"hello"}) {
		t.Fatalf("stored changes: %d", len(all))
	}
}

func TestAbortWhileUndoingLetsUndoFinish(t *testing.T) {
	e, _ := newTestEngine(t)
	rec := &recorder{}
	addStandardHandlers(e, rec)
	undoing, release := make(chan struct{}), make(chan struct{})
	e.AddHandler("slowundo", func(*TaskContext) error { return nil }, func(tc *TaskContext) error {
		close(undoing)
		<-release
		if tc.Context().Err() != nil {
			return errors.New("undo was cancelled")
		}
		return nil
	})
	e.Start()
	c := mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{
		{Kind: "slowundo", Summary: "a"},
		{Kind: "fail", Summary: "b", WaitFor: []int{0}},
	}})
	<-undoing
	if err := e.Abort(c.ID); err != nil {
		t.Fatal(err)
	}
	close(release)
	c = waitReady(t, e, c.ID)
	if got := statusBySummary(c); got["a"] != UndoneStatus {
		t.Fatalf("statuses %v", got)
	}
}
