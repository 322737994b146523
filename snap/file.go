package snap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/snappy-pm/snappy/snap/squashfs"
)

const (
	snapYAMLPath = "meta/snap.yaml"
	hooksDir     = "meta/hooks"
)

// ReadInfoFromSnapFile reads and validates meta/snap.yaml of a .snap
// without mounting it, and adds the hooks found in meta/hooks/. Images
// compressed with lz4 can't be read this way (see PackOptions).
func ReadInfoFromSnapFile(path string) (*Info, error) {
	ok, err := squashfs.IsSquashfs(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("cannot read snap %s: not a snap (a snap is a squashfs image; make one with snap pack)", path)
	}
	data, err := squashfs.ReadFile(path, snapYAMLPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read snap %s: it has no %s, so it is not a snap: %w", path, snapYAMLPath, err)
		}
		return nil, fmt.Errorf("cannot read snap %s: %w", path, err)
	}
	info, err := ReadInfoYAML(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap %s: %w", path, err)
	}
	hooks, err := ListHooksFromSnapFile(path)
	if err != nil {
		return nil, err
	}
	AddImplicitHooks(info, hooks)
	return info, nil
}

// ListHooksFromSnapFile names the files in meta/hooks/ of a .snap (none
// when the directory is missing).
func ListHooksFromSnapFile(path string) ([]string, error) {
	entries, err := squashfs.ReadDir(path, hooksDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list hooks of snap %s: %w", path, err)
	}
	return fileNames(entries), nil
}

// ReadInfoFromDir is ReadInfoFromSnapFile for an unpacked or mounted snap,
// such as R/snap/NAME/current.
func ReadInfoFromDir(dir string) (*Info, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(snapYAMLPath)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read snap in %s: it has no %s: %w", dir, snapYAMLPath, err)
		}
		return nil, fmt.Errorf("cannot read snap in %s: %w", dir, err)
	}
	info, err := ReadInfoYAML(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap in %s: %w", dir, err)
	}
	hooks, err := listHooksInDir(dir)
	if err != nil {
		return nil, err
	}
	AddImplicitHooks(info, hooks)
	return info, nil
}

func listHooksInDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(hooksDir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list hooks in %s: %w", dir, err)
	}
	return fileNames(entries), nil
}

// fileNames skips subdirectories: a hook is a file to execute.
func fileNames(entries []fs.DirEntry) []string {
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}
