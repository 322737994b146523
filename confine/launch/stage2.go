package launch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Stage2 is stage 2 of a launch, pid 1 of the app's namespaces (see the
// package documentation). main calls it first thing when IsStage2
// reports true. It never returns.
func Stage2() {
	os.Exit(stage2())
}

func stage2() int {
	ignoreSignals()
	// Nothing in the sandbox may read this process's memory or files.
	_ = unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)

	fd, err := strconv.Atoi(os.Getenv(stage2Env))
	if err != nil || fd < 3 {
		fmt.Fprintf(os.Stderr, "%s: not started by snap run (bad %s)\n", stage2Name, stage2Env)
		return 1
	}
	unix.CloseOnExec(fd)
	ctl := os.NewFile(uintptr(fd), "plan")
	pl, err := readPlan(ctl)
	if errors.Is(err, io.EOF) {
		return 1 // stage 1 gave up (and said why)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", stage2Name, err)
		return 1
	}
	unix.CloseOnExec(pl.Status)
	rep := os.NewFile(uintptr(pl.Status), "report")

	pid, err := setUp(pl)
	if err != nil {
		sendReport(rep, report{Err: err.Error()})
		return 1
	}
	releaseStdio()
	go relaySignals(ctl, pid)
	ws := reap(pid)
	status := uint32(ws)
	sendReport(rep, report{Status: &status})
	return 0
}

// setUp builds the namespace and starts the app in it.
func setUp(pl *plan) (int, error) {
	if err := buildNamespace(pl.Mounts); err != nil {
		return 0, fmt.Errorf("cannot set up the mount namespace of %s: %w", pl.Tag, err)
	}
	enterWorkingDir(pl)
	if len(pl.Shells) > 0 {
		pl.Argv[pl.ShellAt] = pickShell(pl.Shells)
	}
	return startConfined(pl)
}

func enterWorkingDir(pl *plan) {
	if pl.Dir != "" && unix.Chdir(pl.Dir) == nil {
		var st unix.Stat_t
		if unix.Stat(".", &st) == nil && st.Dev == pl.DirDev && st.Ino == pl.DirIno {
			return
		}
	}
	if unix.Chdir(pl.FallbackDir) != nil {
		_ = unix.Chdir("/")
	}
}

func pickShell(shells []string) string {
	for _, sh := range shells {
		if unix.Access(sh, unix.X_OK) == nil {
			return sh
		}
	}
	return shells[len(shells)-1]
}

// releaseStdio lets go of the caller's terminal or pipes, which the app
// has now: whoever reads the app's output sees its end when the app
// ends, not when this process has finished tearing down the namespaces.
// /dev/null keeps 0, 1 and 2 taken, so nothing else lands there.
func releaseStdio() {
	null, err := unix.Open("/dev/null", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	for fd := 0; fd <= 2; fd++ {
		_ = unix.Dup3(null, fd, 0)
	}
	unix.Close(null)
}

// killers are the signals that would end Go's pid 1, and with it the
// namespace, when sent from outside (a terminal, a kill of the whole
// process group): the runtime's handler exits on them.
var killers = []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGABRT, syscall.SIGTERM}

// ignoreSignals hands killers back to the kernel's default action, which
// for the init of a pid namespace is to ignore them; the app got its own
// copy or was never meant to. Not through os/signal: it would set up its
// handler thread and cost a millisecond per launch.
func ignoreSignals() {
	for _, sig := range killers {
		setDefault(sig)
	}
}

// relaySignals passes on what stage 1 forwards. The pipe's end means
// stage 1 is gone: then so is everything here, since the end of pid 1
// kills the rest of the namespace.
func relaySignals(ctl io.Reader, pid int) {
	var b [1]byte
	for {
		if _, err := ctl.Read(b[:]); err != nil {
			os.Exit(1)
		}
		_ = syscall.Kill(pid, syscall.Signal(b[0]))
	}
}

// reap waits for the app, reaping whatever else ends in the namespace
// meanwhile, as its init must.
func reap(pid int) syscall.WaitStatus {
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			// Cannot happen while the app is ours; never report success.
			return 1 << 8
		}
		if got == pid {
			return ws
		}
	}
}
