package spreadtests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests drive the runner with bash-only tasks written to a temporary
// directory, so that they need neither the binaries nor (mostly) root.

func writeTask(t *testing.T, root, name, yaml string) {
	t.Helper()
	dir := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runSelfTask runs one task from yaml and returns its result.
func runSelfTask(t *testing.T, yaml string) *taskResult {
	t.Helper()
	dir := t.TempDir()
	writeTask(t, dir, "self/task", yaml)
	tasks, err := loadTasks(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].name != "self/task" {
		t.Fatalf("loaded %d tasks, want self/task", len(tasks))
	}
	libDir, err := filepath.Abs("lib")
	if err != nil {
		t.Fatal(err)
	}
	r := &runner{libDir: libDir, outDir: t.TempDir()}
	res := r.run(tasks[0])
	if res.root != "" {
		t.Cleanup(func() { os.RemoveAll(res.root) })
	}
	return res
}

func wantProblem(t *testing.T, res *taskResult, substr string) {
	t.Helper()
	for _, p := range res.problems {
		if strings.Contains(p, substr) {
			return
		}
	}
	t.Errorf("no problem mentions %q; problems: %q", substr, res.problems)
}

func TestRunnerPassingTaskSeesItsEnvironment(t *testing.T) {
	res := runSelfTask(t, `
summary: the environment the runner promises
environment:
  FIRST: one
  SECOND: "$FIRST and two"
  QUOTED: 'say "hi"'
prepare: |
  touch "$SNAPPY_GLOBAL_ROOT/prepared"
execute: |
  test -f "$SNAPPY_GLOBAL_ROOT/prepared"
  test "$HOME" = "$SNAPPY_GLOBAL_ROOT/home/test"
  test -d "$HOME"
  test "$SPREAD_TASK" = self/task
  test "$PWD" = "$SPREAD_PATH"
  test -f "$SPREAD_PATH/task.yaml"
  test -f "$TESTSLIB/lib.sh"
  test "$SECOND" = "one and two"
  test "$QUOTED" = 'say "hi"'
  test -d "$WORK"
  printf 'a\nb c\n' | match '^b c$'
  expect_failure false | match '^$'
  expect_status 3 sh -c 'echo three; exit 3' | match three
  retry 3 true
restore: |
  rm "$SNAPPY_GLOBAL_ROOT/prepared"
`)
	if res.failed() {
		t.Fatalf("problems: %q", res.problems)
	}
	if !res.removed {
		t.Error("root was not removed")
	}
	if _, err := os.Stat(res.root); !os.IsNotExist(err) {
		t.Errorf("root %s still exists: %v", res.root, err)
	}
}

func TestRunnerRestoreRunsAfterExecuteFails(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "restored")
	res := runSelfTask(t, `
summary: execute fails
environment:
  MARKER: `+marker+`
execute: |
  echo before the failure
  test 1 = 2
  echo not reached
restore: |
  touch "$MARKER"
`)
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("restore did not run: %v", err)
	}
	ex := res.phase("execute")
	if ex == nil || ex.exitCode != 1 {
		t.Fatalf("execute = %+v, want exit code 1", ex)
	}
	wantProblem(t, res, "execute failed with exit code 1")
	wantProblem(t, res, "before the failure")
	// The ERR trap names the line in the task's own script.
	wantProblem(t, res, `execute line 2: "test 1 = 2" exited 1`)
	if strings.Contains(ex.output, "not reached") {
		t.Error("execute went on after a failure")
	}
	if p := res.phase("restore"); p == nil || p.failed() {
		t.Errorf("restore = %+v", p)
	}
}

func TestRunnerRestoreRunsAfterPrepareFails(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "restored")
	res := runSelfTask(t, `
summary: prepare fails
environment:
  MARKER: `+marker+`
prepare: |
  exit 7
execute: |
  touch "$MARKER.executed"
restore: |
  touch "$MARKER"
debug: |
  echo debugging the failure
`)
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("restore did not run: %v", err)
	}
	if _, err := os.Stat(marker + ".executed"); err == nil {
		t.Error("execute ran after prepare failed")
	}
	wantProblem(t, res, "prepare failed with exit code 7")
	if p := res.phase("debug"); p == nil || !strings.Contains(p.output, "debugging the failure") {
		t.Errorf("debug = %+v", p)
	}
}

