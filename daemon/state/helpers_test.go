package state

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

const testTimeout = 10 * time.Second

func openTestDB(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// newTestEngine returns an engine, not started, over a fresh database; it
// is stopped and closed when the test ends.
func newTestEngine(t testing.TB) (*Engine, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	db := openTestDB(t, path)
	e := New(db, nil)
	t.Cleanup(func() {
		e.Stop()
		db.Close()
	})
	return e, path
}

func waitReady(t testing.TB, e *Engine, id string) *Change {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	c, err := e.WaitReady(ctx, id)
	if err != nil {
		t.Fatalf("change %s not ready: %v", id, err)
	}
	return c
}

func mustNewChange(t testing.TB, e *Engine, spec ChangeSpec) *Change {
	t.Helper()
	c, err := e.NewChange(spec)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func statusBySummary(c *Change) map[string]Status {
	m := make(map[string]Status, len(c.Tasks))
	for _, t := range c.Tasks {
		m[t.Summary] = t.Status
	}
	return m
}

// recorder collects "do:NAME" / "undo:NAME" events from handlers.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(ev string) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
}

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

func (r *recorder) count(ev string) int {
	n := 0
	for _, e := range r.list() {
		if e == ev {
			n++
		}
	}
	return n
}

func (r *recorder) index(ev string) int {
	return slices.Index(r.list(), ev)
}

// summaryOf finds the running task's summary, which tests use as its name.
func summaryOf(tc *TaskContext) string {
	c, err := tc.e.Change(tc.ChangeID())
	if err != nil {
		panic(err)
	}
	for _, t := range c.Tasks {
		if t.ID == tc.ID() {
			return t.Summary
		}
	}
	panic("task not in its change")
}

var errBoom = errors.New("boom")

// addStandardHandlers registers kinds used across tests:
// "ok" does and undoes, "fail" fails, "noundo" has no undo handler.
func addStandardHandlers(e *Engine, rec *recorder) {
	record := func(prefix string) Handler {
		return func(tc *TaskContext) error {
			rec.add(prefix + summaryOf(tc))
			return nil
		}
	}
	e.AddHandler("ok", record("do:"), record("undo:"))
	e.AddHandler("noundo", record("do:"), nil)
	e.AddHandler("fail", func(tc *TaskContext) error {
		rec.add("do:" + summaryOf(tc))
		return errBoom
	}, record("undo:"))
}
