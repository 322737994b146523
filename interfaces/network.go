package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// inetSockets is what both network interfaces need from seccomp: IP
// sockets, and route netlink, which getaddrinfo and "ip addr" use to list
// the host's addresses.
var inetSockets = []string{
	"socket AF_INET",
	"socket AF_INET6",
	"socket AF_NETLINK - NETLINK_ROUTE",
}

// resolver is where glibc finds systemd-resolved's stub resolv.conf,
// which /etc/resolv.conf often links to; the namespace has no /run.
const resolver = "/run/systemd/resolve"

// network auto-connects, as in snapd: client access to the network is
// what most apps exist for.
var network = &fixed{
	name: "network", auto: true, implicit: true,
	plug: Snippets{
		Seccomp: inetSockets,
		AppArmor: []string{
			"network inet,",
			"network inet6,",
			"network netlink raw,",
			"network netlink dgram,",
			resolver + "/ r,",
			resolver + "/* r,",
		},
		Landlock: landlock.Rules{AllowAllTCPConnect: true, Read: []string{resolver}},
		Mounts:   []profile.Entry{bindHost(resolver, false)},
	},
}
