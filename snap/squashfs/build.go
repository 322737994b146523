package squashfs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Compressions lists what Build accepts. lz4 builds images that the kernel
// mounts but that ReadFile and ReadDir cannot open.
var Compressions = []string{"xz", "gzip", "lzo", "zstd", "lz4"}

// DefaultCompression is what Build uses when given "".
const DefaultCompression = "xz"

// mksquashfs is a variable so tests can point at a missing binary.
var mksquashfs = "mksquashfs"

// Build writes srcDir into the image out, replacing it. Files are owned by
// root and carry no xattrs whatever their owner on disk, so the image is the
// same on every packing machine; fragments are off so that blocks can be
// verified and read independently (as snapd's pack does).
//
// The image is first written next to out and renamed into place, so a failed
// build never leaves a truncated .snap behind.
func Build(srcDir, out, compression string) error {
	if compression == "" {
		compression = DefaultCompression
	}
	if !validCompression(compression) {
		return fmt.Errorf("cannot build %s: unknown compression %q (use one of %s)",
			out, compression, strings.Join(Compressions, ", "))
	}
	st, err := os.Stat(srcDir)
	if err != nil {
		return fmt.Errorf("cannot build %s: %w", out, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("cannot build %s: %s is not a directory", out, srcDir)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot build %s: %w", out, err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())

	cmd := exec.Command(mksquashfs, srcDir, tmp.Name(),
		"-noappend", "-comp", compression, "-all-root", "-no-xattrs", "-no-fragments")
	if output, err := cmd.CombinedOutput(); err != nil {
		if _, lookErr := exec.LookPath(mksquashfs); lookErr != nil {
			return fmt.Errorf("cannot build %s: %s not found (install squashfs-tools): %w", out, mksquashfs, lookErr)
		}
		return fmt.Errorf("cannot build %s: mksquashfs failed: %w\n%s", out, err, strings.TrimSpace(string(output)))
	}
	// CreateTemp made it 0600; a .snap is meant to be readable by all.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot build %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("cannot build %s: %w", out, err)
	}
	return nil
}

func validCompression(c string) bool {
	for _, known := range Compressions {
		if c == known {
			return true
		}
	}
	return false
}
