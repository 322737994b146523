package squashfs

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const snapYAML = "name: hello\nversion: 1.0\n"

// makeTree lays out a small snap-like tree and returns it with a large
// file's content, big enough to span several squashfs blocks.
func makeTree(t *testing.T) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	big := make([]byte, 300*1024+7)
	rand.New(rand.NewSource(1)).Read(big)
	files := map[string][]byte{
		"meta/snap.yaml":       []byte(snapYAML),
		"meta/hooks/install":   []byte("#!/bin/sh\n"),
		"meta/hooks/configure": []byte("#!/bin/sh\n"),
		"bin/hello":            []byte("#!/bin/sh\necho hello\n"),
		"usr/share/big.bin":    big,
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("hello", filepath.Join(dir, "bin", "link")); err != nil {
		t.Fatal(err)
	}
	return dir, big
}

func needMksquashfs(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("mksquashfs"); err != nil {
		t.Skip("mksquashfs not installed (apt install squashfs-tools)")
	}
}

// mksquash runs mksquashfs directly with its defaults (fragments on), the
// way third-party tools make images, rather than through Build.
func mksquash(t *testing.T, src, comp string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "img-"+comp+".snap")
	cmd := exec.Command("mksquashfs", src, out, "-noappend", "-comp", comp, "-quiet")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mksquashfs: %v\n%s", err, b)
	}
	return out
}

func TestReadBackEveryCompression(t *testing.T) {
	needMksquashfs(t)
	src, big := makeTree(t)
	for _, comp := range []string{"xz", "gzip", "zstd", "lzo"} {
		for _, how := range []string{"build", "mksquashfs-defaults"} {
			t.Run(comp+"/"+how, func(t *testing.T) {
				var img string
				if how == "build" {
					img = filepath.Join(t.TempDir(), "x.snap")
					if err := Build(src, img, comp); err != nil {
						t.Fatal(err)
					}
				} else {
					img = mksquash(t, src, comp)
				}
				got, err := Compression(img)
				if err != nil || got != comp {
					t.Fatalf("Compression = %q, %v; want %q", got, err, comp)
				}
				for _, name := range []string{"meta/snap.yaml", "/meta/snap.yaml"} {
					data, err := ReadFile(img, name)
					if err != nil {
						t.Fatalf("ReadFile(%q): %v", name, err)
					}
					if string(data) != snapYAML {
						t.Fatalf("ReadFile(%q) = %q", name, data)
					}
				}
				data, err := ReadFile(img, "usr/share/big.bin")
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(data, big) {
					t.Fatalf("big file differs: got %d bytes, want %d", len(data), len(big))
				}
				hooks, err := ReadDir(img, "meta/hooks")
				if err != nil {
					t.Fatal(err)
				}
				if names := entryNames(hooks); names != "configure,install" {
					t.Fatalf("hooks = %s", names)
				}
				root, err := ReadDir(img, "/")
				if err != nil {
					t.Fatal(err)
				}
				if names := entryNames(root); names != "bin,meta,usr" {
					t.Fatalf("root = %s", names)
				}
				if !root[1].IsDir() {
					t.Fatalf("meta is not a dir: %v", root[1])
				}
			})
		}
	}
}

func entryNames(es []fs.DirEntry) string {
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, ",")
}

func TestReadErrors(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	img := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, img, ""); err != nil {
		t.Fatal(err)
	}
	if c, _ := Compression(img); c != "xz" {
		t.Fatalf("default compression = %q, want xz", c)
	}
	for _, name := range []string{"meta/missing.yaml", "nodir/snap.yaml", "meta/snap.yaml/below", "bin/hello/x"} {
		if _, err := ReadFile(img, name); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("ReadFile(%q) = %v, want os.ErrNotExist", name, err)
		}
	}
	if _, err := ReadDir(img, "meta/nothere"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadDir missing = %v, want os.ErrNotExist", err)
	}
	for _, name := range []string{"meta", "bin/link", "/"} {
		if _, err := ReadFile(img, name); err == nil || errors.Is(err, os.ErrNotExist) {
			t.Errorf("ReadFile(%q) = %v, want a not-a-regular-file error", name, err)
		}
	}
	if _, err := ReadDir(img, "meta/snap.yaml"); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("ReadDir on a file = %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "absent.snap"), "meta/snap.yaml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing image = %v", err)
	}
}

func TestLZ4IsRefusedClearly(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	img := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, img, "lz4"); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(img, "meta/snap.yaml")
	if !errors.Is(err, ErrUnsupportedCompression) || !strings.Contains(err.Error(), "lz4") {
		t.Fatalf("ReadFile on lz4 = %v", err)
	}
	if _, err := ReadDir(img, "meta"); !errors.Is(err, ErrUnsupportedCompression) {
		t.Fatalf("ReadDir on lz4 = %v", err)
	}
	// unsquashfs can read it: the image itself is fine.
	if out, err := exec.Command("unsquashfs", "-l", img).CombinedOutput(); err != nil || !strings.Contains(string(out), "meta/snap.yaml") {
		t.Fatalf("unsquashfs -l: %v\n%s", err, out)
	}
}

