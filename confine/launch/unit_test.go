package launch

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
)

func TestAppArgv(t *testing.T) {
	info := &snap.Info{Name: "x"}
	env := []string{"SNAP=/snap/x/1", "SNAP_DATA=/var/snap/x/1", "EMPTY="}
	for _, tc := range []struct {
		command string
		chain   []string
		args    []string
		want    []string
	}{
		{"bin/app", nil, nil, []string{"/snap/x/1/bin/app"}},
		{"bin/app --conf $SNAP_DATA/c ${SNAP}/d $EMPTY$UNSET", nil, []string{"a b", "$SNAP"},
			[]string{"/snap/x/1/bin/app", "--conf", "/var/snap/x/1/c", "/snap/x/1/d", "", "a b", "$SNAP"}},
		{"/usr/bin/env", []string{"bin/wrap", "/usr/bin/nice"}, nil, []string{"/snap/x/1/bin/wrap", "/usr/bin/nice", "/usr/bin/env"}},
		{"  ", []string{"bin/wrap"}, nil, nil},
	} {
		app := &snap.AppInfo{Snap: info, Name: "a", Command: tc.command, CommandChain: tc.chain}
		if got := AppArgv(app, env, tc.args); !slices.Equal(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.command, got, tc.want)
		}
	}
	hook := &snap.HookInfo{Snap: info, Name: "install", CommandChain: []string{"bin/wrap"}}
	if got := HookArgv(hook, env); !slices.Equal(got, []string{"/snap/x/1/bin/wrap", "/snap/x/1/meta/hooks/install"}) {
		t.Errorf("hook: got %q", got)
	}
}

func TestShellArgv(t *testing.T) {
	info := &snap.Info{Name: "x"}
	app := &snap.AppInfo{Snap: info, Name: "a", Command: "bin/app", CommandChain: []string{"bin/wrap"}}
	s := Spec{Info: info, App: app, Shell: true, Args: []string{"-c", "id"}, Env: []string{"SHELL=/bin/zsh"}}
	argv, shells, at := s.argv([]string{"SNAP=/snap/x/1"})
	if !slices.Equal(argv, []string{"/snap/x/1/bin/wrap", "/bin/sh", "-c", "id"}) || at != 1 ||
		!slices.Equal(shells, []string{"/bin/zsh", "/bin/sh"}) {
		t.Errorf("got %q %q %d", argv, shells, at)
	}
	s.Env = []string{"SHELL=zsh"} // not a path: not a candidate
	if _, shells, _ := s.argv(nil); !slices.Equal(shells, []string{"/bin/sh"}) {
		t.Errorf("got %q", shells)
	}
}

func TestEnvironmentDropsMarker(t *testing.T) {
	info := &snap.Info{Name: "x", Version: "1", Revision: snap.R(1)}
	app := &snap.AppInfo{Snap: info, Name: "a"}
	env := Spec{Info: info, App: app, Env: []string{stage2Env + "=5", "KEEP=1"}}.environment("/home/u", 1000)
	if slices.Contains(env, stage2Env+"=5") || !slices.Contains(env, "KEEP=1") || !slices.Contains(env, "SNAP=/snap/x/1") ||
		!slices.Contains(env, "HOME=/home/u/snap/x/1") || !slices.Contains(env, "SNAP_DATA=/var/snap/x/1") {
		t.Errorf("got %q", env)
	}
}

