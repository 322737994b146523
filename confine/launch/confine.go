package launch

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"github.com/snappy-pm/snappy/confine/apparmor"
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/confine/seccomp/load"
	"golang.org/x/sys/unix"
)

// startConfined forks the app from a thread that carries its
// confinement. Every layer is per thread, so one goroutine does it all on
// its locked thread and ends without unlocking: the runtime then retires
// that thread instead of running other goroutines, confined, on it.
func startConfined(pl *plan) (int, error) {
	type result struct {
		pid int
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		pid, err := confineAndFork(pl)
		done <- result{pid, err}
	}()
	r := <-done
	return r.pid, r.err
}

// confineAndFork applies the layers in the order each needs: Landlock
// before seccomp (the filter may deny Landlock's calls), capabilities
// dropped before the filter (capset), the filter last.
func confineAndFork(pl *plan) (int, error) {
	// Landlock wants it (or CAP_SYS_ADMIN) and the app must not regain
	// privileges through setuid binaries under the filter.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("cannot set no_new_privs: %w", err)
	}
	if pl.AppArmor != "" {
		if err := apparmor.ExecTransition(pl.AppArmor); err != nil {
			return 0, err
		}
	}
	if pl.Landlock != nil {
		if _, err := landlock.Apply(*pl.Landlock); err != nil {
			return 0, fmt.Errorf("cannot apply the Landlock rules of %s: %w", pl.Tag, err)
		}
	}
	if os.Geteuid() != 0 {
		if err := dropCapabilities(); err != nil {
			return 0, err
		}
	} else if pl.Strict {
		if err := boundRootCapabilities(); err != nil {
			return 0, err
		}
	}
	if err := load.Apply(pl.Seccomp); err != nil {
		return 0, fmt.Errorf("cannot apply the seccomp profile of %s: %w", pl.Tag, err)
	}
	pid, err := syscall.ForkExec(pl.Argv[0], pl.Argv, &syscall.ProcAttr{
		Env:   pl.Env,
		Files: stdFiles(),
		Sys:   &syscall.SysProcAttr{Setpgid: pl.OwnGroup},
	})
	if err != nil {
		return 0, fmt.Errorf("cannot execute %s: %w", pl.Argv[0], err)
	}
	return pid, nil
}

// dropCapabilities leaves this thread with none: stage 2 got
// CAP_SYS_ADMIN in its user namespace as an ambient capability, which an
// exec would pass on to the app.
func dropCapabilities() error {
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("cannot clear ambient capabilities: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData // version 3 takes two
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("cannot drop capabilities: %w", err)
	}
	return nil
}

// rootKeeps are the capabilities a strict app of root keeps: those that
// act on files, identities and the app's own processes, all within what
// the namespace, Landlock and seccomp allow. The others reach past them:
// CAP_SYS_PTRACE opens /proc/1/mem of stage 2 (unconfined, pid 1 of the
// namespace), CAP_NET_ADMIN reconfigures the host's network through
// ioctls on any socket, and so on. snapd's AppArmor template withholds
// them too; interfaces that need one will have to grant it.
var rootKeeps = map[uintptr]bool{
	unix.CAP_CHOWN: true, unix.CAP_DAC_OVERRIDE: true, unix.CAP_DAC_READ_SEARCH: true,
	unix.CAP_FOWNER: true, unix.CAP_FSETID: true, unix.CAP_KILL: true,
	unix.CAP_SETGID: true, unix.CAP_SETUID: true, unix.CAP_SETPCAP: true,
	unix.CAP_NET_BIND_SERVICE: true, unix.CAP_SYS_CHROOT: true, unix.CAP_AUDIT_WRITE: true,
	unix.CAP_IPC_LOCK: true, unix.CAP_SYS_NICE: true, unix.CAP_SYS_RESOURCE: true,
}

// boundRootCapabilities removes the others from the bounding set, which
// is what root's exec draws its capabilities from; capabilities this
// build does not know of are removed too, up to the kernel's last.
func boundRootCapabilities() error {
	for c := uintptr(0); ; c++ {
		if rootKeeps[c] {
			continue
		}
		err := unix.Prctl(unix.PR_CAPBSET_DROP, c, 0, 0, 0)
		if err == unix.EINVAL {
			return nil // past the last capability
		}
		if err != nil {
			return fmt.Errorf("cannot drop capability %d: %w", c, err)
		}
	}
}
