package client

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestChangeDecodesFixture(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/changes/112", 200, fixture(t, "change-install.json")))
	chg, err := c.Change(context.Background(), "112")
	if err != nil {
		t.Fatal(err)
	}
	if chg.ID != "112" || chg.Kind != "install-snap" || chg.Status != StatusDone || !chg.Ready ||
		chg.Summary != `Install "hello-anchor" snap from file "/root/work/hello-anchor_1.0_all.snap"` ||
		!chg.SpawnTime.Equal(time.Date(2026, 11, 24, 15, 10, 1, 263913253, time.UTC)) ||
		!chg.ReadyTime.Equal(time.Date(2026, 11, 24, 15, 10, 1, 798519470, time.UTC)) ||
		chg.SnapName() != "hello-anchor" || chg.Err != "" {
		t.Errorf("change decoded wrong: %+v", chg)
	}
	if len(chg.Tasks) != 13 {
		t.Fatalf("got %d tasks", len(chg.Tasks))
	}
	first := chg.Tasks[0]
	want := Task{
		ID: "1399", Kind: "prerequisites", Summary: `Ensure prerequisites for "hello-anchor" are available`,
		Status: StatusDone, Progress: TaskProgress{Done: 1, Total: 1},
		SpawnTime: time.Date(2026, 11, 24, 15, 10, 1, 263871376, time.UTC),
		ReadyTime: time.Date(2026, 11, 24, 15, 10, 1, 285655042, time.UTC),
	}
	if first.ID != want.ID || first.Kind != want.Kind || first.Summary != want.Summary || first.Status != want.Status ||
		first.Progress != want.Progress || !first.SpawnTime.Equal(want.SpawnTime) || !first.ReadyTime.Equal(want.ReadyTime) {
		t.Errorf("got %+v, want %+v", first, want)
	}
}

func TestChangesFailedWithLog(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/changes?for=hello&select=all", 200, fixture(t, "changes-some.json")))
	changes, err := c.Changes(context.Background(), ChangesAll, "hello")
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 3 {
		t.Fatalf("got %d changes", len(changes))
	}
	failed := changes[1]
	if failed.Status != StatusError || failed.Err == "" || !failed.ReadyTime.After(failed.SpawnTime) {
		t.Errorf("failed change decoded wrong: %+v", failed)
	}
	var logged *Task
	for _, tk := range failed.Tasks {
		if len(tk.Log) > 0 {
			logged = tk
		}
	}
	if logged == nil || logged.Status != StatusError || logged.Summary != "Request device serial" {
		t.Errorf("no failed task with a log: %+v", failed.Tasks)
	}
}

func TestChangesInProgress(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/changes?select=in-progress", 200,
		[]byte(`{"type":"sync","status-code":200,"status":"OK","result":[]}`)))
	changes, err := c.Changes(context.Background(), ChangesInProgress, "")
	if err != nil || len(changes) != 0 {
		t.Fatalf("got %v, %v", changes, err)
	}
}

func TestAbort(t *testing.T) {
	body := fixture(t, "change-install.json")
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		req, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.URL.Path != "/v2/changes/112" || string(req) != `{"action":"abort"}` {
			t.Errorf("got %s %s %s", r.Method, r.URL, req)
		}
		w.Write(body)
	})
	chg, err := c.Abort(context.Background(), "112")
	if err != nil || chg.ID != "112" {
		t.Fatalf("got %+v, %v", chg, err)
	}
}
