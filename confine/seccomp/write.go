package seccomp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Write compiles p and stores dir/TAG.src and dir/TAG.bin. Each file is
// replaced atomically, so a launcher starting meanwhile reads the old
// program or the new one, never half of one; nothing is written when the
// policy does not compile.
func Write(dir string, p Profile) error {
	if err := checkTag(p.Tag); err != nil {
		return err
	}
	prog, err := Compile(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeAtomic(dir, p.Tag+".src", []byte(Source(p))); err != nil {
		return err
	}
	if err := writeAtomic(dir, p.Tag+".bin", prog); err != nil {
		return err
	}
	return syncDir(dir)
}

// Remove deletes the artifacts of tag; missing ones are not an error, so a
// retried removal succeeds.
func Remove(dir, tag string) error {
	if err := checkTag(tag); err != nil {
		return err
	}
	for _, ext := range []string{".bin", ".src"} {
		if err := os.Remove(filepath.Join(dir, tag+ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// checkTag keeps a tag a plain file name: it comes from snap.yaml names,
// and a '/' or ".." would write outside dir.
func checkTag(tag string) error {
	if !strings.HasPrefix(tag, "snap.") || strings.Contains(tag, "..") {
		return fmt.Errorf("invalid security tag %q", tag)
	}
	for _, c := range tag {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._+-", c)) {
			return fmt.Errorf("invalid security tag %q", tag)
		}
	}
	return nil
}

func writeAtomic(dir, name string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, name))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
