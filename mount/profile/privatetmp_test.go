package profile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/snap/paths"
)

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates root-owned directories")
	}
}

func TestPreparePrivateTmp(t *testing.T) {
	requireRoot(t)
	p := paths.New(t.TempDir()) // without a tmp: created
	for range 2 {               // the second run finds everything in place
		if err := PreparePrivateTmp(p, "foo"); err != nil {
			t.Fatal(err)
		}
	}
	tmp := p.PrivateTmpDir("foo")
	for path, want := range map[string]fs.FileMode{
		filepath.Join(p.Root, "tmp"):    fs.ModeSticky | 0o777,
		filepath.Dir(filepath.Dir(tmp)): 0o711,
		filepath.Dir(tmp):               0o711,
		tmp:                             fs.ModeSticky | 0o777,
	} {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode() & (fs.ModePerm | fs.ModeSticky); got != want {
			t.Errorf("%s: mode %v, want %v", path, got, want)
		}
	}

	// A mode left wrong by an older layout is fixed.
	if err := os.Chmod(filepath.Dir(tmp), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := PreparePrivateTmp(p, "foo"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(filepath.Dir(tmp)); fi.Mode().Perm() != 0o711 {
		t.Errorf("mode not fixed: %v", fi.Mode())
	}
}

func TestPreparePrivateTmpRefusesPlanted(t *testing.T) {
	requireRoot(t)
	p := paths.New(t.TempDir())
	top := filepath.Join(p.Root, "tmp", "snap-private-tmp")
	if err := os.MkdirAll(top, 0o711); err != nil {
		t.Fatal(err)
	}
	// Someone else's directory on the way...
	if err := os.Chown(top, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := PreparePrivateTmp(p, "foo"); err == nil || !strings.Contains(err.Error(), "not owned by root") {
		t.Errorf("got %v", err)
	}
	// ...or a symlink to elsewhere.
	if err := os.Remove(top); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(t.TempDir(), top); err != nil {
		t.Fatal(err)
	}
	if err := PreparePrivateTmp(p, "foo"); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("got %v", err)
	}
}
