package mount

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func requireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: loop mounts")
	}
}

// makeImage builds a squashfs image holding files and registers a cleanup
// that detaches any loop device still bound to it, whatever the test did.
func makeImage(t testing.TB, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("mksquashfs"); err != nil {
		t.Fatalf("mksquashfs is needed to build test images (apt install squashfs-tools): %v", err)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	for name, content := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img := filepath.Join(dir, "image.snap")
	out, err := exec.Command("mksquashfs", src, img, "-noappend", "-comp", "xz", "-all-root", "-no-xattrs", "-quiet").CombinedOutput()
	if err != nil {
		t.Fatalf("mksquashfs: %v\n%s", err, out)
	}
	return trackImage(t, img)
}

// trackImage returns img's canonical path, the one the kernel reports as
// backing file, and makes sure no loop device outlives the test on it.
func trackImage(t testing.TB, img string) string {
	t.Helper()
	img, err := filepath.EvalSymlinks(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, dev := range loopsFor(t, img) {
			clearLoop(t, dev)
		}
	})
	return img
}

// cleanupMount unmounts everything stacked on target when the test ends,
// lazily so a stray process cannot make cleanup fail. Cleanups run last
// in first out, so this runs before the image's loop devices are cleared.
func cleanupMount(t testing.TB, target string) {
	t.Helper()
	t.Cleanup(func() {
		for range 16 {
			if ok, _ := IsMounted(target); !ok {
				return
			}
			if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
				t.Errorf("cleanup: unmount %s: %v", target, err)
				return
			}
		}
	})
}

func clearLoop(t testing.TB, dev string) {
	fd, err := unix.Open(dev, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Errorf("cleanup: open %s: %v", dev, err)
		return
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetInt(fd, unix.LOOP_CLR_FD, 0); err != nil && err != unix.ENXIO {
		t.Errorf("cleanup: detach %s: %v", dev, err)
	}
}

// loopsFor lists /dev/loopN devices bound to img, read straight from sysfs
// so it does not share code with what is under test.
func loopsFor(t testing.TB, img string) []string {
	t.Helper()
	files, err := filepath.Glob("/sys/block/loop*/loop/backing_file")
	if err != nil {
		t.Fatal(err)
	}
	var devs []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // detached since the glob
		}
		if strings.TrimSpace(string(b)) == img {
			devs = append(devs, "/dev/"+filepath.Base(filepath.Dir(filepath.Dir(f))))
		}
	}
	return devs
}

// assertDetached fails unless no loop device is bound to img, by sysfs and
// by losetup when installed.
func assertDetached(t testing.TB, img string) {
	t.Helper()
	if devs := loopsFor(t, img); len(devs) > 0 {
		t.Errorf("loop devices still bound to %s: %v", img, devs)
	}
	if _, err := exec.LookPath("losetup"); err != nil {
		return
	}
	out, err := exec.Command("losetup", "-j", img).CombinedOutput()
	if err != nil {
		t.Errorf("losetup -j %s: %v\n%s", img, err, out)
	}
	if len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("losetup -j %s: %s", img, out)
	}
}

func mountsAt(t testing.TB, target string) []Entry {
	t.Helper()
	entries, err := Mountinfo()
	if err != nil {
		t.Fatal(err)
	}
	var at []Entry
	for _, e := range entries {
		if e.MountPoint == target {
			at = append(at, e)
		}
	}
	return at
}
