package launch

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap/paths"
)

const snapYAML = `name: %s
version: "1.0"
confinement: %s
apps:
  probe:
    command: bin/probe
  true:
    command: bin/true
  chained:
    command: bin/probe
    command-chain: [bin/chain]
hooks:
  configure: {}
`

// scripts of the fake snaps, by path in the snap.
var scripts = map[string]string{
	"bin/probe":            "#!/bin/sh\nexec \"$@\"\n",
	"bin/chain":            "#!/bin/sh\nexport CHAINED=yes\nexec \"$@\"\n",
	"meta/hooks/configure": "#!/bin/sh\necho \"hook $SNAP_NAME $0\"\n",
}

// fixture is a system under a temporary root with snaps installed as the
// daemon would leave them: strict "lt", devmode "ltdev", and "other"
// whose data no app of the others may see.
type fixture struct {
	root  string
	p     paths.Paths
	bin   string // the test binary, where every user can run it
	homes map[int]string
}

// testBase holds the test systems. Not /tmp: a home under /tmp gets its
// mount point created in the snap's private /tmp, shared by the users of
// the snap, where one user's directories would be in another's way.
const testBase = "/var/tmp"

var (
	sharedOnce sync.Once
	shared     *fixture
	sharedErr  error
)

// requireRoot skips what needs root: building the system as the daemon
// would, and switching to other users.
func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: builds a system as the daemon would (root-owned private /tmp) and runs as other users")
	}
}

// sharedFixture is for the tests that change nothing but their homes.
func sharedFixture(t testing.TB) *fixture {
	t.Helper()
	requireRoot(t)
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp(testBase, "launch-test-")
		if err != nil {
			sharedErr = err
			return
		}
		cleanups = append(cleanups, func() { removeAll(dir) })
		shared, sharedErr = buildFixture(dir)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

// newFixture is a system of the test's own.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	requireRoot(t)
	dir, err := os.MkdirTemp(testBase, "launch-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeAll(dir) })
	f, err := buildFixture(dir)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// removeAll also clears what a user of the tests made read-only.
func removeAll(dir string) {
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}

func buildFixture(dir string) (*fixture, error) {
	// Every user runs the tests' launches: the root must be reachable.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	f := &fixture{root: dir, p: paths.New(filepath.Join(dir, "r")), homes: map[int]string{}}
	if err := os.MkdirAll(filepath.Join(f.p.Root, "tmp"), 0o755); err != nil {
		return nil, err
	}
	if err := os.Chmod(filepath.Join(f.p.Root, "tmp"), 0o1777); err != nil {
		return nil, err
	}
	bin, err := copyTestBinary(dir)
	if err != nil {
		return nil, err
	}
	f.bin = bin
	for _, s := range []struct{ name, confinement string }{{"lt", "strict"}, {"ltdev", "devmode"}, {"other", "strict"}} {
		if err := f.install(s.name, s.confinement); err != nil {
			return nil, err
		}
	}
	for uid, name := range map[int]string{0: "me", 65534: "nobody"} {
		home := filepath.Join(dir, "home", name)
		if err := os.MkdirAll(home, 0o755); err != nil {
			return nil, err
		}
		if err := os.Chown(home, uid, uid); err != nil {
			return nil, err
		}
		f.homes[uid] = home
	}
	// Another user's home, which no app may see.
	if err := os.MkdirAll(filepath.Join(dir, "home", "else"), 0o755); err != nil {
		return nil, err
	}
	return f, os.WriteFile(filepath.Join(dir, "home", "else", "secret"), []byte("else's"), 0o644)
}

// install lays out revision x1 of a snap with its data and every
// artifact the daemon writes.
func (f *fixture) install(name, confinement string) error {
	p := f.p
	mnt := p.MountDir(name, "x1")
	files := map[string]string{"meta/snap.yaml": fmt.Sprintf(snapYAML, name, confinement)}
	for k, v := range scripts {
		files[k] = v
	}
	for rel, content := range files {
		path := filepath.Join(mnt, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
			return err
		}
	}
	if err := copyFile("/bin/true", filepath.Join(mnt, "bin", "true")); err != nil {
		return err
	}
	if err := os.Symlink("x1", p.CurrentLink(name)); err != nil {
		return err
	}
	for _, d := range []string{p.DataDir(name, "x1"), p.CommonDataDir(name)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(p.DataDir(name, "x1"), "secret"), []byte(name+"'s"), 0o644); err != nil {
		return err
	}
	if err := profile.PreparePrivateTmp(p, name); err != nil {
		return err
	}
	prof, err := profile.Generate(profile.Input{Paths: p, SnapName: name, Revision: "x1"})
	if err != nil {
		return err
	}
	if err := profile.Write(profile.Path(p, name), prof); err != nil {
		return err
	}
	mode := "enforce"
	if confinement == "devmode" {
		mode = "complain"
	}
	var tags []string
	for _, app := range []string{"probe", "true", "chained", "hook.configure"} {
		tag := "snap." + name + "." + app
		tags = append(tags, tag, mode)
		// As the daemon writes them: for every user, $HOME left to the launch.
		rules := landlock.Generate(landlock.GenInput{Tag: tag, SnapName: name, Revision: "x1", UserHome: profile.HomeVar})
		if err := os.MkdirAll(p.LandlockDir(), 0o755); err != nil {
			return err
		}
		if err := landlock.Write(filepath.Join(p.LandlockDir(), tag+".json"), rules); err != nil {
			return err
		}
	}
	return compileSeccomp(p.SeccompDir(), tags...)
}

func copyTestBinary(dir string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, "snap")
	return dst, copyFile(self, dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
