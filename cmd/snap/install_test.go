package main

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/snappy-pm/snappy/daemon/client"
)

// changeSequence answers successive polls with the given states, repeating
// the last one.
func changeSequence(t *testing.T, states ...*client.Change) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		chg := states[min(n, len(states)-1)]
		n++
		mu.Unlock()
		w.Write(syncResult(t, chg))
	}
}

// installStates is an install going Do → Doing → Done, task by task.
func installStates() []*client.Change {
	summaries := []string{"Prepare snap", "Mount snap \"hello-anchor\"", "Make snap \"hello-anchor\" available"}
	var states []*client.Change
	for step := 0; step <= len(summaries); step++ {
		chg := &client.Change{ID: "124", Kind: "install-snap", Summary: "Install \"hello-anchor\" snap",
			Status: client.StatusDo, Data: map[string]json.RawMessage{"snap-name": json.RawMessage(`"hello-anchor"`)}}
		if step > 0 {
			chg.Status = client.StatusDoing
		}
		for i, s := range summaries {
			task := &client.Task{ID: s, Summary: s, Status: client.StatusDo, Progress: client.TaskProgress{Total: 1}}
			switch {
			case i < step:
				task.Status, task.Progress.Done = client.StatusDone, 1
			case i == step:
				task.Status = client.StatusDoing
			}
			chg.Tasks = append(chg.Tasks, task)
		}
		if step == len(summaries) {
			chg.Status, chg.Ready = client.StatusDone, true
		}
		states = append(states, chg)
	}
	return states
}

func writeSnapFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hello-anchor_1.0_all.snap")
	if err := os.WriteFile(path, []byte("hsqs not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInstallWaitsAndReports(t *testing.T) {
	a := newTestApp(t)
	path := writeSnapFile(t)
	d := startDaemon(t, a, map[string]http.HandlerFunc{
		"POST /v2/snaps":                   async("124"),
		"GET /v2/changes/124":              changeSequence(t, installStates()...),
		"GET /v2/snaps?snaps=hello-anchor": body(200, fixture(t, "snaps.json")),
	})
	out, errOut, code := runCLI(a, "install", "--dangerous", "--devmode", path)
	if code != 0 || out != "hello-anchor 1.0 installed\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	wantLines := "Prepare snap\nMount snap \"hello-anchor\"\nMake snap \"hello-anchor\" available\n"
	if errOut != wantLines {
		t.Errorf("progress lines %q, want %q", errOut, wantLines)
	}
	reqs := d.requests()
	form := formFields(t, reqs[0])
	if form["dangerous"] != "true" || form["devmode"] != "true" || form["classic"] != "" ||
		form["snap-path"] != path || form["snap"] != "hsqs not really" {
		t.Errorf("form %v", form)
	}
	// One poll per state, then the listing for the version.
	if len(reqs) != 1+len(installStates())+1 {
		t.Errorf("requests %v", reqs)
	}
}

// formFields decodes a multipart upload.
func formFields(t *testing.T, req request) map[string]string {
	t.Helper()
	_, params, err := mime.ParseMediaType(req.contentType)
	if err != nil {
		t.Fatal(err)
	}
	form := map[string]string{}
	mr := multipart.NewReader(bytes.NewReader(req.body), params["boundary"])
	for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
		data, _ := io.ReadAll(p)
		form[p.FormName()] = string(data)
	}
	return form
}

func TestInstallFails(t *testing.T) {
	a := newTestApp(t)
	path := writeSnapFile(t)
	states := installStates()[:2]
	failed := *states[1]
	failed.Status, failed.Ready = client.StatusError, true
	failed.Err = "cannot perform the following tasks:\n- Mount snap \"hello-anchor\" (no loop device)"
	failed.Tasks = []*client.Task{{ID: "Prepare snap", Summary: "Prepare snap", Status: client.StatusUndone},
		{ID: "Mount snap \"hello-anchor\"", Summary: "Mount snap \"hello-anchor\"", Status: client.StatusError}}
	startDaemon(t, a, map[string]http.HandlerFunc{
		"POST /v2/snaps":      async("124"),
		"GET /v2/changes/124": changeSequence(t, states[0], states[1], &failed),
	})
	out, errOut, code := runCLI(a, "install", "--dangerous", path)
	want := "Prepare snap\nMount snap \"hello-anchor\"\nerror: cannot perform the following tasks:\n- Mount snap \"hello-anchor\" (no loop device)\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("exit %d, stdout %q, stderr %q, want %q", code, out, errOut, want)
	}
}

