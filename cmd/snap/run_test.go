package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/snappy-pm/snappy/confine/launch"
)

// TestMain lets the tests run the test binary as the snap command, so
// "snap run" is tested through a real exec without a separate build.
func TestMain(m *testing.M) {
	if launch.IsStage2() {
		launch.Stage2()
		return
	}
	if os.Getenv("SNAPPY_TEST_BE_SNAP") == "1" {
		os.Exit(newApp().run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// fakeSnap installs a snap the way the daemon leaves it: R/snap/NAME/REV
// with meta/snap.yaml and its files, and a relative "current" link.
func fakeSnap(t *testing.T, root, name, rev, yaml string, files map[string]string) {
	t.Helper()
	dir := filepath.Join(root, "snap", name, rev)
	files["meta/snap.yaml"] = yaml
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(rev, filepath.Join(root, "snap", name, "current")); err != nil {
		t.Fatal(err)
	}
}

const helloYAML = `name: hello
version: "1.0"
summary: says hello
description: prints its arguments and environment
confinement: classic
apps:
  hello:
    command: bin/hello --data $SNAP_DATA
    command-chain: [bin/chain]
  fail:
    command: bin/fail
  killself:
    command: bin/killself
`

var helloFiles = map[string]string{
	"bin/chain":    "#!/bin/sh\necho chained\nexec \"$@\"\n",
	"bin/hello":    "#!/bin/sh\nfor a in \"$@\"; do echo \"arg=$a\"; done\nenv\n",
	"bin/fail":     "#!/bin/sh\nexit 7\n",
	"bin/killself": "#!/bin/sh\nkill -TERM $$\nsleep 10\n",
}

type runEnv struct{ root, home string }

func newRunEnv(t *testing.T) runEnv {
	base := t.TempDir()
	e := runEnv{root: filepath.Join(base, "root"), home: filepath.Join(base, "home")}
	if err := os.MkdirAll(e.home, 0o755); err != nil {
		t.Fatal(err)
	}
	return e
}

// snapRun runs "snap run ARGS..." as a separate process under the root.
func (e runEnv) snapRun(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, append([]string{"run"}, args...)...)
	cmd.Env = append(os.Environ(), "SNAPPY_TEST_BE_SNAP=1", "SNAPPY_GLOBAL_ROOT="+e.root, "HOME="+e.home)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// TestRunUnconfined checks the path of classic apps, which snap run execs
// itself; strict and devmode apps go through confine/launch, tested there
// and in spread-tests.
func TestRunUnconfined(t *testing.T) {
	e := newRunEnv(t)
	fakeSnap(t, e.root, "hello", "x1", helloYAML, helloFiles)
	out, errOut, err := e.snapRun(t, "hello", "a", "b c", "--flag", "--")
	if err != nil {
		t.Fatalf("%v: %s", err, errOut)
	}
	lines := strings.Split(out, "\n")
	snapDir := filepath.Join(e.root, "snap", "hello", "x1")
	dataDir := filepath.Join(e.root, "var", "snap", "hello", "x1")
	wantArgs := []string{"chained", "arg=--data", "arg=" + dataDir, "arg=a", "arg=b c", "arg=--flag", "arg=--"}
	if len(lines) < len(wantArgs) || strings.Join(lines[:len(wantArgs)], "\n") != strings.Join(wantArgs, "\n") {
		t.Errorf("output starts\n%s\nwant\n%s", out, strings.Join(wantArgs, "\n"))
	}
	env := map[string]string{}
	for _, l := range lines[len(wantArgs):] {
		if k, v, ok := strings.Cut(l, "="); ok {
			env[k] = v
		}
	}
	userData := filepath.Join(e.home, "snap", "hello", "x1")
	for k, want := range map[string]string{
		"SNAP":               snapDir,
		"SNAP_NAME":          "hello",
		"SNAP_INSTANCE_NAME": "hello",
		"SNAP_REVISION":      "x1",
		"SNAP_VERSION":       "1.0",
		"SNAP_DATA":          dataDir,
		"SNAP_COMMON":        filepath.Join(e.root, "var", "snap", "hello", "common"),
		"SNAP_USER_DATA":     userData,
		"SNAP_USER_COMMON":   filepath.Join(e.home, "snap", "hello", "common"),
		"SNAP_REAL_HOME":     e.home,
		"HOME":               e.home, // classic keeps the real home, as in snapd
	} {
		if env[k] != want {
			t.Errorf("%s=%q, want %q", k, env[k], want)
		}
	}
	for dir, mode := range map[string]os.FileMode{
		filepath.Join(e.home, "snap"): 0o700,
		userData:                      0o755,
		filepath.Join(e.home, "snap", "hello", "common"): 0o755,
	} {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode() != os.ModeDir|mode {
			t.Errorf("%s: %v %v, want mode %v", dir, fi.Mode(), err, mode)
		}
	}
	if cur, err := os.Readlink(filepath.Join(e.home, "snap", "hello", "current")); err != nil || cur != "x1" {
		t.Errorf("~/snap/hello/current -> %q, %v", cur, err)
	}
}

func TestRunExitStatusAndSignal(t *testing.T) {
	e := newRunEnv(t)
	fakeSnap(t, e.root, "hello", "x1", helloYAML, helloFiles)
	_, _, err := e.snapRun(t, "hello.fail")
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 7 {
		t.Errorf("hello.fail: %v, want exit status 7", err)
	}
	_, _, err = e.snapRun(t, "hello.killself")
	if !errors.As(err, &exitErr) {
		t.Fatalf("hello.killself: %v, want killed by SIGTERM", err)
	}
	ws := exitErr.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("hello.killself: %v, want killed by SIGTERM", err)
	}
}

func TestRunClassic(t *testing.T) {
	e := newRunEnv(t)
	yaml := "name: tool\nversion: '2'\nsummary: s\ndescription: d\nconfinement: classic\napps:\n  tool:\n    command: bin/tool\n"
	fakeSnap(t, e.root, "tool", "3", yaml, map[string]string{"bin/tool": "#!/bin/sh\necho \"classic $SNAP_REVISION $1 $HOME\"\n"})
	out, errOut, err := e.snapRun(t, "tool.tool", "x")
	// Classic apps keep the real home, as in snapd.
	if err != nil || out != "classic 3 x "+e.home+"\n" {
		t.Errorf("got %q, %v: %s", out, err, errOut)
	}
}

func TestRunRefused(t *testing.T) {
	e := newRunEnv(t)
	strict := strings.Replace(helloYAML, "confinement: classic", "confinement: strict", 1)
	fakeSnap(t, e.root, "hello", "x1", strict, helloFiles)
	for _, tc := range []struct{ target, want string }{
		{"hello.fail", `error: cannot run "hello.fail": snap hello has no security profile for snap.hello.fail (` +
			filepath.Join(e.root, "var", "lib", "snapd", "mount", "snap.hello.fstab") + ` is missing): reinstall it or restart snapd` + "\n"},
		{"hello.nope", `error: cannot run "hello.nope": snap "hello" has no app "nope" ("snap info hello" lists its commands)` + "\n"},
		{"../x", `error: cannot run "../x": "" is not a snap name (give NAME.APP, as "snap info NAME" lists them)` + "\n"},
		{"absent", `error: snap "absent" is not installed (no ` + filepath.Join(e.root, "snap", "absent", "current") + `): "snap list" shows the ones that are` + "\n"},
	} {
		out, errOut, err := e.snapRun(t, tc.target)
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 || out != "" || errOut != tc.want {
			t.Errorf("%s: %v, stdout %q, stderr\n%q\nwant\n%q", tc.target, err, out, errOut, tc.want)
		}
	}
	// Nothing was created for an app that did not run.
	if _, err := os.Stat(filepath.Join(e.home, "snap")); !os.IsNotExist(err) {
		t.Errorf("~/snap exists after refused runs: %v", err)
	}
}

func TestMakeRuntimeDir(t *testing.T) {
	userRuntime := filepath.Join(t.TempDir(), "run", "user", "1000")
	dir := filepath.Join(userRuntime, "snap.hello")
	// No session, no runtime dir: nothing to do, and no error.
	if err := makeRuntimeDir(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("created %s without a user runtime dir: %v", dir, err)
	}
	if err := os.MkdirAll(userRuntime, 0o700); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := makeRuntimeDir(dir); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode() != os.ModeDir|0o700 {
		t.Errorf("%s: %v, %v", dir, fi, err)
	}
}

func TestCommandLineFromWrapperName(t *testing.T) {
	cases := []struct {
		argv []string
		want []string
	}{
		{[]string{"/usr/bin/snap", "list"}, []string{"list"}},
		{[]string{"snap"}, []string{}},
		{[]string{"/r/snap/bin/hello", "a", "--flag"}, []string{"run", "hello", "a", "--flag"}},
		{[]string{"hello.env"}, []string{"run", "hello.env"}},
	}
	for _, c := range cases {
		got := commandLine(c.argv)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("commandLine(%q) = %q, want %q", c.argv, got, c.want)
		}
	}
}
