package seccomp

import (
	"maps"
	"slices"

	"golang.org/x/sys/unix"
)

// Values come from x/sys/unix so they are the native architecture's: ioctl
// numbers such as TIOCSTI differ between architectures.
var constants = map[string]uint64{
	"AF_UNSPEC":     unix.AF_UNSPEC,
	"AF_UNIX":       unix.AF_UNIX,
	"AF_LOCAL":      unix.AF_LOCAL,
	"AF_INET":       unix.AF_INET,
	"AF_INET6":      unix.AF_INET6,
	"AF_NETLINK":    unix.AF_NETLINK,
	"AF_PACKET":     unix.AF_PACKET,
	"AF_BLUETOOTH":  unix.AF_BLUETOOTH,
	"AF_CAN":        unix.AF_CAN,
	"AF_ALG":        unix.AF_ALG,
	"AF_VSOCK":      unix.AF_VSOCK,
	"AF_XDP":        unix.AF_XDP,
	"AF_KEY":        unix.AF_KEY,
	"AF_APPLETALK":  unix.AF_APPLETALK,
	"AF_AX25":       unix.AF_AX25,
	"AF_X25":        unix.AF_X25,
	"AF_IPX":        unix.AF_IPX,
	"AF_NFC":        unix.AF_NFC,
	"AF_TIPC":       unix.AF_TIPC,
	"AF_RDS":        unix.AF_RDS,
	"AF_PPPOX":      unix.AF_PPPOX,
	"AF_LLC":        unix.AF_LLC,
	"AF_IEEE802154": unix.AF_IEEE802154,
	"AF_MPLS":       unix.AF_MPLS,
	"AF_QIPCRTR":    unix.AF_QIPCRTR,
	"AF_SMC":        unix.AF_SMC,
	"AF_BRIDGE":     unix.AF_BRIDGE,
	"AF_PHONET":     unix.AF_PHONET,
	"AF_CAIF":       unix.AF_CAIF,
	"AF_ISDN":       unix.AF_ISDN,
	"AF_IB":         unix.AF_IB,

	"SOCK_STREAM":    unix.SOCK_STREAM,
	"SOCK_DGRAM":     unix.SOCK_DGRAM,
	"SOCK_RAW":       unix.SOCK_RAW,
	"SOCK_SEQPACKET": unix.SOCK_SEQPACKET,
	"SOCK_NONBLOCK":  unix.SOCK_NONBLOCK,
	"SOCK_CLOEXEC":   unix.SOCK_CLOEXEC,

	"NETLINK_ROUTE":          unix.NETLINK_ROUTE,
	"NETLINK_AUDIT":          unix.NETLINK_AUDIT,
	"NETLINK_KOBJECT_UEVENT": unix.NETLINK_KOBJECT_UEVENT,
	"NETLINK_GENERIC":        unix.NETLINK_GENERIC,
	"NETLINK_SOCK_DIAG":      unix.NETLINK_SOCK_DIAG,
	"NETLINK_NETFILTER":      unix.NETLINK_NETFILTER,
	"NETLINK_CONNECTOR":      unix.NETLINK_CONNECTOR,
	"NETLINK_XFRM":           unix.NETLINK_XFRM,
	"NETLINK_SELINUX":        unix.NETLINK_SELINUX,
	"NETLINK_FIB_LOOKUP":     unix.NETLINK_FIB_LOOKUP,

	"CLONE_VM":        unix.CLONE_VM,
	"CLONE_FS":        unix.CLONE_FS,
	"CLONE_FILES":     unix.CLONE_FILES,
	"CLONE_SIGHAND":   unix.CLONE_SIGHAND,
	"CLONE_THREAD":    unix.CLONE_THREAD,
	"CLONE_VFORK":     unix.CLONE_VFORK,
	"CLONE_PIDFD":     unix.CLONE_PIDFD,
	"CLONE_NEWNS":     unix.CLONE_NEWNS,
	"CLONE_NEWUTS":    unix.CLONE_NEWUTS,
	"CLONE_NEWIPC":    unix.CLONE_NEWIPC,
	"CLONE_NEWUSER":   unix.CLONE_NEWUSER,
	"CLONE_NEWPID":    unix.CLONE_NEWPID,
	"CLONE_NEWNET":    unix.CLONE_NEWNET,
	"CLONE_NEWCGROUP": unix.CLONE_NEWCGROUP,
	"CLONE_NEWTIME":   unix.CLONE_NEWTIME,

	"S_IFMT":   unix.S_IFMT,
	"S_IFREG":  unix.S_IFREG,
	"S_IFIFO":  unix.S_IFIFO,
	"S_IFSOCK": unix.S_IFSOCK,
	"S_IFCHR":  unix.S_IFCHR,
	"S_IFBLK":  unix.S_IFBLK,
	"S_IFDIR":  unix.S_IFDIR,
	"S_IFLNK":  unix.S_IFLNK,

	"PRIO_PROCESS": unix.PRIO_PROCESS,
	"PRIO_PGRP":    unix.PRIO_PGRP,
	"PRIO_USER":    unix.PRIO_USER,

	// personality(2) values; x/sys/unix does not define them.
	"PER_LINUX":          0x0000,
	"PER_LINUX32":        0x0008,
	"UNAME26":            0x0020000,
	"ADDR_NO_RANDOMIZE":  0x0040000,
	"READ_IMPLIES_EXEC":  0x0400000,
	"PER_QUERY":          0xffffffff, // personality(0xffffffff) only reads the current value
	"ADDR_COMPAT_LAYOUT": 0x0200000,

	"TIOCSTI":   unix.TIOCSTI,
	"TIOCLINUX": unix.TIOCLINUX,
}

// Constants lists the symbolic names the policy syntax accepts, sorted.
func Constants() []string {
	return slices.Sorted(maps.Keys(constants))
}

// errnos maps errno names to numbers for "=> ERRNO".
var errnos = func() map[string]int {
	m := map[string]int{}
	for n := 1; n < 4096; n++ {
		if name := unix.ErrnoName(unix.Errno(n)); name != "" {
			m[name] = n
		}
	}
	return m
}()
