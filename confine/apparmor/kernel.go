package apparmor

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrNotEnabled is returned by what needs AppArmor in the running kernel.
var ErrNotEnabled = errors.New("apparmor is not enabled in this kernel")

// Where the kernel says whether AppArmor is on; tests point them
// elsewhere.
var (
	enabledParam = "/sys/module/apparmor/parameters/enabled"
	securityDir  = "/sys/kernel/security/apparmor"
)

// Enabled reports whether the running kernel enforces AppArmor: built in
// and enabled at boot, and its interface mounted so profiles can be
// loaded.
func Enabled() bool {
	data, err := os.ReadFile(enabledParam)
	if err != nil || strings.TrimSpace(string(data)) != "Y" {
		return false
	}
	st, err := os.Stat(securityDir)
	return err == nil && st.IsDir()
}

// Newer kernels let AppArmor share the attribute files with other LSMs
// under attr/apparmor/; older ones only have attr/exec.
var execAttrs = []string{
	"/proc/thread-self/attr/apparmor/exec",
	"/proc/thread-self/attr/exec",
}

// ExecTransition makes the calling thread's next exec switch to the
// profile tag. The request belongs to the thread, so ExecTransition locks
// the goroutine to it for good; the caller must exec from the same
// goroutine.
func ExecTransition(tag string) error {
	if !validTag.MatchString(tag) {
		return fmt.Errorf("apparmor: invalid security tag %q", tag)
	}
	if !Enabled() {
		return ErrNotEnabled
	}
	runtime.LockOSThread()
	var err error
	for _, attr := range execAttrs {
		if err = writeAttr(attr, "exec "+tag); !errors.Is(err, unix.ENOENT) {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("apparmor: exec transition to %s: %w", tag, err)
	}
	return nil
}

// writeAttr writes with plain system calls so that the write happens on
// this locked thread and in one piece, as the kernel requires.
func writeAttr(path, value string) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	_, err = unix.Write(fd, []byte(value))
	return err
}
