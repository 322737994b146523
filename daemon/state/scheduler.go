package state

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// loop runs scheduling passes when poked. A single goroutine decides what
// to start, so a task is never started twice; the runners themselves
// re-check in their own transaction that the task is still runnable.
func (e *Engine) loop() {
	defer e.wg.Done()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-e.kick:
		}
		if err := e.schedule(); err != nil {
			e.log.WithError(err).Error("cannot schedule tasks")
		}
	}
}

type candidate struct {
	task   *taskRecord
	action action
}

func (e *Engine) schedule() error {
	var cands []candidate
	var wake time.Time
	err := e.db.bolt.View(func(tx *bolt.Tx) error {
		now := e.now()
		return tx.Bucket(bucketInflight).ForEach(func(k, _ []byte) error {
			cs, err := loadChange(tx, idOf(k), now)
			if err != nil {
				return err
			}
			for _, t := range cs.tasks {
				act, at := cs.next(t)
				if act != actNone {
					cands = append(cands, candidate{t, act})
				} else if !at.IsZero() && (wake.IsZero() || at.Before(wake)) {
					wake = at
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopped {
		return nil
	}
	for _, c := range cands {
		if e.running[c.task.ID] != nil {
			continue
		}
		tc := e.newTaskContext(c.task)
		e.running[c.task.ID] = tc
		e.wg.Add(1)
		go e.run(tc, c.action)
	}
	if !wake.IsZero() {
		if e.timer == nil {
			e.timer = time.AfterFunc(time.Until(wake), e.poke)
		} else {
			e.timer.Reset(time.Until(wake))
		}
	}
	return nil
}

// run takes one task through one step: mark it Doing/Undoing (committed),
// call the handler, record the outcome (committed).
func (e *Engine) run(tc *TaskContext, want action) {
	defer func() {
		e.mu.Lock()
		delete(e.running, tc.id)
		e.mu.Unlock()
		tc.cancel(nil)
		e.poke()
		e.wg.Done()
	}()
	h := e.handler(tc.kind)
	var act action
	_, err := e.transition(tc.change, func(cs *changeState) error {
		t := cs.byID[tc.id]
		if act, _ = cs.next(t); act != want {
			act = actNone
			return nil
		}
		switch {
		case act == actSettleAbort:
			cs.toUndo(t, e.hasUndo)
			act = actNone
		case act == actDo:
			cs.setStatus(t, DoingStatus)
		case act == actUndo && h.undo == nil:
			cs.setStatus(t, UndoneStatus)
			act = actNone
		case act == actUndo:
			cs.setStatus(t, UndoingStatus)
		}
		// Clear a retry delay even when the status is unchanged.
		cs.dirty[t] = true
		t.At = time.Time{}
		return nil
	})
	if err != nil {
		e.log.WithError(err).WithField("task", tc.id).Error("cannot start task")
		return
	}
	if act == actNone || e.stopping() {
		return
	}
	fn := h.do
	if act == actUndo {
		fn = h.undo
	}
	herr := callHandler(fn, tc)
	if herr != nil && e.stopping() {
		// Leave the task as a crash would; Start will run it again.
		return
	}
	if _, err := e.transition(tc.change, func(cs *changeState) error {
		e.record(cs, cs.byID[tc.id], tc, act, herr)
		return nil
	}); err != nil {
		e.log.WithError(err).WithField("task", tc.id).Error("cannot record task outcome")
	}
}

func callHandler(fn Handler, tc *TaskContext) (err error) {
	if fn == nil {
		return fmt.Errorf("internal error: no handler for task kind %q", tc.kind)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: task handler panicked: %v", r)
		}
	}()
	return fn(tc)
}

// record applies a handler's outcome to t.
func (e *Engine) record(cs *changeState, t *taskRecord, tc *TaskContext, act action, herr error) {
	if p, ok := tc.unsavedProgress(); ok {
		t.Progress = &p
		cs.dirty[t] = true
	}
	var retry *Retry
	isRetry := errors.As(herr, &retry)
	switch {
	case act == actDo && t.Status == DoingStatus:
		switch {
		case herr == nil:
			cs.setStatus(t, DoneStatus)
		case isRetry:
			e.scheduleRetry(cs, t, retry)
		default:
			cs.logf(t, logError, "%s", herr)
			cs.setStatus(t, ErrorStatus)
			cs.failFrom(t, e.hasUndo)
		}
	case act == actDo && t.Status == AbortStatus:
		// Aborted while running: whatever it managed to do is undone,
		// unless it failed, and failed tasks clean up after themselves.
		if herr == nil || isRetry {
			cs.toUndo(t, e.hasUndo)
		} else {
			cs.logf(t, logError, "%s", herr)
			cs.setStatus(t, ErrorStatus)
			cs.failFrom(t, e.hasUndo)
		}
	case act == actUndo && t.Status == UndoingStatus:
		switch {
		case herr == nil:
			cs.setStatus(t, UndoneStatus)
		case isRetry:
			e.scheduleRetry(cs, t, retry)
		default:
			cs.logf(t, logError, "%s", herr)
			cs.setStatus(t, ErrorStatus)
		}
	default:
		e.taskLog(t).Warn("task changed status while its handler ran; outcome ignored")
	}
}

func (e *Engine) scheduleRetry(cs *changeState, t *taskRecord, r *Retry) {
	after := r.After
	if after <= 0 {
		after = defaultRetryAfter
	}
	if r.Reason != "" {
		cs.logf(t, logInfo, "will retry in %s: %s", after, r.Reason)
	}
	t.At = cs.now.Add(after)
	cs.dirty[t] = true
}
