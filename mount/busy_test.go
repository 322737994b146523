package mount

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHoldersFindsOpenFile(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "held"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := fmt.Sprintf("pid %d (", os.Getpid())
	hs := holders(dir, 100)
	if !strings.Contains(strings.Join(hs, ","), want) {
		t.Errorf("holders(%s) = %v, want this process", dir, hs)
	}
	if hs := holders(t.TempDir(), 100); len(hs) != 0 {
		t.Errorf("holders of an unused dir: %v", hs)
	}
}

func TestUnder(t *testing.T) {
	for _, c := range []struct {
		p, dir string
		want   bool
	}{
		{"/snap/a/1", "/snap/a/1", true},
		{"/snap/a/1/bin/x", "/snap/a/1", true},
		{"/snap/a/10", "/snap/a/1", false},
		{"/snap/a", "/snap/a/1", false},
	} {
		if got := under(c.p, c.dir); got != c.want {
			t.Errorf("under(%q, %q) = %v", c.p, c.dir, got)
		}
	}
}
