package profile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/snap/paths"
)

func TestWriteReadRoundTrip(t *testing.T) {
	in := Profile{Entries: []Entry{
		{Source: "/host/with space/and\ttab", Target: "/in side#1", Type: TypeBind, Options: []string{"rbind", "ro"}},
		{Source: `/back\slash`, Target: "/b", Type: TypeBind, Options: []string{"bind", "rw", OptOptional}},
		{Source: "tmpfs", Target: "/dev", Type: TypeTmpfs, Options: []string{"mode=0755", "ro"}},
		{Source: "usr/bin", Target: "/bin", Type: TypeSymlink},
		{Source: "proc", Target: "/proc", Type: TypeProc},
		{Source: "$HOME/snap/x", Target: "$HOME/snap/x", Type: TypeBind, Options: []string{"rbind", "rw"}},
	}}
	path := filepath.Join(t.TempDir(), "sub", "snap.x.fstab")
	if err := Write(path, in); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644: users launch apps too", fi.Mode())
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `/host/with\040space/and\011tab /in\040side\0431 none rbind,ro`) {
		t.Errorf("escaping not fstab's:\n%s", data)
	}
	if !strings.Contains(string(data), "usr/bin /bin symlink defaults\n") {
		t.Errorf("symlink line:\n%s", data)
	}
	out, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	// Proc's source reads back as written: only "none" means "no source".
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip:\n got %#v\nwant %#v", out, in)
	}
}

func TestParse(t *testing.T) {
	p, err := Parse([]byte("# comment\n\n  /a /b none bind,ro 0 0\ntmpfs /t tmpfs mode=0755\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Source: "/a", Target: "/b", Type: TypeBind, Options: []string{"bind", "ro"}},
		{Source: "tmpfs", Target: "/t", Type: TypeTmpfs, Options: []string{"mode=0755"}},
	}
	if !reflect.DeepEqual(p.Entries, want) {
		t.Errorf("got %#v", p.Entries)
	}
	// A bind without a source is refused by validation.
	if _, err := Parse([]byte("none /n none rbind,rw\n")); err == nil {
		t.Error("bind without a source accepted")
	}
}

func TestParseErrors(t *testing.T) {
	for _, line := range []string{
		"/a /b none",                     // too few fields
		"/a /b none bind,ro 1 2",         // fstab fields other than 0 0
		"/a b none bind,ro",              // relative target
		"/a /b/../c none bind,ro",        // unclean target
		"a /b none bind,ro",              // relative bind source
		"/a /b none ro",                  // neither bind nor rbind
		"/a /b none bind,rbind,ro",       // both
		"/a /b none bind",                // neither ro nor rw
		"/a /b none bind,ro,rw",          // both
		"/a /b none bind,ro,mode=0755",   // tmpfs option on a bind
		"/a /b ext4 defaults",            // unknown type
		"tmpfs /b tmpfs x-snappy.foo",    // unknown option
		`/a\04 /b none bind,ro`,          // truncated escape
		`/a\999 /b none bind,ro`,         // not octal
		"/a /b symlink defaults,ro",      // options on a symlink
		"/a $HOMEX/b none bind,ro",       // not a placeholder
		"/a /b/$UIDx/c none bind,ro",     // only whole elements
		"/a /b/$HOME/c none bind,ro",     // $HOME only first
		"/a /$UID/../c none bind,ro",     // unclean after expansion
		"none /b symlink defaults extra", // five fields
		"/a$b /c none bind,ro",           // '$' outside a placeholder
		"/a / none rbind,ro",             // the root is the launcher's

	} {
		if _, err := Parse([]byte(line + "\n")); err == nil {
			t.Errorf("%q: accepted", line)
		}
	}
}

func TestReadMissing(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want ErrNotExist", err)
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	if err := Write(path, Profile{Entries: []Entry{{Source: "/a", Target: "b", Type: TypeBind}}}); err == nil {
		t.Fatal("invalid profile written")
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file left behind: %v", err)
	}
}

func TestPath(t *testing.T) {
	if got := Path(paths.New("/r"), "foo"); got != "/r/var/lib/snapd/mount/snap.foo.fstab" {
		t.Errorf("got %s", got)
	}
}

func TestExpand(t *testing.T) {
	p := Profile{Entries: []Entry{
		{Source: "$HOME/snap/x", Target: "$HOME/snap/x", Type: TypeBind, Options: []string{"rbind", "rw"}},
		{Source: "/run/user/$UID/snap.x", Target: "/run/user/$UID/snap.x", Type: TypeBind, Options: []string{"rbind", "rw"}},
		{Source: "$HOME", Target: "/h", Type: TypeBind, Options: []string{"rbind", "rw"}},
	}}
	got, err := p.Expand("/home/u/", 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{
		{"/home/u/snap/x", "/home/u/snap/x"},
		{"/run/user/1000/snap.x", "/run/user/1000/snap.x"},
		{"/home/u", "/h"},
	}
	for i, w := range want {
		if e := got.Entries[i]; e.Source != w[0] || e.Target != w[1] {
			t.Errorf("entry %d: got %s -> %s, want %s -> %s", i, e.Source, e.Target, w[0], w[1])
		}
	}
	if p.Entries[0].Source != "$HOME/snap/x" {
		t.Error("Expand changed its receiver")
	}
	if _, err := p.Expand("relative", 0); err == nil {
		t.Error("relative home accepted")
	}
}
