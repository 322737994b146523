// Package mount makes snaps' squashfs images visible in the filesystem
// through read-only loop mounts, and reads the mount table.
//
// Everything here talks to the kernel directly (loop ioctls, mount(2),
// /proc and /sys): the daemon must not depend on util-linux being present,
// and it mounts every snap at boot, where forking per snap would cost.
package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrBusy is wrapped by Unmount's error when the kernel refuses to
// unmount because the filesystem is in use.
var ErrBusy = errors.New("target is busy: a process may still run from it")

// mountFlags keep device nodes and setuid bits in a snap from taking
// effect: a snap is untrusted data, even when its apps are trusted to run.
const mountFlags = unix.MS_RDONLY | unix.MS_NODEV | unix.MS_NOSUID

// targetLocks makes check-then-mount atomic for calls in this process, so
// two goroutines mounting the same target do not stack two mounts.
var targetLocks keyedMutex

// MountSquashfs mounts the squashfs image at target, read-only, through a
// loop device that detaches itself when the filesystem is unmounted.
// Target is created (0755) when missing. Mounting an image where it is
// already mounted succeeds; a target mounted from anything else is an
// error.
func MountSquashfs(image, target string) error {
	if err := mountSquashfs(image, target); err != nil {
		return fmt.Errorf("mount %s on %s: %w", image, target, err)
	}
	return nil
}

func mountSquashfs(image, target string) error {
	img, err := canonical(image)
	if err != nil {
		return err
	}
	// Holding the image open pins the file we checked, so a rename over
	// the path cannot swap what gets attached.
	imgFD, err := unix.Open(img, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open image: %w", err)
	}
	defer unix.Close(imgFD)
	var st unix.Stat_t
	if err := unix.Fstat(imgFD, &st); err != nil {
		return fmt.Errorf("stat image: %w", err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return errors.New("image is a directory")
	}

	if err := mkdirAll(target); err != nil {
		return err
	}
	tgt, err := canonical(target)
	if err != nil {
		return err
	}
	defer targetLocks.lock(tgt)()

	if e, ok, err := topMount(tgt); err != nil {
		return err
	} else if ok {
		if e.FSType == "squashfs" && sameImage(e.Source, img, &st) {
			return nil
		}
		return fmt.Errorf("target is already mounted from %s (%s)", e.Source, e.FSType)
	}

	dev, err := attachLoop(imgFD, img, unix.LO_FLAGS_READ_ONLY|unix.LO_FLAGS_AUTOCLEAR)
	if err != nil {
		return err
	}
	if err := unix.Mount(dev.path, tgt, "squashfs", mountFlags, ""); err != nil {
		dev.detach()
		if errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("mount %s: %w (not a squashfs image?)", dev.path, err)
		}
		return fmt.Errorf("mount %s: %w", dev.path, err)
	}
	// The filesystem now holds the device; ours was the last other opener,
	// so from here autoclear is tied to the mount.
	dev.close()
	return nil
}

// sameImage reports whether the loop device source is backed by the file
// st describes, falling back to comparing paths when the device cannot be
// opened here.
func sameImage(source, img string, st *unix.Stat_t) bool {
	if ok, err := loopBacks(source, st); err == nil {
		return ok
	}
	bf, err := LoopBackingFile(source)
	return err == nil && bf == img
}

// Unmount unmounts target (the topmost mount there, when several are
// stacked) and makes sure the loop device under it is detached when this
// mount was its last user. A target that is not a mount point, or does
// not exist, is not an error. When the filesystem is in use the error
// wraps ErrBusy and names the processes found using it.
func Unmount(target string) error {
	if err := unmount(target); err != nil {
		return fmt.Errorf("unmount %s: %w", target, err)
	}
	return nil
}

func unmount(target string) error {
	tgt, err := canonical(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer targetLocks.lock(tgt)()

	e, ok, err := topMount(tgt)
	if err != nil || !ok {
		return err
	}
	// Holding the loop device open across the unmount keeps its binding
	// from being reused by a concurrent attach before we check it.
	loopFD := -1
	if _, isLoop := loopName(e.Source); isLoop {
		if fd, err := openLoop(e.Source); err == nil {
			loopFD = fd
			defer unix.Close(loopFD)
		}
	}

	switch err := unix.Unmount(tgt, 0); {
	case errors.Is(err, unix.EBUSY):
		return busyError(tgt)
	case errors.Is(err, unix.EINVAL):
		// Someone else unmounted it in the meantime.
		return nil
	case err != nil:
		return err
	}

	if loopFD >= 0 {
		// Our descriptor is now normally the last opener, so autoclear
		// detaches the device when the deferred close runs. LOOP_CLR_FD
		// covers devices attached without autoclear (by hand, or by an
		// older tool); it too takes effect at the last close, so a
		// device another namespace still mounts stays until that goes.
		if _, err := unix.IoctlLoopGetStatus64(loopFD); err == nil {
			if err := unix.IoctlSetInt(loopFD, unix.LOOP_CLR_FD, 0); err != nil && !errors.Is(err, unix.ENXIO) {
				return fmt.Errorf("detach %s: %w", e.Source, err)
			}
		}
	}
	return nil
}

func busyError(target string) error {
	hs := holders(target, 5)
	if len(hs) == 0 {
		return fmt.Errorf("%w (no process found with files under it; is something mounted beneath it?)", ErrBusy)
	}
	return fmt.Errorf("%w (used by %s)", ErrBusy, strings.Join(hs, ", "))
}

// IsMounted reports whether target is a mount point. A missing target is
// not one.
func IsMounted(target string) (bool, error) {
	tgt, err := canonical(target)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, ok, err := topMount(tgt)
	return ok, err
}

// mkdirAll creates path and its missing parents with mode 0755 whatever
// the umask, because apps of every user must be able to reach into the
// mount; directories that exist are left alone.
func mkdirAll(path string) error {
	if fi, err := os.Stat(path); err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a directory", path)
		}
		return nil
	}
	if parent := filepath.Dir(path); parent != path {
		if err := mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		if os.IsExist(err) {
			return nil // made concurrently
		}
		return err
	}
	return os.Chmod(path, 0o755)
}

// canonical returns the path as the mount table spells it: absolute, with
// symlinks resolved.
func canonical(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// topMount returns the visible mount at path: when mounts are stacked
// there, the one no other mount at path sits on.
func topMount(path string) (Entry, bool, error) {
	entries, err := Mountinfo()
	if err != nil {
		return Entry{}, false, err
	}
	var at []Entry
	for _, e := range entries {
		if e.MountPoint == path {
			at = append(at, e)
		}
	}
	for _, e := range at {
		covered := false
		for _, o := range at {
			if o.Parent == e.ID {
				covered = true
				break
			}
		}
		if !covered {
			return e, true, nil
		}
	}
	return Entry{}, false, nil
}
