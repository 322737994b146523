package seccomp

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParse(t *testing.T) {
	tests := []struct {
		line string
		want []rule
	}{
		{"read", []rule{{syscall: "read"}}},
		{"  read   # trailing comment", []rule{{syscall: "read"}}},
		{"socket AF_UNIX", []rule{{syscall: "socket", args: []argCheck{{index: 0, value: unix.AF_UNIX}}}}},
		{"socket AF_NETLINK - NETLINK_ROUTE", []rule{{syscall: "socket", args: []argCheck{
			{index: 0, value: unix.AF_NETLINK}, {index: 2, value: unix.NETLINK_ROUTE}}}}},
		{"x !1 <2 <=3 >4 >=0x5 &0o70=0o10", []rule{{syscall: "x", args: []argCheck{
			{0, opNotEqual, 1, 0}, {1, opLess, 2, 0}, {2, opLessOrEqual, 3, 0},
			{3, opGreater, 4, 0}, {4, opGreaterOrEqual, 5, 0}, {5, opMaskedEqual, 0o10, 0o70}}}}},
		{"clone &CLONE_NEWNS|CLONE_NEWUSER=0", []rule{{syscall: "clone", args: []argCheck{
			{index: 0, op: opMaskedEqual, mask: unix.CLONE_NEWNS | unix.CLONE_NEWUSER}}}}},
		{"~ioctl - &0xffffffff=TIOCSTI", []rule{{syscall: "ioctl", deny: true, args: []argCheck{
			{index: 1, op: opMaskedEqual, mask: 0xffffffff, value: unix.TIOCSTI}}}}},
		{"~clone3 => ENOSYS", []rule{{syscall: "clone3", deny: true, errno: int(unix.ENOSYS)}}},
		{"?~futex_waitv => 38", []rule{{syscall: "futex_waitv", deny: true, optional: true, errno: 38}}},
		{"setreuid 0,1 2,3", []rule{
			{syscall: "setreuid", args: []argCheck{{index: 0, value: 0}, {index: 1, value: 2}}},
			{syscall: "setreuid", args: []argCheck{{index: 0, value: 0}, {index: 1, value: 3}}},
			{syscall: "setreuid", args: []argCheck{{index: 0, value: 1}, {index: 1, value: 2}}},
			{syscall: "setreuid", args: []argCheck{{index: 0, value: 1}, {index: 1, value: 3}}},
		}},
	}
	for _, tt := range tests {
		got, err := parse(tt.line, "test")
		if err != nil {
			t.Errorf("%q: %v", tt.line, err)
			continue
		}
		for i := range got {
			got[i].where, got[i].text = "", ""
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.line, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{"Read", "invalid system call name"},
		{"~", "invalid system call name"},
		{"~~read", "given twice"},
		{"read => ENOSYS", "only valid on a denial"},
		{"~read => ENOTANERRNO", "unknown errno"},
		{"socket AF_NOPE", `unknown constant "AF_NOPE"`},
		{"setuid -1", "negative number"},
		{"x 1 2 3 4 5 6 7", "at most 6"},
		{"x &1", "&MASK=VALUE"},
		{"x &1=2", "never match"},
		{"x 0x", "invalid number"},
		{"x 1|", "empty value"},
		{"x -,1", "cannot be one of several"},
		{"x 1,2,3,4 1,2,3,4 1,2,3,4 1,2", "more than 64"},
	}
	for _, tt := range tests {
		_, err := parse("read\n\n"+tt.line, "snippet 3")
		if err == nil {
			t.Errorf("%q: no error", tt.line)
			continue
		}
		prefix := `snippet 3, line 3: "` + tt.line + `": `
		if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want %q prefix and %q", tt.line, err, prefix, tt.want)
		}
	}
}

func TestTemplateParses(t *testing.T) {
	rules, err := parse(Template(), "template")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		seen[r.syscall] = true
	}
	// Calls the template must never hand out unconditionally.
	for _, name := range []string{"mount", "umount2", "pivot_root", "unshare", "setns", "ptrace",
		"process_vm_readv", "process_vm_writev", "init_module", "finit_module", "kexec_load",
		"reboot", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
		"open_by_handle_at", "userfaultfd", "io_uring_setup", "syslog"} {
		if seen[name] {
			t.Errorf("template mentions %s", name)
		}
	}
}
