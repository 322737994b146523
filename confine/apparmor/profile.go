// Package apparmor writes, checks and loads the AppArmor profile of each
// app and hook, and switches the launcher to it on exec, on kernels that
// have AppArmor. The profiles are written on every system so that a disk
// moved to such a kernel, and the tests, have them.
package apparmor

import (
	"fmt"
	"strings"
)

// Modes of confinement a profile can be generated for.
const (
	ModeStrict  = "strict"
	ModeDevMode = "devmode"
)

// Input is what one app's or hook's profile is made from.
type Input struct {
	Tag                string // snap.NAME.APP or snap.NAME.hook.HOOK: the profile's name
	SnapName, Revision string
	// Base only names the runtime in the profile's header: a base is
	// mounted as the namespace's root, so its paths are the host's.
	Base string
	Mode string // ModeStrict or ModeDevMode
	// Snippets are AppArmor rules from connected interfaces, inserted
	// into the profile as they are.
	Snippets []string
}

// Generate returns the profile for in. Nothing in the common part allows
// network access, capabilities, mount, pivot_root or tracing another
// process: AppArmor denies what no rule allows, so only a snippet can
// grant them. There are no explicit deny rules for them on purpose: a
// deny rule would win over an interface's snippet, would still deny in
// devmode's complain mode, and would not be logged.
func Generate(in Input) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# AppArmor profile of %s, written by snappy from the snap and its\n", in.Tag)
	b.WriteString("# connections. It is rewritten whenever they change: edits do not last.\n")
	if in.Base != "" {
		fmt.Fprintf(&b, "# Runtime: the base snap %s, mounted as /.\n", in.Base)
	} else {
		b.WriteString("# Runtime: the host's system directories.\n")
	}
	b.WriteString("abi <abi/3.0>,\ninclude <tunables/global>\n\n")
	fmt.Fprintf(&b, "@{SNAP_NAME}=%q\n@{SNAP_INSTANCE_NAME}=%q\n@{SNAP_REVISION}=%q\n\n",
		in.SnapName, in.SnapName, in.Revision)

	flags := "attach_disconnected,mediate_deleted"
	if in.Mode == ModeDevMode {
		// Complain mode allows everything and logs what enforce would deny.
		flags += ",complain"
	}
	fmt.Fprintf(&b, "profile %q flags=(%s) {\n", in.Tag, flags)
	b.WriteString(common)
	if in.Mode != ModeDevMode {
		b.WriteString(strictOnly)
	}
	if len(in.Snippets) > 0 {
		b.WriteString("\n  # From connected interfaces.\n")
		for _, s := range in.Snippets {
			for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// common is what every app may do, in strict mode and (logged only) in
// devmode. The launcher gives the app a mount namespace whose /tmp and
// /dev/shm are private to the snap, which is why those are open.
const common = `  include <abstractions/base>
  include <abstractions/consoles>

  # The runtime: the base, mounted as /, or the host's system directories.
  /usr/ r,
  /usr/** mrix,
  /{bin,sbin,lib,lib32,lib64,libx32}/ r,
  /{bin,sbin,lib,lib32,lib64,libx32}/** mrix,
  /etc/ r,
  /etc/** r,

  # The snap itself, read-only.
  /snap/@{SNAP_NAME}/ r,
  /snap/@{SNAP_NAME}/@{SNAP_REVISION}/ r,
  /snap/@{SNAP_NAME}/@{SNAP_REVISION}/** mrix,

  # System data: every revision readable, only this one and common writable.
  /var/snap/@{SNAP_NAME}/ r,
  /var/snap/@{SNAP_NAME}/** mrkix,
  /var/snap/@{SNAP_NAME}/{@{SNAP_REVISION},common}/{,**} wl,

  # User data, in the real home of whoever runs the app.
  owner @{HOME}/snap/ r,
  owner @{HOME}/snap/@{SNAP_NAME}/ r,
  owner @{HOME}/snap/@{SNAP_NAME}/** mrkix,
  owner @{HOME}/snap/@{SNAP_NAME}/{@{SNAP_REVISION},common}/{,**} wl,

  # The snap's private /tmp and shared memory.
  /tmp/ r,
  /tmp/** mrwlkix,
  /dev/shm/ r,
  /dev/shm/** mrwlk,

  # Devices every program may use.
  /dev/{null,zero,full,random,urandom} rw,
  /dev/ptmx rw,

  # The process's own information, and what programs commonly read about
  # the system.
  @{PROC}/ r,
  owner @{PROC}/@{pid}/ r,
  owner @{PROC}/@{pid}/** r,
  @{PROC}/{loadavg,uptime,version,mounts} r,
  @{PROC}/sys/kernel/{hostname,osrelease,ostype,pid_max} r,
  @{PROC}/sys/kernel/random/{uuid,boot_id} r,
  @{sys}/devices/system/cpu/** r,
  @{sys}/fs/cgroup/** r,

  # snapctl talks to the daemon.
  /run/snapd-snap.socket rw,

  # Signals and unix sockets between the snap's own processes, and
  # abstract sockets named after the snap.
  signal (send, receive) peer=snap.@{SNAP_NAME}.*,
  unix peer=(label=snap.@{SNAP_NAME}.*),
  unix (bind, listen, accept, send, receive) addr="@snap.@{SNAP_NAME}.**",
`

// strictOnly holds deny rules for what no interface should ever grant.
// devmode leaves them out because complain mode would still enforce them.
const strictOnly = `
  # Password hashes: readable by root's DAC, never by a snap.
  deny /etc/{shadow,gshadow}{,-} r,
`
