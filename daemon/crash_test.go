package daemon

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/mount"
	"github.com/snappy-pm/snappy/snap/paths"
)

// TestMain lets the crash tests run this test binary as a real daemon
// process, which they then kill -9 from inside a task.
func TestMain(m *testing.M) {
	if os.Getenv("SNAPPY_TEST_AS_DAEMON") == "1" {
		runTestDaemon()
		return
	}
	if spec := os.Getenv("SNAPPY_TEST_REQUEST"); spec != "" {
		requestAs(spec)
		return
	}
	os.Exit(m.Run())
}

func runTestDaemon() {
	log := logrus.New()
	log.SetOutput(os.Stderr)
	d, err := New(Options{Paths: paths.FromEnv(), Log: log, Manager: snapmgr.Options{
		SnapBinary: "/usr/bin/true",
		CrashTask:  os.Getenv("SNAPPY_TESTING_CRASH_TASK"),
	}})
	if err == nil {
		err = d.Start()
	}
	if err != nil {
		log.Error(err)
		os.Exit(1)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM)
	<-sigs
	d.Stop()
}

// proc is a daemon child process; exited closes once it has been reaped,
// after which cmd.ProcessState may be read.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// daemonProcess starts the daemon as a child; it is killed at cleanup if
// it is still running.
func daemonProcess(t *testing.T, p paths.Paths, crashAt string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SNAPPY_TEST_AS_DAEMON=1", paths.RootEnv+"="+p.Root, "SNAPPY_TESTING_CRASH_TASK="+crashAt)
	if testing.Verbose() {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	for i := 0; i < 500; i++ {
		if c, err := client(p).Get("http://localhost/v2/system-info"); err == nil {
			io.Copy(io.Discard, c.Body)
			c.Body.Close()
			return &proc{cmd: cmd, exited: exited}
		}
		select {
		case <-exited:
			t.Fatal("daemon exited at start")
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatal("daemon did not start")
	return nil
}

func waitKilled(t *testing.T, d *proc) {
	t.Helper()
	select {
	case <-d.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("daemon was not killed by the injected crash")
	}
	if ws, ok := d.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("daemon ended with %v, want SIGKILL", d.cmd.ProcessState)
	}
}

// installedConsistently checks that files, mounts and the API agree that
// name is installed at x1, or agree that it is absent.
func installedConsistently(t *testing.T, p paths.Paths, name string, want bool) {
	t.Helper()
	mounted, _ := mount.IsMounted(p.MountDir(name, "x1"))
	_, blobErr := os.Stat(p.BlobPath(name, "x1"))
	cur, _ := os.Readlink(p.CurrentLink(name))
	_, dataErr := os.Stat(p.DataDir(name, "x1"))
	var listed []map[string]any
	json.Unmarshal(get(t, p, "/v2/snaps").Result, &listed)
	got := []bool{mounted, blobErr == nil, cur == "x1", dataErr == nil, len(listed) == 1}
	all := []bool{want, want, want, want, want}
	if !reflect.DeepEqual(got, all) {
		t.Fatalf("installed=%v but mounted, blob, current, data, listed = %v", want, got)
	}
}

func TestCrashAtEachInstallTask(t *testing.T) {
	needRoot(t)
	file := simpleSnap(t, "crash-test", "devmode")
	for _, kind := range []string{"prerequisites", "prepare-snap", "mount-snap", "copy-snap-data", "setup-profiles", "link-snap"} {
		for _, at := range []string{kind, kind + ":after"} {
			t.Run(at, func(t *testing.T) {
				p := newRoot(t)
				cmd := daemonProcess(t, p, at)
				r := upload(t, p, file, map[string]string{"dangerous": "true", "devmode": "true"})
				if r.Type != "async" {
					t.Fatalf("install: %s", r.Result)
				}
				waitKilled(t, cmd)
				daemonProcess(t, p, "")
				c := waitChange(t, p, r.Change)
				if c.Status != "Done" {
					t.Fatalf("after restart the change is %s: %s", c.Status, c.Err)
				}
				installedConsistently(t, p, "crash-test", true)
				rm := waitChange(t, p, postJSON(t, p, "/v2/snaps/crash-test", `{"action":"remove"}`).Change)
				if rm.Status != "Done" {
					t.Fatalf("remove after recovery: %s", rm.Err)
				}
				installedConsistently(t, p, "crash-test", false)
			})
		}
	}
}

func TestCrashAtEachRemoveTask(t *testing.T) {
	needRoot(t)
	file := simpleSnap(t, "crash-test", "devmode")
	for _, kind := range []string{"unlink-snap", "remove-profiles", "clear-snap", "discard-snap"} {
		for _, at := range []string{kind, kind + ":after"} {
			t.Run(at, func(t *testing.T) {
				p := newRoot(t)
				first := daemonProcess(t, p, "")
				r := upload(t, p, file, map[string]string{"dangerous": "true", "devmode": "true"})
				if c := waitChange(t, p, r.Change); c.Status != "Done" {
					t.Fatalf("install: %s", c.Err)
				}
				first.cmd.Process.Signal(syscall.SIGTERM)
				<-first.exited
				cmd := daemonProcess(t, p, at)
				r = postJSON(t, p, "/v2/snaps/crash-test", `{"action":"remove"}`)
				waitKilled(t, cmd)
				daemonProcess(t, p, "")
				if c := waitChange(t, p, r.Change); c.Status != "Done" {
					t.Fatalf("after restart the remove is %s: %s", c.Status, c.Err)
				}
				installedConsistently(t, p, "crash-test", false)
			})
		}
	}
}

// TestBootMountsEverything simulates a reboot: every mount gone, the
// daemon starts and mounts each installed revision again.
func TestBootMountsEverything(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	d := startDaemon(t, p, snapmgr.Options{SnapBinary: "/usr/bin/true"})
	for _, name := range []string{"boot-a", "boot-b", "boot-c"} {
		r := upload(t, p, simpleSnap(t, name, "devmode"), map[string]string{"dangerous": "true", "devmode": "true"})
		if c := waitChange(t, p, r.Change); c.Status != "Done" {
			t.Fatal(c.Err)
		}
	}
	d.Stop()
	for _, m := range mountsUnder(t, p.Root) {
		if err := mount.Unmount(m); err != nil {
			t.Fatal(err)
		}
	}
	startDaemon(t, p, snapmgr.Options{SnapBinary: "/usr/bin/true"})
	for _, name := range []string{"boot-a", "boot-b", "boot-c"} {
		if ok, _ := mount.IsMounted(p.MountDir(name, "x1")); !ok {
			t.Errorf("%s not mounted after boot", name)
		}
	}
	for _, name := range []string{"boot-a", "boot-b", "boot-c"} {
		waitChange(t, p, postJSON(t, p, "/v2/snaps/"+name, `{"action":"remove"}`).Change)
	}
}

// TestStaleUploadsRemovedAtStart: an upload that no in-flight change will
// move into place (a crash mid-upload leaves one) is deleted at start.
func TestStaleUploadsRemovedAtStart(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	if err := os.MkdirAll(p.BlobDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(p.BlobDir(), snapmgr.UploadPrefix+"123")
	if err := os.WriteFile(stale, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, p, snapmgr.Options{})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale upload still there after start: %v", err)
	}
}

// TestBootSurvivesAMissingBlob: a crash inside discard-snap can leave a
// revision recorded whose blob is gone. The daemon must still start, and
// removing the snap must still work.
func TestBootSurvivesAMissingBlob(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	d := startDaemon(t, p, snapmgr.Options{SnapBinary: "/usr/bin/true"})
	r := upload(t, p, simpleSnap(t, "lost-blob", "devmode"), map[string]string{"dangerous": "true", "devmode": "true"})
	if c := waitChange(t, p, r.Change); c.Status != "Done" {
		t.Fatal(c.Err)
	}
	d.Stop()
	if err := mount.Unmount(p.MountDir("lost-blob", "x1")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(p.BlobPath("lost-blob", "x1")); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, p, snapmgr.Options{SnapBinary: "/usr/bin/true"})
	if c := waitChange(t, p, postJSON(t, p, "/v2/snaps/lost-blob", `{"action":"remove"}`).Change); c.Status != "Done" {
		t.Fatalf("remove after a lost blob: %s", c.Err)
	}
	installedConsistently(t, p, "lost-blob", false)
}
