// Package paths derives every location Snappy uses from one root, so that a
// whole system (daemon, CLI, tests) can live under a temporary directory.
package paths

import (
	"os"
	"path/filepath"
)

// RootEnv names the variable that moves the whole layout, as snapd's does.
const RootEnv = "SNAPPY_GLOBAL_ROOT"

// Paths is the layout under one root. The zero value is not useful: use New
// or FromEnv.
type Paths struct {
	Root string
}

// New returns the layout under root ("" means "/").
func New(root string) Paths {
	if root == "" {
		root = "/"
	}
	return Paths{Root: filepath.Clean(root)}
}

// FromEnv returns the layout under $SNAPPY_GLOBAL_ROOT, or "/" when unset.
func FromEnv() Paths { return New(os.Getenv(RootEnv)) }

func (p Paths) join(elem ...string) string {
	return filepath.Join(append([]string{p.Root}, elem...)...)
}

// SnapMountDir is where revisions are mounted: R/snap.
func (p Paths) SnapMountDir() string { return p.join("snap") }

// SnapDir holds the mounted revisions of one snap: R/snap/NAME.
func (p Paths) SnapDir(name string) string { return p.join("snap", name) }

// MountDir is where one revision is mounted: R/snap/NAME/REV.
func (p Paths) MountDir(name, rev string) string { return p.join("snap", name, rev) }

// CurrentLink points at the current revision: R/snap/NAME/current.
func (p Paths) CurrentLink(name string) string { return p.join("snap", name, "current") }

// BinDir holds the app wrappers: R/snap/bin.
func (p Paths) BinDir() string { return p.join("snap", "bin") }

// StateDir holds the daemon's state: R/var/lib/snapd.
func (p Paths) StateDir() string { return p.join("var", "lib", "snapd") }

// StateDB is the daemon's bbolt database.
func (p Paths) StateDB() string { return p.join("var", "lib", "snapd", "state.db") }

// SequenceFile records a snap's revisions and their flags for programs
// that must not ask the daemon (snap run): R/var/lib/snapd/sequence/NAME.json.
func (p Paths) SequenceFile(name string) string {
	return filepath.Join(p.SequenceDir(), name+".json")
}

// SequenceDir holds the sequence files: R/var/lib/snapd/sequence.
func (p Paths) SequenceDir() string { return p.join("var", "lib", "snapd", "sequence") }

// SeccompDir holds the compiled seccomp filters: TAG.src and TAG.bin.
func (p Paths) SeccompDir() string { return p.join("var", "lib", "snapd", "seccomp") }

// AppArmorDir holds the generated AppArmor profiles, one file per TAG.
func (p Paths) AppArmorDir() string { return p.join("var", "lib", "snapd", "apparmor", "profiles") }

// LandlockDir holds the Landlock rules: TAG.json.
func (p Paths) LandlockDir() string { return p.join("var", "lib", "snapd", "landlock") }

// MountProfileDir holds what each snap's mount namespace contains:
// snap.NAME.fstab.
func (p Paths) MountProfileDir() string { return p.join("var", "lib", "snapd", "mount") }

// PrivateTmpDir is the host directory behind a snap's private /tmp:
// R/tmp/snap-private-tmp/snap.NAME/tmp.
func (p Paths) PrivateTmpDir(name string) string {
	return p.join("tmp", "snap-private-tmp", "snap."+name, "tmp")
}

// BlobDir holds the installed .snap files: R/var/lib/snapd/snaps.
func (p Paths) BlobDir() string { return p.join("var", "lib", "snapd", "snaps") }

// BlobPath is one revision's .snap file: R/var/lib/snapd/snaps/NAME_REV.snap.
func (p Paths) BlobPath(name, rev string) string {
	return p.join("var", "lib", "snapd", "snaps", name+"_"+rev+".snap")
}

// SnapDataRoot holds every revision's system data of one snap: R/var/snap/NAME.
func (p Paths) SnapDataRoot(name string) string { return p.join("var", "snap", name) }

// DataDir is one revision's system data: R/var/snap/NAME/REV.
func (p Paths) DataDir(name, rev string) string { return p.join("var", "snap", name, rev) }

// CommonDataDir is the data shared by all revisions: R/var/snap/NAME/common.
func (p Paths) CommonDataDir(name string) string { return p.join("var", "snap", name, "common") }

// DataCurrentLink points at the current revision's data: R/var/snap/NAME/current.
func (p Paths) DataCurrentLink(name string) string {
	return p.join("var", "snap", name, "current")
}

// Socket is the daemon's API socket: R/run/snapd.socket.
func (p Paths) Socket() string { return p.join("run", "snapd.socket") }

// SnapSocket is the socket snapctl uses from inside snaps: R/run/snapd-snap.socket.
func (p Paths) SnapSocket() string { return p.join("run", "snapd-snap.socket") }

// UserSnapDir is a user's per-snap data root: HOME/snap/NAME. User data is
// never under the global root: it lives in the user's real home.
func UserSnapDir(home, name string) string { return filepath.Join(home, "snap", name) }

// UserDataDir is a user's data for one revision: HOME/snap/NAME/REV.
func UserDataDir(home, name, rev string) string { return filepath.Join(home, "snap", name, rev) }

// UserCommonDir is a user's data shared by revisions: HOME/snap/NAME/common.
func UserCommonDir(home, name string) string { return filepath.Join(home, "snap", name, "common") }
