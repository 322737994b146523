package client

import (
	"context"
	"encoding/json"
	"net/url"
	"time"
)

// Change is a set of tasks the daemon carries out together, such as an
// install.
type Change struct {
	ID      string  `json:"id"`
	Kind    string  `json:"kind"`
	Summary string  `json:"summary"`
	Status  string  `json:"status"`
	Tasks   []*Task `json:"tasks,omitempty"`
	Ready   bool    `json:"ready"`
	// Err is set when the change failed; it names the tasks that did.
	Err       string                     `json:"err,omitempty"`
	SpawnTime time.Time                  `json:"spawn-time"`
	ReadyTime time.Time                  `json:"ready-time"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
}

// Task is one step of a change.
type Task struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Summary   string       `json:"summary"`
	Status    string       `json:"status"`
	Log       []string     `json:"log,omitempty"`
	Progress  TaskProgress `json:"progress"`
	SpawnTime time.Time    `json:"spawn-time"`
	ReadyTime time.Time    `json:"ready-time"`
}

// TaskProgress counts what a task has done of its work (bytes downloaded,
// say); most tasks count 0 or 1 of 1.
type TaskProgress struct {
	Label string `json:"label"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// Statuses of changes and tasks.
const (
	StatusDo      = "Do"
	StatusDoing   = "Doing"
	StatusDone    = "Done"
	StatusAbort   = "Abort"
	StatusUndo    = "Undo"
	StatusUndoing = "Undoing"
	StatusUndone  = "Undone"
	StatusHold    = "Hold"
	StatusError   = "Error"
	StatusWait    = "Wait"
)

// ChangeSelector picks which changes Changes returns.
type ChangeSelector string

// The selectors the API knows.
const (
	ChangesAll        ChangeSelector = "all"
	ChangesInProgress ChangeSelector = "in-progress"
	ChangesReady      ChangeSelector = "ready"
)

// Changes lists changes, only those touching the snap named forSnap if it
// is not empty.
func (c *Client) Changes(ctx context.Context, sel ChangeSelector, forSnap string) ([]*Change, error) {
	q := url.Values{}
	if sel != "" {
		q.Set("select", string(sel))
	}
	if forSnap != "" {
		q.Set("for", forSnap)
	}
	var changes []*Change
	err := c.doSync(ctx, request{method: "GET", path: "/v2/changes", query: q}, &changes)
	return changes, err
}

// Change returns one change with its tasks.
func (c *Client) Change(ctx context.Context, id string) (*Change, error) {
	var chg Change
	if err := c.doSync(ctx, request{method: "GET", path: "/v2/changes/" + url.PathEscape(id)}, &chg); err != nil {
		return nil, err
	}
	return &chg, nil
}

// Abort asks the daemon to stop a change and undo what it did; the
// returned change is its state right after the request.
func (c *Client) Abort(ctx context.Context, id string) (*Change, error) {
	body, err := jsonBody(map[string]string{"action": "abort"})
	if err != nil {
		return nil, err
	}
	var chg Change
	err = c.doSync(ctx, request{
		method: "POST", path: "/v2/changes/" + url.PathEscape(id),
		body: body, contentType: "application/json",
	}, &chg)
	if err != nil {
		return nil, err
	}
	return &chg, nil
}

// SnapName is the snap a change is about, as recorded in its data.
// SnapNames returns the snaps a change is about: "snap-names" for a change
// over several, else the one "snap-name".
func (chg *Change) SnapNames() []string {
	var names []string
	if raw, ok := chg.Data["snap-names"]; ok && json.Unmarshal(raw, &names) == nil && len(names) > 0 {
		return names
	}
	if name := chg.SnapName(); name != "" {
		return []string{name}
	}
	return nil
}

func (chg *Change) SnapName() string {
	var name string
	if raw, ok := chg.Data["snap-name"]; ok {
		_ = json.Unmarshal(raw, &name)
	}
	return name
}
