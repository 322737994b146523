package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// x11Dir holds the X server's sockets. The app's /tmp is private, so the
// host's directory is bound into it.
const x11Dir = "/tmp/.X11-unix"

// x11 auto-connects, as in snapd on classic systems, although X lets any
// client read the keyboard and the screen: that is X's design. Clients
// that prefer the abstract socket @/tmp/.X11-unix/X0 fall back to the path
// socket when Landlock's scoping refuses it.
var x11 = &fixed{
	name: "x11", auto: true, implicit: true,
	plug: Snippets{
		AppArmor: []string{
			x11Dir + "/ r,",
			x11Dir + "/X[0-9]* rw,",
			`unix (connect, send, receive) type=stream peer=(addr="@/tmp/.X11-unix/X[0-9]*"),`,
			"owner @{HOME}/.Xauthority r,",
			"owner /run/user/[0-9]*/gdm/Xauthority r,",
		},
		Landlock: landlock.Rules{ReadWrite: []string{x11Dir}, Read: []string{profile.HomeVar + "/.Xauthority"}},
		Mounts:   []profile.Entry{bindHost(x11Dir, true), bindHost(profile.HomeVar+"/.Xauthority", false)},
	},
}
