package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// These are variables so tests can point the code at a scratch /dev and
// force the legacy attach path.
var (
	loopControlPath = "/dev/loop-control"
	devDir          = "/dev"
	sysBlockDir     = "/sys/block"

	loopConfigure = unix.IoctlLoopConfigure
	// afterGetFree runs between LOOP_CTL_GET_FREE and binding the device,
	// so tests can play the other process that steals the free device.
	afterGetFree func(n int)
)

// maxAttachAttempts bounds how often a free device is re-requested when
// another process keeps binding the one the kernel offered.
const maxAttachAttempts = 100

// attachMu serialises the GET_FREE/bind pair inside this process: without
// it, N goroutines are all handed the same device and N-1 of them lose,
// which turns a parallel boot into quadratic retries. Processes outside
// are still handled by retrying on EBUSY.
var attachMu sync.Mutex

// loopDevice is a bound loop device held open: with LO_FLAGS_AUTOCLEAR the
// kernel detaches it at the last close, so the descriptor must stay open
// until the filesystem on top has opened the device itself.
type loopDevice struct {
	n    int
	path string
	fd   int
}

func (l *loopDevice) close() {
	unix.Close(l.fd)
}

// detach clears the binding and closes; being the only opener makes the
// kernel detach at once instead of lazily.
func (l *loopDevice) detach() {
	unix.IoctlSetInt(l.fd, unix.LOOP_CLR_FD, 0)
	unix.Close(l.fd)
}

// attachLoop binds the open file imgFD (named name, for LOOP_GET_STATUS
// users) to a free loop device with the given LO_FLAGS_*.
func attachLoop(imgFD int, name string, flags uint32) (*loopDevice, error) {
	attachMu.Lock()
	defer attachMu.Unlock()

	ctl, err := unix.Open(loopControlPath, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", loopControlPath, err)
	}
	defer unix.Close(ctl)

	var lastErr error
	for attempt := 0; attempt < maxAttachAttempts; attempt++ {
		n, err := unix.IoctlRetInt(ctl, unix.LOOP_CTL_GET_FREE)
		if err != nil {
			return nil, fmt.Errorf("find free loop device: %w", err)
		}
		if afterGetFree != nil {
			afterGetFree(n)
		}
		dev, err := bindLoop(n, imgFD, name, flags)
		if err == nil {
			return dev, nil
		}
		if !stolen(err) {
			return nil, err
		}
		lastErr = err
		// Whoever won is mid-configure; a short pause lets GET_FREE move on.
		time.Sleep(time.Duration(attempt) * 50 * time.Microsecond)
	}
	return nil, fmt.Errorf("no free loop device after %d attempts: %w", maxAttachAttempts, lastErr)
}

// stolen reports errors meaning another process bound or removed the
// device GET_FREE offered, so asking again will do.
func stolen(err error) bool {
	return errors.Is(err, unix.EBUSY) || errors.Is(err, unix.ENXIO) || errors.Is(err, unix.ENODEV)
}

func bindLoop(n, imgFD int, name string, flags uint32) (*loopDevice, error) {
	path, err := ensureLoopNode(n)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var cfg unix.LoopConfig
	cfg.Fd = uint32(imgFD)
	cfg.Info.Flags = flags
	copy(cfg.Info.File_name[:unix.LO_NAME_SIZE-1], name)
	err = loopConfigure(fd, &cfg)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTTY) {
		// Kernels before 5.8 lack LOOP_CONFIGURE.
		err = bindLoopLegacy(fd, imgFD, cfg.Info)
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind %s: %w", path, err)
	}
	return &loopDevice{n: n, path: path, fd: fd}, nil
}

func bindLoopLegacy(fd, imgFD int, info unix.LoopInfo64) error {
	if err := unix.IoctlSetInt(fd, unix.LOOP_SET_FD, imgFD); err != nil {
		return err
	}
	// LOOP_SET_FD already made the device read-only because imgFD is;
	// only autoclear needs setting, and until it is set a crash would
	// leave the device bound, so undo on failure.
	if err := unix.IoctlLoopSetStatus64(fd, &info); err != nil {
		unix.IoctlSetInt(fd, unix.LOOP_CLR_FD, 0)
		return fmt.Errorf("set loop status: %w", err)
	}
	return nil
}

