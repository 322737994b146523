package state

import (
	"context"
	"path/filepath"
	"testing"
)

// restartable runs a first engine until some point, stops it as a daemon
// shutdown would, then reopens the database with a second engine.
type restartable struct {
	t    *testing.T
	path string
	db   *DB
	e    *Engine
}

func newRestartable(t *testing.T) *restartable {
	r := &restartable{t: t, path: filepath.Join(t.TempDir(), "state.db")}
	r.open()
	t.Cleanup(r.close)
	return r
}

func (r *restartable) open() {
	r.db = openTestDB(r.t, r.path)
	r.e = New(r.db, nil)
}

func (r *restartable) close() {
	if r.db != nil {
		r.e.Stop()
		r.db.Close()
		r.db = nil
	}
}

func (r *restartable) restart() {
	r.close()
	r.open()
}

func (r *restartable) statuses(id string) map[string]Status {
	c, err := r.e.Change(id)
	if err != nil {
		r.t.Fatal(err)
	}
	return statusBySummary(c)
}

func TestRestartResumesDoingTask(t *testing.T) {
	r := newRestartable(t)
	first := &recorder{}
	addStandardHandlers(r.e, first)
	started := make(chan struct{})
	var cause error
	r.e.AddHandler("block", func(tc *TaskContext) error {
		close(started)
		<-tc.Context().Done()
		cause = context.Cause(tc.Context())
		return tc.Context().Err()
	}, nil)
	r.e.Start()
	c := mustNewChange(t, r.e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{
		{Kind: "ok", Summary: "a"},
		{Kind: "block", Summary: "b", WaitFor: []int{0}},
		{Kind: "ok", Summary: "c", WaitFor: []int{1}},
	}})
	<-started
	r.e.Stop()
	if cause != ErrStopping {
		t.Errorf("handler context cancelled by %v", cause)
	}
	if got := r.statuses(c.ID); got["a"] != DoneStatus || got["b"] != DoingStatus || got["c"] != DoStatus {
		t.Fatalf("after stop: %v", got)
	}

	r.restart()
	second := &recorder{}
	addStandardHandlers(r.e, second)
	r.e.AddHandler("block", func(tc *TaskContext) error {
		second.add("do:b")
		return nil
	}, nil)
	if err := r.e.Start(); err != nil {
		t.Fatal(err)
	}
	c = waitReady(t, r.e, c.ID)
	if c.Status != DoneStatus {
		t.Fatalf("change %s: %v", c.Status, statusBySummary(c))
	}
	if second.count("do:b") != 1 || second.count("do:a") != 0 || second.count("do:c") != 1 {
		t.Fatalf("second run events %v", second.list())
	}
}

func TestRestartResumesUndoingTask(t *testing.T) {
	r := newRestartable(t)
	addStandardHandlers(r.e, &recorder{})
	undoing := make(chan struct{})
	r.e.AddHandler("slowundo", func(*TaskContext) error { return nil }, func(tc *TaskContext) error {
		close(undoing)
		<-tc.Context().Done()
		return tc.Context().Err()
	})
	r.e.Start()
	c := mustNewChange(t, r.e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{
		{Kind: "slowundo", Summary: "a"},
		{Kind: "fail", Summary: "b", WaitFor: []int{0}},
	}})
	<-undoing
	r.e.Stop()
	if got := r.statuses(c.ID); got["a"] != UndoingStatus || got["b"] != ErrorStatus {
		t.Fatalf("after stop: %v", got)
	}

	r.restart()
	second := &recorder{}
	addStandardHandlers(r.e, second)
	r.e.AddHandler("slowundo", func(*TaskContext) error {
		second.add("do:a")
		return nil
	}, func(*TaskContext) error {
		second.add("undo:a")
		return nil
	})
	r.e.Start()
	c = waitReady(t, r.e, c.ID)
	if got := statusBySummary(c); c.Status != ErrorStatus || got["a"] != UndoneStatus {
		t.Fatalf("change %s: %v", c.Status, got)
	}
	if ev := second.list(); len(ev) != 1 || ev[0] != "undo:a" {
		t.Fatalf("second run events %v", ev)
	}
}

func TestRestartFinishesAbortOfInterruptedTask(t *testing.T) {
	r := newRestartable(t)
	addStandardHandlers(r.e, &recorder{})
	started := make(chan struct{})
	r.e.AddHandler("block", func(tc *TaskContext) error {
		close(started)
		<-tc.Context().Done()
		return tc.Context().Err()
	}, nil)
	r.e.Start()
	c := mustNewChange(t, r.e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{
		{Kind: "ok", Summary: "a"},
		{Kind: "block", Summary: "b", WaitFor: []int{0}},
	}})
	<-started
	r.e.Stop()
	// The abort request arrives while no handler runs, as when the daemon
	// died just after recording it.
	if err := r.e.Abort(c.ID); err != nil {
		t.Fatal(err)
	}
	if got := r.statuses(c.ID); got["a"] != UndoStatus || got["b"] != AbortStatus {
		t.Fatalf("after abort: %v", got)
	}

	r.restart()
	second := &recorder{}
	addStandardHandlers(r.e, second)
	r.e.AddHandler("block", func(*TaskContext) error {
		second.add("do:b")
		return nil
	}, func(*TaskContext) error {
		second.add("undo:b")
		return nil
	})
	r.e.Start()
	c = waitReady(t, r.e, c.ID)
	if got := statusBySummary(c); c.Status != UndoneStatus || got["a"] != UndoneStatus || got["b"] != UndoneStatus {
		t.Fatalf("change %s: %v", c.Status, got)
	}
	if ev := second.list(); len(ev) != 2 || ev[0] != "undo:b" || ev[1] != "undo:a" {
		t.Fatalf("second run events %v", ev)
	}
}

func TestStopRecordsHandlersThatCompleted(t *testing.T) {
	r := newRestartable(t)
	started := make(chan struct{})
	r.e.AddHandler("finish", func(tc *TaskContext) error {
		close(started)
		<-tc.Context().Done()
		return nil // finished its work despite the stop
	}, nil)
	r.e.Start()
	c := mustNewChange(t, r.e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "finish", Summary: "a"}}})
	<-started
	r.e.Stop()
	if got := r.statuses(c.ID); got["a"] != DoneStatus {
		t.Fatalf("after stop: %v", got)
	}
}
