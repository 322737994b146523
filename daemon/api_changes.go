package daemon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/snappy-pm/snappy/daemon/state"
)

type progressJSON struct {
	Label string `json:"label"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

type taskJSON struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Summary   string       `json:"summary"`
	Status    string       `json:"status"`
	Log       []string     `json:"log,omitempty"`
	Progress  progressJSON `json:"progress"`
	SpawnTime time.Time    `json:"spawn-time"`
	ReadyTime *time.Time   `json:"ready-time,omitempty"`
}

type changeJSON struct {
	ID        string                     `json:"id"`
	Kind      string                     `json:"kind"`
	Summary   string                     `json:"summary"`
	Status    string                     `json:"status"`
	Tasks     []taskJSON                 `json:"tasks,omitempty"`
	Ready     bool                       `json:"ready"`
	Err       string                     `json:"err,omitempty"`
	SpawnTime time.Time                  `json:"spawn-time"`
	ReadyTime *time.Time                 `json:"ready-time,omitempty"`
	Data      map[string]json.RawMessage `json:"data,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func changeToJSON(c *state.Change) changeJSON {
	out := changeJSON{
		ID: c.ID, Kind: c.Kind, Summary: c.Summary, Status: string(c.Status),
		Ready: c.Ready, Err: c.Err, SpawnTime: c.SpawnTime, ReadyTime: timePtr(c.ReadyTime),
		Data: c.Data,
	}
	for _, t := range c.Tasks {
		p := progressJSON{Label: t.Progress.Label, Done: t.Progress.Done, Total: t.Progress.Total}
		// snapd shows every task as one unit of work unless it reports more.
		if p.Total == 0 {
			p.Total = 1
			if t.Status.Ready() {
				p.Done = 1
			}
		}
		out.Tasks = append(out.Tasks, taskJSON{
			ID: t.ID, Kind: t.Kind, Summary: t.Summary, Status: string(t.Status), Log: t.Log,
			Progress: p, SpawnTime: t.SpawnTime, ReadyTime: timePtr(t.ReadyTime),
		})
	}
	return out
}

func (d *Daemon) getChanges(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var keep func(*state.Change) bool
	switch sel := q.Get("select"); sel {
	case "", "in-progress":
		keep = func(c *state.Change) bool { return !c.Ready }
	case "ready":
		keep = func(c *state.Change) bool { return c.Ready }
	case "all":
		keep = func(*state.Change) bool { return true }
	default:
		badRequest(w, "select should be one of: all,in-progress,ready")
		return
	}
	// The in-flight index answers the common question without reading the
	// history; the per-snap index narrows the rest.
	var chgs []*state.Change
	var err error
	switch name := q.Get("for"); {
	case name != "":
		chgs, err = d.engine.ChangesForSnap(name, keep)
	case q.Get("select") == "" || q.Get("select") == "in-progress":
		chgs, err = d.engine.InProgressChanges(keep)
	default:
		chgs, err = d.engine.Changes(keep)
	}
	if err != nil {
		errorFor(w, err)
		return
	}
	out := make([]changeJSON, 0, len(chgs))
	for _, c := range chgs {
		out = append(out, changeToJSON(c))
	}
	syncResponse(w, out)
}

func (d *Daemon) getChange(w http.ResponseWriter, r *http.Request) {
	c, err := d.engine.Change(r.PathValue("id"))
	if err != nil {
		errorResponse(w, 404, "", fmt.Sprintf("cannot find change with id %q", r.PathValue("id")), nil)
		return
	}
	syncResponse(w, changeToJSON(c))
}

func (d *Daemon) postChange(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var body struct {
		Action string `json:"action"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		badRequest(w, fmt.Sprintf("cannot decode data from request body: %v", err))
		return
	}
	if body.Action != "abort" {
		badRequest(w, fmt.Sprintf("change action %q is unsupported", body.Action))
		return
	}
	if _, err := d.engine.Change(id); err != nil {
		errorResponse(w, 404, "", fmt.Sprintf("cannot find change with id %q", id), nil)
		return
	}
	if err := d.engine.Abort(id); err != nil {
		badRequest(w, err.Error())
		return
	}
	c, err := d.engine.Change(id)
	if err != nil {
		errorFor(w, err)
		return
	}
	syncResponse(w, changeToJSON(c))
}
