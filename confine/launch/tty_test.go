package launch

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// countINT reads a line from the terminal, then counts SIGINTs one by one
// (a shell's trap would merge two that arrive close together).
const countINT = `
import signal, sys, time
n = 0
def count(sig, frame):
    global n
    n += 1
signal.signal(signal.SIGINT, count)
print("ready", flush=True)
print("read " + sys.stdin.readline().strip(), flush=True)
print("waiting", flush=True)
while n < 1:
    time.sleep(0.01)
time.sleep(0.3)
print("ints %d" % n, flush=True)
`

// openPty returns a new terminal's master and slave.
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// On a terminal, the app is in the terminal's foreground group: it reads
// the terminal, and a ^C reaches it once, from the terminal itself.
func TestTerminal(t *testing.T) {
	f := sharedFixture(t)
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("needs python3 in the host's runtime to count signals")
	}
	for _, uid := range []int{0, nobody} {
		master, slave := openPty(t)
		if uid != 0 {
			if err := slave.Chown(uid, uid); err != nil {
				t.Fatal(err)
			}
		}
		cmd := f.command(t, runOpts{target: "lt.probe", uid: uid, args: []string{"python3", "-c", countINT}})
		cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
		if cmd.SysProcAttr == nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{}
		}
		cmd.SysProcAttr.Setsid, cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, true, 0
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })

		lines := make(chan string, 16)
		go func() {
			sc := bufio.NewScanner(master)
			for sc.Scan() {
				lines <- strings.TrimRight(sc.Text(), "\r")
			}
			close(lines)
		}()
		waitFor := func(want string) {
			t.Helper()
			deadline := time.After(10 * time.Second)
			for {
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("uid %d: the terminal closed before %q", uid, want)
					}
					// The terminal echoes ^C without a newline.
					if strings.TrimPrefix(l, "^C") == want {
						return
					}
					t.Logf("uid %d: terminal: %q", uid, l)
				case <-deadline:
					t.Fatalf("uid %d: no %q on the terminal", uid, want)
				}
			}
		}
		waitFor("ready")
		if _, err := master.WriteString("hello\n"); err != nil {
			t.Fatal(err)
		}
		waitFor("read hello")
		waitFor("waiting")
		if _, err := master.Write([]byte{3}); err != nil { // ^C
			t.Fatal(err)
		}
		waitFor("ints 1")
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("uid %d: the launch did not end", uid)
		}
		if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Exited() || ws.ExitStatus() != 0 {
			t.Errorf("uid %d: %s", uid, describeStatus(ws))
		}
	}
}
