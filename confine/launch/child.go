package launch

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// child is stage 2 as stage 1 sees it.
type child struct {
	pid      int
	ctl      *os.File // the plan, then one byte per forwarded signal
	rep      *os.File // stage 2's report
	statusFd int      // stage 2's end of rep, by number
}

// spawn re-executes this binary as stage 2, in new namespaces, and in
// the cgroup cg unless it is -1.
func spawn(cg int) (*child, error) {
	ctlR, ctlW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer ctlR.Close()
	repR, repW, err := os.Pipe()
	if err != nil {
		ctlW.Close()
		return nil, err
	}
	defer repW.Close()
	pid, err := startStage2(cg, int(ctlR.Fd()), int(repW.Fd()))
	if err != nil {
		ctlW.Close()
		repR.Close()
		return nil, err
	}
	return &child{pid: pid, ctl: ctlW, rep: repR, statusFd: int(repW.Fd())}, nil
}

// abort ends stage 2, which the pipe's end tells to give up, and returns
// how it ended.
func (c *child) abort() syscall.WaitStatus {
	c.ctl.Close()
	c.rep.Close()
	var ws syscall.WaitStatus
	for {
		if _, err := syscall.Wait4(c.pid, &ws, 0, nil); err != syscall.EINTR {
			return ws
		}
	}
}

// run hands stage 2 the plan and returns the app's wait status.
func (c *child) run(pl *plan, tty int) (syscall.WaitStatus, error) {
	pl.Status = c.statusFd
	if err := writePlan(c.ctl, pl); err != nil {
		c.abort()
		return 0, fmt.Errorf("cannot pass the launch plan to stage 2: %w", err)
	}
	r, last := c.relay(pl.OwnGroup, tty)
	switch {
	case r.err == nil && r.rep.Err != "":
		c.abort()
		return 0, errors.New(r.rep.Err)
	case r.err == nil:
		// Not waiting for stage 2 to be reaped: its end tears the
		// namespaces down, which takes a while and concerns nobody.
		return syscall.WaitStatus(*r.rep.Status), nil
	}
	ws := c.abort()
	if errors.Is(r.err, io.EOF) {
		if slices.Contains(killers, last) {
			// Interrupted while stage 2 was starting, before it could
			// ignore the signal: end the way an interrupted app would.
			exitLike(syscall.WaitStatus(last))
		}
		return 0, fmt.Errorf("the confinement of %s failed before starting it (%s)", pl.Tag, describeStatus(ws))
	}
	return 0, r.err
}

// relay forwards signals until stage 2 reports, and returns the report
// and the last signal received. Only now are signals caught: until the
// plan is sent, one may simply end the launch, and stage 2 with it.
func (c *child) relay(ownGroup bool, tty int) (reportOrErr, syscall.Signal) {
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	reports := make(chan reportOrErr, 1)
	go func() {
		rep, err := readReport(c.rep)
		reports <- reportOrErr{rep, err}
	}()
	var last syscall.Signal
	for {
		select {
		case sig := <-sigs:
			last = sig.(syscall.Signal)
			if shouldForward(last, ownGroup, tty) {
				_, _ = c.ctl.Write([]byte{byte(last)})
			}
		case r := <-reports:
			// Left caught on success: this process exits right away.
			if r.err != nil || r.rep.Err != "" {
				signal.Stop(sigs)
			}
			return r, last
		}
	}
}

type reportOrErr struct {
	rep report
	err error
}

// startStage2 re-executes this binary in new namespaces, passing ctl and
// rep by number; every other descriptor the caller had stays as it is.
func startStage2(cg, ctl, rep int) (int, error) {
	for _, fd := range []int{ctl, rep} {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
			return 0, err
		}
	}
	sys := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID}
	if uid := os.Geteuid(); uid != 0 {
		gid := os.Getegid()
		sys.Cloneflags |= syscall.CLONE_NEWUSER
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		// Exec as a non-root uid would drop the capability that stage 2
		// needs to mount; stage 2 drops it again before the app.
		sys.AmbientCaps = []uintptr{unix.CAP_SYS_ADMIN}
	}
	attr := &syscall.ProcAttr{
		Env:   []string{stage2Env + "=" + strconv.Itoa(ctl)},
		Files: stdFiles(),
		Sys:   sys,
	}
	if cg >= 0 {
		withCg := *sys
		withCg.UseCgroupFD, withCg.CgroupFD = true, cg
		cattr := *attr
		cattr.Sys = &withCg
		if pid, err := syscall.ForkExec(stage2Binary(), []string{stage2Name}, &cattr); err == nil {
			return pid, nil
		}
		// A cgroup is a convenience, not a confinement: go on without.
	}
	return syscall.ForkExec(stage2Binary(), []string{stage2Name}, attr)
}

// stage2Binary is the snap-confine installed beside this program, which
// links nothing but this package and so starts in a fraction of the time;
// without one, this very program (which must call Stage2 first thing).
func stage2Binary() string {
	if exe, err := os.Executable(); err == nil {
		cand := filepath.Join(filepath.Dir(exe), stage2Name)
		if fi, err := os.Stat(cand); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return cand
		}
	}
	return "/proc/self/exe"
}

// stdFiles passes 0, 1 and 2 on, or keeps them closed when they are: a
// closed one would make the fork fail.
func stdFiles() []uintptr {
	files := []uintptr{0, 1, 2}
	for i := range files {
		if _, err := unix.FcntlInt(uintptr(i), unix.F_GETFD, 0); err != nil {
			files[i] = ^uintptr(0)
		}
	}
	return files
}

func describeStatus(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return fmt.Sprintf("exit status %d", ws.ExitStatus())
	case ws.Signaled():
		return "killed by " + ws.Signal().String()
	}
	return fmt.Sprintf("wait status %#x", uint32(ws))
}
