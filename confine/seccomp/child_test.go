package seccomp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/snappy-pm/snappy/confine/seccomp/load"
	"golang.org/x/sys/unix"
)

// The kernel tests run the test binary again as a child: it applies a
// profile to its locked thread and execs the program under test, which is
// often the test binary once more, in probe mode, so that the Go runtime's
// own start-up runs under the filter too.
const (
	envChild   = "SNAPPY_SECCOMP_TEST_CHILD" // "apply-exec" or "probe"
	envProfile = "SNAPPY_SECCOMP_TEST_PROFILE"
	envArgv    = "SNAPPY_SECCOMP_TEST_ARGV"
	envTracee  = "SNAPPY_SECCOMP_TEST_TRACEE"
	envTmp     = "SNAPPY_SECCOMP_TEST_TMP"
)

func TestMain(m *testing.M) {
	switch os.Getenv(envChild) {
	case "apply-exec":
		os.Exit(applyAndExec())
	case "probe":
		os.Exit(probe())
	}
	os.Exit(m.Run())
}

func applyAndExec() int {
	runtime.LockOSThread()
	var argv []string
	if err := json.Unmarshal([]byte(os.Getenv(envArgv)), &argv); err != nil || len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "bad", envArgv, err)
		return 110
	}
	if err := load.ApplyFile(os.Getenv(envProfile)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 111
	}
	self, _ := os.Executable()
	env := os.Environ()
	for i, kv := range env {
		if strings.HasPrefix(kv, envChild+"=") {
			env[i] = envChild + "="
			if argv[0] == self {
				env[i] = envChild + "=probe"
			}
		}
	}
	err := unix.Exec(argv[0], argv, env)
	fmt.Fprintln(os.Stderr, "exec:", err)
	return 112
}

// needKernel skips tests that install filters where they cannot run.
func needKernel(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the kernel tests trace processes and check root-only calls")
	}
	actions, err := load.Supported()
	if err != nil {
		t.Skipf("no seccomp: %v", err)
	}
	if !strings.Contains(strings.Join(actions, " "), "log") {
		t.Skip("kernel lacks SECCOMP_RET_LOG")
	}
}

type confined struct {
	stdout, stderr string
	pid            int
	err            error
}

// runConfined writes p, then runs argv under it; an argv of nil runs the
// probe.
func runConfined(t *testing.T, p Profile, argv []string, env ...string) confined {
	t.Helper()
	dir := t.TempDir()
	if err := Write(dir, p); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if argv == nil {
		argv = []string{self}
	}
	js, _ := json.Marshal(argv)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, "-test.run=^$")
	cmd.Env = append(os.Environ(),
		envChild+"=apply-exec",
		envProfile+"="+dir+"/"+p.Tag+".bin",
		envArgv+"="+string(js),
		envTmp+"="+t.TempDir())
	// The race detector otherwise lingers a second at every exit.
	cmd.Env = append(cmd.Env, "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
	cmd.Env = append(cmd.Env, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	c := confined{stdout: out.String(), stderr: errOut.String(), err: err}
	if cmd.Process != nil {
		c.pid = cmd.Process.Pid
	}
	return c
}

// probeResults runs the probe under p and returns what each operation
// returned: "OK" or an errno name.
func probeResults(t *testing.T, p Profile) (map[string]string, int) {
	t.Helper()
	tracee := exec.Command("sleep", "120")
	if err := tracee.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		tracee.Process.Kill()
		tracee.Wait()
	}()
	c := runConfined(t, p, nil, fmt.Sprintf("%s=%d", envTracee, tracee.Process.Pid))
	if c.err != nil {
		t.Fatalf("probe under %s: %v\nstdout:\n%s\nstderr:\n%s", p.Mode, c.err, c.stdout, c.stderr)
	}
	results := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(c.stdout), "\n") {
		name, result, ok := strings.Cut(line, " ")
		if ok {
			results[name] = result
		}
	}
	return results, c.pid
}

func errnoName(err error) string {
	if err == nil {
		return "OK"
	}
	var errno unix.Errno
	if errors.As(err, &errno) {
		return unix.ErrnoName(errno)
	}
	return err.Error()
}
