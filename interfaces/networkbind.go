package interfaces

import "github.com/snappy-pm/snappy/confine/landlock"

// networkBind lets an app be a server. It auto-connects as in snapd. It
// grants no outgoing connections under Landlock: a server that also
// connects plugs network too.
var networkBind = &fixed{
	name: "network-bind", auto: true, implicit: true,
	plug: Snippets{
		Seccomp: inetSockets,
		AppArmor: []string{
			"network inet,",
			"network inet6,",
			"network netlink raw,",
			"network netlink dgram,",
		},
		Landlock: landlock.Rules{AllowAllTCPBind: true},
	},
}
