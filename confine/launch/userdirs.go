package launch

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/snappy-pm/snappy/snap/paths"
)

// RealHome is where the user's snap data lives: $HOME as the caller's
// shell has it, else the password database. os/user is not used: it
// would link cgo into every snap binary, and cgo costs each launch about
// a millisecond of start-up in both stages.
func RealHome(env []string, uid int) (string, error) {
	if home := lookupEnv(env, "HOME"); home != "" {
		return home, nil
	}
	if home := passwdHome("/etc/passwd", uid); home != "" {
		return home, nil
	}
	return "", fmt.Errorf("cannot find the home directory of uid %d: set $HOME", uid)
}

func passwdHome(file string, uid int) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	want := strconv.Itoa(uid)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// name:password:uid:gid:gecos:home:shell
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 7 && fields[2] == want {
			return fields[5]
		}
	}
	return ""
}

// MakeUserDirs creates ~/snap/NAME/{REV,common} and points
// ~/snap/NAME/current at REV, on the host, before the namespace binds
// them; ~/snap itself is private to the user, as in snapd.
func MakeUserDirs(home, name, rev string) error {
	if err := os.MkdirAll(filepath.Join(home, "snap"), 0o700); err != nil {
		return fmt.Errorf("cannot create the snap data directory in your home: %w", err)
	}
	for _, dir := range []string{paths.UserDataDir(home, name, rev), paths.UserCommonDir(home, name)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot create the snap's data directory: %w", err)
		}
	}
	current := filepath.Join(paths.UserSnapDir(home, name), "current")
	if old, err := os.Readlink(current); err == nil && old == rev {
		return nil
	}
	// Through a rename: a concurrent launch must never find it missing.
	tmp := current + ".tmp" + strconv.Itoa(os.Getpid())
	os.Remove(tmp)
	if err := os.Symlink(rev, tmp); err != nil {
		return fmt.Errorf("cannot point %s at revision %s: %w", current, rev, err)
	}
	if err := os.Rename(tmp, current); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot point %s at revision %s: %w", current, rev, err)
	}
	return nil
}

// makeRuntimeDir creates the snap's $XDG_RUNTIME_DIR inside the user's
// own, when the user has one (a login session); without one the profile's
// optional bind of it is skipped and the app goes without, as it would
// outside a snap.
func makeRuntimeDir(dir string) {
	if dir != "" {
		// Failing (no /run/user/UID) is the case above, not an error.
		_ = os.Mkdir(dir, 0o700)
	}
}

// workingDir is the caller's working directory and its identity, so that
// stage 2 keeps it only where the same directory is visible.
func workingDir() (string, uint64, uint64) {
	wd, err := os.Getwd()
	if err != nil {
		return "", 0, 0
	}
	var st syscall.Stat_t
	if err := syscall.Stat(wd, &st); err != nil {
		return "", 0, 0
	}
	return wd, st.Dev, st.Ino
}
