package launch

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/snappy-pm/snappy/confine/apparmor"
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/confine/seccomp/load"
)

// SandboxFeatures says what this kernel lets the launcher enforce, for
// `snap debug sandbox-features` and /v2/system-info. A layer the kernel
// lacks is absent; "strict" is offered only when this process could build
// the namespace (root, or unprivileged user namespaces).
func SandboxFeatures() map[string][]string {
	f := map[string][]string{}
	userns := userNamespacesAllowed()
	conf := []string{"classic", "devmode"}
	if os.Geteuid() == 0 || userns {
		conf = append(conf, "strict")
	}
	f["confinement-options"] = conf

	if abi, err := landlock.ABI(); err == nil && abi > 0 {
		ll := []string{fmt.Sprintf("abi-%d", abi), "fs"}
		for _, x := range []struct {
			abi  int
			name string
		}{{3, "truncate"}, {4, "tcp"}, {5, "ioctl-dev"}, {6, "scoped"}, {7, "audit"}} {
			if abi >= x.abi {
				ll = append(ll, x.name)
			}
		}
		f["landlock"] = ll
	}
	if acts, err := load.Supported(); err == nil {
		sc := []string{"bpf-argument-filtering"}
		if slices.Contains(acts, "log") {
			sc = append(sc, "bpf-actlog")
		}
		for _, a := range acts {
			sc = append(sc, "kernel:"+a)
		}
		f["seccomp"] = sc
	}
	mnt := []string{"mount-namespace", "pid-namespace", "private-tmp", "mount-api"}
	if userns {
		mnt = append(mnt, "user-namespace")
	}
	f["mount"] = mnt
	if apparmor.Enabled() {
		f["apparmor"] = []string{"kernel-support"}
	}
	if cgroup2Root() != "" {
		f["cgroup"] = []string{"v2"}
	}
	for _, v := range f {
		slices.Sort(v)
	}
	return f
}

// userNamespacesAllowed reads the knobs distributions use to turn
// unprivileged user namespaces off.
func userNamespacesAllowed() bool {
	read := func(p string) string {
		data, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(data))
	}
	if v := read("/proc/sys/kernel/unprivileged_userns_clone"); v == "0" {
		return false
	}
	if v := read("/proc/sys/user/max_user_namespaces"); v == "0" {
		return false
	}
	// Ubuntu's AppArmor restriction leaves them without capabilities.
	return read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") != "1"
}
