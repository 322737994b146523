package launch

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// started is a launch running in the background, killed at the end of
// the test whatever happens.
type started struct {
	cmd   *exec.Cmd
	lines *bufio.Scanner
	done  chan struct{} // closed once the launch has been waited for
}

func (f *fixture) start(t *testing.T, o runOpts, group bool) *started {
	t.Helper()
	cmd := f.command(t, o)
	if group {
		if cmd.SysProcAttr == nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{}
		}
		cmd.SysProcAttr.Setpgid = true
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &started{cmd: cmd, lines: bufio.NewScanner(out), done: make(chan struct{})}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("stderr of the launch:\n%s", stderr.String())
		}
	})
	go func() {
		// Wait after the output is read: Wait closes the pipe.
		<-s.drained()
		_ = cmd.Wait()
		close(s.done)
	}()
	return s
}

func (s *started) drained() chan struct{} {
	c := make(chan struct{})
	go func() {
		for s.lines.Scan() {
			outLines <- s.lines.Text()
		}
		close(c)
	}()
	return c
}

var outLines = make(chan string, 64)

// expect waits for the app to print want.
func expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-outLines:
		if got != want {
			t.Fatalf("the app printed %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the app did not print %q", want)
	}
}

func (s *started) wait(t *testing.T) syscall.WaitStatus {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the launch did not end")
	}
	return s.cmd.ProcessState.Sys().(syscall.WaitStatus)
}

// The app traps SIGTERM and reports it: the signal sent to the launcher
// reaches it, once.
func TestSignalForwarded(t *testing.T) {
	f := sharedFixture(t)
	for _, uid := range []int{0, nobody} {
		s := f.start(t, runOpts{target: "lt.probe", uid: uid, args: []string{"sh", "-c",
			`trap 'echo got TERM; exit 3' TERM; echo ready; while :; do sleep 0.05; done`}}, false)
		expect(t, "ready")
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		expect(t, "got TERM")
		if ws := s.wait(t); !ws.Exited() || ws.ExitStatus() != 3 {
			t.Errorf("uid %d: %s, want exit status 3", uid, describeStatus(ws))
		}
	}
}

// An app without a handler dies of the signal, and so does the launcher.
func TestSignalKills(t *testing.T) {
	f := sharedFixture(t)
	s := f.start(t, runOpts{target: "lt.probe", uid: nobody, args: []string{"sh", "-c", "echo ready; exec sleep 100"}}, false)
	expect(t, "ready")
	if err := s.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if ws := s.wait(t); !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Errorf("%s, want death by SIGINT", describeStatus(ws))
	}
}

// A signal to the launcher's whole process group (timeout(1), a
// supervisor) reaches the app once, not once directly and once forwarded.
func TestSignalToGroupOnce(t *testing.T) {
	f := sharedFixture(t)
	s := f.start(t, runOpts{target: "lt.probe", args: []string{"sh", "-c",
		`n=0; trap 'n=$((n+1))' USR1; trap 'echo "$n"; exit 0' TERM; echo ready; while :; do sleep 0.05; done`}}, true)
	expect(t, "ready")
	if err := syscall.Kill(-s.cmd.Process.Pid, syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // a duplicate would have arrived by now
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	expect(t, "1")
	s.wait(t)
}

// When the launcher is killed outright, its app does not live on.
func TestLauncherKilled(t *testing.T) {
	f := sharedFixture(t)
	for _, uid := range []int{0, nobody} {
		// A duration no other process sleeps for.
		marker := fmt.Sprintf("1000.%d%d", uid, time.Now().UnixNano()%1e9)
		s := f.start(t, runOpts{target: "lt.probe", uid: uid, args: []string{"sh", "-c", "echo ready; exec sleep " + marker}}, false)
		expect(t, "ready")
		// The shell prints before it becomes sleep.
		for i := 0; len(findProcesses(t, "sleep "+marker)) == 0; i++ {
			if i == 500 {
				t.Fatal("cannot find the app from the host")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := s.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		s.wait(t)
		deadline := time.Now().Add(5 * time.Second)
		for len(findProcesses(t, "sleep "+marker)) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("uid %d: the app outlived its launcher", uid)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// findProcesses returns the pids whose command line contains s.
func findProcesses(t *testing.T, s string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []string
	for _, e := range entries {
		data, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(strings.ReplaceAll(string(data), "\x00", " "), s) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}
