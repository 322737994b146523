package seccomp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var/lib/snapd/seccomp")
	p := Profile{Tag: "snap.hello.hook.install", Snippets: []string{"socket AF_INET"}}
	if err := Write(dir, p); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("dir: %v %v", fi, err)
	}
	src, err := os.ReadFile(filepath.Join(dir, p.Tag+".src"))
	if err != nil {
		t.Fatal(err)
	}
	if string(src) != Source(p) || !strings.Contains(string(src), Template()) ||
		!strings.HasSuffix(string(src), "# --- snippet 1 ---\nsocket AF_INET\n") {
		t.Errorf("TAG.src:\n%s", src)
	}
	bin, err := os.ReadFile(filepath.Join(dir, p.Tag+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	if want := compileOrFail(t, p); !bytes.Equal(bin, want) {
		t.Error("TAG.bin differs from Compile's program")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left behind: %v", entries)
	}

	if err := Remove(dir, p.Tag); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("after Remove: %v", entries)
	}
	if err := Remove(dir, p.Tag); err != nil {
		t.Errorf("second Remove: %v", err)
	}
}

func TestWriteKeepsOldOnError(t *testing.T) {
	dir := t.TempDir()
	good := Profile{Tag: "snap.hello.app"}
	if err := Write(dir, good); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, good.Tag+".bin"))
	bad := Profile{Tag: good.Tag, Snippets: []string{"bogus_call"}}
	if err := Write(dir, bad); err == nil || !strings.Contains(err.Error(), `snippet 1, line 1: "bogus_call"`) {
		t.Fatalf("Write(bad) = %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, good.Tag+".bin"))
	if !bytes.Equal(before, after) {
		t.Error("a failed Write changed the program")
	}
}

func TestTags(t *testing.T) {
	for _, tag := range []string{"snap.hello.app", "snap.hello_instance.app", "snap.hello.hook.configure", "snap.a-b.c-1"} {
		if err := checkTag(tag); err != nil {
			t.Errorf("%s: %v", tag, err)
		}
	}
	for _, tag := range []string{"", "hello.app", "snap.../x", "snap.a/../../etc/passwd", "snap.a b"} {
		if err := Write(t.TempDir(), Profile{Tag: tag}); err == nil {
			t.Errorf("Write accepted tag %q", tag)
		}
		if err := Remove(t.TempDir(), tag); err == nil {
			t.Errorf("Remove accepted tag %q", tag)
		}
	}
}
