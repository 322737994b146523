// Package snapfile reads .snap files without mounting them and packs
// directories into them. It is apart from package snap so that programs
// that only run snaps (the launcher) do not load the image readers.
package snapfile

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/squashfs"
)

// ReadInfo reads and validates meta/snap.yaml of a .snap
// without mounting it, and adds the hooks found in meta/hooks/. Images
// compressed with lz4 can't be read this way (see PackOptions).
func ReadInfo(path string) (*snap.Info, error) {
	ok, err := squashfs.IsSquashfs(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("cannot read snap %s: not a snap (a snap is a squashfs image; make one with snap pack)", path)
	}
	data, err := squashfs.ReadFile(path, snap.MetaYAML)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read snap %s: it has no %s, so it is not a snap: %w", path, snap.MetaYAML, err)
		}
		return nil, fmt.Errorf("cannot read snap %s: %w", path, err)
	}
	info, err := snap.ReadInfoYAML(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap %s: %w", path, err)
	}
	hooks, err := ListHooks(path)
	if err != nil {
		return nil, err
	}
	snap.AddImplicitHooks(info, hooks)
	return info, nil
}

// ListHooks names the files in meta/hooks/ of a .snap (none
// when the directory is missing).
func ListHooks(path string) ([]string, error) {
	entries, err := squashfs.ReadDir(path, snap.HooksDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list hooks of snap %s: %w", path, err)
	}
	return snap.HookFileNames(entries), nil
}
