// Package launch starts strict and devmode apps and hooks in their
// confinement: a mount namespace built from the snap's mount profile, a
// pid namespace, Landlock (or the AppArmor transition), the seccomp filter
// the daemon compiled at install time, and a cgroup where one is
// writable. It reads precompiled artifacts only and never asks the daemon
// anything, and it needs no setuid binary: non-root users get their
// namespaces from an unprivileged user namespace.
//
// # Process model
//
// Three processes, because Go cannot enter a new user namespace from a
// multithreaded process and a pid namespace needs an init:
//
//	snap (stage 1, host)           Run: starts stage 2 first, then (while
//	 │                             stage 2 starts up) reads the profile and
//	 │                             artifacts, creates the user's data dirs,
//	 │                             sends the plan, forwards signals, exits
//	 │                             with the app's status
//	 └─ snap-confine (stage 2)     /proc/self/exe again (Stage2), cloned into
//	     │                         new mount and pid namespaces (and a user
//	     │                         namespace mapping the caller's uid and gid
//	     │                         to themselves, unless root); pid 1: builds
//	     │                         the root, confines one locked thread, forks
//	     │                         the app from it, reaps, reports the status
//	     └─ the app                command-chain + command, exec'd
//
// Stage 1 hands stage 2 everything it needs (expanded mount entries,
// argv, environment, the seccomp program and Landlock rules already read)
// as one message on a pipe, so stage 2 reads no host file; the same pipe
// then carries the signals stage 1 forwards, and its end tells stage 2
// that stage 1 died (stage 2 then exits, which kills the whole pid
// namespace). A second pipe brings back the app's wait status, or the
// error that kept it from starting, which Run returns. Stage 1 exits as
// soon as it has the status: the namespaces' teardown is no one's wait.
// File descriptors the caller passed (systemd socket activation) reach
// the app unchanged.
//
// Stage 2 without root holds CAP_SYS_ADMIN in its user namespace as an
// ambient capability, because exec as a non-root uid would otherwise drop
// it. Stage 2 mounts nothing in the host's namespace, so a failure at any
// point leaves nothing to clean up. It opens every bind source before
// pivot_root (open_tree), so host symlinks resolve on the host, and creates
// every target after it, so the namespace's own symlinks resolve inside.
//
// Landlock, seccomp and the AppArmor transition are per thread: one
// goroutine locks its thread, sets no_new_privs, applies Landlock, drops
// capabilities, installs the filter and forks the app from that same
// thread, which the child inherits; the goroutine then ends, so the
// confined thread dies instead of returning to the runtime. Stage 2's
// other threads stay unconfined, and the app must not reach them: stage 2
// is not dumpable, and the app holds no CAP_SYS_PTRACE, so /proc/1/mem and
// /proc/1/fd are closed to it.
//
// # Capabilities
//
// A user's app has none. Root runs without a user namespace and its strict
// app keeps only the capabilities that act within the confinement (see
// rootKeeps): CAP_SYS_PTRACE, CAP_NET_ADMIN, CAP_SYS_ADMIN and the rest
// leave the bounding set, as snapd's AppArmor template withholds them.
// Devmode keeps them all.
//
// # Signals
//
// The app's exit status, or the signal that killed it, is stage 1's. A
// signal sent to stage 1 reaches the app once: when there is no
// controlling terminal, the app runs in its own process group, so a
// signal to stage 1's whole group still reaches the app only through
// stage 1. With a terminal, the app shares the caller's process group so
// that job control and reading the terminal work; the terminal's own
// signals (SIGINT, SIGQUIT, SIGHUP, SIGWINCH) then reach the app directly,
// so stage 1 forwards those only while its group is not the terminal's
// foreground group. Stage 2 (pid 1 of the namespace) leaves every signal
// sent to it directly at the default action, which the kernel ignores for
// a namespace's init. A signal that ends stage 2 while it is still
// starting ends stage 1 the same way.
//
// # Artifacts
//
// R/var/lib/snapd/mount/snap.NAME.fstab (package mount/profile),
// R/var/lib/snapd/seccomp/TAG.bin, and R/var/lib/snapd/landlock/TAG.json
// for strict apps on kernels without AppArmor. A missing one is an error
// naming the snap and the tag. The daemon writes the profile and the
// Landlock rules once for every user, with $HOME (and $UID) standing for
// the user's; the launch fills them in.
package launch
