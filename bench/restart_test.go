package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/snappy-pm/snappy/mount"
)

// BenchmarkRestart200 times a daemon start after a simulated reboot with
// 200 snaps installed: the daemon is stopped, every snap unmounted and its
// loop device released, then the clock runs from the fork of snapd until
// its socket answers and all 200 snaps are mounted. The page cache stays
// warm: dropping it would disturb the whole machine.
//
// In the same loop: the start of a daemon with nothing installed; mounting
// the 200 images one after the other in this process with the mount
// package the daemon uses (the work itself, without the daemon); and with
// `mount -o loop`, the way a boot script would.
func BenchmarkRestart200(b *testing.B) {
	requireRoot(b)
	s := newSystem(b)
	s.mustStart()
	installMany(b, s)
	empty := newSystem(b)
	empty.mustStart()
	images := manySnaps(b, installedCount)
	refMounts := filepath.Join(empty.dir, "mnt")

	var restart, answered, emptyStart, serial, inProcess samples
	for b.Loop() {
		reboot(b, s)
		d, err := s.start()
		if err != nil {
			b.Fatal(err)
		}
		answered = append(answered, d)
		// The daemon mounts before it listens, so this normally passes at
		// once; it is checked, not assumed.
		t0 := time.Now()
		for len(mountsUnder(s.root, "squashfs")) < installedCount {
			if time.Since(t0) > 30*time.Second {
				b.Fatalf("only %d of %d snaps mounted 30 s after the daemon answered", len(mountsUnder(s.root, "squashfs")), installedCount)
			}
			time.Sleep(time.Millisecond)
		}
		restart = append(restart, d+time.Since(t0))

		if err := empty.stop(); err != nil {
			b.Fatal(err)
		}
		d, err = empty.start()
		if err != nil {
			b.Fatal(err)
		}
		emptyStart = append(emptyStart, d)

		inProcess = append(inProcess, mountInProcess(b, images, refMounts))
		serial = append(serial, mountSerially(b, images, refMounts))
	}
	hideNsPerOp(b)

	metric(b, restart.p50(), "restart-p50-ms")
	metric(b, inProcess.p50(), "mount-pkg-serial-p50-ms")
	metric(b, serial.p50(), "mount8-serial-p50-ms")
	summary(b, fmt.Sprintf("daemon restart with 200 snaps after a simulated reboot, to socket answering and all mounted (median of %d)", len(restart)),
		fmtMS(restart.p50()),
		"the 200 mounts one by one with package mount "+fmtMS(inProcess.p50())+" (with `mount -o loop`: "+fmtMS(serial.p50())+"); empty daemon start "+fmtMS(emptyStart.p50()),
		ratio(restart.p50(), inProcess.p50()), "< 2 s", yesNo(restart.p50() < 2*time.Second))
	b.Logf("restart: p50 %s, max %s (socket answered after %s p50); empty daemon start p50 %s; one by one: package mount p50 %s, mount(8) p50 %s",
		fmtMS(restart.p50()), fmtMS(restart.q(1)), fmtMS(answered.p50()), fmtMS(emptyStart.p50()), fmtMS(inProcess.p50()), fmtMS(serial.p50()))
}

// reboot stops the daemon and takes down everything a reboot would: the
// snaps' mounts and their loop devices.
func reboot(b *testing.B, s *system) {
	b.Helper()
	if err := s.stop(); err != nil {
		b.Fatal(err)
	}
	if err := unmountAll(s.root); err != nil {
		b.Fatal(err)
	}
	if err := releaseLoops(s.dir, 5*time.Second); err != nil {
		b.Fatal(err)
	}
}

func unmountAll(dir string) error {
	for _, mp := range mountsUnder(dir, "") {
		if out, err := exec.Command("umount", mp).CombinedOutput(); err != nil {
			return fmt.Errorf("umount %s: %v: %s", mp, err, out)
		}
	}
	if left := mountsUnder(dir, ""); len(left) > 0 {
		return fmt.Errorf("still mounted: %v", left)
	}
	return nil
}

// mountInProcess times mounting every image into dir one after the other
// with the daemon's own mount code; unmounting is not timed.
func mountInProcess(b *testing.B, images []string, dir string) time.Duration {
	b.Helper()
	t0 := time.Now()
	for i, img := range images {
		if err := mount.MountSquashfs(img, filepath.Join(dir, fmt.Sprint(i))); err != nil {
			unmountAll(dir)
			b.Fatal(err)
		}
	}
	d := time.Since(t0)
	if err := unmountAll(dir); err != nil {
		b.Fatal(err)
	}
	return d
}

// mountSerially times mounting every image with mount(8), one after the
// other, into dir; unmounting them afterwards is not timed.
func mountSerially(b *testing.B, images []string, dir string) time.Duration {
	b.Helper()
	targets := make([]string, len(images))
	for i := range images {
		targets[i] = filepath.Join(dir, fmt.Sprint(i))
		if err := os.MkdirAll(targets[i], 0o755); err != nil {
			b.Fatal(err)
		}
	}
	t0 := time.Now()
	for i, img := range images {
		if out, err := exec.Command("mount", "-t", "squashfs", "-o", "loop,ro", img, targets[i]).CombinedOutput(); err != nil {
			unmountAll(dir)
			b.Fatalf("mount %s: %v: %s", img, err, out)
		}
	}
	d := time.Since(t0)
	if err := unmountAll(dir); err != nil {
		b.Fatal(err)
	}
	return d
}
