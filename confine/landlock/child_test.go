package landlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// Landlock cannot be lifted once applied, so every restricted run happens
// in a re-exec of the test binary; the test process itself stays free.
const childEnv = "SNAPPY_LANDLOCK_TEST_CHILD"

// plan is what the child applies and then tries, in order.
type plan struct {
	Rules Rules `json:"rules"`
	Ops   []op  `json:"ops"`
}

// op is one attempt: read, write, create, readdir, mkdir, exec, sh (a
// shell command), link, tcp-connect, tcp-bind, unix-connect, kill,
// kill-own-child.
type op struct {
	Kind string `json:"kind"`
	Path string `json:"path,omitempty"`
	To   string `json:"to,omitempty"`
	Port int    `json:"port,omitempty"`
	Pid  int    `json:"pid,omitempty"`
}

type childResult struct {
	Desc    string   `json:"desc"`
	Err     string   `json:"err,omitempty"`
	Results []string `json:"results"`
}

func TestMain(m *testing.M) {
	if p := os.Getenv(childEnv); p != "" {
		os.Exit(runChild(p))
	}
	os.Exit(m.Run())
}

func runChild(encoded string) int {
	var p plan
	if err := json.Unmarshal([]byte(encoded), &p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	var res childResult
	desc, err := Apply(p.Rules)
	res.Desc = desc
	if err != nil {
		res.Err = err.Error()
	} else {
		for _, o := range p.Ops {
			res.Results = append(res.Results, outcome(o.do()))
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 2
	}
	return 0
}

// outcome names an errno the way the tests expect it ("EACCES").
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return unix.ErrnoName(errno)
	}
	return err.Error()
}

func (o op) do() error {
	switch o.Kind {
	case "read":
		f, err := os.Open(o.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.ReadAll(f)
		return err
	case "write":
		f, err := os.OpenFile(o.Path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return f.Close()
	case "create":
		return os.WriteFile(o.Path, []byte("x"), 0o644)
	case "readdir":
		_, err := os.ReadDir(o.Path)
		return err
	case "mkdir":
		return os.Mkdir(o.Path, 0o755)
	case "exec":
		return exec.Command(o.Path).Run()
	case "sh":
		return exec.Command("/bin/sh", "-c", o.Path).Run()
	case "link":
		return os.Link(o.Path, o.To)
	case "tcp-connect", "tcp-bind":
		return tcp(o.Kind, o.Port)
	case "unix-connect":
		fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		return unix.Connect(fd, &unix.SockaddrUnix{Name: o.Path})
	case "kill":
		return unix.Kill(o.Pid, unix.SIGCONT)
	case "kill-own-child":
		cmd := exec.Command("/bin/sleep", "60")
		if err := cmd.Start(); err != nil {
			return err
		}
		err := cmd.Process.Signal(unix.SIGTERM)
		cmd.Wait()
		return err
	}
	return fmt.Errorf("unknown op %q", o.Kind)
}

// tcp uses raw system calls so that the attempt happens on this locked,
// restricted thread and not in the runtime's poller.
func tcp(kind string, port int) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	addr := &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}
	if kind == "tcp-bind" {
		return unix.Bind(fd, addr)
	}
	return unix.Connect(fd, addr)
}

// runPlan runs p in a restricted child, as cred's user when not nil, with
// dir as its working directory.
func runPlan(t *testing.T, bin string, p plan, cred *syscall.Credential, dir string) childResult {
	t.Helper()
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^$")
	// The race detector otherwise sleeps a second before every exit.
	cmd.Env = append(os.Environ(), childEnv+"="+string(data), "GORACE=atexit_sleep_ms=0")
	cmd.Dir = dir
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	var res childResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("child output %q: %v", out, err)
	}
	if res.Err != "" {
		t.Fatalf("child Apply: %s", res.Err)
	}
	if len(res.Results) != len(p.Ops) {
		t.Fatalf("child ran %d of %d ops", len(res.Results), len(p.Ops))
	}
	return res
}

// check compares each op's outcome with want, in order.
func check(t *testing.T, ops []op, got, want []string) {
	t.Helper()
	for i, o := range ops {
		if got[i] != want[i] {
			t.Errorf("%s %s%s: got %s, want %s", o.Kind, o.Path, portSuffix(o), got[i], want[i])
		}
	}
}

func portSuffix(o op) string {
	if o.Port != 0 {
		return fmt.Sprintf(":%d", o.Port)
	}
	if o.Pid != 0 {
		return fmt.Sprintf("pid %d", o.Pid)
	}
	return ""
}

// requireABI skips when the kernel's Landlock is older than min.
func requireABI(t *testing.T, min int) int {
	t.Helper()
	abi, err := ABI()
	if err != nil {
		t.Fatal(err)
	}
	if abi < min {
		t.Skipf("kernel Landlock ABI %d, need %d", abi, min)
	}
	return abi
}

// publicBinary copies the test binary where any user can run it, for the
// runs under another uid: go test builds it in a private directory.
func publicBinary(t *testing.T, dir string) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "landlock.test")
	copyFile(t, self, dst, 0o755)
	return dst
}

func copyFile(t *testing.T, src, dst string, mode os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, mode); err != nil {
		t.Fatal(err)
	}
}
