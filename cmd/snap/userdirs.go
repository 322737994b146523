package main

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"

	"github.com/snappy-pm/snappy/snap/paths"
)

// realHome is the user's own home, where the per-snap data lives; $HOME
// first, as that is what the user's shell and programs agree on.
func realHome() (string, error) {
	if home := os.Getenv("HOME"); home != "" {
		return home, nil
	}
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("cannot find your home directory: set $HOME: %w", err)
	}
	return u.HomeDir, nil
}

// makeUserDataDirs creates ~/snap/NAME/{REV,common} and points
// ~/snap/NAME/current at REV, as snapd does; ~/snap itself is private.
func makeUserDataDirs(home, name, rev string) error {
	if err := os.MkdirAll(filepath.Join(home, "snap"), 0o700); err != nil {
		return fmt.Errorf("cannot create the snap data directory in your home: %w", err)
	}
	for _, dir := range []string{paths.UserDataDir(home, name, rev), paths.UserCommonDir(home, name)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot create the snap's data directory: %w", err)
		}
	}
	current := filepath.Join(paths.UserSnapDir(home, name), "current")
	if old, err := os.Readlink(current); err == nil && old == rev {
		return nil
	}
	// Replace atomically: a concurrent run must never see it missing.
	tmp := fmt.Sprintf("%s.%d.tmp", current, os.Getpid())
	if err := os.Symlink(rev, tmp); err != nil {
		return fmt.Errorf("cannot point %s at revision %s: %w", current, rev, err)
	}
	if err := os.Rename(tmp, current); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot point %s at revision %s: %w", current, rev, err)
	}
	return nil
}

// makeRuntimeDir creates the snap's own $XDG_RUNTIME_DIR inside the user's,
// which apps expect to exist. Without a user runtime dir (no login session)
// there is nothing to create it in, and the app runs without one, as it
// would outside a snap.
func makeRuntimeDir(dir string) error {
	if dir == "" {
		return nil
	}
	if _, err := os.Stat(filepath.Dir(dir)); err != nil {
		return nil
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("cannot create the snap's runtime directory: %w", err)
	}
	return nil
}