func TestRealHome(t *testing.T) {
	passwd := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(passwd, []byte("root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\nbad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := passwdHome(passwd, 1000); got != "/home/u" {
		t.Errorf("got %q", got)
	}
	if got := passwdHome(passwd, 42); got != "" {
		t.Errorf("got %q", got)
	}
	if got, err := RealHome([]string{"HOME=/h"}, 0); got != "/h" || err != nil {
		t.Errorf("got %q, %v", got, err)
	}
	if got, err := RealHome(nil, 0); got != "/root" || err != nil {
		t.Errorf("got %q, %v (from /etc/passwd)", got, err)
	}
}

func TestKernelOptions(t *testing.T) {
	for _, tc := range []struct {
		e     profile.Entry
		flags uintptr
		data  string
	}{
		{profile.Entry{Type: profile.TypeTmpfs, Options: []string{"mode=0755", "size=64k", "nosuid", "nodev", "noexec", "ro"}},
			syscall.MS_NOSUID | syscall.MS_NODEV | syscall.MS_NOEXEC, "mode=0755,size=64k"},
		{profile.Entry{Type: profile.TypeDevpts, Options: []string{"newinstance", "ptmxmode=0666", "ro"}},
			syscall.MS_RDONLY, "newinstance,ptmxmode=0666"},
		{profile.Entry{Type: profile.TypeProc}, 0, ""},
	} {
		flags, data := kernelOptions(tc.e)
		if flags != tc.flags || data != tc.data {
			t.Errorf("%v: got %#x %q, want %#x %q", tc.e.Options, flags, data, tc.flags, tc.data)
		}
	}
	if a := mountAttrs(profile.Entry{Options: []string{"rbind", "ro", "nosuid", "noexec"}}); a != 0x1|0x2|0x8 {
		t.Errorf("mount attributes %#x", a)
	}
}

func TestShouldForwardWithoutTerminal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGWINCH} {
		if !shouldForward(sig, true, -1) {
			t.Errorf("%v not forwarded to an app in its own group", sig)
		}
	}
	if !shouldForward(syscall.SIGTERM, false, -1) {
		t.Error("SIGTERM is never the terminal's: always forwarded")
	}
}

func TestSandboxFeatures(t *testing.T) {
	f := SandboxFeatures()
	if !slices.Contains(f["confinement-options"], "devmode") || !slices.Contains(f["confinement-options"], "classic") {
		t.Errorf("confinement-options %q", f["confinement-options"])
	}
	if os.Geteuid() == 0 && !slices.Contains(f["confinement-options"], "strict") {
		t.Error("root can always confine")
	}
	if !slices.Contains(f["mount"], "mount-namespace") {
		t.Errorf("mount %q", f["mount"])
	}
	if abi, _ := landlock.ABI(); abi > 0 && (len(f["landlock"]) == 0 || !slices.Contains(f["landlock"], "fs")) {
		t.Errorf("landlock %q on a kernel with ABI %d", f["landlock"], abi)
	}
	if len(f["seccomp"]) > 0 && !slices.Contains(f["seccomp"], "kernel:errno") {
		t.Errorf("seccomp %q", f["seccomp"])
	}
	for k, v := range f {
		if !slices.IsSorted(v) {
			t.Errorf("%s not sorted: %q", k, v)
		}
	}
	t.Logf("%v", f)
}

func TestLandlockRulesForUser(t *testing.T) {
	p := paths.New(t.TempDir())
	if err := os.MkdirAll(p.LandlockDir(), 0o755); err != nil {
		t.Fatal(err)
	}
	written := landlock.Generate(landlock.GenInput{Tag: "snap.x.a", SnapName: "x", Revision: "1", UserHome: profile.HomeVar})
	if err := landlock.Write(filepath.Join(p.LandlockDir(), "snap.x.a.json"), written); err != nil {
		t.Fatal(err)
	}
	r, err := landlockRules(p, "snap.x.a", "/home/u/", "x", "1", "/run/user/1000/snap.x", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/home/u/snap/x/1", "/home/u/snap/x/common", "/run/user/1000/snap.x", "/var/snap/x/1", "/tmp"} {
		if !slices.Contains(r.ReadWrite, want) {
			t.Errorf("read-write lacks %s: %q", want, r.ReadWrite)
		}
	}
	for _, list := range [][]string{r.ReadExec, r.Read, r.ReadWrite} {
		for _, dir := range list {
			if strings.Contains(dir, "$") {
				t.Errorf("placeholder left: %s", dir)
			}
		}
	}
	// A field this launcher does not know is a restriction it would drop.
	path := filepath.Join(p.LandlockDir(), "snap.x.b.json")
	if err := os.WriteFile(path, []byte(`{"tag":"snap.x.b","read-exec":[],"read":[],"read-write":[],"udp-bind":[53]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := landlockRules(p, "snap.x.b", "/home/u", "x", "1", "", 1000); err == nil {
		t.Error("unknown field accepted")
	}
	if err := os.WriteFile(path, []byte(`{"tag":"snap.x.b","read-exec":["relative"],"read":[],"read-write":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := landlockRules(p, "snap.x.b", "/home/u", "x", "1", "", 1000); err == nil {
		t.Error("relative path accepted")
	}
}
