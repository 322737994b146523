package interfaces

import "github.com/snappy-pm/snappy/confine/landlock"

// systemObserve reads the system's process list and statistics (top, ps).
// Manual, as in snapd. The app's /proc belongs to its own PID namespace,
// so it sees its own processes only: a gap until the launcher can keep
// the host's PID namespace for apps with this connection.
var systemObserve = &fixed{
	name: "system-observe", implicit: true,
	plug: Snippets{
		Seccomp: []string{"socket AF_NETLINK - NETLINK_SOCK_DIAG"},
		AppArmor: []string{
			"@{PROC}/ r,",
			"@{PROC}/[0-9]*/{stat,statm,status,cmdline,comm,environ,io,cgroup} r,",
			"@{PROC}/{stat,meminfo,cpuinfo,vmstat,diskstats,partitions,swaps,loadavg} r,",
			"@{PROC}/sys/kernel/** r,",
			"@{sys}/devices/** r,",
			"network netlink raw,",
			"ptrace (read),",
		},
		Landlock: landlock.Rules{Read: []string{"/proc", "/sys"}},
	},
}
