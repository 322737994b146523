package landlock

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrUnsupported is returned by Apply when the kernel has no Landlock
// (too old, or left out of the lsm= list at boot).
var ErrUnsupported = errors.New("landlock is not supported by this kernel")

// Bits the kernel calls "file" rights: the only ones a rule on a
// non-directory may carry; any other bit makes landlock_add_rule fail.
const fileRights = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
	unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_TRUNCATE |
	unix.LANDLOCK_ACCESS_FS_IOCTL_DEV | unix.LANDLOCK_ACCESS_FS_RESOLVE_UNIX

const (
	readRights     = unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR
	readExecRights = readRights | unix.LANDLOCK_ACCESS_FS_EXECUTE

	// x/sys/unix has no name for the net-port rule type yet.
	ruleNetPort = 2

	// errata bit telling that threads of one process may always signal
	// each other under signal scoping; without the fix, scoping signals
	// would also cut the launcher's thread off from the Go runtime's other
	// threads.
	erratumSignalScope = 1 << 1
)

// abiFeatures is what one kernel ABI lets a rule set handle.
type abiFeatures struct {
	version int
	fs      uint64
	net     uint64
	scoped  uint64
	flags   uint32 // landlock_restrict_self flags
}

// features maps a kernel ABI to the rights it knows, from the kernel's
// Landlock documentation. UDP rights (ABI 10) stay unhandled: interfaces
// cannot express UDP ports yet and seccomp already keeps inet sockets
// away from apps without a network plug.
func features(abi, errata int) abiFeatures {
	f := abiFeatures{version: abi}
	if abi < 1 {
		return f
	}
	f.fs = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
		unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR |
		unix.LANDLOCK_ACCESS_FS_REMOVE_DIR | unix.LANDLOCK_ACCESS_FS_REMOVE_FILE |
		unix.LANDLOCK_ACCESS_FS_MAKE_CHAR | unix.LANDLOCK_ACCESS_FS_MAKE_DIR |
		unix.LANDLOCK_ACCESS_FS_MAKE_REG | unix.LANDLOCK_ACCESS_FS_MAKE_SOCK |
		unix.LANDLOCK_ACCESS_FS_MAKE_FIFO | unix.LANDLOCK_ACCESS_FS_MAKE_BLOCK |
		unix.LANDLOCK_ACCESS_FS_MAKE_SYM
	if abi >= 2 {
		f.fs |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		f.fs |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 4 {
		f.net = unix.LANDLOCK_ACCESS_NET_BIND_TCP | unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
	}
	if abi >= 5 {
		f.fs |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	if abi >= 6 {
		f.scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
		if errata&erratumSignalScope != 0 {
			f.scoped |= unix.LANDLOCK_SCOPE_SIGNAL
		}
	}
	if abi >= 7 {
		// Denials are audited only in the process that restricted itself
		// unless asked otherwise, and the launcher execs the app right
		// away: ask, so the app's denials are logged like AppArmor's.
		f.flags = unix.LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
	}
	if abi >= 9 {
		f.fs |= unix.LANDLOCK_ACCESS_FS_RESOLVE_UNIX
	}
	return f
}

// ABI returns the running kernel's Landlock ABI version, 0 when it has
// none.
func ABI() (int, error) {
	v, err := rulesetQuery(unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return 0, nil
	}
	return v, err
}

// rulesetQuery asks landlock_create_ruleset for one of the numbers it
// answers without creating anything (the ABI version, the fixed errata).
func rulesetQuery(flag uintptr) (int, error) {
	r, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, flag)
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}

func running() (abiFeatures, error) {
	abi, err := ABI()
	if err != nil || abi == 0 {
		return abiFeatures{}, err
	}
	// Kernels before the errata interface fixed nothing.
	errata, _ := rulesetQuery(unix.LANDLOCK_CREATE_RULESET_ERRATA)
	return features(abi, errata), nil
}

// describe says in one line what a rule set with these handled rights
// enforces, for the launcher's log.
func describe(abi int, net, scoped uint64, flags uint32) string {
	parts := []string{"fs"}
	var tcp []string
	if net&unix.LANDLOCK_ACCESS_NET_BIND_TCP != 0 {
		tcp = append(tcp, "bind")
	}
	if net&unix.LANDLOCK_ACCESS_NET_CONNECT_TCP != 0 {
		tcp = append(tcp, "connect")
	}
	if len(tcp) > 0 {
		parts = append(parts, "tcp "+strings.Join(tcp, "+"))
	}
	var sc []string
	if scoped&unix.LANDLOCK_SCOPE_SIGNAL != 0 {
		sc = append(sc, "signals")
	}
	if scoped&unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET != 0 {
		sc = append(sc, "abstract unix")
	}
	if len(sc) > 0 {
		parts = append(parts, "scoped "+strings.Join(sc, "+"))
	}
	if flags&unix.LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON != 0 {
		parts = append(parts, "audited")
	}
	return fmt.Sprintf("landlock ABI %d: %s", abi, strings.Join(parts, ", "))
}
