package apparmor

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesAndRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profiles")
	in := Input{Tag: "snap.hello.hello", SnapName: "hello", Revision: "x1", Mode: ModeStrict}
	if err := Write(dir, in); err != nil {
		t.Fatal(err)
	}
	in.Revision = "x2"
	if err := Write(dir, in); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, in.Tag))
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != Generate(in) {
		t.Error("the second Write did not replace the profile")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("Write left %d files, want 1", len(entries))
	}
	if err := Remove(dir, in.Tag); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, in.Tag)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("profile still there: %v", err)
	}
	if err := Remove(dir, in.Tag); err != nil {
		t.Errorf("removing a missing profile: %v", err)
	}
}

func TestWriteRefusesBadInput(t *testing.T) {
	ok := Input{Tag: "snap.hello.hello", SnapName: "hello", Revision: "x1", Mode: ModeStrict}
	for name, mutate := range map[string]func(*Input){
		"tag leaves dir":     func(in *Input) { in.Tag = "snap.hello.../../x" },
		"tag closes quote":   func(in *Input) { in.Tag = `snap.hello.a"{` },
		"name mismatch":      func(in *Input) { in.SnapName = "other" },
		"revision traversal": func(in *Input) { in.Revision = "../1" },
		"classic":            func(in *Input) { in.Mode = "classic" },
		"no mode":            func(in *Input) { in.Mode = "" },
	} {
		t.Run(name, func(t *testing.T) {
			in := ok
			mutate(&in)
			dir := t.TempDir()
			if err := Write(dir, in); err == nil {
				t.Error("accepted")
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("wrote %d files", len(entries))
			}
		})
	}
	if err := Remove(t.TempDir(), "../etc"); err == nil {
		t.Error("Remove accepted a path")
	}
}

func TestValidateMissingFile(t *testing.T) {
	requireParser(t)
	if err := Validate(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing profile validated")
	}
}
