package launch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/snappy-pm/snappy/mount/profile"
	"golang.org/x/sys/unix"
)

const (
	// stagingDir is where the new root is mounted before pivot_root, in
	// this namespace only; any directory would do, /tmp always exists.
	stagingDir = "/tmp"
	// oldRoot is where the host's root stays reachable until the end:
	// mounting a new proc in a user namespace needs a proc mount visible
	// in it.
	oldRoot = "/.oldroot"
)

// step is one entry, with its source already opened on the host.
type step struct {
	profile.Entry
	tree int  // detached copy of a bind's source, -1 when not a bind
	dir  bool // the source is a directory: the mount point is one too
	skip bool // optional, and its source is missing
}

// buildNamespace turns this process's fresh mount namespace into the
// app's: a tmpfs root holding the profile's entries, with the host's
// root gone.
func buildNamespace(entries []profile.Entry) error {
	// The copy of the host's mounts must not propagate either way, and
	// pivot_root refuses shared mounts.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("cannot make mounts private: %w", err)
	}
	steps, err := openSources(entries)
	defer func() {
		for _, s := range steps {
			if s.tree >= 0 {
				unix.Close(s.tree)
			}
		}
	}()
	if err != nil {
		return err
	}
	if err := enterNewRoot(); err != nil {
		return err
	}
	var readOnly []string
	for i := range steps {
		s := &steps[i]
		if s.skip {
			continue
		}
		if err := s.apply(); err != nil {
			return fmt.Errorf("%s %s on %s: %w", s.Type, s.Source, s.Target, err)
		}
		if s.Type == profile.TypeTmpfs && s.ReadOnly() {
			readOnly = append(readOnly, s.Target)
		}
	}
	return leaveOldRoot(readOnly)
}

// enterNewRoot makes a fresh tmpfs the root, with the host's below it at
// oldRoot.
func enterNewRoot() error {
	if err := unix.Mount("tmpfs", stagingDir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0755"); err != nil {
		return fmt.Errorf("cannot mount the new root: %w", err)
	}
	if err := unix.Mkdir(stagingDir+oldRoot, 0o700); err != nil {
		return err
	}
	if err := unix.PivotRoot(stagingDir, stagingDir+oldRoot); err != nil {
		return fmt.Errorf("cannot pivot into the new root: %w", err)
	}
	return unix.Chdir("/")
}

// leaveOldRoot drops the host's root and makes the root and readOnly
// read-only: last, once nothing needs creating in them any more.
func leaveOldRoot(readOnly []string) error {
	if err := unix.Unmount(oldRoot, unix.MNT_DETACH); err != nil {
		return fmt.Errorf("cannot detach the host's root: %w", err)
	}
	if err := unix.Rmdir(oldRoot); err != nil {
		return err
	}
	for _, dir := range append(readOnly, "/") {
		attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
		if err := unix.MountSetattr(unix.AT_FDCWD, dir, 0, &attr); err != nil {
			return fmt.Errorf("cannot make %s read-only: %w", dir, err)
		}
	}
	return nil
}

// openSources copies each bind's source as a detached mount while the
// host's paths still resolve as on the host.
func openSources(entries []profile.Entry) ([]step, error) {
	steps := make([]step, len(entries))
	for i, e := range entries {
		steps[i] = step{Entry: e, tree: -1}
		if e.Type != profile.TypeBind {
			continue
		}
		tree, dir, err := openTree(e.Source, e.Recursive(), mountAttrs(e))
		if errors.Is(err, unix.ENOENT) && e.Has(profile.OptOptional) {
			steps[i].skip = true
			continue
		}
		if err != nil {
			return steps, fmt.Errorf("cannot bind %s to %s: %w", e.Source, e.Target, err)
		}
		steps[i].tree, steps[i].dir = tree, dir
	}
	return steps, nil
}

