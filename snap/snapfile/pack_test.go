package snapfile

import (
	"errors"
	"github.com/snappy-pm/snappy/snap"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func helloDir(t *testing.T) string {
	return writeTree(t, map[string]string{
		"meta/snap.yaml":     helloYAML,
		"meta/hooks/install": "#!/bin/sh\n",
		"bin/hello":          "#!/bin/sh\necho hello\n",
		"share/doc/README":   "hello\n",
	})
}

func TestPack(t *testing.T) {
	needTool(t, "mksquashfs")
	needTool(t, "unsquashfs")
	out, err := Pack(helloDir(t), filepath.Join(t.TempDir(), "new", "out"), PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(out) != "hello_1.0_all.snap" {
		t.Errorf("file name = %s", filepath.Base(out))
	}

	list, err := exec.Command("unsquashfs", "-l", out).CombinedOutput()
	if err != nil {
		t.Fatalf("unsquashfs -l: %v\n%s", err, list)
	}
	for _, want := range []string{"squashfs-root/meta/snap.yaml", "squashfs-root/meta/hooks/install", "squashfs-root/bin/hello"} {
		if !strings.Contains(string(list), want+"\n") {
			t.Errorf("unsquashfs -l does not list %s:\n%s", want, list)
		}
	}

	// -lln prints numeric owners: everything must be 0/0 whoever packed it.
	long, err := exec.Command("unsquashfs", "-lln", out).CombinedOutput()
	if err != nil {
		t.Fatalf("unsquashfs -lln: %v\n%s", err, long)
	}
	entries := 0
	for _, line := range strings.Split(string(long), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 6 || !strings.Contains(line, "squashfs-root") {
			continue
		}
		entries++
		if fields[1] != "0/0" {
			t.Errorf("not root-owned: %s", line)
		}
	}
	if entries < 5 {
		t.Errorf("unsquashfs -lln listed %d entries:\n%s", entries, long)
	}

	sb, err := exec.Command("unsquashfs", "-s", out).CombinedOutput()
	if err != nil || !strings.Contains(string(sb), "Compression xz") {
		t.Errorf("default compression is not xz: %v\n%s", err, sb)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("snap file mode: %v %v", st.Mode(), err)
	}

	info, err := ReadInfo(out)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "hello" || info.Hooks["install"] == nil {
		t.Errorf("read back: %+v", info)
	}
}

func TestPackCompressions(t *testing.T) {
	needTool(t, "mksquashfs")
	needTool(t, "unsquashfs")
	dir := helloDir(t)
	for _, comp := range []string{"xz", "gzip", "lzo", "zstd", "lz4"} {
		t.Run(comp, func(t *testing.T) {
			out, err := Pack(dir, t.TempDir(), PackOptions{Compression: comp})
			if err != nil {
				t.Fatal(err)
			}
			sb, err := exec.Command("unsquashfs", "-s", out).CombinedOutput()
			if err != nil || !strings.Contains(string(sb), "Compression "+comp) {
				t.Fatalf("unsquashfs -s: %v\n%s", err, sb)
			}
			if comp == "lz4" {
				return // readable only mounted; see TestReadInfoFromLZ4Snap
			}
			if _, err := ReadInfo(out); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := Pack(dir, t.TempDir(), PackOptions{Compression: "brotli"}); err == nil || !strings.Contains(err.Error(), "unknown compression") {
		t.Errorf("unknown compression: %v", err)
	}
}

func TestPackFileName(t *testing.T) {
	for _, tc := range []struct {
		archs []string
		want  string
	}{
		{nil, "hello_1.0_all.snap"},
		{[]string{"all"}, "hello_1.0_all.snap"},
		{[]string{"amd64"}, "hello_1.0_amd64.snap"},
		{[]string{"riscv64"}, "hello_1.0_riscv64.snap"},
		{[]string{"amd64", "arm64"}, "hello_1.0_multi.snap"},
	} {
		info := &snap.Info{Name: "hello", Version: "1.0", Architectures: tc.archs}
		if got := PackFileName(info); got != tc.want {
			t.Errorf("archs %v: %s, want %s", tc.archs, got, tc.want)
		}
	}
	needTool(t, "mksquashfs")
	dir := writeTree(t, map[string]string{"meta/snap.yaml": "name: hello\nversion: 2\narchitectures: [amd64, s390x]\n"})
	out, err := Pack(dir, t.TempDir(), PackOptions{})
	if err != nil || filepath.Base(out) != "hello_2_multi.snap" {
		t.Errorf("Pack = %s, %v", out, err)
	}
}

func TestPackRefusesBrokenSnaps(t *testing.T) {
	needTool(t, "mksquashfs")
	for _, tc := range []struct {
		name  string
		files map[string]string
		fix   func(dir string) // after writing, before packing
		want  string
	}{
		{"no snap.yaml", map[string]string{"bin/hello": "x"}, nil, "no meta/snap.yaml"},
		{"invalid snap.yaml", map[string]string{"meta/snap.yaml": "name: hello\n"}, nil, `field "version"`},
		{"missing command", map[string]string{"meta/snap.yaml": helloYAML, "meta/hooks/install": "x"}, nil,
			"apps.hello.command: bin/hello does not exist"},
		{"command not executable", map[string]string{"meta/snap.yaml": helloYAML, "meta/hooks/install": "x", "bin/hello": "x"},
			func(dir string) { os.Chmod(filepath.Join(dir, "bin/hello"), 0o644) }, "bin/hello is not executable"},
		{"command is a directory", map[string]string{"meta/snap.yaml": helloYAML, "meta/hooks/install": "x", "bin/hello/x": "x"},
			nil, "bin/hello is not a regular file"},
		{"declared hook missing", map[string]string{"meta/snap.yaml": helloYAML, "bin/hello": "x"}, nil,
			"hooks.install: meta/hooks/install does not exist"},
		{"hook not executable", map[string]string{"meta/snap.yaml": helloYAML, "bin/hello": "x", "meta/hooks/install": "x"},
			func(dir string) { os.Chmod(filepath.Join(dir, "meta/hooks/install"), 0o644) }, "meta/hooks/install is not executable"},
		{"implicit hook not executable", map[string]string{"meta/snap.yaml": "name: a1\nversion: 1\n", "meta/hooks/configure": "x"},
			func(dir string) { os.Chmod(filepath.Join(dir, "meta/hooks/configure"), 0o600) }, "meta/hooks/configure is not executable"},
		{"unknown hook file", map[string]string{"meta/snap.yaml": "name: a1\nversion: 1\n", "meta/hooks/post-install": "x"}, nil,
			"meta/hooks/post-install: not a hook"},
		{"command-chain missing", map[string]string{"meta/snap.yaml": "name: a1\nversion: 1\napps: {a: {command: bin/a, command-chain: [bin/wrap]}}\n", "bin/a": "x"},
			nil, "apps.a.command-chain: bin/wrap does not exist"},
		{"stop-command missing", map[string]string{"meta/snap.yaml": "name: a1\nversion: 1\napps: {a: {command: $SNAP/bin/a --x, daemon: simple, stop-command: bin/stop}}\n", "bin/a": "x"},
			nil, "apps.a.stop-command: bin/stop does not exist"},
		{"unreadable file", map[string]string{"meta/snap.yaml": "name: a1\nversion: 1\n", "secret": "x"},
			func(dir string) { os.Chmod(filepath.Join(dir, "secret"), 0o600) }, "secret is not readable by all users"},
		{"private root", map[string]string{"meta/snap.yaml": "name: a1\nversion: 1\n"},
			func(dir string) { os.Chmod(dir, 0o700) }, "directory . is not readable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			if tc.fix != nil {
				tc.fix(dir)
			}
			outDir := t.TempDir()
			_, err := Pack(dir, outDir, PackOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Pack = %v, want it to say %q", err, tc.want)
			}
			if left, _ := os.ReadDir(outDir); len(left) != 0 {
				t.Errorf("a refused pack left %v behind", left)
			}
		})
	}
}

func TestPackAcceptsSymlinkedCommand(t *testing.T) {
	needTool(t, "mksquashfs")
	dir := writeTree(t, map[string]string{
		"meta/snap.yaml": "name: py\nversion: 1\napps: {py: {command: bin/python3 -m x, command-chain: [$SNAP_DATA/launcher]}}\n",
	})
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	// Resolves inside the base at run time, not on the packing host.
	if err := os.Symlink("/usr/bin/python3.99", filepath.Join(dir, "bin/python3")); err != nil {
		t.Fatal(err)
	}
	if _, err := Pack(dir, t.TempDir(), PackOptions{}); err != nil {
		t.Fatal(err)
	}
}

// The kernel is the final judge of a .snap: mount it for real.
func TestPackedSnapMounts(t *testing.T) {
	needTool(t, "mksquashfs")
	if os.Geteuid() != 0 {
		t.Skip("mounting needs root")
	}
	out, err := Pack(helloDir(t), t.TempDir(), PackOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mnt := t.TempDir()
	if b, err := exec.Command("mount", "-t", "squashfs", "-o", "ro,loop", out, mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount: %v\n%s", err, b)
	}
	// Registered before anything can fail, so the image is never left
	// mounted. t.TempDir's own cleanup runs after this one (LIFO).
	t.Cleanup(func() {
		if b, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", mnt, err, b)
			exec.Command("umount", "-l", mnt).Run()
		}
	})

	data, err := os.ReadFile(filepath.Join(mnt, "bin", "hello"))
	if err != nil || string(data) != "#!/bin/sh\necho hello\n" {
		t.Fatalf("read from mount: %q, %v", data, err)
	}
	st, err := os.Stat(filepath.Join(mnt, "meta", "snap.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if sys := st.Sys().(*syscall.Stat_t); sys.Uid != 0 || sys.Gid != 0 {
		t.Errorf("owner %d:%d, want root", sys.Uid, sys.Gid)
	}
	info, err := snap.ReadInfoFromDir(mnt)
	if err != nil || info.Name != "hello" {
		t.Fatalf("ReadInfoFromDir on the mount: %v", err)
	}
	if err := os.WriteFile(filepath.Join(mnt, "new"), nil, 0o644); !errors.Is(err, syscall.EROFS) {
		t.Errorf("writing into the mounted snap: %v, want EROFS", err)
	}
}