func TestInstallNoWait(t *testing.T) {
	a := newTestApp(t)
	path := writeSnapFile(t)
	d := startDaemon(t, a, map[string]http.HandlerFunc{"POST /v2/snaps": async("124")})
	out, _, code := runCLI(a, "install", "--no-wait", path)
	if code != 0 || out != "124\n" || len(d.requests()) != 1 {
		t.Errorf("exit %d, stdout %q, requests %v", code, out, d.requests())
	}
}

func TestInstallByNameRefused(t *testing.T) {
	a := newTestApp(t)
	_, errOut, code := runCLI(a, "install", "hello")
	if code != 1 || !strings.HasPrefix(errOut, `error: cannot install "hello": installing from a store is not supported yet`) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestInstallDaemonRefuses(t *testing.T) {
	a := newTestApp(t)
	path := writeSnapFile(t)
	startDaemon(t, a, map[string]http.HandlerFunc{"POST /v2/snaps": body(400, []byte(
		`{"type":"error","status-code":400,"status":"Bad Request","result":{"message":"cannot find signatures with metadata for snap \"x\"","kind":"signature-not-found"}}`))})
	_, errOut, code := runCLI(a, "install", path)
	if code != 1 || errOut != "error: cannot find signatures with metadata for snap \"x\"\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestRemove(t *testing.T) {
	a := newTestApp(t)
	done := &client.Change{ID: "127", Status: client.StatusDone, Ready: true,
		Tasks: []*client.Task{{ID: "1", Summary: "Remove snap \"hello-anchor\"", Status: client.StatusDone}}}
	d := startDaemon(t, a, map[string]http.HandlerFunc{
		"POST /v2/snaps/hello-anchor": async("127"),
		"GET /v2/changes/127":         changeSequence(t, done),
	})
	out, _, code := runCLI(a, "remove", "--purge", "hello-anchor")
	if body := string(d.requests()[0].body); code != 0 || out != "hello-anchor removed\n" || body != `{"action":"remove","purge":true}` {
		t.Errorf("exit %d, stdout %q, body %s", code, out, body)
	}
	out, _, code = runCLI(a, "remove", "--no-wait", "hello-anchor")
	reqs := d.requests()
	if body := string(reqs[len(reqs)-1].body); code != 0 || out != "127\n" || body != `{"action":"remove"}` {
		t.Errorf("no-wait: exit %d, stdout %q, body %s", code, out, body)
	}
}

func TestRemoveNotInstalled(t *testing.T) {
	a := newTestApp(t)
	startDaemon(t, a, map[string]http.HandlerFunc{"POST /v2/snaps/nope": body(404, []byte(
		`{"type":"error","status-code":404,"status":"Not Found","result":{"message":"snap \"nope\" is not installed","kind":"snap-not-installed","value":"nope"}}`))})
	_, errOut, code := runCLI(a, "remove", "nope")
	if code != 1 || errOut != "error: snap \"nope\" is not installed\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

func TestBarLine(t *testing.T) {
	for _, tc := range []struct {
		label      string
		pct, width int
		want       string
	}{
		{"Mount snap", 42, 60, "Mount snap                     [========            ]   42%"},
		{"Mount snap \"hello-anchor\" (x1)", 100, 30, "Mount snap \"hello-anch…  100%"},
		{"Mount", 5, 4, "    5%"},
	} {
		got := barLine(tc.label, tc.pct, tc.width)
		if got != tc.want {
			t.Errorf("barLine(%q, %d, %d) = %q, want %q", tc.label, tc.pct, tc.width, got, tc.want)
		}
	}
}

func TestBarProgress(t *testing.T) {
	var buf strings.Builder
	p := &barProgress{w: &buf, width: 40}
	states := installStates()
	p.update(states[0])
	p.update(states[2])
	p.finish()
	// The running task names the bar; the percentage counts finished work.
	want := "\r" + barLine("Prepare snap", 0, 40) + "\r" + barLine(`Make snap "hello-anchor" available`, 66, 40) + "\r\033[K"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func TestInterruptLeavesChangeRunning(t *testing.T) {
	a := newTestApp(t)
	running := installStates()[1]
	var polls atomic.Int32
	startDaemon(t, a, map[string]http.HandlerFunc{
		"POST /v2/snaps/hello-anchor": async("9"),
		"GET /v2/changes/9": func(w http.ResponseWriter, r *http.Request) {
			// wait() is watching for ^C while it polls.
			if polls.Add(1) == 3 {
				syscall.Kill(os.Getpid(), syscall.SIGINT)
			}
			w.Write(syncResult(t, running))
		},
	})
	_, errOut, code := runCLI(a, "remove", "hello-anchor")
	want := "error: interrupted; change 9 goes on in the background: follow it with \"snap tasks 9\" or stop it with \"snap abort 9\"\n"
	if code != 1 || !strings.HasSuffix(errOut, want) {
		t.Errorf("exit %d, stderr %q, want it to end with %q", code, errOut, want)
	}
}
