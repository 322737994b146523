package daemon

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"

	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/mount"
)

func TestInstallListRemove(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	startDaemon(t, p, snapmgr.Options{SnapBinary: "/usr/bin/true"})
	file := simpleSnap(t, "hello-test", "devmode")

	r := upload(t, p, file, map[string]string{"action": "install", "dangerous": "true", "devmode": "true", "snap-path": "/home/u/hello.snap"})
	if r.Type != "async" || r.StatusCode != 202 || r.Change == "" || string(r.Result) != "null" {
		t.Fatalf("install response: %+v %s", r, r.Result)
	}
	c := waitChange(t, p, r.Change)
	if c.Status != "Done" || c.Kind != "install-snap" || c.Summary != `Install "hello-test" snap from file "/home/u/hello.snap"` {
		t.Fatalf("change: %+v", c)
	}
	var kinds []string
	for _, tk := range c.Tasks {
		kinds = append(kinds, tk.Kind)
		if tk.Status != "Done" || tk.Progress.Done != 1 || tk.Progress.Total != 1 || tk.ReadyTime == nil {
			t.Fatalf("task %+v", tk)
		}
	}
	if want := []string{"prerequisites", "prepare-snap", "mount-snap", "copy-snap-data", "setup-profiles", "link-snap"}; !reflect.DeepEqual(kinds, want) {
		t.Fatalf("tasks %v, want %v", kinds, want)
	}

	mnt := p.MountDir("hello-test", "x1")
	if ok, _ := mount.IsMounted(mnt); !ok {
		t.Fatalf("%s not mounted", mnt)
	}
	if err := unix.Access(filepath.Join(mnt, "bin", "hello"), unix.W_OK); err != unix.EROFS {
		t.Fatalf("mount is writable: %v", err)
	}
	for link, want := range map[string]string{
		p.CurrentLink("hello-test"):                   "x1",
		p.DataCurrentLink("hello-test"):               "x1",
		filepath.Join(p.BinDir(), "hello-test"):       "/usr/bin/true",
		filepath.Join(p.BinDir(), "hello-test.other"): "/usr/bin/true",
	} {
		if got, err := os.Readlink(link); err != nil || got != want {
			t.Errorf("%s -> %q (%v), want %q", link, got, err, want)
		}
	}
	for _, f := range []string{p.BlobPath("hello-test", "x1"), p.DataDir("hello-test", "x1"), p.CommonDataDir("hello-test")} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(p.BlobDir(), ".local-install-*")); len(left) > 0 {
		t.Errorf("uploads left: %v", left)
	}
	artifacts := []string{filepath.Join(p.MountProfileDir(), "snap.hello-test.fstab")}
	for _, tag := range []string{"snap.hello-test.hello-test", "snap.hello-test.other"} {
		artifacts = append(artifacts, filepath.Join(p.SeccompDir(), tag+".bin"), filepath.Join(p.SeccompDir(), tag+".src"),
			filepath.Join(p.LandlockDir(), tag+".json"), filepath.Join(p.AppArmorDir(), tag))
	}
	for _, f := range artifacts {
		if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
			t.Errorf("security artifact %s: %v", f, err)
		}
	}

	r = get(t, p, "/v2/snaps")
	var snaps []map[string]any
	json.Unmarshal(r.Result, &snaps)
	if len(snaps) != 1 {
		t.Fatalf("list: %s", r.Result)
	}
	s := snaps[0]
	for k, want := range map[string]any{"name": "hello-test", "version": "1.0", "revision": "x1", "status": "active",
		"type": "app", "confinement": "devmode", "devmode": true, "mounted-from": p.BlobPath("hello-test", "x1"), "id": "", "channel": ""} {
		if s[k] != want {
			t.Errorf("snap field %s = %v, want %v", k, s[k], want)
		}
	}
	for _, k := range []string{"summary", "description", "installed-size", "developer", "ignore-validation", "private", "jailmode", "apps", "contact", "install-date"} {
		if _, ok := s[k]; !ok {
			t.Errorf("snap field %s missing", k)
		}
	}

	// A second change on the same snap while one is in flight conflicts;
	// here the first is done, so a second install is refused for another
	// reason (no refresh yet) and a remove goes through.
	r = postJSON(t, p, "/v2/snaps/hello-test", `{"action":"remove"}`)
	if r.Type != "async" {
		t.Fatalf("remove: %s", r.Result)
	}
	c = waitChange(t, p, r.Change)
	if c.Status != "Done" {
		t.Fatalf("remove change: %+v", c)
	}
	if ok, _ := mount.IsMounted(mnt); ok {
		t.Fatal("still mounted after remove")
	}
	for _, f := range []string{p.SnapDir("hello-test"), p.BlobPath("hello-test", "x1"), p.SnapDataRoot("hello-test"), filepath.Join(p.BinDir(), "hello-test")} {
		if _, err := os.Lstat(f); !os.IsNotExist(err) {
			t.Errorf("%s still there after remove (%v)", f, err)
		}
	}
	if r = get(t, p, "/v2/snaps"); string(r.Result) != "[]" {
		t.Fatalf("list after remove: %s", r.Result)
	}
	for _, f := range artifacts {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("security artifact %s left after remove (%v)", f, err)
		}
	}
}

