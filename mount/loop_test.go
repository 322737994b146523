package mount

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestLoopName(t *testing.T) {
	for dev, want := range map[string]string{
		"/dev/loop0":    "loop0",
		"loop12":        "loop12",
		"/tmp/x/loop3":  "loop3",
		"/dev/loop":     "",
		"/dev/loop-1":   "",
		"/dev/loop1p1":  "",
		"/dev/sda":      "",
		"loop-control":  "",
		"":              "",
		"/dev/loop0/..": "",
	} {
		got, ok := loopName(dev)
		if got != want || ok != (want != "") {
			t.Errorf("loopName(%q) = %q, %v; want %q", dev, got, ok, want)
		}
	}
}

func TestLoopBackingFileFromSysfs(t *testing.T) {
	sys := t.TempDir()
	old := sysBlockDir
	sysBlockDir = sys
	t.Cleanup(func() { sysBlockDir = old })
	if err := os.MkdirAll(filepath.Join(sys, "loop3", "loop"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sys, "loop3", "loop", "backing_file"), []byte("/var/lib/snapd/snaps/a b_1.snap\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(sys, "loop4"), 0o755); err != nil {
		t.Fatal(err)
	}

	if got, err := LoopBackingFile("/dev/loop3"); err != nil || got != "/var/lib/snapd/snaps/a b_1.snap" {
		t.Errorf("bound device: %q, %v", got, err)
	}
	if got, err := LoopBackingFile("loop4"); err != nil || got != "" {
		t.Errorf("unbound device: %q, %v", got, err)
	}
	for _, dev := range []string{"loop9", "/dev/sda", ""} {
		if _, err := LoopBackingFile(dev); err == nil {
			t.Errorf("LoopBackingFile(%q): no error", dev)
		}
	}
}

// The kernel may lack LOOP_CONFIGURE (before 5.8); the legacy ioctls must
// give the same read-only, autoclearing device.
func TestAttachLegacyFallback(t *testing.T) {
	requireRoot(t)
	old := loopConfigure
	loopConfigure = func(int, *unix.LoopConfig) error { return unix.ENOTTY }
	t.Cleanup(func() { loopConfigure = old })
	img := makeImage(t, map[string]string{"f": "legacy"})
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)

	if err := MountSquashfs(img, target); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "f")); string(got) != "legacy" {
		t.Errorf("read %q", got)
	}
	at := mountsAt(t, target)
	if len(at) != 1 {
		t.Fatalf("mounts at target: %+v", at)
	}
	sys := filepath.Join("/sys/block", filepath.Base(at[0].Source))
	for file, want := range map[string]string{"ro": "1", "loop/autoclear": "1"} {
		if got, _ := os.ReadFile(filepath.Join(sys, file)); strings.TrimSpace(string(got)) != want {
			t.Errorf("%s/%s = %q, want %s", sys, file, got, want)
		}
	}
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}

// Another process binding the device LOOP_CTL_GET_FREE offered must send
// us to the next free one, not fail.
func TestAttachFreeDeviceStolen(t *testing.T) {
	requireRoot(t)
	img := makeImage(t, map[string]string{"f": "x"})
	decoy := filepath.Join(t.TempDir(), "decoy.img")
	if err := os.WriteFile(decoy, make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	decoy = trackImage(t, decoy)
	decoyFD, err := unix.Open(decoy, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(decoyFD)

	stolenDev := ""
	afterGetFree = func(n int) {
		if stolenDev != "" {
			return
		}
		dev, err := bindLoop(n, decoyFD, decoy, unix.LO_FLAGS_READ_ONLY)
		if stolen(err) {
			return // another process beat us to it too; steal the next
		}
		if err != nil {
			t.Errorf("stealing loop%d: %v", n, err)
			return
		}
		stolenDev = dev.path
		dev.close()
	}
	t.Cleanup(func() { afterGetFree = nil })
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)

	if err := MountSquashfs(img, target); err != nil {
		t.Fatal(err)
	}
	if stolenDev == "" {
		t.Fatal("the hook never stole a device")
	}
	at := mountsAt(t, target)
	if len(at) != 1 || at[0].Source == stolenDev {
		t.Errorf("mounted %+v though %s was stolen", at, stolenDev)
	}
	if bf, _ := LoopBackingFile(stolenDev); bf != decoy {
		t.Errorf("stolen device %s backs %q, want the decoy", stolenDev, bf)
	}
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}

// Containers often have a /dev without loop nodes; attach must make them.
func TestAttachCreatesMissingNode(t *testing.T) {
	requireRoot(t)
	dev := t.TempDir()
	old := devDir
	devDir = dev
	t.Cleanup(func() { devDir = old })
	img := makeImage(t, map[string]string{"f": "node"})
	target := filepath.Join(t.TempDir(), "t")
	cleanupMount(t, target)

	if err := MountSquashfs(img, target); err != nil {
		t.Fatal(err)
	}
	at := mountsAt(t, target)
	if len(at) != 1 || filepath.Dir(at[0].Source) != dev {
		t.Fatalf("mounts at target: %+v, want a source in %s", at, dev)
	}
	var st unix.Stat_t
	if err := unix.Stat(at[0].Source, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFBLK || unix.Major(uint64(st.Rdev)) != 7 {
		t.Errorf("node %s: %+v, %v", at[0].Source, st, err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "f")); string(got) != "node" {
		t.Errorf("read %q", got)
	}
	if err := Unmount(target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, img)
}
