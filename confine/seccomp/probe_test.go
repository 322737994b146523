package seccomp

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

const nowhere = "/nonexistent-snappy-seccomp-probe"

// probeOps are the operations the kernel tests try under a filter. Each is
// built to fail for a reason of its own once seccomp lets it through
// (a missing path, a bad argument, a multithreaded caller), so that under
// Complain they leave the system as it was.
var probeOps = []struct {
	name string
	op   func() error
}{
	// First, so the kernel's rate-limited audit log certainly shows it.
	{"socket_inet", func() error { return socketClose(unix.AF_INET, unix.SOCK_STREAM) }},
	{"socket_inet6", func() error { return socketClose(unix.AF_INET6, unix.SOCK_DGRAM) }},
	{"socket_netlink", func() error { return socketClose(unix.AF_NETLINK, unix.SOCK_RAW) }},
	{"socket_unix", func() error { return socketClose(unix.AF_UNIX, unix.SOCK_STREAM) }},
	{"socketpair_unix", func() error {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
		if err == nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
		}
		return err
	}},
	{"mount", func() error { return unix.Mount("none", nowhere, "tmpfs", 0, "") }},
	{"umount2", func() error { return unix.Unmount(nowhere, 0) }},
	{"pivot_root", func() error { return unix.PivotRoot(nowhere, nowhere) }},
	// A Go process has threads, so the kernel refuses a new user
	// namespace with EINVAL once seccomp allows the call.
	{"unshare_user", func() error { return unix.Unshare(unix.CLONE_NEWUSER) }},
	// Succeeds under Complain, on this thread of a process about to exit.
	{"unshare_mount", func() error { return unix.Unshare(unix.CLONE_NEWNS) }},
	// Joins the namespace the thread is already in.
	{"setns", func() error {
		fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open: %w", err)
		}
		defer unix.Close(fd)
		return unix.Setns(fd, unix.CLONE_NEWNET)
	}},
	// CLONE_FS with CLONE_NEWUSER is EINVAL, so no child is ever made.
	{"clone_newuser", func() error {
		return rawErr(unix.RawSyscall(unix.SYS_CLONE, unix.CLONE_NEWUSER|unix.CLONE_FS, 0, 0))
	}},
	// A NULL argument: EFAULT if the call got through.
	{"clone3", func() error { return rawErr(unix.RawSyscall(unix.SYS_CLONE3, 0, 0, 0)) }},
	{"fork_exec", func() error { return exec.Command("/bin/true").Run() }},
	{"ptrace_attach", func() error {
		pid, err := strconv.Atoi(os.Getenv(envTracee))
		if err != nil {
			return err
		}
		return unix.PtraceAttach(pid)
	}},
	{"init_module", func() error { return unix.InitModule(nil, "") }},
	{"finit_module", func() error { return unix.FinitModule(-1, "", 0) }},
	{"bpf", func() error { return rawErr(unix.Syscall(unix.SYS_BPF, 0, 0, 0)) }},
	{"keyctl", func() error {
		_, err := unix.KeyctlInt(unix.KEYCTL_GET_KEYRING_ID, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0, 0)
		return err
	}},
	{"perf_event_open", func() error {
		return rawErr(unix.Syscall6(unix.SYS_PERF_EVENT_OPEN, 0, 0, ^uintptr(0), ^uintptr(0), 0, 0))
	}},
	{"io_uring_setup", func() error { return rawErr(unix.Syscall(unix.SYS_IO_URING_SETUP, 0, 0, 0)) }},
	// CLOCK_MONOTONIC cannot be set at all.
	{"clock_settime", func() error {
		ts := unix.Timespec{}
		return rawErr(unix.Syscall(unix.SYS_CLOCK_SETTIME, unix.CLOCK_MONOTONIC, uintptr(unsafe.Pointer(&ts)), 0))
	}},
	// Wrong magic numbers: EINVAL.
	{"reboot", func() error { return rawErr(unix.Syscall6(unix.SYS_REBOOT, 0, 0, 0, 0, 0, 0)) }},
	{"swapon", func() error {
		p, _ := unix.BytePtrFromString(nowhere)
		return rawErr(unix.Syscall(unix.SYS_SWAPON, uintptr(unsafe.Pointer(p)), 0, 0))
	}},
	// Named by no policy: libseccomp does not know it. NULL arguments
	// make it fail harmlessly should it get through.
	{"newer_than_libseccomp", func() error {
		return rawErr(unix.Syscall(uintptr(newestSyscall()+1), 0, 0, 0))
	}},
	{"tiocsti", func() error { return ioctlNull(unix.TIOCSTI) }},
	{"tiocsti_high_bits", func() error { return ioctlNull(1<<32 | unix.TIOCSTI) }},
	{"ioctl_tcgets", func() error { return ioctlNull(unix.TCGETS) }},
	{"mknod_char", func() error { return unix.Mknod(nowhere+"/null", unix.S_IFCHR|0o600, int(unix.Mkdev(1, 3))) }},
	{"mknod_fifo", func() error {
		return unix.Mknod(filepath.Join(os.Getenv(envTmp), "fifo"), unix.S_IFIFO|0o600, 0)
	}},
	{"personality_query", func() error { return rawErr(unix.Syscall(unix.SYS_PERSONALITY, 0xffffffff, 0, 0)) }},
	{"personality_no_aslr", func() error { return rawErr(unix.Syscall(unix.SYS_PERSONALITY, 0x0040000, 0, 0)) }},
	{"setuid_root", func() error { return rawErr(unix.RawSyscall(unix.SYS_SETUID, 0, 0, 0)) }},
	// Last: under Complain this thread really becomes nobody.
	{"setuid_nobody", func() error { return rawErr(unix.RawSyscall(unix.SYS_SETUID, 65534, 0, 0)) }},
}

// probe prints "NAME RESULT" for every operation.
func probe() int {
	runtime.LockOSThread()
	for _, p := range probeOps {
		fmt.Printf("%s %s\n", p.name, errnoName(p.op()))
	}
	return 0
}

func socketClose(family, typ int) error {
	fd, err := unix.Socket(family, typ|unix.SOCK_CLOEXEC, 0)
	if err == nil {
		unix.Close(fd)
	}
	return err
}

func ioctlNull(req uint64) error {
	fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer unix.Close(fd)
	var c byte = 'x'
	return rawErr(unix.Syscall(unix.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(unsafe.Pointer(&c))))
}

func rawErr(_, _ uintptr, errno unix.Errno) error {
	if errno != 0 {
		return errno
	}
	return nil
}
