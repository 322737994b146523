package landlock

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// fsFixture is a tree of directories given different rights, plus one
// that no rule covers and that ordinary permissions leave readable by
// anyone, so that only Landlock can deny it.
type fsFixture struct {
	root, re, ro, rw, outside, secret string
}

func newFSFixture(t *testing.T) fsFixture {
	t.Helper()
	root, err := os.MkdirTemp("", "snappy-landlock-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	f := fsFixture{
		root:    root,
		re:      filepath.Join(root, "re"),
		ro:      filepath.Join(root, "ro"),
		rw:      filepath.Join(root, "rw"),
		outside: filepath.Join(root, "outside"),
	}
	f.secret = filepath.Join(f.outside, "secret")
	for _, d := range []string{f.re, f.ro, f.rw, f.outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Chmod after Mkdir: the umask must not decide who can get in.
	for d, mode := range map[string]os.FileMode{root: 0o755, f.re: 0o755, f.ro: 0o755, f.rw: 0o777, f.outside: 0o755} {
		if err := os.Chmod(d, mode); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, "/bin/true", filepath.Join(f.re, "prog"), 0o755)
	copyFile(t, "/bin/true", filepath.Join(f.ro, "prog"), 0o755)
	for _, p := range []string{filepath.Join(f.re, "data"), filepath.Join(f.ro, "file"), f.secret} {
		if err := os.WriteFile(p, []byte("data\n"), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o666); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(f.secret, filepath.Join(f.rw, "link")); err != nil {
		t.Fatal(err)
	}
	return f
}

// runtimeExec lets the children run dynamically linked programs.
var runtimeExec = []string{"/usr", "/bin", "/lib", "/lib64"}

func (f fsFixture) rules() Rules {
	return Rules{
		Tag:       "snap.test.app",
		ReadExec:  append([]string{f.re}, runtimeExec...),
		Read:      []string{f.ro, "/proc", "/nonexistent/skipped"},
		ReadWrite: []string{f.rw, "/dev/null"},
	}
}

// cases are the file-system attempts and what Landlock must answer,
// whoever runs them. outsider is a process outside the child's domain
// with the same root as the test.
func (f fsFixture) cases(outsider int) ([]op, []string) {
	j := filepath.Join
	cases := []struct {
		op   op
		want string
	}{
		{op{Kind: "read", Path: j(f.re, "data")}, "ok"},
		{op{Kind: "read", Path: j(f.ro, "file")}, "ok"},
		{op{Kind: "readdir", Path: f.ro}, "ok"},
		{op{Kind: "read", Path: "/proc/self/status"}, "ok"},
		{op{Kind: "write", Path: "/dev/null"}, "ok"},
		{op{Kind: "read", Path: f.secret}, "EACCES"},
		{op{Kind: "readdir", Path: f.outside}, "EACCES"},
		{op{Kind: "write", Path: j(f.ro, "file")}, "EACCES"},
		{op{Kind: "create", Path: j(f.ro, "new")}, "EACCES"},
		{op{Kind: "mkdir", Path: j(f.ro, "dir")}, "EACCES"},
		{op{Kind: "create", Path: j(f.rw, "new")}, "ok"},
		{op{Kind: "mkdir", Path: j(f.rw, "dir")}, "ok"},
		{op{Kind: "exec", Path: j(f.re, "prog")}, "ok"},
		{op{Kind: "exec", Path: j(f.ro, "prog")}, "EACCES"},
		{op{Kind: "exec", Path: "/bin/true"}, "ok"},
		// Landlock checks the object a path resolves to, so neither a
		// planted symlink nor /proc's magic links reach an uncovered file.
		{op{Kind: "read", Path: j(f.rw, "link")}, "EACCES"},
		{op{Kind: "read", Path: "/proc/self/root" + f.secret}, "EACCES"},
		{op{Kind: "read", Path: "/proc/1/root" + f.secret}, "EACCES"},
		{op{Kind: "read", Path: fmt.Sprintf("/proc/%d/root%s", outsider, f.secret)}, "EACCES"},
		// The child starts in f.outside, opened before the restriction.
		{op{Kind: "read", Path: "/proc/self/cwd/secret"}, "EACCES"},
		{op{Kind: "read", Path: "secret"}, "EACCES"},
		// A hard link would make the host file appear beneath rw.
		{op{Kind: "link", Path: f.secret, To: j(f.rw, "hardlink")}, "EXDEV"},
	}
	ops := make([]op, len(cases))
	want := make([]string, len(cases))
	for i, c := range cases {
		ops[i], want[i] = c.op, c.want
	}
	return ops, want
}

func TestApplyFiles(t *testing.T) {
	requireABI(t, 1)
	f := newFSFixture(t)
	ops, want := f.cases(sleeper(t))
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	res := runPlan(t, bin, plan{Rules: f.rules(), Ops: ops}, nil, f.outside)
	t.Logf("enforced: %s", res.Desc)
	if !strings.HasPrefix(res.Desc, "landlock ABI ") || !strings.Contains(res.Desc, ": fs") {
		t.Errorf("description %q", res.Desc)
	}
	check(t, ops, res.Results, want)
	// The test process itself must still reach what the child could not.
	if _, err := os.ReadFile(f.secret); err != nil {
		t.Errorf("the test process is restricted: %v", err)
	}
}

// Landlock needs no privilege: the same rules bind an ordinary user.
func TestApplyFilesUnprivileged(t *testing.T) {
	requireABI(t, 1)
	if os.Geteuid() != 0 {
		t.Skip("switching to uid 65534 needs root")
	}
	f := newFSFixture(t)
	ops, want := f.cases(sleeper(t))
	bin := publicBinary(t, f.root)
	cred := &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}
	res := runPlan(t, bin, plan{Rules: f.rules(), Ops: ops}, cred, f.outside)
	check(t, ops, res.Results, want)
}

func TestApplyTCP(t *testing.T) {
	requireABI(t, 4)
	allowed, other := listen(t), listen(t)
	bindOK, bindDenied := freePort(t), freePort(t)
	ops := []op{
		{Kind: "tcp-connect", Port: allowed},
		{Kind: "tcp-connect", Port: other},
		{Kind: "tcp-bind", Port: bindOK},
		{Kind: "tcp-bind", Port: bindDenied},
	}
	base := Rules{TCPConnect: []uint16{uint16(allowed)}, TCPBind: []uint16{uint16(bindOK)}}
	for _, tc := range []struct {
		name           string
		allConn, allBd bool
		want           []string
	}{
		{"listed ports only", false, false, []string{"ok", "EACCES", "ok", "EACCES"}},
		{"all connect", true, false, []string{"ok", "ok", "ok", "EACCES"}},
		{"all bind", false, true, []string{"ok", "EACCES", "ok", "ok"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.AllowAllTCPConnect, r.AllowAllTCPBind = tc.allConn, tc.allBd
			bin, _ := os.Executable()
			res := runPlan(t, bin, plan{Rules: r, Ops: ops}, nil, "/")
			t.Logf("enforced: %s", res.Desc)
			check(t, ops, res.Results, tc.want)
		})
	}
}

func TestApplyScoped(t *testing.T) {
	requireABI(t, 6)
	if f, err := running(); err != nil || f.scoped&2 == 0 {
		t.Skip("this kernel lacks the fix that makes signal scoping usable")
	}
	name := "@snappy-landlock-test-" + filepath.Base(t.TempDir())
	l, err := net.Listen("unix", name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })

	ops := []op{
		{Kind: "kill", Pid: sleeper(t)},
		{Kind: "unix-connect", Path: name},
		{Kind: "kill-own-child"},
	}
	for _, tc := range []struct {
		scoped bool
		want   []string
	}{
		{true, []string{"EPERM", "EPERM", "ok"}},
		{false, []string{"ok", "ok", "ok"}},
	} {
		// os/exec opens /dev/null for the sleeper's unset stdio.
		r := Rules{ReadExec: runtimeExec, ReadWrite: []string{"/dev/null"}, Scoped: tc.scoped}
		bin, _ := os.Executable()
		res := runPlan(t, bin, plan{Rules: r, Ops: ops}, nil, "/")
		t.Logf("scoped=%v enforced: %s", tc.scoped, res.Desc)
		check(t, ops, res.Results, tc.want)
	}
}

func TestApplyRejectsRelativePath(t *testing.T) {
	// Apply refuses before it touches the thread, so this runs in-process.
	if _, err := Apply(Rules{Read: []string{"etc"}}); err == nil {
		t.Fatal("relative path accepted")
	}
}

// sleeper starts a process outside any Landlock domain and returns its pid.
func sleeper(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("/bin/sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd.Process.Pid
}

func listen(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
