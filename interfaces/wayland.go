package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// waylandSocket is the compositor's usual socket. A session whose
// WAYLAND_DISPLAY is not wayland-0 is not reachable yet: the profile is
// written before the session exists, and binding all of /run/user/UID
// would hand over every other socket of the session.
const waylandSocket = "/run/user/" + profile.UIDVar + "/wayland-0"

// wayland auto-connects, as in snapd on classic systems: unlike X,
// Wayland isolates clients from each other.
var wayland = &fixed{
	name: "wayland", auto: true, implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"owner /run/user/[0-9]*/wayland-[0-9]* rw,",
			"owner /run/user/[0-9]*/wayland-shared-* rw,",
		},
		Landlock: landlock.Rules{ReadWrite: []string{waylandSocket}},
		Mounts:   []profile.Entry{bindFile(waylandSocket)},
	},
}
