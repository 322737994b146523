package launch

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestExitStatus(t *testing.T) {
	f := sharedFixture(t)
	for _, uid := range []int{0, nobody} {
		r := f.run(t, runOpts{target: "lt.probe", uid: uid, args: []string{"sh", "-c", "exit 7"}})
		if !r.ws.Exited() || r.code() != 7 {
			t.Errorf("uid %d: %s, want exit status 7\n%s", uid, describeStatus(r.ws), r.stderr)
		}
		r = f.run(t, runOpts{target: "lt.probe", uid: uid, args: []string{"sh", "-c", "kill -SEGV $$"}})
		if !r.ws.Signaled() || r.ws.Signal().String() != "segmentation fault" {
			t.Errorf("uid %d: %s, want death by SIGSEGV\n%s", uid, describeStatus(r.ws), r.stderr)
		}
		if r.ws.CoreDump() {
			t.Errorf("uid %d: the launcher dumped core", uid)
		}
	}
}

func TestArgsAndEnvironment(t *testing.T) {
	f := sharedFixture(t)
	out := f.mustRun(t, runOpts{target: "lt.probe", args: []string{"sh", "-c", `printf '%s|' "$1" "$2" "$SNAP" "$SNAP_NAME" "$SNAP_REVISION" "$SNAP_DATA" "$SNAP_COMMON" "$SNAPPY_LAUNCH_STAGE2" "$0"`, "sh", "a b", "--flag"}})
	want := "a b|--flag|/snap/lt/x1|lt|x1|/var/snap/lt/x1|/var/snap/lt/common||sh|"
	if out != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}

func TestShell(t *testing.T) {
	f := sharedFixture(t)
	for _, tc := range []struct {
		shell, want string
	}{
		{"", "/bin/sh"},
		{"/bin/bash", "/bin/bash"},
		{"/opt/not/inside", "/bin/sh"},
	} {
		o := runOpts{target: "lt.probe", shell: true, args: []string{"-c", `echo "$0 $SNAP_NAME $HOME"`}}
		if tc.shell != "" {
			o.env = []string{"SHELL=" + tc.shell}
		}
		out := f.mustRun(t, o)
		want := fmt.Sprintf("%s lt %s\n", tc.want, filepath.Join(f.homes[0], "snap", "lt", "x1"))
		if out != want {
			t.Errorf("SHELL=%q: got %q, want %q", tc.shell, out, want)
		}
	}
	// From the user's terminal: standard input is the shell's script.
	cmd := f.command(t, runOpts{target: "lt.probe", uid: nobody, shell: true})
	cmd.Stdin = strings.NewReader("id -u; echo $SNAP_NAME\n")
	out, err := cmd.Output()
	if err != nil || string(out) != "65534\nlt\n" {
		t.Errorf("shell with a script on stdin: %q, %v", out, err)
	}
}

func TestHook(t *testing.T) {
	f := sharedFixture(t)
	out := f.mustRun(t, runOpts{target: "lt", hook: "configure", uid: nobody})
	if out != "hook lt /snap/lt/x1/meta/hooks/configure\n" {
		t.Errorf("got %q", out)
	}
}

func TestWorkingDirectory(t *testing.T) {
	f := sharedFixture(t)
	userData := filepath.Join(f.homes[0], "snap", "lt", "x1")
	for _, tc := range []struct{ dir, want string }{
		{"/usr/share", "/usr/share"},           // the same directory inside: kept
		{userData, userData},                   // likewise
		{f.p.Root, userData},                   // not there: the user's data
		{"/tmp", userData},                     // there, but another /tmp
		{f.p.DataDir("other", "x1"), userData}, // another snap's
	} {
		out := f.mustRun(t, runOpts{target: "lt.probe", dir: tc.dir, args: []string{"pwd"}})
		if strings.TrimSpace(out) != tc.want {
			t.Errorf("started in %s: the app is in %q, want %q", tc.dir, out, tc.want)
		}
	}
}

func TestInheritedDescriptors(t *testing.T) {
	f := sharedFixture(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.WriteString("socket activation\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	out := f.mustRun(t, runOpts{target: "lt.probe", uid: nobody, extra: []*os.File{r},
		args: []string{"sh", "-c", "cat <&3; ls -l /proc/self/fd"}})
	line, listing, _ := strings.Cut(out, "\n")
	if line != "socket activation" {
		t.Errorf("the app cannot read the descriptor it was given: %q", line)
	}
	// What the app has beyond 0-2 and 3 is what this test process
	// itself inherited (whoever runs the tests may leak some): nothing
	// of the launcher's own.
	want := map[string]bool{"0": true, "1": true, "2": true, "3": true}
	for fd := range inheritable(t) {
		want[fd] = true
	}
	for _, l := range strings.Split(strings.TrimSpace(listing), "\n")[1:] {
		fields := strings.Fields(l)
		fd, target := fields[len(fields)-3], fields[len(fields)-1]
		if strings.HasPrefix(target, "/proc/") || target == "/dev/null" && (fd == "10") {
			continue // ls's listing, and the shell's saved stdin
		}
		if !want[fd] {
			t.Errorf("the app has descriptor %s (%s) it was not given", fd, target)
		}
	}
}

// inheritable are this process's descriptors above 2 that an exec keeps.
func inheritable(t *testing.T) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	fds := map[string]bool{}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= 2 {
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			fds[e.Name()] = true
		}
	}
	return fds
}

func TestCgroup(t *testing.T) {
	f := sharedFixture(t)
	cg := appCgroupDir("snap.lt.probe")
	if cg == "" {
		t.Skip("no writable cgroup v2 hierarchy")
	}
	out := f.mustRun(t, runOpts{target: "lt.probe", args: []string{"cat", "/proc/self/cgroup"}})
	if !strings.Contains(out, "0::/snap.lt.probe\n") && !strings.Contains(out, "/snap.lt.probe\n") {
		t.Errorf("the app is not in its cgroup:\n%s", out)
	}
	// Without write access there is none, and the app runs all the same.
	f.mustRun(t, runOpts{target: "lt.probe", uid: nobody, args: []string{"true"}})

	// The snap's removal removes them, once the last launch is gone.
	if err := RemoveCgroups("lt"); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(cg); os.IsNotExist(err) {
			break
		}
		if i == 100 {
			t.Fatalf("%s is still there", cg)
		}
		time.Sleep(10 * time.Millisecond) // the launch's namespace on its way out
		_ = RemoveCgroups("lt")
	}
}

// appCgroupDir is where appCgroup puts tag, "" when nowhere.
func appCgroupDir(tag string) string {
	fd := appCgroup(tag)
	if fd < 0 {
		return ""
	}
	defer closeFd(fd)
	p, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return ""
	}
	return p
}

func ownBoundingSet(t *testing.T) uint64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "CapBnd:\t"); ok {
			n, err := strconv.ParseUint(v, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no CapBnd in /proc/self/status")
	return 0
}
