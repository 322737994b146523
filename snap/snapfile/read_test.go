package snapfile

import (
	"errors"
	"github.com/snappy-pm/snappy/snap"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/snap/squashfs"
)

// writeTree creates files (mode 0755 for paths under bin/ and meta/hooks/,
// 0644 otherwise) in a fresh directory readable by all.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	// t.TempDir is 0700; packed as is, users couldn't enter the snap.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(name, "bin/") || strings.HasPrefix(name, "meta/hooks/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil { // umask
			t.Fatal(err)
		}
	}
	return dir
}

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed (apt install squashfs-tools)", name)
	}
}

// rawImage packs dir with mksquashfs's defaults, as other tools would.
func rawImage(t *testing.T, dir string) string {
	t.Helper()
	needTool(t, "mksquashfs")
	out := filepath.Join(t.TempDir(), "raw.snap")
	if b, err := exec.Command("mksquashfs", dir, out, "-noappend", "-quiet").CombinedOutput(); err != nil {
		t.Fatalf("mksquashfs: %v\n%s", err, b)
	}
	return out
}

const helloYAML = `name: hello
version: 1.0
apps:
  hello:
    command: bin/hello
hooks:
  install:
`

func TestReadInfoFromSnapFile(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"meta/snap.yaml":         helloYAML,
		"meta/hooks/install":     "#!/bin/sh\n",
		"meta/hooks/configure":   "#!/bin/sh\n",
		"meta/hooks/not-a-hook":  "#!/bin/sh\n",
		"meta/hooks/subdir/file": "x",
		"bin/hello":              "#!/bin/sh\necho hello\n",
	})
	img := rawImage(t, dir)
	info, err := ReadInfo(img)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "hello" || info.Version != "1.0" || info.Apps["hello"] == nil {
		t.Fatalf("info = %+v", info)
	}
	// configure is only in meta/hooks: implicit, as in snapd; not-a-hook is skipped.
	if got := info.HookNames(); !reflect.DeepEqual(got, []string{"configure", "install"}) {
		t.Errorf("hooks = %v", got)
	}
	hooks, err := ListHooks(img)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(hooks, []string{"configure", "install", "not-a-hook"}) {
		t.Errorf("ListHooksFromSnapFile = %v", hooks)
	}

	fromDir, err := snap.ReadInfoFromDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromDir.HookNames(), info.HookNames()) || fromDir.Name != info.Name {
		t.Errorf("ReadInfoFromDir differs: %v", fromDir.HookNames())
	}
}

func TestListHooksNoHooksDir(t *testing.T) {
	img := rawImage(t, writeTree(t, map[string]string{"meta/snap.yaml": "name: hello\nversion: 1\n"}))
	hooks, err := ListHooks(img)
	if err != nil || len(hooks) != 0 {
		t.Fatalf("ListHooksFromSnapFile = %v, %v; want none", hooks, err)
	}
	info, err := ReadInfo(img)
	if err != nil || len(info.Hooks) != 0 {
		t.Fatalf("ReadInfoFromSnapFile = %+v, %v", info, err)
	}
}

func TestReadInfoFromSnapFileErrors(t *testing.T) {
	tmp := t.TempDir()
	notSquash := filepath.Join(tmp, "fake.snap")
	os.WriteFile(notSquash, []byte("name: hello\nversion: 1\n"), 0o644)
	_, err := ReadInfo(notSquash)
	if err == nil || !strings.Contains(err.Error(), "not a snap") || !strings.Contains(err.Error(), "squashfs") {
		t.Errorf("non-squashfs file: %v", err)
	}

	_, err = ReadInfo(filepath.Join(tmp, "absent.snap"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}

	noMeta := rawImage(t, writeTree(t, map[string]string{"bin/x": "x"}))
	_, err = ReadInfo(noMeta)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no meta/snap.yaml") {
		t.Errorf("image without meta/snap.yaml: %v", err)
	}

	bad := rawImage(t, writeTree(t, map[string]string{"meta/snap.yaml": "name: Bad\nversion: 1\n"}))
	_, err = ReadInfo(bad)
	var ve *snap.ValidationError
	if !errors.As(err, &ve) || ve.Field != "name" {
		t.Errorf("invalid snap.yaml: %v", err)
	}

	_, err = snap.ReadInfoFromDir(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no meta/snap.yaml") {
		t.Errorf("ReadInfoFromDir on an empty dir: %v", err)
	}
}

func TestReadInfoFromLZ4Snap(t *testing.T) {
	needTool(t, "mksquashfs")
	dir := writeTree(t, map[string]string{"meta/snap.yaml": "name: hello\nversion: 1\n"})
	out, err := Pack(dir, t.TempDir(), PackOptions{Compression: "lz4"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadInfo(out)
	if !errors.Is(err, squashfs.ErrUnsupportedCompression) || !strings.Contains(err.Error(), "lz4") {
		t.Fatalf("lz4 snap: %v", err)
	}
}
