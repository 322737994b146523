package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Progress is how far a task got, as the REST API reports it.
type Progress struct {
	Label string `json:"label"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// TaskSpec describes one task of a new change.
type TaskSpec struct {
	Kind, Summary string
	Data          map[string]any
	// WaitFor holds indexes into ChangeSpec.Tasks that must be Done first.
	WaitFor []int
	Lanes   []int
}

// ChangeSpec describes a new change.
type ChangeSpec struct {
	Kind, Summary string
	Data          map[string]any
	// Snaps are the conflict keys: while one change naming a snap is not
	// ready, another naming it is refused with *ConflictError.
	Snaps []string
	Tasks []TaskSpec
}

// ConflictError refuses a change that touches a snap another in-flight change
// touches. The API layer reports it as "snap-change-conflict".
type ConflictError struct {
	Snap, ChangeKind, ChangeID string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("snap %q has %q change in progress", e.Snap, e.ChangeKind)
}

// Change is a read-only snapshot of a change and its tasks.
type Change struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
	Status  Status `json:"status"`
	Ready   bool   `json:"ready"`
	// Err summarises the errors of failed tasks when Status is Error.
	Err       string                     `json:"err,omitempty"`
	SpawnTime time.Time                  `json:"spawn-time"`
	ReadyTime time.Time                  `json:"ready-time,omitzero"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
	Snaps     []string                   `json:"snaps,omitempty"`
	Tasks     []Task                     `json:"tasks"`
}

