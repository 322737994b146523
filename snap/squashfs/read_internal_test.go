package squashfs

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
)

// Pins the go-diskfs behaviour cleanPath works around: it takes io/fs
// paths ("meta", "." for the root) and refuses a leading slash. If an
// upgrade changes this, cleanPath can go.
func TestDiskfsPathForm(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	imgPath := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, imgPath, "xz"); err != nil {
		t.Fatal(err)
	}
	img, err := open(imgPath)
	if err != nil {
		t.Fatal(err)
	}
	defer img.close()
	if _, err := img.fs.ReadDir("meta"); err != nil {
		t.Errorf(`ReadDir("meta"): %v`, err)
	}
	if _, err := img.fs.ReadDir("."); err != nil {
		t.Errorf(`ReadDir("."): %v`, err)
	}
	if _, err := img.fs.ReadDir("/meta"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf(`ReadDir("/meta") = %v, want fs.ErrInvalid`, err)
	}
	if _, err := img.fs.ReadFile("/meta/snap.yaml"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf(`ReadFile("/meta/snap.yaml") = %v, want fs.ErrInvalid`, err)
	}
	for in, want := range map[string]string{"": ".", "/": ".", "/meta/": "meta", "meta//snap.yaml": "meta/snap.yaml", "/a/../b": "b", "../x": "x"} {
		if got, err := cleanPath(in); err != nil || got != want {
			t.Errorf("cleanPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
