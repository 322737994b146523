package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// opengl opens the GPU's device nodes. It auto-connects, as in snapd.
// Device cgroups per interface are a later issue: today the bind of
// /dev/dri is the whole grant. The bind keeps device nodes usable, so it
// has no nodev, unlike bindHost.
var opengl = &fixed{
	name: "opengl", auto: true, implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"/dev/dri/ r,",
			"/dev/dri/* rw,",
			"/dev/nvidia* rw,",
			"@{sys}/class/drm/ r,",
			"@{sys}/devices/** r,",
			"/usr/share/{glvnd,vulkan,drirc.d}/** r,",
		},
		Landlock: landlock.Rules{ReadWrite: []string{"/dev/dri"}, Read: []string{"/sys/class/drm", "/sys/devices"}},
		Mounts: []profile.Entry{{Source: "/dev/dri", Target: "/dev/dri", Type: profile.TypeBind,
			Options: []string{profile.OptRBind, profile.OptRW, "nosuid", profile.OptOptional}}},
	},
}
