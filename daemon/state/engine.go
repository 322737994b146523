package state

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	bolt "go.etcd.io/bbolt"
)

// ErrAborted and ErrStopping are the context.Cause of a handler's cancelled
// context, for handlers that clean up differently when their change is
// aborted (they will not be re-run) than when the daemon stops (they will).
var (
	ErrAborted  = errors.New("change aborted")
	ErrStopping = errors.New("state engine stopping")
)

// Handler does or undoes one task. See the package documentation for the
// idempotency it must provide.
type Handler func(t *TaskContext) error

type handlerPair struct{ do, undo Handler }

// Engine runs the changes stored in a DB.
type Engine struct {
	db  *DB
	log logrus.FieldLogger
	now func() time.Time

	mu       sync.Mutex
	handlers map[string]handlerPair
	running  map[string]*TaskContext
	started  bool
	stopped  bool
	ctx      context.Context
	cancel   context.CancelCauseFunc
	wg       sync.WaitGroup
	timer    *time.Timer
	// changed is closed and replaced after every committed transition, so
	// waiters sleep until something happened instead of polling the DB.
	changed chan struct{}
	kick    chan struct{}
}

// New returns an engine over db; a nil log discards log output.
func New(db *DB, log logrus.FieldLogger) *Engine {
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	return &Engine{
		db:       db,
		log:      log,
		now:      time.Now,
		handlers: make(map[string]handlerPair),
		running:  make(map[string]*TaskContext),
		ctx:      ctx,
		cancel:   cancel,
		changed:  make(chan struct{}),
		kick:     make(chan struct{}, 1),
	}
}

// DB returns the engine's database.
func (e *Engine) DB() *DB { return e.db }

// AddHandler registers the handlers for tasks of kind; undo may be nil when
// there is nothing to reverse.
func (e *Engine) AddHandler(kind string, do, undo Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.handlers[kind] = handlerPair{do, undo}
	e.poke()
}

func (e *Engine) handler(kind string) handlerPair {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.handlers[kind]
}

func (e *Engine) hasUndo(kind string) bool {
	return e.handler(kind).undo != nil
}

// Start resumes what was in flight when the daemon last stopped or died:
// tasks left Doing are done again, Undoing undone again, Abort undone; then
// it runs pending work as it becomes runnable. An engine starts only once.
func (e *Engine) Start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.started || e.stopped {
		return errors.New("state engine already started")
	}
	e.started = true
	if err := e.logRecovery(); err != nil {
		return err
	}
	e.wg.Add(1)
	go e.loop()
	e.poke()
	return nil
}

func (e *Engine) logRecovery() error {
	return e.db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInflight).ForEach(func(k, _ []byte) error {
			cs, err := loadChange(tx, idOf(k), e.now())
			if err != nil {
				return err
			}
			for _, t := range cs.tasks {
				switch t.Status {
				case DoingStatus, UndoingStatus, AbortStatus:
					e.taskLog(t).Info("resuming task interrupted by a stop or crash")
				}
			}
			return nil
		})
	})
}

// Stop cancels running handlers' contexts and waits for them to return.
// Tasks whose handler failed or was interrupted stay Doing or Undoing in the
// database, exactly as after a crash, and are resumed by the next Start.
func (e *Engine) Stop() {
	e.mu.Lock()
	if !e.started || e.stopped {
		e.stopped = true
		e.mu.Unlock()
		return
	}
	e.stopped = true
	e.cancel(ErrStopping)
	if e.timer != nil {
		e.timer.Stop()
	}
	e.mu.Unlock()
	e.wg.Wait()
}

func (e *Engine) stopping() bool { return e.ctx.Err() != nil }

// poke asks the scheduler for a pass; it never blocks.
func (e *Engine) poke() {
	select {
	case e.kick <- struct{}{}:
	default:
	}
}

func (e *Engine) notify() {
	e.mu.Lock()
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
}

