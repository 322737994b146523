package interfaces

import "github.com/snappy-pm/snappy/confine/landlock"

// mountObserve reads the mount table and filesystem sizes (df). Manual, as
// in snapd. Inside the app's mount namespace the table is the
// namespace's, not the host's: a gap for tools that want the host's view.
var mountObserve = &fixed{
	name: "mount-observe", implicit: true,
	plug: Snippets{
		AppArmor: []string{
			"@{PROC}/[0-9]*/{mounts,mountinfo,mountstats} r,",
			"@{PROC}/{partitions,swaps,filesystems} r,",
			"/etc/fstab r,",
		},
		Landlock: landlock.Rules{Read: []string{"/proc"}},
	},
}
