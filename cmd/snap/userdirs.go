package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

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
