package launch

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	// stage2Env marks the re-exec as stage 2; its value is the file
	// descriptor the plan arrives on.
	stage2Env = "SNAPPY_LAUNCH_STAGE2"
	// stage2Name is stage 2's argv[0], what ps shows for it.
	stage2Name = "snap-confine"
)

// Stage2Marker names the environment variable that makes a snap process
// stage 2 of a launch.
func Stage2Marker() string { return stage2Env }

// IsStage2 reports whether this process is stage 2 of a launch; main
// must then call Stage2 before doing anything else.
func IsStage2() bool { return os.Getenv(stage2Env) != "" }

// forwarded are the signals stage 1 passes on to the app.
var forwarded = []os.Signal{
	syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH,
}

// Run starts the app of s in its confinement. On success it does not
// return: the process exits with the app's status, or dies of the signal
// that killed the app. It returns an error when the app could not be
// started, without having run any of it.
//
// Run clears close-on-exec on two pipes for a moment: the calling
// process should not start other programs concurrently.
func Run(s Spec) error {
	if IsStage2() {
		return errNotDispatched
	}
	if err := s.check(); err != nil {
		return err
	}
	c, err := stage2For(s.tag())
	if err != nil {
		return spawnError(s, err)
	}
	pl, err := resolve(s)
	if err != nil {
		c.abort()
		return err
	}
	tty := controllingTTY()
	pl.OwnGroup = tty < 0
	ws, err := c.run(pl, tty)
	if err != nil {
		return err
	}
	exitLike(ws)
	return nil // not reached
}

// spawnError explains why stage 2 could not start, preferring what the
// user can act on: a missing profile, say, over the system's refusal.
func spawnError(s Spec, err error) error {
	if _, rerr := resolve(s); rerr != nil {
		return rerr
	}
	if os.Geteuid() != 0 && !userNamespacesAllowed() {
		return fmt.Errorf("cannot start the confinement of %s: this system does not let users create user namespaces "+
			"(sysctl kernel.unprivileged_userns_clone, user.max_user_namespaces, kernel.apparmor_restrict_unprivileged_userns), "+
			"so strict snaps run only as root here: %w", s.tag(), err)
	}
	return fmt.Errorf("cannot start the confinement of %s: %w", s.tag(), err)
}

// errNotDispatched stops a launch from a process that inherited the
// marker: one whose main (or TestMain) let stage 2 run on as an ordinary
// snap, which would otherwise launch again, and again, each time deeper.
var errNotDispatched = errors.New("launch: this process is stage 2 of a launch, but its main did not call launch.Stage2 first " +
	"(main, and any TestMain that runs the binary as snap, must start with: if launch.IsStage2() { launch.Stage2() })")

// stage2For starts stage 2, cloned straight into the app's cgroup when
// there is one. It comes first in Run: stage 2's own start-up (an exec of
// this binary, the Go runtime, every package's init) then overlaps with
// Run's reading and checking. (Starting it even earlier, before the
// caller parses its command line, was measured slower: on two CPUs the
// two start-ups compete, and moving stage 2 into the cgroup afterwards
// costs a cgroup migration.)
func stage2For(tag string) (*child, error) {
	cg := appCgroup(tag)
	if cg >= 0 {
		defer unix.Close(cg)
	}
	return spawn(cg)
}