func TestRunnerFailingRestoreFails(t *testing.T) {
	res := runSelfTask(t, `
summary: restore fails
execute: "true"
restore: |
  false
`)
	wantProblem(t, res, "restore failed with exit code 1")
}

func TestRunnerTimeoutKillsTheProcessGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "bg.pid")
	start := time.Now()
	res := runSelfTask(t, `
summary: execute hangs
kill-timeout: 1s
environment:
  PIDFILE: `+pidFile+`
execute: |
  sleep 300 &
  echo $! > "$PIDFILE"
  sleep 301
`)
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("took %s", elapsed)
	}
	ex := res.phase("execute")
	if ex == nil || !ex.timedOut {
		t.Fatalf("execute = %+v, want a timeout", ex)
	}
	wantProblem(t, res, "execute timed out after")
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("background process %d of the timed out phase is alive", pid)
	}
	// The group kill got it, so the leak check had nothing left to find.
	for _, p := range res.problems {
		if strings.Contains(p, "still running after restore") {
			t.Errorf("unexpected leak report: %s", p)
		}
	}
}

func TestRunnerKillsLeakedProcesses(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	res := runSelfTask(t, `
summary: leaves processes behind
environment:
  PIDFILE: `+pidFile+`
execute: |
  # Out of the phase's process group, so only the leak check finds them:
  # one by its environment, one by its working directory alone.
  setsid sleep 300 </dev/null >/dev/null 2>&1 &
  echo $! >> "$PIDFILE"
  (cd "$SNAPPY_GLOBAL_ROOT" && exec env -u SNAPPY_GLOBAL_ROOT setsid sleep 301 </dev/null >/dev/null 2>&1) &
  echo $! >> "$PIDFILE"
  sleep 0.2
`)
	if p := res.phase("execute"); p == nil || p.failed() {
		t.Fatalf("execute = %+v", p)
	}
	wantProblem(t, res, "its environment has SNAPPY_GLOBAL_ROOT="+res.root)
	wantProblem(t, res, "its working directory is "+res.root)
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range strings.Fields(string(data)) {
		pid, _ := strconv.Atoi(f)
		if alive(pid) {
			t.Errorf("leaked process %d is still alive", pid)
		}
	}
	if !res.removed {
		t.Error("root was not removed")
	}
}

func TestRunnerReleasesLeftoverMounts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting needs root")
	}
	for _, tool := range []string{"mksquashfs", "losetup"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing", tool)
		}
	}
	res := runSelfTask(t, `
summary: leaves a tmpfs, a squashfs and a bare loop device behind
execute: |
  mkdir -p "$SNAPPY_GLOBAL_ROOT/mnt/tmp" "$SNAPPY_GLOBAL_ROOT/mnt/sq"
  mount -t tmpfs tmpfs "$SNAPPY_GLOBAL_ROOT/mnt/tmp"
  echo precious > "$SNAPPY_GLOBAL_ROOT/mnt/tmp/file"
  make_snap "$WORK/src" leak 1.0
  mksquashfs_snap "$WORK/src" "$WORK/leak.snap"
  mount -t squashfs -o ro "$WORK/leak.snap" "$SNAPPY_GLOBAL_ROOT/mnt/sq"
  cp "$WORK/leak.snap" "$WORK/bare.snap"
  losetup -f "$WORK/bare.snap"
`)
	if p := res.phase("execute"); p == nil || p.failed() {
		t.Fatalf("execute = %+v", p)
	}
	wantProblem(t, res, "/mnt/tmp (tmpfs from tmpfs) was still mounted after restore")
	wantProblem(t, res, "/mnt/sq (squashfs from /dev/loop")
	wantProblem(t, res, "/work/bare.snap after restore; detached it")
	if !res.removed {
		t.Errorf("root was not removed: %q", res.problems)
	}
	if ms, _ := mountsUnder(res.root); len(ms) != 0 {
		t.Errorf("still mounted: %+v", ms)
	}
	if ls := loopsUnder(res.root); len(ls) != 0 {
		t.Errorf("still bound: %+v", ls)
	}
}

