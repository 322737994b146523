package state

import (
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// changeState is one change and all its tasks loaded inside a transaction.
// Every transition goes through it so that a transition costs O(tasks of the
// change), writes back only what it touched, and keeps the in-flight index
// and the change's ready time consistent in the same commit.
type changeState struct {
	rec   *changeRecord
	tasks []*taskRecord
	byID  map[string]*taskRecord
	now   time.Time

	dirty    map[*taskRecord]bool
	recDirty bool
	moves    []transition
	// cancel lists running tasks this transaction moved to Abort; their
	// contexts are cancelled once it has committed.
	cancel []string
}

type transition struct {
	task     *taskRecord
	from, to Status
}

func loadChange(tx *bolt.Tx, id string, now time.Time) (*changeState, error) {
	rec, err := loadChangeRecord(tx, id)
	if err != nil {
		return nil, err
	}
	cs := &changeState{
		rec:   rec,
		tasks: make([]*taskRecord, 0, len(rec.TaskIDs)),
		byID:  make(map[string]*taskRecord, len(rec.TaskIDs)),
		now:   now,
		dirty: make(map[*taskRecord]bool),
	}
	for _, tid := range rec.TaskIDs {
		t, err := loadTask(tx, tid)
		if err != nil {
			return nil, fmt.Errorf("change %s: %w", id, err)
		}
		cs.tasks = append(cs.tasks, t)
		cs.byID[tid] = t
	}
	return cs, nil
}

func (cs *changeState) status() Status {
	ss := make([]Status, len(cs.tasks))
	for i, t := range cs.tasks {
		ss[i] = t.Status
	}
	return deriveChangeStatus(ss)
}

func (cs *changeState) ready() bool {
	for _, t := range cs.tasks {
		if !t.Status.Ready() {
			return false
		}
	}
	return true
}

func (cs *changeState) setStatus(t *taskRecord, s Status) {
	if t.Status == s {
		return
	}
	cs.moves = append(cs.moves, transition{t, t.Status, s})
	t.Status = s
	t.At = time.Time{}
	if s.Ready() {
		t.ReadyTime = cs.now
	} else {
		t.ReadyTime = time.Time{}
	}
	cs.dirty[t] = true
}

func (cs *changeState) logf(t *taskRecord, level, format string, args ...any) {
	t.Log = append(t.Log, formatLog(cs.now, level, fmt.Sprintf(format, args...)))
	cs.dirty[t] = true
}

// save writes what changed. It reports whether the change became ready in
// this transaction, in which case it also leaves the in-flight index.
func (cs *changeState) save(tx *bolt.Tx) (becameReady bool, err error) {
	for _, t := range cs.tasks {
		if cs.dirty[t] {
			if err := saveTask(tx, t); err != nil {
				return false, err
			}
		}
	}
	if cs.rec.ReadyTime.IsZero() && cs.ready() {
		cs.rec.ReadyTime = cs.now
		cs.recDirty = true
		becameReady = true
		key, err := keyOf(cs.rec.ID)
		if err != nil {
			return false, err
		}
		if err := tx.Bucket(bucketInflight).Delete(key); err != nil {
			return false, err
		}
	}
	if cs.recDirty {
		if err := saveChangeRecord(tx, cs.rec); err != nil {
			return false, err
		}
	}
	return becameReady, nil
}

type action int

const (
	actNone action = iota
	actDo
	actUndo
	// actSettleAbort is for a task in Abort whose handler is not running
	// (it died with the daemon, or was waiting to retry): there is nothing
	// to stop, so it goes straight to undo.
	actSettleAbort
)

// next says what the engine should do with t now, given it is not running.
// When t is only waiting for a retry delay, wake is when to look again.
func (cs *changeState) next(t *taskRecord) (act action, wake time.Time) {
	switch t.Status {
	case DoStatus, DefaultStatus:
		for _, w := range t.WaitTasks {
			if wt := cs.byID[w]; wt == nil || wt.Status != DoneStatus {
				return actNone, time.Time{}
			}
		}
		act = actDo
	case DoingStatus:
		act = actDo
	case AbortStatus:
		return actSettleAbort, time.Time{}
	case UndoStatus:
		// Reverse order: a task is undone only once nothing that waited on
		// it can still be running, be done, or be about to be undone.
		for _, h := range t.HaltTasks {
			if ht := cs.byID[h]; ht != nil && !settledForUndo(ht.Status) {
				return actNone, time.Time{}
			}
		}
		act = actUndo
	case UndoingStatus:
		act = actUndo
	default:
		return actNone, time.Time{}
	}
	if t.At.After(cs.now) {
		return actNone, t.At
	}
	return act, time.Time{}
}

func settledForUndo(s Status) bool {
	switch s {
	case HoldStatus, UndoneStatus, ErrorStatus, DoStatus, DefaultStatus:
		return true
	}
	return false
}

// toUndo moves a done task towards undo; a task without an undo handler has
// nothing to reverse, so it is Undone at once.
func (cs *changeState) toUndo(t *taskRecord, hasUndo func(kind string) bool) {
	if hasUndo(t.Kind) {
		cs.setStatus(t, UndoStatus)
	} else {
		cs.setStatus(t, UndoneStatus)
	}
}

func (cs *changeState) abortTask(t *taskRecord, hasUndo func(string) bool) {
	switch t.Status {
	case DoStatus, DefaultStatus:
		cs.setStatus(t, HoldStatus)
	case DoingStatus:
		cs.setStatus(t, AbortStatus)
		cs.cancel = append(cs.cancel, t.ID)
	case DoneStatus:
		cs.toUndo(t, hasUndo)
	}
}

func (cs *changeState) abortAll(hasUndo func(string) bool) {
	for _, t := range cs.tasks {
		cs.abortTask(t, hasUndo)
	}
}

// failFrom stops and reverses what a failed task's failure invalidates: the
// tasks sharing one of its lanes (every task when it has no lane) and,
// transitively, every task waiting on one of those or on the failed task,
// since those could never run and their prerequisites must be undone after
// them. Other lanes carry on.
func (cs *changeState) failFrom(failed *taskRecord, hasUndo func(string) bool) {
	seen := map[*taskRecord]bool{failed: true}
	queue := []*taskRecord{failed}
	for _, t := range cs.tasks {
		if t != failed && (len(failed.Lanes) == 0 || sharesLane(t, failed)) {
			seen[t] = true
			queue = append(queue, t)
		}
	}
	for i := 0; i < len(queue); i++ {
		for _, h := range queue[i].HaltTasks {
			if ht := cs.byID[h]; ht != nil && !seen[ht] {
				seen[ht] = true
				queue = append(queue, ht)
			}
		}
	}
	for _, t := range queue[1:] {
		cs.abortTask(t, hasUndo)
	}
}

func sharesLane(a, b *taskRecord) bool {
	for _, l := range a.Lanes {
		if slices.Contains(b.Lanes, l) {
			return true
		}
	}
	return false
}