func TestInstallRefusals(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	startDaemon(t, p, snapmgr.Options{})
	devmode := simpleSnap(t, "dev-test", "devmode")
	classic := simpleSnap(t, "classic-test", "classic")
	notSnap := filepath.Join(t.TempDir(), "x.snap")
	os.WriteFile(notSnap, []byte("not a squashfs"), 0o644)
	bad := makeSnap(t, "name: Bad_Name\nversion: 1\n", map[string]string{})
	withBase := makeSnap(t, "name: based\nversion: 1\nbase: no-such-base\nconfinement: devmode\n", map[string]string{})

	cases := []struct {
		name   string
		file   string
		fields map[string]string
		kind   string
		msg    string
	}{
		{"unsigned", devmode, map[string]string{"devmode": "true"}, "", "--dangerous"},
		{"devmode", devmode, map[string]string{"dangerous": "true"}, "snap-needs-devmode", "requires devmode"},
		{"classic", classic, map[string]string{"dangerous": "true"}, "snap-needs-classic", "requires classic confinement"},
		{"not squashfs", notSnap, map[string]string{"dangerous": "true"}, "", "not a squashfs image"},
		{"invalid yaml", bad, map[string]string{"dangerous": "true"}, "", `"name"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := tree(t, p)
			r := upload(t, p, c.file, c.fields)
			if r.Type != "error" || r.StatusCode != 400 {
				t.Fatalf("got %s %d: %s", r.Type, r.StatusCode, r.Result)
			}
			if e := r.errorResult(t); e.Kind != c.kind || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("kind %q message %q", e.Kind, e.Message)
			}
			if after := tree(t, p); !reflect.DeepEqual(before, after) {
				t.Fatalf("refusal changed the system:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
	t.Run("missing base", func(t *testing.T) {
		before := tree(t, p)
		r := upload(t, p, withBase, map[string]string{"dangerous": "true", "devmode": "true"})
		c := waitChange(t, p, r.Change)
		if c.Status != "Error" || !strings.Contains(c.Err, `base "no-such-base" is not installed`) {
			t.Fatalf("change: %+v", c)
		}
		if after := tree(t, p); !reflect.DeepEqual(before, after) {
			t.Fatalf("failed install changed the system:\nbefore %v\nafter  %v", before, after)
		}
	})
}

// TestFailureAtEachTaskUndoes injects a failure after each task of an
// install has done its work: the change must undo everything before it.
func TestFailureAtEachTaskUndoes(t *testing.T) {
	needRoot(t)
	file := simpleSnap(t, "undo-test", "devmode")
	for _, kind := range []string{"prerequisites", "prepare-snap", "mount-snap", "copy-snap-data", "setup-profiles", "link-snap"} {
		t.Run(kind, func(t *testing.T) {
			p := newRoot(t)
			d := startDaemon(t, p, snapmgr.Options{FailTask: kind, SnapBinary: "/usr/bin/true"})
			before := tree(t, p)
			r := upload(t, p, file, map[string]string{"dangerous": "true", "devmode": "true"})
			c := waitChange(t, p, r.Change)
			if c.Status != "Error" || !strings.Contains(c.Err, "injected failure in "+kind) {
				t.Fatalf("change: %s %q", c.Status, c.Err)
			}
			for _, tk := range c.Tasks {
				switch {
				case tk.Kind == kind && tk.Status != "Error",
					tk.Kind != kind && tk.Status != "Undone" && tk.Status != "Hold":
					t.Errorf("task %s is %s", tk.Kind, tk.Status)
				}
			}
			if after := tree(t, p); !reflect.DeepEqual(before, after) {
				t.Fatalf("system changed:\nbefore %v\nafter  %v", before, after)
			}
			if m := mountsUnder(t, p.Root); len(m) > 0 {
				t.Fatalf("left mounted: %v", m)
			}
			if r := get(t, p, "/v2/snaps"); string(r.Result) != "[]" {
				t.Fatalf("listed after undo: %s", r.Result)
			}
			d.Stop()
		})
	}
}

// TestConflictAndAbort holds a change on a snap in flight: a second change
// on that snap is refused with 409, and aborting the first ends it.
func TestConflictAndAbort(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	log := logrus.New()
	log.SetOutput(io.Discard)
	d, err := New(Options{Paths: p, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{}, 1)
	d.Engine().AddHandler("test-block", func(tc *state.TaskContext) error {
		started <- struct{}{}
		<-tc.Context().Done()
		return tc.Context().Err()
	}, nil)
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	chg, err := d.Engine().NewChange(state.ChangeSpec{Kind: "remove-snap", Summary: "hold", Snaps: []string{"held"},
		Tasks: []state.TaskSpec{{Kind: "test-block", Summary: "block"}}})
	if err != nil {
		t.Fatal(err)
	}
	<-started
	heldSnap := simpleSnap(t, "held", "strict")
	r := upload(t, p, heldSnap, map[string]string{"dangerous": "true"})
	if r.StatusCode != 409 {
		t.Fatalf("second change: %d %s", r.StatusCode, r.Result)
	}
	if e := r.errorResult(t); e.Kind != "snap-change-conflict" || !strings.Contains(e.Message, `snap "held" has "remove-snap" change in progress`) {
		t.Fatalf("conflict error: %+v", e)
	}
	if r := get(t, p, "/v2/changes"); !strings.Contains(string(r.Result), `"id":"`+chg.ID+`"`) {
		t.Fatalf("in-progress changes: %s", r.Result)
	}
	r = postJSON(t, p, "/v2/changes/"+chg.ID, `{"action":"abort"}`)
	if r.Type != "sync" {
		t.Fatalf("abort: %s", r.Result)
	}
	c := waitChange(t, p, chg.ID)
	if c.Status != "Error" && c.Status != "Undone" {
		t.Fatalf("aborted change: %+v", c)
	}
	r = postJSON(t, p, "/v2/changes/"+chg.ID, `{"action":"abort"}`)
	if r.StatusCode != 400 || !strings.Contains(r.errorResult(t).Message, "nothing pending") {
		t.Fatalf("abort of a ready change: %d %s", r.StatusCode, r.Result)
	}
	// Once the first is ready the snap is free again: the remove now
	// fails only because the snap is not installed.
	if r := postJSON(t, p, "/v2/snaps", `{"action":"remove","snaps":["held"]}`); r.StatusCode != 404 {
		t.Fatalf("after abort: %d %s", r.StatusCode, r.Result)
	}
	if left, _ := filepath.Glob(filepath.Join(p.BlobDir(), ".local-install-*")); len(left) > 0 {
		t.Fatalf("refused upload left behind: %v", left)
	}
}
