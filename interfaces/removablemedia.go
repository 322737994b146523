package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// mediaDirs are where desktops and users mount removable drives.
var mediaDirs = []string{"/media", "/mnt", "/run/media"}

// removableMedia is manual, as in snapd: a USB stick may hold anything.
var removableMedia = &fixed{
	name: "removable-media", implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"/{media,mnt,run/media}/ r,",
			"/{media,mnt,run/media}/** rwkl,",
		},
		Landlock: landlock.Rules{ReadWrite: mediaDirs},
		Mounts: []profile.Entry{
			bindHost("/media", true), bindHost("/mnt", true), bindHost("/run/media", true),
		},
	},
}
