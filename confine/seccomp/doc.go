// Package seccomp turns a snap app's seccomp policy into the BPF program the
// launcher loads. The daemon calls it at install time and whenever a
// connection changes; the launcher itself only uses the cgo-free subpackage
// load, so no policy is parsed or compiled on the launch path.
//
// # Policy syntax
//
// A policy is text, one rule per line. Blank lines and everything after a
// '#' are ignored. A rule is a system call name and up to six argument
// checks, separated by spaces:
//
//	read                      allow read(2) with any arguments
//	socket AF_UNIX            allow socket(2) when argument 0 is AF_UNIX
//	mknod - &S_IFMT=S_IFIFO   allow mknod(2) of FIFOs: argument 1 masked by S_IFMT
//	~ioctl - &0xffffffff=TIOCSTI
//	                          deny ioctl(2) TIOCSTI
//	~clone3 => ENOSYS         deny clone3(2) with ENOSYS in every mode
//	?fchmodat2                allow a call this libseccomp may not know yet
//
// Prefixes: '~' makes the rule a denial, '?' makes a system call name that
// libseccomp cannot resolve a no-op instead of an error (for calls newer than
// the build's libseccomp). Both may be combined ("?~name").
//
// An argument check is one of
//
//	V       equal to V
//	!V      not equal to V
//	<V      less than V; likewise <=V, >V and >=V (all unsigned)
//	&M=V    the argument AND M equals V
//	-       any value: a placeholder to reach later arguments
//
// and several checks separated by ',' are alternatives: the rule is expanded
// into one rule per combination ("setresuid 0,0xffffffff 0,0xffffffff -").
// A value V or mask M is an unsigned number (decimal, 0x hex, 0o or leading-0
// octal) or a symbolic constant, or several of them joined by '|', which ORs
// them: "&CLONE_NEWNS|CLONE_NEWUSER=0". Negative numbers are refused: write
// the unsigned value (0xffffffff for a 32-bit -1). The constants are those of
// the native architecture (see Constants): address families (AF_UNIX,
// AF_INET, AF_INET6, AF_NETLINK, AF_PACKET, ...), SOCK_*, NETLINK_*, CLONE_*,
// S_IF*, PRIO_*, PER_*, the terminal ioctls TIOCSTI and TIOCLINUX.
//
// Comparisons are 64 bits wide, but the kernel reads int-sized arguments from
// their low 32 bits only. An allow rule with V, <V or <=V is safe with that
// (stray upper bits only make a call fail), whereas a denial or a != check on
// an int argument must mask: "~ioctl - &0xffffffff=TIOCSTI", not
// "~ioctl - TIOCSTI", or a caller could set bit 32 and slip past it.
//
// # Semantics
//
// A call is allowed when some allow rule matches it and no denial does:
// denials always win, whatever their order and wherever they come from
// (template or interface snippet). A call no rule mentions fails with EPERM
// under Enforce. Under Complain (devmode) every call is allowed, and those
// Enforce would refuse are logged by the kernel (SECCOMP_RET_LOG, audit
// type 1326) — except denials with an explicit "=> ERRNO", which return that
// errno in both modes: they steer programs onto a fallback (clone3 => ENOSYS
// makes libc use clone(2), whose flags can be checked) rather than enforce
// policy.
//
// Calls numbered above the newest one this build's libseccomp knows fail
// with ENOSYS in both modes, as on an older kernel: no policy can name them,
// and C libraries fall back to older calls on ENOSYS only, never on EPERM.
//
// Only the native architecture's calls are allowed. A call made through
// another ABI (i386 int 0x80 or x32 on amd64) kills the process under
// Enforce — nothing in a snap built for this architecture makes one, so it is
// an exploit or a foreign binary that cannot work here — and is logged and
// allowed under Complain.
//
// # Artifacts
//
// Write stores TAG.src (the policy text, for people) and TAG.bin (the
// compiled program: an array of struct sock_filter in native byte order, as
// seccomp_export_bpf writes it) for the launcher's load.ApplyFile.
package seccomp