// Task is a read-only snapshot of a task.
type Task struct {
	ID        string                     `json:"id"`
	Kind      string                     `json:"kind"`
	Summary   string                     `json:"summary"`
	Status    Status                     `json:"status"`
	Progress  Progress                   `json:"progress"`
	Log       []string                   `json:"log,omitempty"`
	SpawnTime time.Time                  `json:"spawn-time"`
	ReadyTime time.Time                  `json:"ready-time,omitzero"`
	WaitTasks []string                   `json:"wait-tasks,omitempty"`
	Lanes     []int                      `json:"lanes,omitempty"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
}

func (cs *changeState) snapshot() *Change {
	c := &Change{
		ID:        cs.rec.ID,
		Kind:      cs.rec.Kind,
		Summary:   cs.rec.Summary,
		Status:    cs.status(),
		Ready:     cs.ready(),
		SpawnTime: cs.rec.SpawnTime,
		ReadyTime: cs.rec.ReadyTime,
		Data:      cs.rec.Data,
		Snaps:     cs.rec.Snaps,
		Tasks:     make([]Task, len(cs.tasks)),
	}
	for i, t := range cs.tasks {
		c.Tasks[i] = Task{
			ID:        t.ID,
			Kind:      t.Kind,
			Summary:   t.Summary,
			Status:    t.Status,
			Progress:  taskProgress(t),
			Log:       t.Log,
			SpawnTime: t.SpawnTime,
			ReadyTime: t.ReadyTime,
			WaitTasks: t.WaitTasks,
			Lanes:     t.Lanes,
			Data:      t.Data,
		}
	}
	if c.Status == ErrorStatus {
		c.Err = errorSummary(cs.tasks)
	}
	return c
}

// taskProgress follows snapd: a task that never reported progress counts as
// one unit, done once the task is ready.
func taskProgress(t *taskRecord) Progress {
	if t.Progress != nil {
		return *t.Progress
	}
	p := Progress{Total: 1}
	if t.Status.Ready() {
		p.Done = 1
	}
	return p
}

const (
	logInfo  = "INFO"
	logError = "ERROR"
)

// formatLog writes entries as snapd does ("<RFC3339> LEVEL message"), since
// clients and the error summary read the level back out of the text.
func formatLog(now time.Time, level, msg string) string {
	return now.Format(time.RFC3339) + " " + level + " " + msg
}

func errorSummary(tasks []*taskRecord) string {
	var b strings.Builder
	b.WriteString("cannot perform the following tasks:")
	found := false
	for _, t := range tasks {
		if t.Status != ErrorStatus {
			continue
		}
		for _, entry := range t.Log {
			_, rest, ok := strings.Cut(entry, " ")
			if msg, isErr := strings.CutPrefix(rest, logError+" "); ok && isErr {
				fmt.Fprintf(&b, "\n- %s (%s)", t.Summary, msg)
				found = true
			}
		}
	}
	if !found {
		return "internal error: change in Error status without task errors logged"
	}
	return b.String()
}

func validateSpec(spec *ChangeSpec) error {
	if spec.Kind == "" {
		return errors.New("cannot create change: empty kind")
	}
	n := len(spec.Tasks)
	indegree := make([]int, n)
	for i, ts := range spec.Tasks {
		if ts.Kind == "" {
			return fmt.Errorf("cannot create change: task %d has an empty kind", i)
		}
		for _, w := range ts.WaitFor {
			if w < 0 || w >= n || w == i {
				return fmt.Errorf("cannot create change: task %d waits for invalid task index %d", i, w)
			}
			indegree[i]++
		}
	}
	// Kahn's algorithm: if some tasks are never freed they wait in a cycle
	// and would never run.
	var queue []int
	for i, d := range indegree {
		if d == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		done := queue[0]
		queue = queue[1:]
		n--
		for i, ts := range spec.Tasks {
			for _, w := range ts.WaitFor {
				if w == done {
					if indegree[i]--; indegree[i] == 0 {
						queue = append(queue, i)
					}
				}
			}
		}
	}
	if n != 0 {
		return errors.New("cannot create change: tasks wait for each other in a cycle")
	}
	return nil
}

func encodeData(m map[string]any) (map[string]json.RawMessage, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("cannot encode data %q: %w", k, err)
		}
		out[k] = raw
	}
	return out, nil
}

func checkConflict(tx *bolt.Tx, snaps []string) error {
	if len(snaps) == 0 {
		return nil
	}
	return tx.Bucket(bucketInflight).ForEach(func(k, v []byte) error {
		var rec inflightRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("cannot decode in-flight change %s: %w", idOf(k), err)
		}
		for _, s := range snaps {
			if slices.Contains(rec.Snaps, s) {
				return &ConflictError{Snap: s, ChangeKind: rec.Kind, ChangeID: idOf(k)}
			}
		}
		return nil
	})
}

// insertChange checks for conflicts and writes the change in the caller's
// transaction, so that two concurrent requests for one snap cannot both pass
// the check.
func insertChange(tx *bolt.Tx, spec ChangeSpec, now time.Time) (*changeState, error) {
	if err := validateSpec(&spec); err != nil {
		return nil, err
	}
	var snaps []string
	for _, s := range spec.Snaps {
		if !slices.Contains(snaps, s) {
			snaps = append(snaps, s)
		}
	}
	if err := checkConflict(tx, snaps); err != nil {
		return nil, err
	}
	data, err := encodeData(spec.Data)
	if err != nil {
		return nil, err
	}
	changes, tasks := tx.Bucket(bucketChanges), tx.Bucket(bucketTasks)
	cid, err := changes.NextSequence()
	if err != nil {
		return nil, err
	}
	cs := &changeState{
		rec: &changeRecord{
			ID:        strconv.FormatUint(cid, 10),
			Kind:      spec.Kind,
			Summary:   spec.Summary,
			Data:      data,
			Snaps:     snaps,
			TaskIDs:   make([]string, len(spec.Tasks)),
			SpawnTime: now,
		},
		byID:     make(map[string]*taskRecord, len(spec.Tasks)),
		now:      now,
		dirty:    make(map[*taskRecord]bool),
		recDirty: true,
	}
	for i, ts := range spec.Tasks {
		tid, err := tasks.NextSequence()
		if err != nil {
			return nil, err
		}
		tdata, err := encodeData(ts.Data)
		if err != nil {
			return nil, fmt.Errorf("task %d: %w", i, err)
		}
		t := &taskRecord{
			ID:        strconv.FormatUint(tid, 10),
			Change:    cs.rec.ID,
			Kind:      ts.Kind,
			Summary:   ts.Summary,
			Status:    DoStatus,
			SpawnTime: now,
			Lanes:     slices.Clone(ts.Lanes),
			Data:      tdata,
		}
		cs.rec.TaskIDs[i] = t.ID
		cs.tasks = append(cs.tasks, t)
		cs.byID[t.ID] = t
		cs.dirty[t] = true
	}
	for i, ts := range spec.Tasks {
		for _, w := range ts.WaitFor {
			t, wt := cs.tasks[i], cs.tasks[w]
			if !slices.Contains(t.WaitTasks, wt.ID) {
				t.WaitTasks = append(t.WaitTasks, wt.ID)
				wt.HaltTasks = append(wt.HaltTasks, t.ID)
			}
		}
	}
	ckey := idKey(cid)
	if len(cs.tasks) > 0 {
		if err := putJSON(tx.Bucket(bucketInflight), ckey, inflightRecord{Kind: spec.Kind, Snaps: snaps}); err != nil {
			return nil, err
		}
	}
	for _, s := range snaps {
		if err := tx.Bucket(bucketBySnap).Put(bySnapKey(s, ckey), []byte{}); err != nil {
			return nil, err
		}
	}
	// A change without tasks has nothing to wait for: save makes it ready
	// (Hold, as in snapd) right away.
	if _, err := cs.save(tx); err != nil {
		return nil, err
	}
	return cs, nil
}
