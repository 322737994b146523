package state

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Retry, returned by a handler, asks for the handler to be run again later
// instead of failing the task.
type Retry struct {
	After  time.Duration
	Reason string
}

func (r *Retry) Error() string {
	return fmt.Sprintf("task should be retried in %s: %s", r.After, r.Reason)
}

const defaultRetryAfter = 5 * time.Second

// progressInterval spaces out progress commits: a download reporting every
// chunk would otherwise turn into thousands of fsyncs.
const progressInterval = 100 * time.Millisecond

// TaskContext is what a handler gets to act on its task.
type TaskContext struct {
	e                *Engine
	id, kind, change string
	ctx              context.Context
	cancel           context.CancelCauseFunc

	mu        sync.Mutex
	progress  Progress
	reported  bool
	unsaved   bool
	lastSaved time.Time
}

func (e *Engine) newTaskContext(t *taskRecord) *TaskContext {
	ctx, cancel := context.WithCancelCause(e.ctx)
	return &TaskContext{e: e, id: t.ID, kind: t.Kind, change: t.Change, ctx: ctx, cancel: cancel}
}

// Context is cancelled when the change is aborted, with context.Cause
// ErrAborted, or when the engine stops, with ErrStopping.
func (t *TaskContext) Context() context.Context { return t.ctx }

// ID, Kind and ChangeID identify the task being run.
func (t *TaskContext) ID() string       { return t.id }
func (t *TaskContext) Kind() string     { return t.kind }
func (t *TaskContext) ChangeID() string { return t.change }

// DB returns the state database.
func (t *TaskContext) DB() *DB { return t.e.db }

// Update runs fn in a read-write transaction of the state database.
func (t *TaskContext) Update(fn func(tx *Tx) error) error { return t.e.db.Update(fn) }

// Get decodes the task's data under key into v.
func (t *TaskContext) Get(key string, v any) (bool, error) {
	var found bool
	err := t.e.db.bolt.View(func(tx *bolt.Tx) error {
		rec, err := loadTask(tx, t.id)
		if err != nil {
			return err
		}
		found, err = decodeDataKey(rec.Data, key, v)
		return err
	})
	return found, err
}

// Set stores v under key in the task's data and commits at once, so that a
// resumed or undoing handler can rely on it after a crash.
func (t *TaskContext) Set(key string, v any) error {
	return t.e.db.Update(func(tx *Tx) error { return t.SetTx(tx, key, v) })
}

// SetTx is Set inside the caller's transaction, so a manager can record its
// own state and the task's memory of it atomically.
func (t *TaskContext) SetTx(tx *Tx, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cannot encode task data %q: %w", key, err)
	}
	rec, err := loadTask(tx.tx, t.id)
	if err != nil {
		return err
	}
	if rec.Data == nil {
		rec.Data = make(map[string]json.RawMessage)
	}
	rec.Data[key] = raw
	return saveTask(tx.tx, rec)
}

// ChangeGet decodes the change's data under key into v.
func (t *TaskContext) ChangeGet(key string, v any) (bool, error) {
	var found bool
	err := t.e.db.bolt.View(func(tx *bolt.Tx) error {
		rec, err := loadChangeRecord(tx, t.change)
		if err != nil {
			return err
		}
		found, err = decodeDataKey(rec.Data, key, v)
		return err
	})
	return found, err
}

// ChangeSet stores v under key in the change's data and commits at once.
func (t *TaskContext) ChangeSet(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cannot encode change data %q: %w", key, err)
	}
	return t.e.db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := loadChangeRecord(tx, t.change)
		if err != nil {
			return err
		}
		if rec.Data == nil {
			rec.Data = make(map[string]json.RawMessage)
		}
		rec.Data[key] = raw
		return saveChangeRecord(tx, rec)
	})
}

func decodeDataKey(data map[string]json.RawMessage, key string, v any) (bool, error) {
	raw, ok := data[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("cannot decode data %q: %w", key, err)
	}
	return true, nil
}

// Logf appends a timestamped line to the task's log and commits it.
func (t *TaskContext) Logf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	err := t.e.db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := loadTask(tx, t.id)
		if err != nil {
			return err
		}
		rec.Log = append(rec.Log, formatLog(t.e.now(), logInfo, msg))
		return saveTask(tx, rec)
	})
	if err != nil {
		t.e.log.WithError(err).WithField("task", t.id).Error("cannot log to task")
	}
}

// SetProgress reports progress. Readers see it at once; it is committed at
// most every progressInterval, and when the handler returns.
func (t *TaskContext) SetProgress(label string, done, total int) {
	t.mu.Lock()
	t.progress = Progress{Label: label, Done: done, Total: total}
	t.reported = true
	t.unsaved = true
	if time.Since(t.lastSaved) < progressInterval {
		t.mu.Unlock()
		return
	}
	p := t.progress
	t.unsaved = false
	t.lastSaved = time.Now()
	t.mu.Unlock()

	err := t.e.db.bolt.Update(func(tx *bolt.Tx) error {
		rec, err := loadTask(tx, t.id)
		if err != nil {
			return err
		}
		rec.Progress = &p
		return saveTask(tx, rec)
	})
	if err != nil {
		t.e.log.WithError(err).WithField("task", t.id).Error("cannot save task progress")
	}
}

func (t *TaskContext) currentProgress() (Progress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.progress, t.reported
}

func (t *TaskContext) unsavedProgress() (Progress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	unsaved := t.unsaved
	t.unsaved = false
	return t.progress, unsaved
}
