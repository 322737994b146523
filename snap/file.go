package snap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Where a snap keeps its metadata, relative to its root.
const (
	MetaYAML = "meta/snap.yaml"
	HooksDir = "meta/hooks"
)

// ReadInfoFromDir reads and validates meta/snap.yaml of an unpacked or mounted snap,
// such as R/snap/NAME/current.
func ReadInfoFromDir(dir string) (*Info, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(MetaYAML)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot read snap in %s: it has no %s: %w", dir, MetaYAML, err)
		}
		return nil, fmt.Errorf("cannot read snap in %s: %w", dir, err)
	}
	info, err := ReadInfoYAML(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap in %s: %w", dir, err)
	}
	hooks, err := ListHooksInDir(dir)
	if err != nil {
		return nil, err
	}
	AddImplicitHooks(info, hooks)
	return info, nil
}

// ListHooksInDir names the hook files of an unpacked or mounted snap.
func ListHooksInDir(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(HooksDir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list hooks in %s: %w", dir, err)
	}
	return HookFileNames(entries), nil
}

// HookFileNames skips subdirectories: a hook is a file to execute.
func HookFileNames(entries []fs.DirEntry) []string {
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}
