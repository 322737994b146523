// Package load installs a precompiled seccomp program. It is what the app
// launcher links, so it stays free of cgo and libseccomp and does no more
// than read a file and make three system calls.
package load

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	insnSize = 8    // sizeof(struct sock_filter)
	maxInsns = 4096 // BPF_MAXINSNS
)

// Apply sets no_new_privs and installs prog, an array of struct sock_filter
// in native byte order, on the calling OS thread only.
//
// The caller must hold its goroutine on one OS thread
// (runtime.LockOSThread) and exec soon after: the exec'd program inherits
// the filter, and the process's other Go threads, left unfiltered, vanish at
// exec. Synchronising all threads (SECCOMP_FILTER_FLAG_TSYNC) would be
// slower and would filter the Go runtime's own remaining work too.
func Apply(prog []byte) error {
	insns, err := decode(prog)
	if err != nil {
		return err
	}
	// Without no_new_privs the kernel only lets CAP_SYS_ADMIN install a
	// filter; with it, exec can no longer gain privileges through setuid
	// binaries or file capabilities, which the filter could not foresee.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("cannot set no_new_privs: %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(insns)), Filter: &insns[0]}
	_, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog)))
	if errno == unix.ENOSYS {
		// seccomp(2) arrived in Linux 3.17; prctl does the same with
		// flags 0.
		_, _, errno = unix.Syscall(unix.SYS_PRCTL, unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&fprog)))
	}
	runtime.KeepAlive(insns)
	if errno != 0 {
		return fmt.Errorf("cannot install seccomp filter: %w", errno)
	}
	return nil
}

// ApplyFile reads a TAG.bin written by the daemon and applies it.
func ApplyFile(path string) error {
	prog, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("seccomp profile %s is missing; reinstall the snap (snap remove, then snap install) to regenerate its security profiles", path)
	}
	if err != nil {
		return fmt.Errorf("cannot read seccomp profile: %w", err)
	}
	if err := Apply(prog); err != nil {
		return fmt.Errorf("seccomp profile %s: %w", path, err)
	}
	return nil
}

// decode copies the program into sock_filter structs: the bytes may come
// from any allocation, and the kernel wants aligned structs.
func decode(prog []byte) ([]unix.SockFilter, error) {
	switch {
	case len(prog) == 0:
		return nil, errors.New("empty seccomp program")
	case len(prog)%insnSize != 0:
		return nil, fmt.Errorf("seccomp program of %d bytes is not a whole number of %d-byte instructions (corrupt file?)", len(prog), insnSize)
	case len(prog)/insnSize > maxInsns:
		return nil, fmt.Errorf("seccomp program of %d instructions exceeds the kernel's limit of %d", len(prog)/insnSize, maxInsns)
	}
	insns := make([]unix.SockFilter, len(prog)/insnSize)
	for i := range insns {
		b := prog[i*insnSize:]
		insns[i] = unix.SockFilter{
			Code: binary.NativeEndian.Uint16(b),
			Jt:   b[2],
			Jf:   b[3],
			K:    binary.NativeEndian.Uint32(b[4:]),
		}
	}
	return insns, nil
}

// actionsFile lists the filter return actions the running kernel knows
// (Linux 4.14 and later).
var actionsFile = "/proc/sys/kernel/seccomp/actions_avail"

// Supported reports the seccomp actions the kernel offers, for
// `snap debug sandbox-features`; an error means seccomp filters cannot be
// used at all.
func Supported() ([]string, error) {
	data, err := os.ReadFile(actionsFile)
	if err == nil {
		return strings.Fields(string(data)), nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// Older kernels have no list; asking for the mode tells whether
	// seccomp exists at all (EINVAL when the kernel lacks it).
	if _, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); err != nil {
		return nil, fmt.Errorf("kernel does not support seccomp: %w", err)
	}
	return nil, errors.New("kernel supports seccomp but does not list its actions (Linux before 4.14); the log action needed by devmode is missing")
}