func TestIsSquashfs(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	img := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, img, "gzip"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	text := filepath.Join(dir, "text")
	empty := filepath.Join(dir, "empty")
	os.WriteFile(text, []byte("this is not squashfs at all"), 0o644)
	os.WriteFile(empty, nil, 0o644)
	for _, tc := range []struct {
		path string
		want bool
	}{{img, true}, {text, false}, {empty, false}} {
		got, err := IsSquashfs(tc.path)
		if err != nil || got != tc.want {
			t.Errorf("IsSquashfs(%s) = %v, %v; want %v", tc.path, got, err, tc.want)
		}
	}
	if _, err := IsSquashfs(filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("IsSquashfs(absent) = %v", err)
	}
	for _, p := range []string{text, empty} {
		if _, err := ReadFile(p, "meta/snap.yaml"); err == nil || !strings.Contains(err.Error(), "not a squashfs image") {
			t.Errorf("ReadFile(%s) = %v", p, err)
		}
	}
}

// A damaged image must give an error, never a panic or a hang.
func TestCorruptImage(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	img := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, img, "xz"); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"truncated":      good[:200],
		"only-sb":        good[:96],
		"garbage-tables": append(append([]byte{}, good[:96]...), bytes.Repeat([]byte{0xff}, len(good)-96)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadFile(p, "meta/snap.yaml"); err == nil {
				t.Fatal("ReadFile on a corrupt image succeeded")
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	out := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, out, "bzip2"); err == nil || !strings.Contains(err.Error(), "unknown compression") {
		t.Errorf("bad compression: %v", err)
	}
	if err := Build(filepath.Join(src, "absent"), out, ""); err == nil {
		t.Error("missing source dir: no error")
	}
	if err := Build(filepath.Join(src, "meta", "snap.yaml"), out, ""); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file as source: %v", err)
	}
	if err := Build(src, filepath.Join(t.TempDir(), "no", "such", "dir", "x.snap"), ""); err == nil {
		t.Error("missing output dir: no error")
	}

	old := mksquashfs
	defer func() { mksquashfs = old }()
	mksquashfs = "false"
	err := Build(src, out, "")
	if err == nil || !strings.Contains(err.Error(), "mksquashfs failed") {
		t.Errorf("failing mksquashfs: %v", err)
	}
	mksquashfs = "/nonexistent/mksquashfs"
	if err := Build(src, out, ""); err == nil || !strings.Contains(err.Error(), "squashfs-tools") {
		t.Errorf("missing mksquashfs: %v", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed builds left %s behind", out)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*.tmp")); len(left) > 0 {
		t.Errorf("failed builds left temporary files: %v", left)
	}
}

func TestBuildCapturesOutput(t *testing.T) {
	needMksquashfs(t)
	// Whatever mksquashfs says on failure is the user's only clue, so it
	// must reach them.
	src := t.TempDir()
	out := filepath.Join(t.TempDir(), "x.snap")
	old := mksquashfs
	defer func() { mksquashfs = old }()
	script := filepath.Join(t.TempDir(), "fake-mksquashfs")
	os.WriteFile(script, []byte("#!/bin/sh\necho 'something specific went wrong' >&2\nexit 1\n"), 0o755)
	mksquashfs = script
	err := Build(src, out, "xz")
	if err == nil || !strings.Contains(err.Error(), "something specific went wrong") {
		t.Fatalf("Build error does not carry mksquashfs output: %v", err)
	}
}

// Flipping bytes all over a valid image exercises go-diskfs's parsers on
// hostile input: every outcome must be a value or an error.
func TestFlippedBytes(t *testing.T) {
	needMksquashfs(t)
	src, _ := makeTree(t)
	img := filepath.Join(t.TempDir(), "x.snap")
	if err := Build(src, img, "gzip"); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(2))
	p := filepath.Join(t.TempDir(), "flipped.snap")
	for i := 0; i < 500; i++ {
		data := append([]byte{}, good...)
		for j := 0; j < 4; j++ {
			// Most of the image is file data; aim at the superblock and
			// the tables that follow the data.
			off := r.Intn(96)
			if j%2 == 1 {
				off = len(data) - 1 - r.Intn(4096)
			}
			data[off] ^= byte(1 + r.Intn(255))
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ReadFile(p, "meta/snap.yaml")
		ReadDir(p, "meta/hooks")
	}
}