func openTree(src string, recursive bool, attrs uint64) (tree int, dir bool, err error) {
	flags := unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC
	setFlags := unix.AT_EMPTY_PATH
	if recursive {
		// Also what a user namespace requires when mounts lie beneath.
		flags |= unix.AT_RECURSIVE
		setFlags |= unix.AT_RECURSIVE
	}
	tree, err = unix.OpenTree(unix.AT_FDCWD, src, uint(flags))
	if err != nil {
		return -1, false, err
	}
	if attrs != 0 {
		attr := unix.MountAttr{Attr_set: attrs}
		if err := unix.MountSetattr(tree, "", uint(setFlags), &attr); err != nil {
			unix.Close(tree)
			return -1, false, err
		}
	}
	var st unix.Stat_t
	if err := unix.Fstat(tree, &st); err != nil {
		unix.Close(tree)
		return -1, false, err
	}
	return tree, st.Mode&unix.S_IFMT == unix.S_IFDIR, nil
}

func (s *step) apply() error {
	switch s.Type {
	case profile.TypeBind:
		if err := mountPoint(s.Target, s.dir); err != nil {
			return err
		}
		return unix.MoveMount(s.tree, "", unix.AT_FDCWD, s.Target, unix.MOVE_MOUNT_F_EMPTY_PATH)
	case profile.TypeSymlink:
		if err := os.MkdirAll(filepath.Dir(s.Target), 0o755); err != nil {
			return err
		}
		err := os.Symlink(s.Source, s.Target)
		if errors.Is(err, os.ErrExist) {
			if old, rerr := os.Readlink(s.Target); rerr == nil && old == s.Source {
				return nil
			}
		}
		return err
	}
	if err := os.MkdirAll(s.Target, 0o755); err != nil {
		return err
	}
	flags, data := kernelOptions(s.Entry)
	err := unix.Mount(s.Source, s.Target, s.Type, flags, data)
	if err != nil && s.Type == profile.TypeDevpts {
		// No private instance here: the host's terminals, as snapd has.
		return bindHostPts(s.Target)
	}
	return err
}

func bindHostPts(target string) error {
	tree, _, err := openTree(oldRoot+"/dev/pts", true, unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NOEXEC)
	if err != nil {
		return err
	}
	defer unix.Close(tree)
	return unix.MoveMount(tree, "", unix.AT_FDCWD, target, unix.MOVE_MOUNT_F_EMPTY_PATH)
}

// mountPoint creates what a bind needs to land on: a directory, or an
// empty file for a file (a device node).
func mountPoint(target string, dir bool) error {
	if dir {
		return os.MkdirAll(target, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	fd, err := unix.Open(target, unix.O_CREAT|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return err
	}
	return unix.Close(fd)
}

// mountAttrs are the per-mount flags of a bind.
func mountAttrs(e profile.Entry) uint64 {
	var a uint64
	for opt, bit := range map[string]uint64{
		profile.OptRO: unix.MOUNT_ATTR_RDONLY,
		"nosuid":      unix.MOUNT_ATTR_NOSUID,
		"nodev":       unix.MOUNT_ATTR_NODEV,
		"noexec":      unix.MOUNT_ATTR_NOEXEC,
	} {
		if e.Has(opt) {
			a |= bit
		}
	}
	return a
}

// kernelOptions splits a new mount's options into mount(2) flags and
// the filesystem's own data. A tmpfs is made read-only only at the end.
func kernelOptions(e profile.Entry) (uintptr, string) {
	var flags uintptr
	var data []string
	for _, o := range e.Options {
		switch o {
		case "nosuid":
			flags |= unix.MS_NOSUID
		case "nodev":
			flags |= unix.MS_NODEV
		case "noexec":
			flags |= unix.MS_NOEXEC
		case profile.OptRO:
			if e.Type != profile.TypeTmpfs {
				flags |= unix.MS_RDONLY
			}
		case profile.OptRW, "defaults":
		default:
			data = append(data, o)
		}
	}
	return flags, strings.Join(data, ",")
}