// Changed returns a channel closed at the next committed task or change
// transition, for callers that watch changes without polling.
func (e *Engine) Changed() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// NewChange checks spec for conflicts and stores it in one transaction, then
// schedules its tasks.
func (e *Engine) NewChange(spec ChangeSpec) (*Change, error) {
	var cs *changeState
	err := e.db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		cs, err = insertChange(tx, spec, e.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	e.log.WithFields(logrus.Fields{"change": cs.rec.ID, "kind": cs.rec.Kind}).
		Infof("new change %q with %d tasks", cs.rec.Summary, len(cs.tasks))
	e.notify()
	e.poke()
	return cs.snapshot(), nil
}

// Change returns a snapshot of change id, or an error wrapping ErrNotFound.
func (e *Engine) Change(id string) (*Change, error) {
	var c *Change
	err := e.db.bolt.View(func(tx *bolt.Tx) error {
		cs, err := loadChange(tx, id, e.now())
		if err != nil {
			return err
		}
		c = cs.snapshot()
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.overlayProgress(c)
	return c, nil
}

// overlayProgress shows running tasks' latest progress, which is persisted
// only every so often.
func (e *Engine) overlayProgress(c *Change) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range c.Tasks {
		if tc := e.running[c.Tasks[i].ID]; tc != nil {
			if p, ok := tc.currentProgress(); ok {
				c.Tasks[i].Progress = p
			}
		}
	}
}

// Changes returns every stored change accepted by filter (nil accepts all),
// ordered by id. It reads the whole history; for what is in progress use
// InProgressChanges, which does not.
func (e *Engine) Changes(filter func(*Change) bool) ([]*Change, error) {
	return e.collect(bucketChanges, nil, filter)
}

// InProgressChanges returns the changes that are not ready, ordered by id,
// reading only the in-flight index: its cost does not grow with history.
func (e *Engine) InProgressChanges(filter func(*Change) bool) ([]*Change, error) {
	return e.collect(bucketInflight, nil, filter)
}

// ChangesForSnap returns the stored changes that name snap, ordered by id,
// through an index, without reading other changes.
func (e *Engine) ChangesForSnap(snap string, filter func(*Change) bool) ([]*Change, error) {
	return e.collect(bucketBySnap, append([]byte(snap), 0), filter)
}

// collect reads the changes whose ids are the keys of bucket (after prefix).
func (e *Engine) collect(bucket, prefix []byte, filter func(*Change) bool) ([]*Change, error) {
	var out []*Change
	err := e.db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		now := e.now()
		for k, _ := c.Seek(prefix); k != nil && len(k) == len(prefix)+8 && string(k[:len(prefix)]) == string(prefix); k, _ = c.Next() {
			cs, err := loadChange(tx, idOf(k[len(prefix):]), now)
			if err != nil {
				return err
			}
			if ch := cs.snapshot(); filter == nil || filter(ch) {
				out = append(out, ch)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		e.overlayProgress(c)
	}
	return out, nil
}

// Abort stops change id: tasks not started are held, running ones are
// cancelled and then undone, done ones are undone.
func (e *Engine) Abort(id string) error {
	cs, err := e.transition(id, func(cs *changeState) error {
		if cs.ready() {
			return fmt.Errorf("cannot abort change %s with nothing pending", id)
		}
		cs.abortAll(e.hasUndo)
		return nil
	})
	if err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{"change": id, "kind": cs.rec.Kind}).Info("change aborted")
	return nil
}

// WaitReady blocks until change id is ready or ctx is done.
func (e *Engine) WaitReady(ctx context.Context, id string) (*Change, error) {
	for {
		// Take the channel before reading so a transition that commits in
		// between still wakes us.
		changed := e.Changed()
		c, err := e.Change(id)
		if err != nil || c.Ready {
			return c, err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// transition applies fn to change id in one committed transaction, then
// logs the moves it made, cancels tasks it aborted and wakes the scheduler
// and waiters.
func (e *Engine) transition(id string, fn func(cs *changeState) error) (*changeState, error) {
	var cs *changeState
	var becameReady bool
	err := e.db.bolt.Update(func(tx *bolt.Tx) error {
		var err error
		if cs, err = loadChange(tx, id, e.now()); err != nil {
			return err
		}
		if err = fn(cs); err != nil {
			return err
		}
		becameReady, err = cs.save(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, m := range cs.moves {
		l := e.taskLog(m.task).WithField("from", m.from)
		if m.to == ErrorStatus {
			if n := len(m.task.Log); n > 0 {
				l = l.WithField("error", m.task.Log[n-1])
			}
			l.Warn("task failed")
		} else {
			l.Info("task status changed")
		}
	}
	if becameReady {
		e.log.WithFields(logrus.Fields{"change": id, "kind": cs.rec.Kind, "status": cs.status()}).Info("change ready")
	}
	if len(cs.cancel) > 0 {
		e.mu.Lock()
		for _, tid := range cs.cancel {
			if tc := e.running[tid]; tc != nil {
				tc.cancel(ErrAborted)
			}
		}
		e.mu.Unlock()
	}
	if len(cs.moves) > 0 || becameReady {
		e.notify()
		e.poke()
	}
	return cs, nil
}

func (e *Engine) taskLog(t *taskRecord) logrus.FieldLogger {
	return e.log.WithFields(logrus.Fields{"change": t.Change, "task": t.ID, "kind": t.Kind, "status": t.Status})
}
