// Package profile describes what a strict app's mount namespace contains.
// The daemon generates a snap's profile at install time and stores it as
// R/var/lib/snapd/mount/snap.NAME.fstab; the launcher reads it at every
// start and only carries it out, so a launch computes nothing expensive.
//
// # File format
//
// One entry per line, fstab-style: SOURCE TARGET TYPE OPTIONS, separated
// by blanks, with space, tab, newline, '#' and '\' written as \040, \011,
// \012, \043 and \134. Lines starting with '#' and blank lines are
// comments. Two trailing fstab fields ("0 0") are accepted and ignored.
// Entries are carried out in file order, so a mount point's parent comes
// before it.
//
// # Vocabulary
//
// The namespace's root is always a fresh tmpfs, made read-only once every
// entry is in place; entries are mounted on top of it. TARGET is a path
// inside the namespace; missing mount points are created on whatever
// tmpfs holds them.
//
//	SOURCE  TARGET  none     bind|rbind,ro|rw[,nosuid,nodev,noexec]
//	    bind (rbind: with the mounts beneath) the host path SOURCE
//	tmpfs   TARGET  tmpfs    mode=0755[,size=N,ro,nosuid,nodev,noexec]
//	    a fresh tmpfs; "ro" takes effect after every entry is mounted,
//	    so later entries can still create their mount points in it
//	proc    TARGET  proc     [nosuid,nodev,noexec]
//	    the procfs of the namespace's own pid namespace
//	devpts  TARGET  devpts   newinstance,ptmxmode=0666,mode=0620[,...]
//	    a private devpts instance; where the kernel refuses one, the
//	    launcher binds the host's /dev/pts instead
//	LINK    TARGET  symlink  defaults
//	    a symbolic link at TARGET whose content is LINK
//
// x-snappy.optional on a bind skips it when SOURCE does not exist.
//
// # Per-user parts
//
// A profile belongs to a snap, not to a user: "$HOME" (as the first path
// element) and "$UID" (as a whole path element) stand for the running
// user's real home and uid, and Expand fills them in at launch.
package profile

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Entry is one mount (or symlink) of the namespace.
type Entry struct {
	Source, Target, Type string
	Options              []string
}

// Profile is a namespace's entries, in the order they are carried out.
type Profile struct {
	Entries []Entry
}

// Types of entries.
const (
	TypeBind    = "none"
	TypeTmpfs   = "tmpfs"
	TypeProc    = "proc"
	TypeDevpts  = "devpts"
	TypeSymlink = "symlink"
)

// Options with a meaning of their own to the launcher.
const (
	OptBind     = "bind"
	OptRBind    = "rbind"
	OptRO       = "ro"
	OptRW       = "rw"
	OptOptional = "x-snappy.optional"
)

// Placeholders filled in by Expand.
const (
	HomeVar = "$HOME"
	UIDVar  = "$UID"
)

// flagOptions are the kernel's per-mount flags, meaningful on any mount.
var flagOptions = []string{OptRO, OptRW, "nosuid", "nodev", "noexec"}

// Has reports whether e carries option o (exactly, or as "o=value").
func (e Entry) Has(o string) bool {
	_, ok := e.Option(o)
	return ok
}

// Option returns the value of "o=value", or "" with ok for a bare "o".
func (e Entry) Option(o string) (value string, ok bool) {
	for _, opt := range e.Options {
		k, v, _ := strings.Cut(opt, "=")
		if k == o {
			return v, true
		}
	}
	return "", false
}

// Recursive reports whether a bind takes the mounts beneath its source.
func (e Entry) Recursive() bool { return e.Has(OptRBind) }

// ReadOnly reports whether the mount is to be read-only.
func (e Entry) ReadOnly() bool { return e.Has(OptRO) }

// Validate refuses what the launcher could not carry out or would carry
// out somewhere unintended: relative or unclean targets, unknown types,
// options outside each type's vocabulary.
func (e Entry) Validate() error {
	if err := checkPath("target", e.Target); err != nil {
		return err
	}
	if e.Target == "/" {
		return errors.New("entry for /: the root is always the launcher's own tmpfs")
	}
	allowed := slices.Clone(flagOptions)
	switch e.Type {
	case TypeBind:
		if err := checkPath("source", e.Source); err != nil {
			return err
		}
		if e.Has(OptBind) == e.Has(OptRBind) {
			return fmt.Errorf("bind onto %s: give exactly one of bind and rbind", e.Target)
		}
		if e.Has(OptRO) == e.Has(OptRW) {
			return fmt.Errorf("bind onto %s: give exactly one of ro and rw", e.Target)
		}
		allowed = append(allowed, OptBind, OptRBind, OptOptional)
	case TypeTmpfs:
		allowed = append(allowed, "mode", "size", "nr_inodes")
	case TypeProc:
		allowed = append(allowed, "hidepid", "subset")
	case TypeDevpts:
		allowed = append(allowed, "newinstance", "ptmxmode", "mode", "max")
	case TypeSymlink:
		if e.Source == "" {
			return fmt.Errorf("symlink %s: empty link", e.Target)
		}
		allowed = []string{"defaults"}
	default:
		return fmt.Errorf("entry for %s: unknown type %q", e.Target, e.Type)
	}
	for _, o := range e.Options {
		k, _, _ := strings.Cut(o, "=")
		if !slices.Contains(allowed, k) {
			return fmt.Errorf("entry for %s: option %q is not allowed on type %q", e.Target, o, e.Type)
		}
	}
	return nil
}

// checkPath wants an absolute clean path, or one that placeholders make
// absolute once expanded. A '$' anywhere else is refused rather than
// taken literally, so a misspelt placeholder cannot pass unnoticed.
func checkPath(what, p string) error {
	if p == "" {
		return fmt.Errorf("empty %s", what)
	}
	probe := p
	if probe == HomeVar || strings.HasPrefix(probe, HomeVar+"/") {
		probe = "/home/user" + probe[len(HomeVar):]
	}
	elems := strings.Split(probe, "/")
	for i, el := range elems {
		if el == UIDVar {
			elems[i] = "0"
		} else if strings.Contains(el, "$") {
			return fmt.Errorf("%s %q: '$' only in %s (first) or %s (whole element)", what, p, HomeVar, UIDVar)
		}
	}
	probe = strings.Join(elems, "/")
	if !filepath.IsAbs(probe) || filepath.Clean(probe) != probe {
		return fmt.Errorf("%s %q is not an absolute clean path", what, p)
	}
	return nil
}

// Validate checks every entry.
func (p Profile) Validate() error {
	for i, e := range p.Entries {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("entry %d: %w", i+1, err)
		}
	}
	return nil
}
