package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/snappy-pm/snappy/snap/paths"
)

// Modes of the host side of a snap's private /tmp. The parents are root's
// and writable by nobody else, so no user can plant or swap anything on
// the way to a snap's /tmp (R/tmp itself is world-writable). snapd makes
// them 0700 because its setuid launcher mounts as root; Snappy's launcher
// runs as the user, so they must let everyone through (0711), without
// letting anyone list them. The /tmp itself is shared by the snap's users,
// sticky and world-writable like any /tmp.
const (
	privateTmpParentMode fs.FileMode = 0o711
	privateTmpMode                   = fs.ModeSticky | 0o777
)

// ErrNoPrivateTmp is returned to a non-root caller when the private /tmp
// has not been created yet; only root may create it.
var ErrNoPrivateTmp = errors.New("private /tmp not created yet")

// PreparePrivateTmp makes sure the host side of snap name's private /tmp
// exists and can be trusted. Root creates what is missing, R/tmp itself
// included (the daemon at install and boot, the launcher when it runs as
// root); anyone else only checks, and gets an error wrapping
// ErrNoPrivateTmp when it is missing. Something in the way that root does
// not own is an error either way: someone else put it there.
func PreparePrivateTmp(p paths.Paths, name string) error {
	tmp := p.PrivateTmpDir(name)
	levels := []struct {
		path string
		mode fs.FileMode
	}{
		{filepath.Dir(filepath.Dir(tmp)), privateTmpParentMode},
		{filepath.Dir(tmp), privateTmpParentMode},
		{tmp, privateTmpMode},
	}
	root := os.Geteuid() == 0
	if root {
		// A system always has its /tmp; a throwaway root may not yet.
		if err := os.Mkdir(filepath.Dir(levels[0].path), 0o700); err == nil {
			if err := os.Chmod(filepath.Dir(levels[0].path), fs.ModeSticky|0o777); err != nil {
				return err
			}
		}
	}
	for _, l := range levels {
		err := checkTrusted(l.path, l.mode)
		if errors.Is(err, fs.ErrNotExist) {
			if !root {
				return fmt.Errorf("%s: %w", l.path, ErrNoPrivateTmp)
			}
			if err = os.Mkdir(l.path, 0o700); err == nil || errors.Is(err, fs.ErrExist) {
				err = checkTrusted(l.path, l.mode)
			}
		}
		if errors.Is(err, errWrongMode) && root {
			// Ours, but left with another mode (umask, an older layout).
			err = os.Chmod(l.path, l.mode)
		}
		if err != nil {
			return fmt.Errorf("cannot use %s as the private /tmp of snap %s: %w", tmp, name, err)
		}
	}
	return nil
}

var errWrongMode = errors.New("wrong mode")

// checkTrusted wants a real directory (not a symlink) owned by root with
// exactly mode.
func checkTrusted(path string, mode fs.FileMode) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", path)
	case !ok || st.Uid != 0:
		return fmt.Errorf("%s is not owned by root", path)
	case fi.Mode()&(fs.ModePerm|fs.ModeSticky) != mode:
		return fmt.Errorf("%s has mode %v, want %v: %w", path, fi.Mode(), mode, errWrongMode)
	}
	return nil
}
