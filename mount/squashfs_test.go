package mount

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

func TestMountSquashfsReadOnly(t *testing.T) {
	requireRoot(t)
	img := makeImage(t, map[string]string{"meta/snap.yaml": "name: hello\n"})
	// A space in the path exercises mountinfo's \040 escapes, and the
	// missing parent exercises target creation.
	target := filepath.Join(t.TempDir(), "snap dir", "hello", "1")
	cleanupMount(t, target)
	// Created directories must be reachable by every user's apps even
	// under a strict umask.
	oldMask := unix.Umask(0o077)
	err := MountSquashfs(img, target)
	unix.Umask(oldMask)
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Dir(target), filepath.Dir(filepath.Dir(target))} {
		fi, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o755 {
			t.Errorf("created %s with mode %v, want 0755", dir, fi.Mode())
		}
	}
	got, err := os.ReadFile(filepath.Join(target, "meta/snap.yaml"))
	if err != nil || string(got) != "name: hello\n" {
		t.Fatalf("read from mount: %q, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(target, "new"), nil, 0o644); !errors.Is(err, unix.EROFS) {
		t.Errorf("creating a file: got %v, want EROFS", err)
	}
	if _, err := os.OpenFile(filepath.Join(target, "meta/snap.yaml"), os.O_WRONLY, 0); !errors.Is(err, unix.EROFS) {
		t.Errorf("opening for write: got %v, want EROFS", err)
	}

	at := mountsAt(t, target)
	if len(at) != 1 {
		t.Fatalf("mountinfo entries at %q: %+v", target, at)
	}
	e := at[0]
	if e.FSType != "squashfs" {
		t.Errorf("fstype %q, want squashfs", e.FSType)
	}
	for _, opt := range []string{"ro", "nodev", "nosuid"} {
		if !hasOption(e.Options, opt) {
			t.Errorf("options %q lack %s", e.Options, opt)
		}
	}
	if bf, err := LoopBackingFile(e.Source); err != nil || bf != img {
		t.Errorf("backing file of %s: %q, %v; want %q", e.Source, bf, err, img)
	}
	if ro, _ := os.ReadFile(filepath.Join("/sys/block", filepath.Base(e.Source), "ro")); strings.TrimSpace(string(ro)) != "1" {
		t.Errorf("loop device %s is not read-only", e.Source)
	}
	if ok, err := IsMounted(target); !ok || err != nil {
		t.Errorf("IsMounted = %v, %v", ok, err)
	}

	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	if ok, err := IsMounted(target); ok || err != nil {
		t.Errorf("after Unmount, IsMounted = %v, %v", ok, err)
	}
	assertDetached(t, img)
}

func hasOption(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

func TestMountSquashfsIdempotent(t *testing.T) {
	requireRoot(t)
	img := makeImage(t, map[string]string{"f": "x"})
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)
	// The same file by another name is still the same image.
	alias := filepath.Join(t.TempDir(), "alias.snap")
	if err := os.Symlink(img, alias); err != nil {
		t.Fatal(err)
	}

	for _, image := range []string{img, img, alias} {
		if err := MountSquashfs(image, target); err != nil {
			t.Fatal(err)
		}
	}
	if at := mountsAt(t, target); len(at) != 1 {
		t.Errorf("mounts at target: %+v", at)
	}
	if devs := loopsFor(t, img); len(devs) != 1 {
		t.Errorf("loop devices on image: %v", devs)
	}
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}

func TestMountSquashfsSameTargetConcurrently(t *testing.T) {
	requireRoot(t)
	img := makeImage(t, map[string]string{"f": "x"})
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() { errs[i] = MountSquashfs(img, target) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if at := mountsAt(t, target); len(at) != 1 {
		t.Errorf("mounts at target: %+v", at)
	}
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}

func TestMountSquashfsTargetTaken(t *testing.T) {
	requireRoot(t)
	a := makeImage(t, map[string]string{"a": "a"})
	b := makeImage(t, map[string]string{"b": "b"})
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)
	if err := MountSquashfs(a, target); err != nil {
		t.Fatal(err)
	}
	err := MountSquashfs(b, target)
	if err == nil || !strings.Contains(err.Error(), "already mounted") {
		t.Errorf("mounting another image on a taken target: %v", err)
	}
	assertDetached(t, b)

	tmpfs := filepath.Join(t.TempDir(), "tmpfs")
	if err := os.Mkdir(tmpfs, 0o755); err != nil {
		t.Fatal(err)
	}
	cleanupMount(t, tmpfs)
	if err := unix.Mount("tmpfs", tmpfs, "tmpfs", 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := MountSquashfs(b, tmpfs); err == nil || !strings.Contains(err.Error(), "tmpfs") {
		t.Errorf("mounting over a tmpfs: %v", err)
	}
	assertDetached(t, b)
}

func TestMountSquashfsBadImage(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.snap")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not squashfs\n", 10000)), 0o644); err != nil {
		t.Fatal(err)
	}
	junk = trackImage(t, junk)
	target := filepath.Join(dir, "t")
	cleanupMount(t, target)

	err := MountSquashfs(junk, target)
	if err == nil || !strings.Contains(err.Error(), junk) {
		t.Errorf("mounting a non-squashfs file: %v", err)
	}
	assertDetached(t, junk)
	if ok, _ := IsMounted(target); ok {
		t.Error("target mounted after a failed mount")
	}

	for _, image := range []string{filepath.Join(dir, "missing.snap"), dir} {
		if err := MountSquashfs(image, target); err == nil {
			t.Errorf("mounting %s: no error", image)
		}
	}
}

func TestUnmountNotMounted(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	for _, target := range []string{dir, filepath.Join(dir, "missing")} {
		if err := Unmount(target); err != nil {
			t.Errorf("Unmount(%s): %v", target, err)
		}
	}
}

func TestUnmountBusy(t *testing.T) {
	requireRoot(t)
	img := makeImage(t, map[string]string{"f": "x"})
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)
	if err := MountSquashfs(img, target); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sleep", "60")
	cmd.Dir = target
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stop := func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(stop)

	err := Unmount(target)
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("unmounting a busy target: %v", err)
	}
	for _, want := range []string{"target is busy: a process may still run from it", fmt.Sprintf("pid %d (sleep)", cmd.Process.Pid)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if ok, _ := IsMounted(target); !ok {
		t.Error("busy target was unmounted")
	}

	stop()
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}

// A device bound without autoclear (by hand, or by an older Snappy) must
// still be detached by Unmount.
func TestUnmountDetachesWithoutAutoclear(t *testing.T) {
	requireRoot(t)
	img := makeImage(t, map[string]string{"f": "x"})
	target := filepath.Join(t.TempDir(), "t")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	cleanupMount(t, target)
	imgFD, err := unix.Open(img, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(imgFD)
	dev, err := attachLoop(imgFD, img, unix.LO_FLAGS_READ_ONLY)
	if err != nil {
		t.Fatal(err)
	}
	err = unix.Mount(dev.path, target, "squashfs", mountFlags, "")
	dev.close()
	if err != nil {
		t.Fatal(err)
	}

	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}
