package profile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
)

// Input is what a snap's namespace depends on, known at install time.
type Input struct {
	Paths              paths.Paths // the host side: R
	SnapName, Revision string
	// Base is the snap's base, "" for the host's runtime. BaseRevision is
	// the base's revision to use; a refresh of the base means generating
	// the profiles of the snaps on it again.
	Base, BaseRevision string
	// Host is where the host's runtime and devices are read from; "" is
	// "/". Only tests change it.
	Host string
	// Extra is what connected interfaces add; it goes last so it can
	// mount onto anything above.
	Extra []Entry
}

// hostRuntime is what a snap without a base runs on, read-only.
var hostRuntime = []string{"usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc"}

// ownDirs are the top-level directories the namespace provides itself, so
// a base's own copies of them are not used. /etc is the host's even with a
// base, as in snapd: users, name resolution and time zone are the host's.
var ownDirs = []string{"dev", "proc", "sys", "tmp", "home", "root", "run", "snap", "var",
	"etc", "mnt", "media", "boot", "lost+found"}

// devices are the host device nodes every app gets; the rest of /dev is
// not there at all.
var devices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// Generate returns the profile of one revision of a snap. It reads the
// host's (or the base's) top-level directories, so that the launch does
// not have to; a base that cannot be read is an error.
func Generate(in Input) (Profile, error) {
	if err := snap.ValidateName(in.SnapName); err != nil {
		return Profile{}, err
	}
	if _, err := snap.ParseRevision(in.Revision); err != nil {
		return Profile{}, err
	}
	host := in.Host
	if host == "" {
		host = "/"
	}
	p, name, rev := in.Paths, in.SnapName, in.Revision
	var es []Entry
	if in.Base == "" {
		for _, dir := range hostRuntime {
			e, err := runtimeEntry(filepath.Join(host, dir), "/"+dir)
			if err != nil {
				return Profile{}, err
			}
			es = append(es, e...)
		}
	} else {
		more, err := baseEntries(p.MountDir(in.Base, in.BaseRevision), host)
		if err != nil {
			return Profile{}, fmt.Errorf("cannot read base %s revision %s: %w", in.Base, in.BaseRevision, err)
		}
		es = append(es, more...)
	}
	ns := paths.New("/") // the same layout, as the app sees it
	es = append(es,
		bind(p.MountDir(name, rev), ns.MountDir(name, rev), OptRBind, OptRO),
		Entry{Source: rev, Target: ns.CurrentLink(name), Type: TypeSymlink},
		bind(p.DataDir(name, rev), ns.DataDir(name, rev), OptRBind, OptRW),
		bind(p.CommonDataDir(name), ns.CommonDataDir(name), OptRBind, OptRW),
		Entry{Source: rev, Target: ns.DataCurrentLink(name), Type: TypeSymlink},
		// Before the home: a home under /tmp gets its mount point in the
		// private /tmp instead of being hidden by it.
		bind(p.PrivateTmpDir(name), "/tmp", OptRBind, OptRW, "nosuid", "nodev"),
		bind(paths.UserSnapDir(HomeVar, name), paths.UserSnapDir(HomeVar, name), OptRBind, OptRW),
		bind(runtimeDir(name), runtimeDir(name), OptRBind, OptRW, OptOptional),
	)
	es = append(es, devEntries(host)...)
	es = append(es,
		Entry{Source: "proc", Target: "/proc", Type: TypeProc, Options: []string{"nosuid", "nodev", "noexec"}},
		bind(filepath.Join(host, "sys"), "/sys", OptRBind, OptRO, "nosuid", "nodev", "noexec"),
	)
	prof := Profile{Entries: append(es, in.Extra...)}
	return prof, prof.Validate()
}

func runtimeDir(name string) string { return "/run/user/" + UIDVar + "/snap." + name }

func bind(src, dst string, opts ...string) Entry {
	return Entry{Source: src, Target: dst, Type: TypeBind, Options: opts}
}

// runtimeEntry binds a directory read-only, or recreates a symlink (a
// merged /usr makes /bin and /lib links into /usr); what does not exist
// is left out.
func runtimeEntry(src, dst string) ([]Entry, error) {
	fi, err := os.Lstat(src)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case fi.Mode()&fs.ModeSymlink != 0:
		link, err := os.Readlink(src)
		if err != nil {
			return nil, err
		}
		return []Entry{{Source: link, Target: dst, Type: TypeSymlink}}, nil
	case fi.IsDir():
		return []Entry{bind(src, dst, OptRBind, OptRO)}, nil
	}
	return []Entry{bind(src, dst, OptBind, OptRO)}, nil
}

// baseEntries binds each top-level entry of a base into the namespace's
// tmpfs root, instead of using the base itself as the root, so that the
// namespace's own mount points exist whatever the base ships. The base's
// /var is taken entry by entry for the same reason (/var/snap).
func baseEntries(base, host string) ([]Entry, error) {
	top, err := os.ReadDir(base)
	if err != nil {
		return nil, err
	}
	var es []Entry
	for _, d := range top {
		if slices.Contains(ownDirs, d.Name()) {
			continue
		}
		e, err := runtimeEntry(filepath.Join(base, d.Name()), "/"+d.Name())
		if err != nil {
			return nil, err
		}
		es = append(es, e...)
	}
	vars, err := os.ReadDir(filepath.Join(base, "var"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	for _, d := range vars {
		if d.Name() == "snap" {
			continue
		}
		e, err := runtimeEntry(filepath.Join(base, "var", d.Name()), "/var/"+d.Name())
		if err != nil {
			return nil, err
		}
		es = append(es, e...)
	}
	etc, err := runtimeEntry(filepath.Join(host, "etc"), "/etc")
	return append(es, etc...), err
}

// devEntries is a minimal /dev: a few host nodes, a private devpts and
// shared memory, and the /proc links programs expect.
func devEntries(host string) []Entry {
	es := []Entry{{Source: "tmpfs", Target: "/dev", Type: TypeTmpfs,
		Options: []string{"mode=0755", "size=64k", "nosuid", "nodev", "noexec", OptRO}}}
	for _, d := range devices {
		es = append(es, bind(filepath.Join(host, "dev", d), "/dev/"+d, OptBind, OptRW, "nosuid", "noexec"))
	}
	return append(es,
		Entry{Source: "devpts", Target: "/dev/pts", Type: TypeDevpts,
			Options: []string{"newinstance", "ptmxmode=0666", "mode=0620", "nosuid", "noexec"}},
		Entry{Source: "pts/ptmx", Target: "/dev/ptmx", Type: TypeSymlink},
		Entry{Source: "tmpfs", Target: "/dev/shm", Type: TypeTmpfs,
			Options: []string{"mode=1777", "nosuid", "nodev"}},
		Entry{Source: "/proc/self/fd", Target: "/dev/fd", Type: TypeSymlink},
		Entry{Source: "/proc/self/fd/0", Target: "/dev/stdin", Type: TypeSymlink},
		Entry{Source: "/proc/self/fd/1", Target: "/dev/stdout", Type: TypeSymlink},
		Entry{Source: "/proc/self/fd/2", Target: "/dev/stderr", Type: TypeSymlink},
	)
}
