package interfaces

import (
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// hardwareObserve reads what the kernel and udev say about the hardware
// (lspci, lsusb, sensors). Manual, as in snapd: it identifies the machine.
var hardwareObserve = &fixed{
	name: "hardware-observe", implicit: true,
	plug: Snippets{
		// udev's monitor socket: hotplug events.
		Seccomp: []string{"socket AF_NETLINK - NETLINK_KOBJECT_UEVENT"},
		AppArmor: []string{
			"@{sys}/{bus,class,devices,firmware}/ r,",
			"@{sys}/{bus,class,devices,firmware}/** r,",
			"/run/udev/data/ r,",
			"/run/udev/data/** r,",
			"@{PROC}/{cpuinfo,interrupts,ioports,iomem,modules} r,",
			"network netlink raw,",
		},
		Landlock: landlock.Rules{Read: []string{"/sys", "/run/udev/data"}},
		Mounts:   []profile.Entry{bindHost("/run/udev/data", false)},
	},
}
