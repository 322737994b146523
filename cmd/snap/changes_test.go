package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/snappy-pm/snappy/daemon/client"
)

func TestChangesTable(t *testing.T) {
	a := newTestApp(t)
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/changes?select=all": body(200, fixture(t, "changes-some.json"))})
	out, _, code := runCLI(a, "changes")
	want := `ID   Status  Spawn               Ready               Summary
8    Error   today at 15:05 UTC  today at 15:05 UTC  Initialize device
13   Done    today at 15:08 UTC  today at 15:08 UTC  Remove "hello-anchor" snap
14   Done    today at 15:08 UTC  today at 15:08 UTC  Install "hello-anchor" snap from file "/root/work/hello-anchor_1.0_all.snap"
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
}

func TestChangesForSnapAbsTime(t *testing.T) {
	a := newTestApp(t)
	running := []*client.Change{{ID: "3", Status: "Doing", Summary: "Install x",
		SpawnTime: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}}
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/changes?for=x&select=all": body(200, syncResult(t, running))})
	out, _, code := runCLI(a, "changes", "x", "--abs-time")
	want := `ID   Status  Spawn                 Ready  Summary
3    Doing   2026-11-20T10:00:00Z  -      Install x
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
}

func TestTasksTable(t *testing.T) {
	a := newTestApp(t)
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/changes/112": body(200, fixture(t, "change-install.json"))})
	out, _, code := runCLI(a, "tasks", "112")
	want := `Status  Spawn               Ready               Summary
Done    today at 15:10 UTC  today at 15:10 UTC  Ensure prerequisites for "hello-anchor" are available
Done    today at 15:10 UTC  today at 15:10 UTC  Prepare snap "/var/lib/snapd/snaps/.local-install-2907716337" (unset)
Done    today at 15:10 UTC  today at 15:10 UTC  Mount snap "hello-anchor" (unset)
Done    today at 15:10 UTC  today at 15:10 UTC  Copy snap "hello-anchor" data
Done    today at 15:10 UTC  today at 15:10 UTC  Setup snap "hello-anchor" (unset) security profiles
Done    today at 15:10 UTC  today at 15:10 UTC  Make snap "hello-anchor" (unset) available to the system
Done    today at 15:10 UTC  today at 15:10 UTC  Automatically connect eligible plugs and slots of snap "hello-anchor"
Done    today at 15:10 UTC  today at 15:10 UTC  Set automatic aliases for snap "hello-anchor"
Done    today at 15:10 UTC  today at 15:10 UTC  Setup snap "hello-anchor" aliases
Done    today at 15:10 UTC  today at 15:10 UTC  Run install hook of "hello-anchor" snap if present
Done    today at 15:10 UTC  today at 15:10 UTC  Start snap "hello-anchor" (unset) services
Done    today at 15:10 UTC  today at 15:10 UTC  Run configure hook of "hello-anchor" snap if present
Done    today at 15:10 UTC  today at 15:10 UTC  Run health check of "hello-anchor" snap
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
	// "change" is the same command.
	if out2, _, _ := runCLI(a, "change", "112"); out2 != out {
		t.Errorf("snap change differs from snap tasks:\n%s", out2)
	}
}

func TestTasksLastWithLog(t *testing.T) {
	a := newTestApp(t)
	failed := []*client.Change{{ID: "8", Kind: "install-snap", Status: "Error",
		SpawnTime: testNow.Add(-time.Hour), ReadyTime: testNow.Add(-time.Hour),
		Tasks: []*client.Task{
			{Summary: "Mount snap \"x\"", Status: "Undone", SpawnTime: testNow.Add(-time.Hour), ReadyTime: testNow.Add(-time.Hour)},
			{Summary: "Link snap \"x\"", Status: "Error", Log: []string{"2026-11-24T15:00:00Z ERROR no space left"},
				SpawnTime: testNow.Add(-time.Hour), ReadyTime: testNow.Add(-time.Hour)},
			{Summary: "Start services", Status: "Hold", SpawnTime: testNow.Add(-time.Hour)},
		}}}
	older := &client.Change{ID: "2", Kind: "install-snap", SpawnTime: testNow.Add(-48 * time.Hour)}
	startDaemon(t, a, map[string]http.HandlerFunc{
		"GET /v2/changes?select=all": body(200, syncResult(t, append(failed, older))),
		"GET /v2/changes/8":          body(200, syncResult(t, failed[0])),
	})
	out, _, code := runCLI(a, "tasks", "--last=install")
	want := `Status  Spawn               Ready               Summary
Undone  today at 15:00 UTC  today at 15:00 UTC  Mount snap "x"
Error   today at 15:00 UTC  today at 15:00 UTC  Link snap "x"
Hold    today at 15:00 UTC  -                   Start services

......................................................................
Link snap "x"

2026-11-24T15:00:00Z ERROR no space left
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
	if _, errOut, code := runCLI(a, "tasks"); code != 1 || errOut == "" {
		t.Errorf("no ID: exit %d, stderr %q", code, errOut)
	}
}

func TestAbort(t *testing.T) {
	a := newTestApp(t)
	d := startDaemon(t, a, map[string]http.HandlerFunc{"POST /v2/changes/5": body(200, fixture(t, "change-install.json"))})
	if out, errOut, code := runCLI(a, "abort", "5"); code != 0 || out != "" || errOut != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if got := d.requests(); len(got) != 1 {
		t.Errorf("requests %v", got)
	}
}

func TestHumanTime(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 30, 0, 0, time.UTC)
	tf := timeFormatter{now: now, loc: time.UTC}
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "-"},
		{now.Add(-time.Hour), "yesterday at 23:30 UTC"},
		{now.Add(time.Hour), "today at 01:30 UTC"},
		{now.Add(24 * time.Hour), "tomorrow at 00:30 UTC"},
		{now.Add(-72 * time.Hour), "3 days ago, at 00:30 UTC"},
		{now.Add(72 * time.Hour), "in 3 days, at 00:30 UTC"},
		{now.Add(-100 * 24 * time.Hour), "2026-08-16"},
	} {
		if got := tf.format(tc.t); got != tc.want {
			t.Errorf("format(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestSizeString(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 999: "999B", 4096: "4kB", 892928: "892kB", 12_500_000: "12MB"} {
		if got := sizeString(n); got != want {
			t.Errorf("sizeString(%d) = %q, want %q", n, got, want)
		}
	}
}
