package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// sessionBus is the user's D-Bus session socket. D-Bus itself is not
// mediated yet (see docs/confinement.md), so this grants the whole bus.
const sessionBus = "/run/user/" + profile.UIDVar + "/bus"

// desktop is what a graphical app needs beyond its display: fonts,
// themes, icons, the session bus. It auto-connects, as in snapd on
// classic systems.
var desktop = &fixed{
	name: "desktop", auto: true, implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"/usr/share/{fonts,icons,themes,mime,glib-2.0}/ r,",
			"/usr/share/{fonts,icons,themes,mime,glib-2.0}/** r,",
			"/var/cache/fontconfig/ r,",
			"/var/cache/fontconfig/** r,",
			"owner @{HOME}/.config/user-dirs.* r,",
			"owner /run/user/[0-9]*/bus rw,",
			"unix (connect, send, receive) type=stream peer=(addr=none),",
		},
		Landlock: landlock.Rules{
			Read:      []string{"/var/cache/fontconfig"},
			ReadWrite: []string{sessionBus},
		},
		Mounts: []profile.Entry{bindHost("/var/cache/fontconfig", false), bindFile(sessionBus)},
	},
}

// bindFile binds one host socket or file (not a tree) read-write.
func bindFile(p string) profile.Entry {
	e := bindHost(p, true)
	e.Options[0] = profile.OptBind
	return e
}
