package landlock

import (
	"slices"

	"github.com/snappy-pm/snappy/snap/paths"
)

// GenInput is what Generate needs to know about one app or hook.
type GenInput struct {
	Tag                string // snap.NAME.APP or snap.NAME.hook.HOOK
	SnapName, Revision string
	// Base is the app's base snap, "" for the host's runtime. Either way
	// the runtime sits at the same paths, since a base is mounted as the
	// namespace's root; it changes where those paths lead, not the rules.
	Base string
	// UserHome is the real home of the user running the app; "" (a
	// service) grants no user data.
	UserHome string
	// Extra is what connected interfaces add.
	Extra Rules
	// NoScope leaves abstract unix sockets and signals unscoped, for
	// interfaces that talk to host services over abstract sockets (x11,
	// desktop).
	NoScope bool
}

// runtimeDirs hold the programs and libraries every app runs on.
var runtimeDirs = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// systemRead is read by almost any program: configuration, and the
// per-process and device information in /proc and the read-only /sys.
// /etc is read, not executed: nothing runs programs from it, and the
// runtime's symlinks into /usr resolve to where exec is allowed.
var systemRead = []string{"/etc", "/proc", "/sys"}

// devices every program may open: terminals, the null and random
// devices, and POSIX shared memory (/dev/shm must be private to the snap
// in its mount namespace, as /tmp is).
var devices = []string{
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty", "/dev/pts", "/dev/ptmx", "/dev/shm",
}

// snapctlSocket lets hooks and apps talk to the daemon; it only matters
// from Landlock ABI 9, where connecting to a unix socket by path is a
// file-system right.
const snapctlSocket = "/run/snapd-snap.socket"

// Generate returns the strict rules for one app: read and execute of the
// runtime and $SNAP, read of the system's configuration, read-write of the
// app's data, the private /tmp and a few devices, plus what interfaces
// add. TCP is closed unless interfaces open it.
func Generate(in GenInput) Rules {
	// Paths inside the namespace: it is always rooted at "/".
	ns := paths.New("/")
	r := Rules{
		Tag:      in.Tag,
		ReadExec: append(slices.Clone(runtimeDirs), ns.MountDir(in.SnapName, in.Revision)),
		Read:     slices.Clone(systemRead),
		ReadWrite: []string{
			ns.DataDir(in.SnapName, in.Revision),
			ns.CommonDataDir(in.SnapName),
			"/tmp",
		},
		Scoped: !in.NoScope,
	}
	if in.UserHome != "" {
		r.ReadWrite = append(r.ReadWrite,
			paths.UserDataDir(in.UserHome, in.SnapName, in.Revision),
			paths.UserCommonDir(in.UserHome, in.SnapName))
	}
	r.ReadWrite = append(r.ReadWrite, devices...)
	r.ReadWrite = append(r.ReadWrite, snapctlSocket)

	x := in.Extra
	r.ReadExec = union(r.ReadExec, x.ReadExec)
	r.Read = union(r.Read, x.Read)
	r.ReadWrite = union(r.ReadWrite, x.ReadWrite)
	r.TCPBind = ports(x.TCPBind)
	r.TCPConnect = ports(x.TCPConnect)
	r.AllowAllTCPBind = x.AllowAllTCPBind
	r.AllowAllTCPConnect = x.AllowAllTCPConnect
	return r
}

// union appends the entries of extra that base lacks, keeping base's
// order so that generated files are stable.
func union(base, extra []string) []string {
	out := slices.Clone(base)
	for _, p := range extra {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func ports(in []uint16) []uint16 {
	if len(in) == 0 {
		return nil
	}
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}
