package interfaces

import (
	"fmt"
	"strings"

	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// engineClient is the app side of a container engine (docker, lxd): the
// engine's snap offers a slot whose "socket" attribute says where its API
// socket is, and a connected app reaches that socket and nothing else of
// the engine. The socket may be absolute (the real docker snap's
// /run/docker.sock) or under the engine's $SNAP_DATA or $SNAP_COMMON.
// Manual and super-privileged, as in snapd: the engine's API is root on
// the machine.
type engineClient struct {
	name, defaultSocket string
}

func (e *engineClient) Name() string                      { return e.name }
func (e *engineClient) AutoConnect() bool                 { return false }
func (e *engineClient) SuperPrivileged() bool             { return true }
func (e *engineClient) ImplicitOnSystem() bool            { return false }
func (e *engineClient) SanitizePlug(*snap.PlugInfo) error { return nil }

func (e *engineClient) SanitizeSlot(s *snap.SlotInfo) error {
	sock, err := stringAttr(s.Attrs, "socket", e.defaultSocket)
	if err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	if err := checkSocket(sock); err != nil {
		return fmt.Errorf("%s: %w", e.name, err)
	}
	return nil
}

func checkSocket(sock string) error {
	if strings.HasPrefix(sock, "$SNAP_DATA/") || strings.HasPrefix(sock, "$SNAP_COMMON/") {
		return checkSnapPath(sock)
	}
	return checkAttrPath(sock, "")
}

// socket is where the connection's socket is on the host and, bound at
// the same path, inside the app's namespace.
func (e *engineClient) socket(c Connection) (string, bool) {
	sock, err := stringAttr(c.SlotAttrs, "socket", e.defaultSocket)
	if err != nil || checkSocket(sock) != nil {
		return "", false
	}
	if strings.HasPrefix(sock, "$") {
		sock = hostPath(c.Slot.Snap, sock)
	}
	return sock, true
}

func (e *engineClient) Snippets(c Connection) Snippets {
	sock, ok := e.socket(c)
	if !ok {
		return Snippets{}
	}
	return Snippets{
		AppArmor: []string{
			fmt.Sprintf("%q rw,", sock),
			"unix (connect, send, receive) type=stream,",
		},
		Landlock: landlock.Rules{ReadWrite: []string{sock}},
		Mounts:   []profile.Entry{bindFile(sock)},
	}
}

// engineSupport is what the engine itself plugs (docker-support,
// lxd-support): namespaces, mounts, every socket family, cgroups. It is
// the machine, hence super-privileged and manual.
//
// Gaps the daemon wiring must close: the launcher drops root's
// capabilities and runs the app in its own PID namespace, neither of
// which an engine can live with; those come with the daemon's handling of
// this connection, not from snippets.
func engineSupport(name string) *fixed {
	return &fixed{
		name: name, superPriv: true, implicit: true,
		plug: Snippets{
			Seccomp: []string{
				"socket AF_INET", "socket AF_INET6", "socket AF_NETLINK", "socket AF_PACKET",
				"mount", "umount2", "pivot_root", "unshare", "setns", "clone",
				"chroot", "sethostname", "setdomainname",
				"keyctl", "add_key", "bpf", "setpriority", "ioprio_set",
			},
			AppArmor: []string{
				"capability,",
				"network,",
				"mount,",
				"umount,",
				"pivot_root,",
				"ptrace,",
				"signal,",
				"unix,",
				"change_profile -> *,",
				"/sys/fs/cgroup/** rw,",
				"/dev/** rwk,",
				"/run/** rwk,",
				"/proc/** rw,",
			},
			Landlock: landlock.Rules{
				AllowAllTCPBind: true, AllowAllTCPConnect: true,
				ReadWrite: []string{"/sys/fs/cgroup", "/dev", "/run", "/proc"},
			},
			Mounts: []profile.Entry{bindHost("/sys/fs/cgroup", true)},
		},
	}
}
