package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// logObserve reads the system's logs, which may hold secrets of other
// programs: manual, as in snapd.
var logObserve = &fixed{
	name: "log-observe", implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"/var/log/ r,",
			"/var/log/** r,",
			"/run/log/journal/ r,",
			"/run/log/journal/** r,",
		},
		Landlock: landlock.Rules{Read: []string{"/var/log", "/run/log/journal"}},
		Mounts:   []profile.Entry{bindHost("/var/log", false), bindHost("/run/log/journal", false)},
	},
}