// ensureLoopNode returns devDir/loopN, creating the node when the kernel
// made the device but nothing populated /dev (containers without udev or
// devtmpfs).
func ensureLoopNode(n int) (string, error) {
	path := filepath.Join(devDir, "loop"+strconv.Itoa(n))
	want := loopDevNumber(n)
	var st unix.Stat_t
	err := unix.Stat(path, &st)
	if err == nil {
		if st.Mode&unix.S_IFMT != unix.S_IFBLK || uint64(st.Rdev) != want {
			return "", fmt.Errorf("%s is not the block device %d:%d", path, unix.Major(want), unix.Minor(want))
		}
		return path, nil
	}
	if !errors.Is(err, unix.ENOENT) {
		return "", fmt.Errorf("stat %s: %w", path, err)
	}
	err = unix.Mknod(path, unix.S_IFBLK|0o660, int(want))
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return "", fmt.Errorf("create %s: %w", path, err)
	}
	return path, nil
}

// loopDevNumber reads the device number from sysfs because the minor is
// only N when the loop driver was loaded without max_part.
func loopDevNumber(n int) uint64 {
	b, err := os.ReadFile(filepath.Join(sysBlockDir, "loop"+strconv.Itoa(n), "dev"))
	if err == nil {
		majStr, minStr, ok := strings.Cut(strings.TrimSpace(string(b)), ":")
		major, err1 := strconv.ParseUint(majStr, 10, 32)
		minor, err2 := strconv.ParseUint(minStr, 10, 32)
		if ok && err1 == nil && err2 == nil {
			return unix.Mkdev(uint32(major), uint32(minor))
		}
	}
	return unix.Mkdev(7, uint32(n))
}

// loopName returns "loopN" for a device path like /dev/loopN.
func loopName(dev string) (string, bool) {
	name := filepath.Base(dev)
	num, ok := strings.CutPrefix(name, "loop")
	if !ok || num == "" {
		return "", false
	}
	if _, err := strconv.ParseUint(num, 10, 31); err != nil {
		return "", false
	}
	return name, true
}

// LoopBackingFile returns the file bound to the loop device dev ("loopN"
// or a path to its node), as the kernel names it (with " (deleted)"
// appended when the file was removed). It returns "" and no error when the
// device exists but is not bound.
func LoopBackingFile(dev string) (string, error) {
	name, ok := loopName(dev)
	if !ok {
		return "", fmt.Errorf("%q is not a loop device", dev)
	}
	b, err := os.ReadFile(filepath.Join(sysBlockDir, name, "loop", "backing_file"))
	if err == nil {
		return strings.TrimSuffix(string(b), "\n"), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	// The loop/ directory exists only while the device is bound.
	if _, serr := os.Stat(filepath.Join(sysBlockDir, name)); serr != nil {
		return "", fmt.Errorf("loop device %s: %w", name, serr)
	}
	return "", nil
}

// openLoop opens an existing loop device for ioctls, trying the node the
// mount table names first and then devDir, since the two differ when the
// mount was made from another mount namespace.
func openLoop(source string) (int, error) {
	name, ok := loopName(source)
	if !ok {
		return -1, fmt.Errorf("%q is not a loop device", source)
	}
	fd, err := unix.Open(source, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err == nil {
		return fd, nil
	}
	return unix.Open(filepath.Join(devDir, name), unix.O_RDONLY|unix.O_CLOEXEC, 0)
}

// loopBacks reports whether the loop device source is bound to the file
// whose identity st describes. Inode identity is compared rather than the
// path, which the kernel records from its own root.
func loopBacks(source string, st *unix.Stat_t) (bool, error) {
	fd, err := openLoop(source)
	if err != nil {
		return false, err
	}
	defer unix.Close(fd)
	info, err := unix.IoctlLoopGetStatus64(fd)
	if errors.Is(err, unix.ENXIO) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("loop status of %s: %w", source, err)
	}
	return info.Device == uint64(st.Dev) && info.Inode == uint64(st.Ino), nil
}
