// Package squashfs reads and writes the squashfs images that carry snaps.
//
// Reading is done in process with go-diskfs so that the store and the CLI can
// inspect an untrusted .snap without mounting it (no loop device, no root).
// Writing shells out to mksquashfs, whose output the kernel is known to mount.
//
// This package knows nothing about snap.yaml: it deals in images and paths.
package squashfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Magic is the first four bytes of every squashfs image (little-endian).
const Magic = "hsqs"

// superblockLen covers the fields read here: up to the major version.
const superblockLen = 32

// ErrUnsupportedCompression is returned when an image is valid squashfs but
// compressed with something the in-process reader cannot decode (lz4).
var ErrUnsupportedCompression = errors.New("unsupported squashfs compression")

// compressions maps the superblock's compressor id to mksquashfs's -comp name.
var compressions = map[uint16]string{
	1: "gzip",
	2: "lzma",
	3: "lzo",
	4: "xz",
	5: "lz4",
	6: "zstd",
}

// readable lists what go-diskfs decodes correctly. Its lz4 decompressor
// expects lz4 frames while squashfs stores raw lz4 blocks, so lz4 images
// fail deep inside it with an unhelpful message; refuse them up front.
var readable = map[string]bool{"gzip": true, "lzma": true, "lzo": true, "xz": true, "zstd": true}

// IsSquashfs reports whether path starts with the squashfs magic. A file
// too short to hold it is simply not squashfs.
func IsSquashfs(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	magic := make([]byte, len(Magic))
	if _, err := io.ReadFull(f, magic); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		}
		return false, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return string(magic) == Magic, nil
}

// Compression returns the compressor an image was made with, in
// mksquashfs's spelling (xz, gzip, lzo, zstd, lz4, lzma).
func Compression(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return compressionOf(f, path)
}

func compressionOf(f io.ReaderAt, path string) (string, error) {
	sb := make([]byte, superblockLen)
	if _, err := f.ReadAt(sb, 0); err != nil {
		return "", fmt.Errorf("%s is not a squashfs image (too short): %w", path, err)
	}
	if string(sb[:4]) != Magic {
		return "", fmt.Errorf("%s is not a squashfs image (bad magic %q)", path, sb[:4])
	}
	if major := binary.LittleEndian.Uint16(sb[28:30]); major != 4 {
		return "", fmt.Errorf("%s is squashfs version %d; only version 4 is supported", path, major)
	}
	id := binary.LittleEndian.Uint16(sb[20:22])
	name, ok := compressions[id]
	if !ok {
		return "", fmt.Errorf("%s uses unknown squashfs compressor id %d", path, id)
	}
	return name, nil
}
