package squashfs

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/diskfs/go-diskfs/backend/file"
	dsquashfs "github.com/diskfs/go-diskfs/filesystem/squashfs"
)

// MaxReadSize bounds ReadFile: images come from untrusted uploads, and the
// files read from them (snap.yaml, hooks lists, icons) are small.
const MaxReadSize = 64 << 20

// image is an open image; close releases the file.
type image struct {
	f  *os.File
	fs *dsquashfs.FileSystem
}

func open(imagePath string) (img *image, err error) {
	f, err := os.Open(imagePath)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	comp, err := compressionOf(f, imagePath)
	if err != nil {
		return nil, err
	}
	if !readable[comp] {
		return nil, fmt.Errorf("cannot read %s without mounting it: %w %q (repack it with -comp xz, gzip, lzo or zstd, or mount it)",
			imagePath, ErrUnsupportedCompression, comp)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	// go-diskfs indexes slices with offsets taken from the image; a corrupt
	// or hostile image can make it panic, which must not take the daemon or
	// the store down with it.
	defer recoverCorrupt(imagePath, &err)
	sfs, err := dsquashfs.Read(file.New(f, true), st.Size(), 0, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read squashfs image %s: %w", imagePath, err)
	}
	return &image{f: f, fs: sfs}, nil
}

func (img *image) close() { img.f.Close() }

func recoverCorrupt(imagePath string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("cannot read squashfs image %s: corrupt image (%v)", imagePath, r)
	}
}

// cleanPath turns "/meta/snap.yaml", "meta/snap.yaml" or "" into go-diskfs's
// form: io/fs paths, relative, no leading slash ("." for the root). A
// leading slash makes go-diskfs fail with fs.ErrInvalid.
func cleanPath(name string) (string, error) {
	p := path.Clean("/" + name)
	if p == "/" {
		return ".", nil
	}
	p = strings.TrimPrefix(p, "/")
	if !fs.ValidPath(p) {
		return "", fmt.Errorf("invalid path %q inside image", name)
	}
	return p, nil
}

// lookup walks the tree one directory at a time, because go-diskfs reports
// missing paths with plain strings; walking lets a missing element wrap
// fs.ErrNotExist, so callers can tell "absent" from "broken".
func (img *image) lookup(imagePath, p string) (fs.DirEntry, error) {
	notExist := &fs.PathError{Op: "open", Path: imagePath + ":" + p, Err: fs.ErrNotExist}
	dir := "."
	var found fs.DirEntry
	for _, elem := range strings.Split(p, "/") {
		if found != nil && !found.IsDir() {
			return nil, notExist
		}
		entries, err := img.fs.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("cannot list %s in %s: %w", dir, imagePath, err)
		}
		found = nil
		for _, e := range entries {
			if e.Name() == elem {
				found = e
				break
			}
		}
		if found == nil {
			return nil, notExist
		}
		dir = path.Join(dir, elem)
	}
	return found, nil
}

// ReadFile returns the content of the regular file name inside the image.
// name may start with a slash or not. A missing file gives an error that
// wraps fs.ErrNotExist (os.ErrNotExist is the same value). Symlinks are not
// followed: a snap's metadata must be real files.
func ReadFile(imagePath, name string) (data []byte, err error) {
	p, err := cleanPath(name)
	if err != nil {
		return nil, err
	}
	img, err := open(imagePath)
	if err != nil {
		return nil, err
	}
	defer img.close()
	defer recoverCorrupt(imagePath, &err)

	if p == "." {
		return nil, fmt.Errorf("cannot read the root of %s as a file", imagePath)
	}
	entry, err := img.lookup(imagePath, p)
	if err != nil {
		return nil, err
	}
	if !entry.Type().IsRegular() {
		return nil, fmt.Errorf("%s in %s is not a regular file (%s)", p, imagePath, entry.Type())
	}
	f, err := img.fs.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s in %s: %w", p, imagePath, err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, MaxReadSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s in %s: %w", p, imagePath, err)
	}
	if len(data) > MaxReadSize {
		return nil, fmt.Errorf("%s in %s is larger than %d bytes", p, imagePath, MaxReadSize)
	}
	return data, nil
}

// ReadDir lists a directory of the image, sorted by name. The entries are
// snapshots: they stay valid after the image is closed.
func ReadDir(imagePath, dir string) (list []fs.DirEntry, err error) {
	p, err := cleanPath(dir)
	if err != nil {
		return nil, err
	}
	img, err := open(imagePath)
	if err != nil {
		return nil, err
	}
	defer img.close()
	defer recoverCorrupt(imagePath, &err)

	if p != "." {
		entry, err := img.lookup(imagePath, p)
		if err != nil {
			return nil, err
		}
		if !entry.IsDir() {
			return nil, fmt.Errorf("%s in %s is not a directory", p, imagePath)
		}
	}
	entries, err := img.fs.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("cannot list %s in %s: %w", p, imagePath, err)
	}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("cannot stat %s in %s: %w", path.Join(p, e.Name()), imagePath, err)
		}
		list = append(list, entry{name: e.Name(), mode: info.Mode(), size: info.Size(), mtime: info.ModTime()})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name() < list[j].Name() })
	return list, nil
}

// entry is a detached copy of a directory entry and its file info.
type entry struct {
	name  string
	mode  fs.FileMode
	size  int64
	mtime time.Time
}

func (e entry) Name() string               { return e.name }
func (e entry) IsDir() bool                { return e.mode.IsDir() }
func (e entry) Type() fs.FileMode          { return e.mode.Type() }
func (e entry) Info() (fs.FileInfo, error) { return e, nil }
func (e entry) Size() int64                { return e.size }
func (e entry) Mode() fs.FileMode          { return e.mode }
func (e entry) ModTime() time.Time         { return e.mtime }
func (e entry) Sys() any                   { return nil }
func (e entry) String() string             { return fs.FormatDirEntry(e) }
