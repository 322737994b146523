// Package interfaces is the model of plugs, slots and connections: which
// interfaces exist, what policy decides about each (auto-connect, super
// privilege, implicit system slots), and what a connection grants to each
// confinement backend (seccomp, AppArmor, Landlock, mount namespace).
//
// The package holds no state on disk and talks to no backend: the daemon
// records connections in its own database, replays them into a Repository,
// and hands SnippetsFor(tag) to the backends when it regenerates an app's
// artifacts. Keeping it pure makes every interface testable as a table.
//
// Paths in snippets are as the app sees them inside its mount namespace.
// Per-user parts use the mount profile's placeholders ($HOME first, $UID as
// a whole element) in Landlock rules and mount entries, and AppArmor's own
// variables (@{HOME}, @{PROC}, @{sys}) in AppArmor rules.
//
// # Policy
//
// Following snapd's base declaration and documentation:
//
//	auto-connect        network network-bind home desktop x11 wayland opengl,
//	                    content (only to the single slot whose content matches)
//	manual              removable-media system-observe log-observe mount-observe
//	                    hardware-observe process-control
//	super-privileged    personal-files system-files docker docker-support lxd
//	                    lxd-support: plugging them needs a store declaration or
//	                    --dangerous (AddOptions.AllowSuperPrivileged); never auto
//	slot on the system  every interface except content, docker and lxd, whose
//	                    slots come from provider snaps; an app may not offer them
//
// A plug with more than one candidate slot is not auto-connected.
//
// # Known gaps
//
//   - Landlock cannot exclude anything beneath a granted directory: home
//     grants all of $HOME there (dotfiles and ~/snap included), where
//     AppArmor grants non-hidden files outside ~/snap only.
//   - The app's PID namespace and mount namespace are its own, so
//     system-observe and mount-observe see the app's processes and mounts,
//     not the host's.
//   - docker-support and lxd-support need root's capabilities and the
//     host's PID namespace, which the launcher drops; the daemon's wiring
//     must provide them.
//   - wayland reaches wayland-0 only; D-Bus is not mediated (desktop grants
//     the whole session bus).
//   - a content target under $SNAP must exist as a directory in the
//     consumer's squashfs (create it at pack time): the launcher builds no
//     writable mimic yet. $SNAP_DATA and $SNAP_COMMON targets lie in
//     writable directories (untested end to end). Sources are paths under the
//     "/" root: a daemon with another SNAPPY_GLOBAL_ROOT prefixes them. A
//     provider's refresh must regenerate its consumers.
//   - content's same-publisher rule for auto-connection is not checked:
//     snaps carry no signed publisher yet.
package interfaces
