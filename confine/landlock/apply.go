package landlock

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/sirupsen/logrus"
	"golang.org/x/sys/unix"
)

type netPortAttr struct {
	allowedAccess uint64
	port          uint64
}

// Apply restricts the calling OS thread, and every process it execs, to
// r. It handles every right the running kernel's ABI knows, so rules
// written for a newer kernel still confine on an older one, as far as
// that kernel can. It returns one line saying what the kernel enforces.
//
// Landlock and no_new_privs are per thread. Apply locks the goroutine to
// its thread and never unlocks it, so the restricted thread dies with the
// goroutine instead of going back to the runtime's pool; the caller must
// exec the app from this same goroutine.
func Apply(r Rules) (string, error) {
	if err := r.check(); err != nil {
		return "", err
	}
	runtime.LockOSThread()

	f, err := running()
	if err != nil {
		return "", fmt.Errorf("landlock: %w", err)
	}
	if f.version == 0 {
		return "", ErrUnsupported
	}

	attr := unix.LandlockRulesetAttr{Handled_access_fs: f.fs}
	if !r.AllowAllTCPBind {
		attr.Handled_access_net |= f.net & unix.LANDLOCK_ACCESS_NET_BIND_TCP
	}
	if !r.AllowAllTCPConnect {
		attr.Handled_access_net |= f.net & unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
	}
	if r.Scoped {
		attr.Scoped = f.scoped
	}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET,
		uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr), 0)
	if errno != 0 {
		return "", fmt.Errorf("landlock: create ruleset: %w", errno)
	}
	ruleset := int(fd)
	defer unix.Close(ruleset)

	log := logrus.WithField("tag", r.Tag)
	for _, g := range []struct {
		paths  []string
		rights uint64
	}{
		{r.ReadExec, readExecRights},
		{r.Read, readRights},
		{r.ReadWrite, f.fs},
	} {
		for _, p := range g.paths {
			if err := addPath(ruleset, p, g.rights&f.fs, log); err != nil {
				return "", err
			}
		}
	}
	for _, g := range []struct {
		ports []uint16
		right uint64
	}{
		{r.TCPBind, unix.LANDLOCK_ACCESS_NET_BIND_TCP},
		{r.TCPConnect, unix.LANDLOCK_ACCESS_NET_CONNECT_TCP},
	} {
		if attr.Handled_access_net&g.right == 0 {
			continue
		}
		for _, port := range g.ports {
			a := netPortAttr{allowedAccess: g.right, port: uint64(port)}
			if err := addRule(ruleset, ruleNetPort, unsafe.Pointer(&a)); err != nil {
				return "", fmt.Errorf("landlock: tcp port %d: %w", port, err)
			}
		}
	}

	// Without CAP_SYS_ADMIN the kernel refuses to restrict a thread that
	// could still gain privileges by exec; with it, a setuid program
	// would escape seccomp's and Landlock's intent anyway.
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return "", fmt.Errorf("landlock: no_new_privs: %w", err)
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), uintptr(f.flags), 0); errno != 0 {
		return "", fmt.Errorf("landlock: restrict self: %w", errno)
	}
	return describe(f.version, attr.Handled_access_net, attr.Scoped, f.flags), nil
}

// addPath allows rights beneath path. A path that is missing (or that
// this user cannot reach) is skipped: rules name what a snap may use, and
// not every base or host has every directory.
func addPath(ruleset int, path string, rights uint64, log logrus.FieldLogger) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.EACCES) {
		log.Debugf("landlock: skipping %s: %v", path, err)
		return nil
	}
	if err != nil {
		return fmt.Errorf("landlock: %s: %w", path, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("landlock: %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		rights &= fileRights
	}
	a := unix.LandlockPathBeneathAttr{Allowed_access: rights, Parent_fd: int32(fd)}
	if err := addRule(ruleset, unix.LANDLOCK_RULE_PATH_BENEATH, unsafe.Pointer(&a)); err != nil {
		return fmt.Errorf("landlock: %s: %w", path, err)
	}
	return nil
}

func addRule(ruleset, kind int, attr unsafe.Pointer) error {
	_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), uintptr(kind), uintptr(attr), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
