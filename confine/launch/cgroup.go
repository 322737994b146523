package launch

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"

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
	root := ""
	for _, m := range cgroup2Mounts {
		var st unix.Statfs_t
		if unix.Statfs(m, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			root = m
			break
		}
	}
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
