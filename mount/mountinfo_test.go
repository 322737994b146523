package mount

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseMountinfo(t *testing.T) {
	in := `22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
812 27 7:8 / /snap/hello\040world/1 ro,nosuid,nodev,relatime shared:400 master:3 - squashfs /dev/loop8 ro,errors=continue
90 27 0:40 /sub\011dir /tab\012nl\134bs rw - tmpfs my\040tmpfs rw
91 27 0:41 / /nosuper rw - fuse src
`
	got, err := parseMountinfo(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: 22, Parent: 27, Dev: "0:21", Root: "/", MountPoint: "/proc", Options: "rw,relatime", FSType: "proc", Source: "proc", SuperOptions: "rw"},
		{ID: 27, Parent: 1, Dev: "254:0", Root: "/", MountPoint: "/", Options: "rw,relatime", FSType: "ext4", Source: "/dev/vda", SuperOptions: "rw,discard"},
		{ID: 812, Parent: 27, Dev: "7:8", Root: "/", MountPoint: "/snap/hello world/1", Options: "ro,nosuid,nodev,relatime", FSType: "squashfs", Source: "/dev/loop8", SuperOptions: "ro,errors=continue"},
		{ID: 90, Parent: 27, Dev: "0:40", Root: "/sub\tdir", MountPoint: "/tab\nnl\\bs", Options: "rw", FSType: "tmpfs", Source: "my tmpfs", SuperOptions: "rw"},
		{ID: 91, Parent: 27, Dev: "0:41", Root: "/", MountPoint: "/nosuper", Options: "rw", FSType: "fuse", Source: "src"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}

func TestParseMountinfoMalformed(t *testing.T) {
	for _, line := range []string{
		"22 27 0:21 / /proc rw,relatime proc proc rw",
		"22 27 0:21 / /proc rw - proc",
		"x 27 0:21 / /proc rw - proc proc rw",
		"22 y 0:21 / /proc rw - proc proc rw",
		"22 27 0:21 / - proc proc rw",
	} {
		if _, err := parseMountinfo(strings.NewReader(line + "\n")); err == nil {
			t.Errorf("%q: no error", line)
		}
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:        "plain",
		`a\040b`:       "a b",
		`\134\134`:     `\\`,
		`trailing\04`:  `trailing\04`,
		`not\8octal`:   `not\8octal`,
		`\400toobig`:   `\400toobig`,
		`end\040`:      "end ",
		`\011\012\040`: "\t\n ",
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMountinfoReal(t *testing.T) {
	entries, err := Mountinfo()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.MountPoint == "/" {
			return
		}
	}
	t.Errorf("no / in %+v", entries)
}

func TestTopMountPicksStackTop(t *testing.T) {
	table := filepath.Join(t.TempDir(), "mountinfo")
	// 60 was mounted over 50 and listed first, as after a move.
	if err := os.WriteFile(table, []byte(`1 0 0:1 / / rw - ext4 /dev/vda rw
60 50 0:3 / /snap/a/1 rw - tmpfs tmpfs rw
50 1 7:1 / /snap/a/1 ro - squashfs /dev/loop1 ro
`), 0o644); err != nil {
		t.Fatal(err)
	}
	old := mountinfoPath
	mountinfoPath = table
	t.Cleanup(func() { mountinfoPath = old })

	e, ok, err := topMount("/snap/a/1")
	if err != nil || !ok || e.ID != 60 {
		t.Errorf("topMount = %+v, %v, %v; want the tmpfs", e, ok, err)
	}
	if _, ok, _ := topMount("/snap/a"); ok {
		t.Error("/snap/a reported mounted")
	}
}

func TestIsMounted(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "root")
	if err := os.Symlink("/", link); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{"/": true, link: true, dir: false, filepath.Join(dir, "missing"): false} {
		if got, err := IsMounted(path); got != want || err != nil {
			t.Errorf("IsMounted(%s) = %v, %v; want %v", path, got, err, want)
		}
	}
}
