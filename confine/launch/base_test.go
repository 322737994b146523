package launch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/mount/profile"
)

// installBase lays out a minimal base: dash and what it links, under a
// merged /usr, and a marker the host does not have.
func (f *fixture) installBase(t *testing.T, name string) {
	t.Helper()
	base := f.p.MountDir(name, "1")
	files := map[string]string{
		"/bin/dash":                                      "usr/bin/dash",
		"/usr/lib/x86_64-linux-gnu/libc.so.6":            "usr/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": "usr/lib64/ld-linux-x86-64.so.2",
	}
	for src, dst := range files {
		if _, err := os.Stat(src); err != nil {
			t.Skipf("the host has no %s to build a base from", src)
		}
		if err := os.MkdirAll(filepath.Join(base, filepath.Dir(dst)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(src, filepath.Join(base, dst)); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"bin": "usr/bin", "lib64": "usr/lib64", "lib": "usr/lib", "usr/bin/sh": "dash"} {
		if err := os.Symlink(target, filepath.Join(base, link)); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"etc", "var/lib/base-marker", "snap", "tmp", "dev", "proc"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("1", f.p.CurrentLink(name)); err != nil {
		t.Fatal(err)
	}
}

// With a base, the runtime is the base's: its /usr, not the host's; the
// host's /etc; the namespace's own /snap, /var/snap, /tmp and /dev.
func TestBase(t *testing.T) {
	f := newFixture(t)
	f.installBase(t, "tbase")
	yaml := filepath.Join(f.p.MountDir("lt", "x1"), "meta", "snap.yaml")
	data, err := os.ReadFile(yaml)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(yaml, []byte(strings.Replace(string(data), "confinement:", "base: tbase\nconfinement:", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Generate(profile.Input{Paths: f.p, SnapName: "lt", Revision: "x1", Base: "tbase", BaseRevision: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := profile.Write(profile.Path(f.p, "lt"), prof); err != nil {
		t.Fatal(err)
	}
	for _, uid := range []int{0, nobody} {
		got := f.probe(t, f.viewOpts(t, runOpts{target: "lt.probe", uid: uid}), [][2]string{
			// Shell builtins only: the base has nothing but dash.
			{"base-usr", `set -- /usr/bin/*; test "$*" = "/usr/bin/dash /usr/bin/sh"`},
			{"base-var", "test -d /var/lib/base-marker"},
			{"host-etc", `read l </etc/passwd && test "${l%%:*}" = root`},
			{"snap", `read l </snap/lt/x1/meta/snap.yaml && test "$l" = "name: lt"`},
			{"data", `echo x > "$SNAP_USER_DATA/x"`},
			{"tmp", `echo x > "/tmp/x-$SNAP_UID"`},
			{"dev-null", "echo x > /dev/null"},
			{"host-usr", "test -e /usr/bin/python3 || test -e /usr/bin/ls"},
		})
		want := map[string]string{"base-usr": "yes", "base-var": "yes", "host-etc": "yes", "snap": "yes",
			"data": "yes", "tmp": "yes", "dev-null": "yes", "host-usr": "no"}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("uid %d: %s: got %q, want %q", uid, k, got[k], w)
			}
		}
	}
}
