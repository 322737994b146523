package apparmor

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

var (
	// The tag becomes both a file name and a profile name: nothing that
	// could leave the directory or close the quoted name.
	validTag      = regexp.MustCompile(`^snap\.[a-z0-9][a-z0-9-]*\.(hook\.)?[a-zA-Z0-9][a-zA-Z0-9-]*$`)
	validName     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	validRevision = regexp.MustCompile(`^x?[0-9]+$`)
)

func (in Input) check() error {
	switch {
	case !validTag.MatchString(in.Tag):
		return fmt.Errorf("apparmor: invalid security tag %q", in.Tag)
	case !validName.MatchString(in.SnapName) || !strings.HasPrefix(in.Tag, "snap."+in.SnapName+"."):
		return fmt.Errorf("apparmor: snap name %q does not match tag %q", in.SnapName, in.Tag)
	case !validRevision.MatchString(in.Revision):
		return fmt.Errorf("apparmor: invalid revision %q", in.Revision)
	case in.Mode != ModeStrict && in.Mode != ModeDevMode:
		return fmt.Errorf("apparmor: no profile for confinement %q", in.Mode)
	}
	return nil
}

// Write stores in's profile as dir/TAG, replacing any previous one
// atomically so that a loader never reads half a profile.
func Write(dir string, in Input) error {
	if err := in.check(); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+in.Tag+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename this finds nothing
	if _, err := f.WriteString(Generate(in)); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, in.Tag))
}

// Remove deletes the profile of tag from dir. A profile already gone is
// not an error, so that undoing a half-done install can call it freely.
func Remove(dir, tag string) error {
	if !validTag.MatchString(tag) {
		return fmt.Errorf("apparmor: invalid security tag %q", tag)
	}
	err := os.Remove(filepath.Join(dir, tag))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// ErrNoParser means apparmor_parser (Debian's apparmor package) is not
// installed.
var ErrNoParser = errors.New("apparmor_parser not found (install the apparmor package)")

// parserPath finds apparmor_parser, which lives in /sbin, often missing
// from an ordinary user's PATH.
func parserPath() (string, error) {
	if p, err := exec.LookPath("apparmor_parser"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/sbin/apparmor_parser", "/usr/sbin/apparmor_parser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoParser
}

// Validate compiles the profile at path without loading it into the
// kernel (-Q) or touching the cache (-K), which works on kernels without
// AppArmor too. The parser's complaint is in the error.
func Validate(path string) error {
	return runParser("-Q", "-K", path)
}

// Load compiles the profile at path and loads it into the kernel,
// replacing an older version of it.
func Load(path string) error {
	if !Enabled() {
		return ErrNotEnabled
	}
	return runParser("-r", "-K", path)
}

func runParser(args ...string) error {
	parser, err := parserPath()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd := exec.Command(parser, args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apparmor_parser %s: %w: %s", strings.Join(args, " "), err, complaint(stderr.String()))
	}
	return nil
}

// complaint keeps what the parser said about the profile, without the
// notice every run prints on a kernel lacking AppArmor's interface.
func complaint(stderr string) string {
	var keep []string
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(line, "Cache read/write disabled") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
