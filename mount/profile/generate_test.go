package profile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/snappy-pm/snappy/snap/paths"
)

func mkdirs(t *testing.T, root string, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func byTarget(p Profile) map[string]Entry {
	m := map[string]Entry{}
	for _, e := range p.Entries {
		m[e.Target] = e
	}
	return m
}

func TestGenerateHostRuntime(t *testing.T) {
	host := t.TempDir()
	mkdirs(t, host, "usr/bin", "usr/lib", "etc", "lib64", "sys", "dev")
	symlink(t, "usr/bin", filepath.Join(host, "bin"))
	symlink(t, "usr/lib", filepath.Join(host, "lib"))
	p := paths.New("/r")
	prof, err := Generate(Input{Paths: p, SnapName: "foo", Revision: "x1", Host: host})
	if err != nil {
		t.Fatal(err)
	}
	m := byTarget(prof)
	check := func(target string, want Entry) {
		t.Helper()
		got, ok := m[target]
		if !ok {
			t.Errorf("no entry for %s", target)
			return
		}
		if got.Source != want.Source || got.Type != want.Type || !slices.Equal(got.Options, want.Options) {
			t.Errorf("%s: got %+v, want %+v", target, got, want)
		}
	}
	check("/usr", Entry{Source: host + "/usr", Type: TypeBind, Options: []string{"rbind", "ro"}})
	check("/bin", Entry{Source: "usr/bin", Type: TypeSymlink})
	check("/lib", Entry{Source: "usr/lib", Type: TypeSymlink})
	check("/lib64", Entry{Source: host + "/lib64", Type: TypeBind, Options: []string{"rbind", "ro"}})
	check("/etc", Entry{Source: host + "/etc", Type: TypeBind, Options: []string{"rbind", "ro"}})
	for _, absent := range []string{"/sbin", "/lib32", "/libx32", "/home", "/root", "/var"} {
		if _, ok := m[absent]; ok {
			t.Errorf("%s is in the profile: only what exists on the host, and no homes", absent)
		}
	}
	check("/snap/foo/x1", Entry{Source: "/r/snap/foo/x1", Type: TypeBind, Options: []string{"rbind", "ro"}})
	check("/snap/foo/current", Entry{Source: "x1", Type: TypeSymlink})
	check("/var/snap/foo/x1", Entry{Source: "/r/var/snap/foo/x1", Type: TypeBind, Options: []string{"rbind", "rw"}})
	check("/var/snap/foo/common", Entry{Source: "/r/var/snap/foo/common", Type: TypeBind, Options: []string{"rbind", "rw"}})
	check("/tmp", Entry{Source: "/r/tmp/snap-private-tmp/snap.foo/tmp", Type: TypeBind, Options: []string{"rbind", "rw", "nosuid", "nodev"}})
	check("$HOME/snap/foo", Entry{Source: "$HOME/snap/foo", Type: TypeBind, Options: []string{"rbind", "rw"}})
	check("/dev/null", Entry{Source: host + "/dev/null", Type: TypeBind, Options: []string{"bind", "rw", "nosuid", "noexec"}})
	check("/sys", Entry{Source: host + "/sys", Type: TypeBind, Options: []string{"rbind", "ro", "nosuid", "nodev", "noexec"}})
	check("/proc", Entry{Source: "proc", Type: TypeProc, Options: []string{"nosuid", "nodev", "noexec"}})

	// Order matters: a parent before what is mounted in it.
	idx := func(target string) int {
		return slices.IndexFunc(prof.Entries, func(e Entry) bool { return e.Target == target })
	}
	if !(idx("/dev") < idx("/dev/null") && idx("/dev") < idx("/dev/pts") && idx("/dev/pts") < idx("/dev/ptmx")) {
		t.Error("/dev entries out of order")
	}
	if !(idx("/tmp") < idx("$HOME/snap/foo")) {
		t.Error("/tmp must come before the home, which may lie under it")
	}
}

func TestGenerateExtraLast(t *testing.T) {
	extra := Entry{Source: "/media", Target: "/media", Type: TypeBind, Options: []string{"rbind", "rw"}}
	prof, err := Generate(Input{Paths: paths.New("/r"), SnapName: "foo", Revision: "3", Host: t.TempDir(), Extra: []Entry{extra}})
	if err != nil {
		t.Fatal(err)
	}
	if last := prof.Entries[len(prof.Entries)-1]; last.Target != "/media" {
		t.Errorf("last entry %+v, want the extra one", last)
	}
	bad := Entry{Source: "/media", Target: "media", Type: TypeBind, Options: []string{"rbind", "rw"}}
	if _, err := Generate(Input{Paths: paths.New("/r"), SnapName: "foo", Revision: "3", Extra: []Entry{bad}}); err == nil {
		t.Error("invalid extra entry accepted")
	}
}

func TestGenerateBadInput(t *testing.T) {
	for _, in := range []Input{
		{SnapName: "../x", Revision: "1"},
		{SnapName: "foo", Revision: "a/b"},
	} {
		in.Paths = paths.New("/r")
		if _, err := Generate(in); err == nil {
			t.Errorf("%+v accepted", in)
		}
	}
}

func TestGenerateBase(t *testing.T) {
	root, host := t.TempDir(), t.TempDir()
	mkdirs(t, host, "etc")
	base := filepath.Join(root, "snap", "core22", "7")
	mkdirs(t, base, "usr/bin", "etc", "var/lib/dpkg", "var/snap", "var/cache", "dev", "proc", "home", "snap", "tmp", "opt")
	symlink(t, "usr/bin", filepath.Join(base, "bin"))
	symlink(t, "/var/run", filepath.Join(base, "var", "run"))
	if err := os.WriteFile(filepath.Join(base, "marker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	prof, err := Generate(Input{Paths: paths.New(root), SnapName: "foo", Revision: "x1", Base: "core22", BaseRevision: "7", Host: host})
	if err != nil {
		t.Fatal(err)
	}
	m := byTarget(prof)
	want := map[string]Entry{
		"/usr":       {Source: base + "/usr", Type: TypeBind, Options: []string{"rbind", "ro"}},
		"/opt":       {Source: base + "/opt", Type: TypeBind, Options: []string{"rbind", "ro"}},
		"/bin":       {Source: "usr/bin", Type: TypeSymlink},
		"/marker":    {Source: base + "/marker", Type: TypeBind, Options: []string{"bind", "ro"}},
		"/var/lib":   {Source: base + "/var/lib", Type: TypeBind, Options: []string{"rbind", "ro"}},
		"/var/cache": {Source: base + "/var/cache", Type: TypeBind, Options: []string{"rbind", "ro"}},
		"/var/run":   {Source: "/var/run", Type: TypeSymlink},
		"/etc":       {Source: host + "/etc", Type: TypeBind, Options: []string{"rbind", "ro"}},
	}
	for target, w := range want {
		got, ok := m[target]
		if !ok || got.Source != w.Source || got.Type != w.Type || !slices.Equal(got.Options, w.Options) {
			t.Errorf("%s: got %+v (present %v), want %+v", target, got, ok, w)
		}
	}
	for _, own := range []string{"/var/snap", "/home", "/snap", "/tmp"} {
		if e, ok := m[own]; ok && e.Source != root+"/tmp/snap-private-tmp/snap.foo/tmp" {
			t.Errorf("%s taken from the base: %+v", own, e)
		}
	}
	if _, err := Generate(Input{Paths: paths.New(root), SnapName: "foo", Revision: "x1", Base: "core24", BaseRevision: "1"}); err == nil {
		t.Error("missing base accepted")
	}
}
