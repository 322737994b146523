package launch

import (
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// controllingTTY returns a standard descriptor on the controlling
// terminal, or -1 without one. TIOCGPGRP fails on any other terminal, so
// success means both "a terminal" and "ours".
func controllingTTY() int {
	for fd := 0; fd <= 2; fd++ {
		if _, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP); err == nil {
			return fd
		}
	}
	return -1
}

// ttySignal reports whether a terminal sends sig to its whole foreground
// group.
func ttySignal(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGWINCH:
		return true
	}
	return false
}

// shouldForward decides whether the app already got sig on its own: a
// terminal signal while we are the foreground group reached everyone in
// it, the app included.
func shouldForward(sig syscall.Signal, ownGroup bool, tty int) bool {
	if ownGroup || !ttySignal(sig) {
		return true
	}
	fg, err := unix.IoctlGetInt(tty, unix.TIOCGPGRP)
	return err != nil || fg != unix.Getpgrp()
}

// exitLike ends this process the way the app ended: same exit code, or
// death by the same signal, so that shells and supervisors see the app.
func exitLike(ws syscall.WaitStatus) {
	if ws.Exited() {
		os.Exit(ws.ExitStatus())
	}
	if !ws.Signaled() {
		os.Exit(1)
	}
	sig := ws.Signal()
	// The app dumped core already (or was not allowed to); a second
	// core, of the launcher, would only mislead.
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	// Past os/signal, which would leave the runtime's handler in place
	// for the signals it always handles (SIGSEGV, SIGBUS, ...).
	setDefault(sig)
	_ = syscall.Kill(os.Getpid(), sig)
	// Still here: the signal was ignored when this process started (as
	// nohup does); exit the way a shell reports a signal death.
	time.Sleep(10 * time.Millisecond)
	os.Exit(128 + int(sig))
}

// setDefault gives sig its default action behind the Go runtime's back,
// with one system call. The runtime resets what it handles to the default
// in the programs it starts anyway, so nothing else notices.
func setDefault(sig syscall.Signal) {
	var dfl [4]uint64 // SIG_DFL, no flags, empty mask: zero on every architecture
	_, _, _ = unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
}