func TestLibCleanupRootReleasesEverything(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting needs root")
	}
	if _, err := exec.LookPath("mksquashfs"); err != nil {
		t.Skip("mksquashfs is missing")
	}
	res := runSelfTask(t, `
summary: cleanup_root undoes a fake install
prepare: |
  make_snap "$WORK/src" fake 1.0 devmode
  snap=$(mksquashfs_snap "$WORK/src" "$WORK/fake.snap")
  mkdir -p "$SNAPPY_GLOBAL_ROOT/snap/fake/x1" "$SNAPPY_GLOBAL_ROOT/var/lib/snapd/snaps" "$SNAPPY_GLOBAL_ROOT/mnt"
  cp "$snap" "$SNAPPY_GLOBAL_ROOT/var/lib/snapd/snaps/fake_x1.snap"
  # No autoclear: the device must be detached by cleanup_root itself.
  dev=$(losetup -f --show -r "$SNAPPY_GLOBAL_ROOT/var/lib/snapd/snaps/fake_x1.snap")
  mount -t squashfs -o ro "$dev" "$SNAPPY_GLOBAL_ROOT/snap/fake/x1"
  ln -s x1 "$SNAPPY_GLOBAL_ROOT/snap/fake/current"
  mount -t tmpfs tmpfs "$SNAPPY_GLOBAL_ROOT/mnt"
execute: |
  assert_snap_mounted fake x1
  mounts_under "$SNAPPY_GLOBAL_ROOT" | match "/snap/fake/x1$"
  loops_under "$SNAPPY_GLOBAL_ROOT" | match "fake_x1.snap$"
  expect_failure assert_snap_mounted fake x2 | match "is not mounted"
  printf 'x\n' | expect_failure match y | match 'no line matches'
restore: |
  cleanup_root
  test -z "$(mounts_under "$SNAPPY_GLOBAL_ROOT")"
  test -z "$(loops_under "$SNAPPY_GLOBAL_ROOT")"
`)
	if res.failed() {
		t.Fatalf("problems: %q", res.problems)
	}
}

func TestParseTaskRefusesMistakes(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"summary: s\nexecute: x\nrestor: y\n", "field restor not found"},
		{"execute: x\n", "summary is missing"},
		{"summary: s\n", "execute is missing"},
		{"summary: s\nexecute: x\nkill-timeout: soon\n", "kill-timeout"},
		{"summary: s\nexecute: x\nenvironment: [a]\n", "environment must be a map"},
		{"summary: s\nexecute: x\nenvironment:\n  A/b: 1\n", "variants"},
		{"summary: s\nexecute: x\nenvironment:\n  1A: 1\n", "not a shell variable name"},
		{"summary: s\nexecute: x\nenvironment:\n  SNAPPY_GLOBAL_ROOT: /\n", "set by the runner"},
	} {
		_, err := parseTaskData([]byte(tc.yaml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error with %q", tc.yaml, err, tc.want)
		}
	}
	tk, err := parseTaskData([]byte("summary: s\nexecute: x\nkill-timeout: 5m\nenvironment:\n  B: 2\n  A: $B\n  C:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tk.killTimeout != 5*time.Minute {
		t.Errorf("kill-timeout = %s", tk.killTimeout)
	}
	if len(tk.env) != 3 || tk.env[0] != (envVar{"B", "2"}) || tk.env[1] != (envVar{"A", "$B"}) || tk.env[2] != (envVar{"C", ""}) {
		t.Errorf("env = %+v, want B, A, C in file order", tk.env)
	}
}

func TestParseMountinfoUnescapes(t *testing.T) {
	ms := parseMountinfo([]byte("36 35 98:0 /mnt1 /mnt/a\\040b rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n" +
		"42 27 7:0 / /tmp/x ro,relatime - squashfs /dev/loop0 ro\n"))
	if len(ms) != 2 || ms[0].point != "/mnt/a b" || ms[0].fstype != "ext3" || ms[1].source != "/dev/loop0" {
		t.Errorf("got %+v", ms)
	}
}

func TestRunnerReportsASignal(t *testing.T) {
	res := runSelfTask(t, "summary: s\nexecute: kill -TERM $$\n")
	wantProblem(t, res, "execute was killed by terminated")
}

func TestRunnerNamesTheFailingLine(t *testing.T) {
	res := runSelfTask(t, `
summary: a failure inside a function, after expected failures in subshells
execute: |
  x=$(false; echo quiet)
  check() {
    test 1 = 1
    test 1 = 2
  }
  if check; then :; fi
  check
`)
	ex := res.phase("execute")
	if ex == nil || !strings.Contains(ex.output, `spread: execute line 4: "test 1 = 2" exited 1`) {
		t.Fatalf("execute = %+v", ex)
	}
	if n := strings.Count(ex.output, "spread: "); n != 1 {
		t.Errorf("%d failure lines, want 1:\n%s", n, ex.output)
	}
}
