package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestPackThenInfoFile(t *testing.T) {
	if _, err := exec.LookPath("mksquashfs"); err != nil {
		t.Skip("snap pack needs mksquashfs (Debian's squashfs-tools), which is not installed")
	}
	src := t.TempDir()
	yaml := `name: hello
version: "1.0"
summary: says hello
description: |
  Prints a greeting.
  Twice.
confinement: devmode
apps:
  hello:
    command: bin/hello
  other:
    command: bin/hello
  svc:
    command: bin/hello
    daemon: simple
`
	for rel, content := range map[string]string{"meta/snap.yaml": yaml, "bin/hello": "#!/bin/sh\necho hello\n"} {
		p := filepath.Join(src, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	outDir := filepath.Join(t.TempDir(), "out")
	a := newTestApp(t)
	out, errOut, code := runCLI(a, "pack", src, outDir, "--compression=gzip")
	built := filepath.Join(outDir, "hello_1.0_all.snap")
	if code != 0 || out != "built: "+built+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// No daemon is running: info reads the file itself.
	out, errOut, code = runCLI(a, "info", built)
	want := `path:    "` + built + `"
name:    hello
summary: says hello
version: 1.0 devmode
license: unset
description: |
  Prints a greeting.
  Twice.
commands:
  - hello
  - hello.other
services:
  hello.svc: simple
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errOut, out, want)
	}
}

func TestPackRefusesBrokenDir(t *testing.T) {
	a := newTestApp(t)
	dir := t.TempDir()
	_, errOut, code := runCLI(a, "pack", dir)
	if code != 1 || errOut == "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
