package seccomp

import (
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

type verdictCase struct {
	name    string
	syscall string
	args    [6]uint64
	enforce string // verdict under Enforce: "allow", an errno name, "kill-process"
}

// The namespace flags clone must refuse, and flags of an ordinary thread.
const (
	nsFlags     = unix.CLONE_NEWNS | unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP
	threadFlags = unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND | unix.CLONE_THREAD | unix.CLONE_SYSVSEM | unix.CLONE_SETTLS | unix.CLONE_PARENT_SETTID | unix.CLONE_CHILD_CLEARTID
)

var templateCases = []verdictCase{
	{"read", "read", [6]uint64{}, "allow"},
	{"execve", "execve", [6]uint64{}, "allow"},
	{"clone thread", "clone", [6]uint64{threadFlags}, "allow"},
	{"clone fork", "clone", [6]uint64{uint64(unix.SIGCHLD)}, "allow"},
	{"clone3", "clone3", [6]uint64{}, "ENOSYS"},
	{"socket unix", "socket", [6]uint64{unix.AF_UNIX, unix.SOCK_STREAM}, "allow"},
	{"socket inet", "socket", [6]uint64{unix.AF_INET, unix.SOCK_STREAM}, "EPERM"},
	{"socket inet6", "socket", [6]uint64{unix.AF_INET6}, "EPERM"},
	{"socket netlink", "socket", [6]uint64{unix.AF_NETLINK}, "EPERM"},
	{"socket unix, upper bits", "socket", [6]uint64{1<<32 | unix.AF_UNIX}, "EPERM"},
	{"socketpair unix", "socketpair", [6]uint64{unix.AF_UNIX}, "allow"},
	{"socketpair inet", "socketpair", [6]uint64{unix.AF_INET}, "EPERM"},
	{"ioctl TCGETS", "ioctl", [6]uint64{0, unix.TCGETS}, "allow"},
	{"ioctl TIOCSTI", "ioctl", [6]uint64{0, unix.TIOCSTI}, "EPERM"},
	{"ioctl TIOCSTI, bit 32", "ioctl", [6]uint64{0, 1<<32 | unix.TIOCSTI}, "EPERM"},
	{"ioctl TIOCLINUX", "ioctl", [6]uint64{0, unix.TIOCLINUX}, "EPERM"},
	{"setuid root", "setuid", [6]uint64{0}, "allow"},
	{"setuid 1000", "setuid", [6]uint64{1000}, "EPERM"},
	{"setresuid keep root keep", "setresuid", [6]uint64{0xffffffff, 0, 0xffffffff}, "allow"},
	{"setresuid 1000", "setresuid", [6]uint64{1000, 1000, 1000}, "EPERM"},
	{"setgroups none", "setgroups", [6]uint64{0}, "allow"},
	{"setgroups some", "setgroups", [6]uint64{2}, "EPERM"},
	{"chown to root", "fchownat", [6]uint64{0, 0, 0, 0xffffffff}, "allow"},
	{"chown to 1000", "fchownat", [6]uint64{0, 0, 1000, 1000}, "EPERM"},
	{"mknod fifo", "mknodat", [6]uint64{0, 0, unix.S_IFIFO | 0o644}, "allow"},
	{"mknod mode 0", "mknodat", [6]uint64{0, 0, 0o644}, "allow"},
	{"mknod char device", "mknodat", [6]uint64{0, 0, unix.S_IFCHR | 0o644}, "EPERM"},
	{"mknod block device", "mknodat", [6]uint64{0, 0, unix.S_IFBLK | 0o644}, "EPERM"},
	{"personality query", "personality", [6]uint64{0xffffffff}, "allow"},
	{"personality linux32", "personality", [6]uint64{8}, "allow"},
	{"personality no ASLR", "personality", [6]uint64{0x0040000}, "EPERM"},
	{"setpriority lower", "setpriority", [6]uint64{0, 0, 10}, "allow"},
	{"setpriority raise", "setpriority", [6]uint64{0, 0, 0xfffffffffffffffb}, "EPERM"},
	{"getrandom", "getrandom", [6]uint64{}, "allow"},
	{"prctl", "prctl", [6]uint64{unix.PR_SET_NAME}, "allow"},
}

// Every call the template's header lists as denied, checked one by one.
var deniedCalls = []string{
	"mount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount",
	"fspick", "mount_setattr", "unshare", "setns", "ptrace", "process_vm_readv",
	"process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise", "migrate_pages", "move_pages",
	"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
	"swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "vhangup", "syslog", "sethostname",
	"setdomainname", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "bpf",
	"perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
	"fanotify_init", "fanotify_mark", "lookup_dcookie", "keyctl", "add_key", "request_key",
	"open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "modify_ldt", "uselib",
	"_sysctl", "mq_open", "ioprio_set",
}

func nativeArch(t *testing.T) uint32 {
	t.Helper()
	arch, ok := auditArch[runtime.GOARCH]
	if !ok {
		t.Skipf("no audit architecture known for %s", runtime.GOARCH)
	}
	return arch
}

func verdict(t *testing.T, prog []byte, name string, args [6]uint64) string {
	t.Helper()
	v, err := run(prog, call{nr: sysno(t, name), arch: nativeArch(t), args: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return verdictString(v)
}

func compileOrFail(t *testing.T, p Profile) []byte {
	t.Helper()
	prog, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

func TestCompileEnforce(t *testing.T) {
	prog := compileOrFail(t, Profile{Tag: "snap.a.b"})
	for _, c := range templateCases {
		if got := verdict(t, prog, c.syscall, c.args); got != c.enforce {
			t.Errorf("%s: %s, want %s", c.name, got, c.enforce)
		}
	}
	for _, name := range deniedCalls {
		if got := verdict(t, prog, name, [6]uint64{}); got != "EPERM" {
			t.Errorf("%s: %s, want EPERM", name, got)
		}
	}
	if got := verdict(t, prog, "clone", [6]uint64{uint64(unix.SIGCHLD) | unix.CLONE_NEWUSER}); got != "EPERM" {
		t.Errorf("clone(CLONE_NEWUSER): %s", got)
	}
	for bit := uint64(1); bit != 0; bit <<= 1 {
		if bit&nsFlags == 0 {
			continue
		}
		if got := verdict(t, prog, "clone", [6]uint64{threadFlags | bit}); got != "EPERM" {
			t.Errorf("clone(%#x): %s, want EPERM", bit, got)
		}
	}
}

func TestCompileComplain(t *testing.T) {
	prog := compileOrFail(t, Profile{Tag: "snap.a.b", Mode: Complain})
	for _, c := range templateCases {
		want := c.enforce
		if want == "EPERM" {
			want = "log"
		}
		if got := verdict(t, prog, c.syscall, c.args); got != want {
			t.Errorf("%s: %s, want %s", c.name, got, want)
		}
	}
	for _, name := range deniedCalls {
		if got := verdict(t, prog, name, [6]uint64{}); got != "log" {
			t.Errorf("%s: %s, want log", name, got)
		}
	}
}

func TestCompileForeignABI(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("i386 and x32 exist next to amd64 only")
	}
	for mode, want := range map[Mode]string{Enforce: "kill-process", Complain: "log"} {
		prog := compileOrFail(t, Profile{Tag: "snap.a.b", Mode: mode})
		for _, c := range []call{
			{nr: 3, arch: unix.AUDIT_ARCH_I386},                // i386 close
			{nr: 0x40000000 | 0, arch: unix.AUDIT_ARCH_X86_64}, // x32 read
		} {
			v, err := run(prog, c)
			if err != nil {
				t.Fatal(err)
			}
			if got := verdictString(v); got != want {
				t.Errorf("%s: %+v: %s, want %s", mode, c, got, want)
			}
		}
	}
}

func TestCompileNewerThanLibseccomp(t *testing.T) {
	newest := newestSyscall()
	if newest < 400 {
		t.Fatalf("newest known system call %d: libseccomp's table is not being read", newest)
	}
	for _, mode := range []Mode{Enforce, Complain} {
		prog := compileOrFail(t, Profile{Tag: "snap.a.b", Mode: mode})
		for nr, want := range map[uint32]string{newest + 1: "ENOSYS", newest + 100: "ENOSYS", x32Bit - 1: "ENOSYS"} {
			v, err := run(prog, call{nr: int32(nr), arch: nativeArch(t)})
			if err != nil {
				t.Fatal(err)
			}
			if got := verdictString(v); got != want {
				t.Errorf("%s: call %d: %s, want %s", mode, nr, got, want)
			}
		}
	}
}

func TestCompileSnippets(t *testing.T) {
	prog := compileOrFail(t, Profile{Tag: "snap.a.b", Snippets: []string{
		"# network\nsocket AF_INET\nsocket AF_INET6\n",
		"socket AF_NETLINK - NETLINK_ROUTE\n# a snippet cannot undo a denial\nioctl - TIOCSTI\nmount\n",
	}})
	for _, c := range []verdictCase{
		{"inet", "socket", [6]uint64{unix.AF_INET}, "allow"},
		{"inet6", "socket", [6]uint64{unix.AF_INET6}, "allow"},
		{"netlink route", "socket", [6]uint64{unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_ROUTE}, "allow"},
		{"netlink audit", "socket", [6]uint64{unix.AF_NETLINK, unix.SOCK_RAW, unix.NETLINK_AUDIT}, "EPERM"},
		{"packet", "socket", [6]uint64{unix.AF_PACKET}, "EPERM"},
		{"TIOCSTI", "ioctl", [6]uint64{0, unix.TIOCSTI}, "EPERM"},
		{"mount", "mount", [6]uint64{}, "allow"},
	} {
		if got := verdict(t, prog, c.syscall, c.args); got != c.enforce {
			t.Errorf("%s: %s, want %s", c.name, got, c.enforce)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		p    Profile
		want string
	}{
		{Profile{Tag: "snap.a.b", Snippets: []string{"socket AF_INET", "read\nsockett AF_INET"}},
			`seccomp profile snap.a.b: snippet 2, line 2: "sockett AF_INET": unknown system call "sockett"`},
		{Profile{Tag: "snap.a.b", Snippets: []string{"socket AF_INTE"}},
			`seccomp profile snap.a.b: snippet 1, line 1: "socket AF_INTE": argument 0: unknown constant "AF_INTE"`},
		{Profile{Tag: "snap.a.b", Mode: 7}, "unknown mode 7"},
	}
	for _, tt := range tests {
		_, err := Compile(tt.p)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.p, err, tt.want)
		}
	}
	// Interfaces repeat each other and the template.
	compileOrFail(t, Profile{Tag: "snap.a.b", Snippets: []string{"socket AF_INET\nread", "socket AF_INET\nread\n~ioctl - &0xffffffff=TIOCSTI"}})
	// A call this libseccomp does not know is skipped when marked optional.
	prog := compileOrFail(t, Profile{Tag: "snap.a.b", Snippets: []string{"?no_such_call_yet"}})
	if len(prog) == 0 {
		t.Fatal("empty program")
	}
}

func TestCompileSize(t *testing.T) {
	prog := compileOrFail(t, Profile{Tag: "snap.a.b"})
	n := len(prog) / insnSize
	t.Logf("template: %d instructions", n)
	if n > maxInsns/4 {
		t.Errorf("template compiles to %d instructions; little room is left for interfaces", n)
	}
}

func TestChainRefusesComputedReturn(t *testing.T) {
	retA := encode([]unix.SockFilter{{Code: 0x16}})
	if _, err := chain(retA, retA); err == nil {
		t.Fatal("chained a program that returns the accumulator")
	}
	if _, err := chain([]byte{1, 2, 3}, retA); err == nil {
		t.Fatal("chained a truncated program")
	}
}

func TestCompileCloneOnS390(t *testing.T) {
	defer func(old bool) { cloneFlagsSecond = old }(cloneFlagsSecond)
	cloneFlagsSecond = true
	prog := compileOrFail(t, Profile{Tag: "snap.a.b"})
	if got := verdict(t, prog, "clone", [6]uint64{0, unix.CLONE_NEWUSER}); got != "EPERM" {
		t.Errorf("clone(stack, CLONE_NEWUSER): %s, want EPERM", got)
	}
	if got := verdict(t, prog, "clone", [6]uint64{unix.CLONE_NEWUSER, threadFlags}); got != "allow" {
		t.Errorf("clone(stack with those bits, thread flags): %s, want allow", got)
	}
}
