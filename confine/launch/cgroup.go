package launch

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// cgroup2Mounts are where a cgroup v2 hierarchy is found: the unified
// layout, then the hybrid one (v1 controllers, v2 beside them).
var cgroup2Mounts = []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}

// appCgroup returns a descriptor of the cgroup the app goes into,
// snap.NAME.APP, created where this user may: under the hierarchy's root,
// else beside the caller's own cgroup (a delegated subtree). It returns
// -1, silently, when there is none to use: cgroups track and limit apps,
// they do not confine them. Cost: a handful of system calls.
func appCgroup(tag string) int {
	root := cgroup2Root()
	if root == "" {
		return -1
	}
	parent := root
	if unix.Access(root, unix.W_OK) != nil {
		own := ownCgroup()
		if own == "" || own == "/" {
			return -1
		}
		parent = path.Join(root, path.Dir(own))
		if unix.Access(parent, unix.W_OK) != nil {
			return -1
		}
	}
	dir := path.Join(parent, tag)
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return -1
	}
	// CLONE_INTO_CGROUP wants a real open directory, not an O_PATH one.
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
}

// ownCgroup is this process's cgroup in the v2 hierarchy ("0::/path").
func ownCgroup() string {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if p, ok := bytes.CutPrefix(line, []byte("0::")); ok {
			return string(p)
		}
	}
	return ""
}

// RemoveCgroups removes the cgroups launches made for snap name's apps
// and hooks under the hierarchy's root; one still in use stays. The
// daemon calls it when it removes the snap: a launch cannot, since it
// never knows whether it is the last one of its app.
func RemoveCgroups(name string) error {
	root := cgroup2Root()
	if root == "" {
		return nil
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "snap."+name+".*"))
	var errs []error
	for _, d := range dirs {
		if err := os.Remove(d); err != nil && !errors.Is(err, unix.EBUSY) && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// cgroup2Root is where the cgroup v2 hierarchy is mounted, "" without one.
func cgroup2Root() string {
	for _, m := range cgroup2Mounts {
		var st unix.Statfs_t
		if unix.Statfs(m, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			return m
		}
	}
	return ""
}
