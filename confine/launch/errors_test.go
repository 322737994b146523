package launch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
)

func TestMissingArtifacts(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		path   string
		target string
		opts   runOpts
	}{
		{profile.Path(f.p, "lt"), "snap.lt.probe", runOpts{target: "lt.probe"}},
		{filepath.Join(f.p.SeccompDir(), "snap.lt.probe.bin"), "snap.lt.probe", runOpts{target: "lt.probe", uid: nobody}},
		{filepath.Join(f.p.LandlockDir(), "snap.lt.true.json"), "snap.lt.true", runOpts{target: "lt.true"}},
		{filepath.Join(f.p.SeccompDir(), "snap.lt.hook.configure.bin"), "snap.lt.hook.configure", runOpts{target: "lt", hook: "configure"}},
	} {
		if err := os.Rename(tc.path, tc.path+".away"); err != nil {
			t.Fatal(err)
		}
		r := f.run(t, tc.opts)
		want := "error: snap lt has no security profile for " + tc.target + " (" + tc.path + " is missing): reinstall it or restart snapd\n"
		if r.code() != 99 || r.stderr != want || r.stdout != "" {
			t.Errorf("without %s: status %d, stderr %q, want Run's error %q", tc.path, r.code(), r.stderr, want)
		}
		if err := os.Rename(tc.path+".away", tc.path); err != nil {
			t.Fatal(err)
		}
	}
	// Devmode needs no Landlock rules: there are none to apply.
	if err := os.Remove(filepath.Join(f.p.LandlockDir(), "snap.lt.true.json")); err != nil {
		t.Fatal(err)
	}
	f.mustRun(t, runOpts{target: "lt.true", devmode: true})
}

// Errors from inside stage 2 come back as Run's error, and nothing of
// the app runs.
func TestStage2Errors(t *testing.T) {
	f := newFixture(t)
	if err := os.Remove(filepath.Join(f.p.MountDir("lt", "x1"), "bin", "true")); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, runOpts{target: "lt.true", uid: nobody})
	if r.code() != 99 || r.stderr != "error: cannot execute /snap/lt/x1/bin/true: no such file or directory\n" {
		t.Errorf("status %d, stderr %q", r.code(), r.stderr)
	}
	// A profile naming a source that is not there (and not optional).
	prof, err := profile.Read(profile.Path(f.p, "lt"))
	if err != nil {
		t.Fatal(err)
	}
	prof.Entries = append(prof.Entries, profile.Entry{Source: "/nonexistent", Target: "/media", Type: profile.TypeBind, Options: []string{"rbind", "ro"}})
	if err := profile.Write(profile.Path(f.p, "lt"), prof); err != nil {
		t.Fatal(err)
	}
	r = f.run(t, runOpts{target: "lt.probe", args: []string{"true"}})
	if r.code() != 99 || !strings.Contains(r.stderr, "cannot set up the mount namespace of snap.lt.probe: cannot bind /nonexistent to /media: no such file or directory") {
		t.Errorf("status %d, stderr %q", r.code(), r.stderr)
	}
	// Optional, it is left out.
	prof.Entries[len(prof.Entries)-1].Options = append(prof.Entries[len(prof.Entries)-1].Options, profile.OptOptional)
	if err := profile.Write(profile.Path(f.p, "lt"), prof); err != nil {
		t.Fatal(err)
	}
	f.mustRun(t, runOpts{target: "lt.probe", args: []string{"sh", "-c", "test ! -e /media"}})
}

// Until root has created the private /tmp (the daemon does at install and
// boot), a user's app gets a /tmp of its own launch; root creates it.
func TestPrivateTmpNotCreatedYet(t *testing.T) {
	f := newFixture(t)
	if err := os.RemoveAll(filepath.Join(f.p.Root, "tmp", "snap-private-tmp")); err != nil {
		t.Fatal(err)
	}
	f.mustRun(t, runOpts{target: "lt.probe", uid: nobody, args: []string{"sh", "-c", "echo x > /tmp/x && test -z \"$(ls /tmp | grep -v x)\""}})
	if _, err := os.Stat(f.p.PrivateTmpDir("lt")); err == nil {
		t.Fatal("a user created the private /tmp")
	}
	f.mustRun(t, runOpts{target: "lt.probe", args: []string{"sh", "-c", "echo x > /tmp/x"}})
	if _, err := os.Stat(filepath.Join(f.p.PrivateTmpDir("lt"), "x")); err != nil {
		t.Errorf("root's launch did not create the private /tmp: %v", err)
	}
}

// Spec errors need no system.
func TestSpecErrors(t *testing.T) {
	info := &snap.Info{Name: "x", Revision: snap.R(1), Confinement: snap.StrictConfinement}
	app := &snap.AppInfo{Snap: info, Name: "a", Command: "a"}
	hook := &snap.HookInfo{Snap: info, Name: "configure"}
	classic := &snap.Info{Name: "c", Revision: snap.R(1), Confinement: snap.ClassicConfinement}
	for _, tc := range []struct {
		s    Spec
		want string
	}{
		{Spec{App: app}, "needs snap info"},
		{Spec{Info: info}, "exactly one of an app and a hook"},
		{Spec{Info: info, App: app, Hook: hook}, "exactly one of an app and a hook"},
		{Spec{Info: &snap.Info{Name: "x"}, App: app}, "has no revision"},
		{Spec{Info: classic, App: &snap.AppInfo{Snap: classic, Name: "a"}}, "classic confinement"},
	} {
		err := Run(tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.s, err, tc.want)
		}
	}
	// Missing artifacts are found before anything runs, as any user.
	s := Spec{Paths: paths.New(t.TempDir()), Info: info, App: app, Env: []string{"HOME=" + t.TempDir()}}
	if _, err := resolve(s); err == nil || !strings.Contains(err.Error(), "snap x has no security profile for snap.x.a") {
		t.Errorf("got %v", err)
	}
}

// A binary that forgets to dispatch stage 2 must not launch again from
// inside it, recursively.
func TestRunRefusesInsideUndispatchedStage2(t *testing.T) {
	t.Setenv(stage2Env, "5")
	info := &snap.Info{Name: "x", Revision: snap.R(1), Confinement: snap.StrictConfinement}
	err := Run(Spec{Info: info, App: &snap.AppInfo{Snap: info, Name: "a"}})
	if err != errNotDispatched {
		t.Errorf("got %v", err)
	}
}
