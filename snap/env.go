package snap

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/snappy-pm/snappy/snap/paths"
)

// RunContext is what the environment depends on beyond the snap itself:
// who runs it, and where snaps and their data appear to the app.
type RunContext struct {
	Home      string // the user's real home ($SNAP_REAL_HOME)
	UID       int
	Arch      string // Debian architecture name; ArchName() for this machine
	MountRoot string // where snaps appear to the app: "/snap", or paths.New(root).SnapMountDir() unconfined under a test root
	DataRoot  string // "/var/snap", or R/var/snap unconfined under a test root
}

// DefaultRunContext is the context of the calling user on this machine,
// with snaps where the app's namespace puts them.
func DefaultRunContext() RunContext {
	home, _ := os.UserHomeDir()
	return RunContext{Home: home, UID: os.Getuid(), Arch: ArchName(), MountRoot: "/snap", DataRoot: "/var/snap"}
}

// libraryPath is where the host's GPU libraries are made visible to apps;
// fixed paths inside the namespace, as in snapd.
const libraryPath = "/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void"

// debianArches maps GOARCH to the names snaps use (Debian's).
var debianArches = map[string]string{
	"amd64":   "amd64",
	"arm64":   "arm64",
	"arm":     "armhf",
	"386":     "i386",
	"ppc64le": "ppc64el",
	"s390x":   "s390x",
	"riscv64": "riscv64",
}

// ArchName is the running machine's architecture in Debian's spelling.
func ArchName() string { return DebianArch(runtime.GOARCH) }

// DebianArch translates a GOARCH; unknown ones are returned unchanged.
func DebianArch(goarch string) string {
	if a, ok := debianArches[goarch]; ok {
		return a
	}
	return goarch
}

// AppEnvironment is the environment, as "K=V" entries, that app runs with.
// It is base (typically os.Environ()) with the snap's variables set, then
// the snap's environment: entries, then the app's, in file order. Each
// value may use $VAR or ${VAR} to refer to anything set before it;
// unknown variables expand to nothing, as in snapd.
//
// The result lists what base sets and nobody overrides, then the snap's
// variables in the documented order, then the snap's and the app's own:
// setting a variable again moves it to the end.
func AppEnvironment(base []string, info *Info, app *AppInfo, rc RunContext) []string {
	var appEnv []EnvVar
	if app != nil {
		appEnv = app.Environment
	}
	return buildEnv(base, info, rc, appEnv)
}

// HookEnvironment is AppEnvironment for a hook.
func HookEnvironment(base []string, info *Info, hook *HookInfo, rc RunContext) []string {
	var hookEnv []EnvVar
	if hook != nil {
		hookEnv = hook.Environment
	}
	return buildEnv(base, info, rc, hookEnv)
}

func buildEnv(base []string, info *Info, rc RunContext, own []EnvVar) []string {
	env := newOrderedEnv()
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env.set(k, v)
		}
	}
	for _, kv := range SnapVariables(info, rc) {
		env.set(kv.Key, kv.Value)
	}
	for _, list := range [][]EnvVar{info.Environment, own} {
		for _, kv := range list {
			env.set(kv.Key, os.Expand(kv.Value, env.get))
		}
	}
	return env.list()
}

// SnapVariables are the variables every app and hook of info gets, in the
// documented order. HOME is the per-revision user data directory, except
// under classic confinement where apps see the real home, as in snapd.
func SnapVariables(info *Info, rc RunContext) []EnvVar {
	rev := info.Revision.String()
	userData := paths.UserDataDir(rc.Home, info.Name, rev)
	vars := []EnvVar{
		{"SNAP", filepath.Join(rc.MountRoot, info.Name, rev)},
		{"SNAP_NAME", info.Name},
		{"SNAP_INSTANCE_NAME", info.Name},
		{"SNAP_REVISION", rev},
		{"SNAP_VERSION", info.Version},
		{"SNAP_ARCH", rc.Arch},
		{"SNAP_LIBRARY_PATH", libraryPath},
		{"SNAP_DATA", filepath.Join(rc.DataRoot, info.Name, rev)},
		{"SNAP_COMMON", filepath.Join(rc.DataRoot, info.Name, "common")},
		{"SNAP_USER_DATA", userData},
		{"SNAP_USER_COMMON", paths.UserCommonDir(rc.Home, info.Name)},
		{"SNAP_REAL_HOME", rc.Home},
	}
	if !info.NeedsClassic() {
		vars = append(vars, EnvVar{"HOME", userData})
	}
	uid := strconv.Itoa(rc.UID)
	return append(vars,
		EnvVar{"SNAP_EUID", uid},
		EnvVar{"SNAP_UID", uid},
		// Instances (NAME_KEY) aren't supported: the key is always empty,
		// but apps written for snapd read it.
		EnvVar{"SNAP_INSTANCE_KEY", ""},
		EnvVar{"XDG_RUNTIME_DIR", "/run/user/" + uid + "/snap." + info.Name},
	)
}

// orderedEnv keeps the order of the last set, so the result is
// reproducible and reads in the order it was built.
type orderedEnv struct {
	keys []string
	vals map[string]string
}

func newOrderedEnv() *orderedEnv { return &orderedEnv{vals: map[string]string{}} }

func (e *orderedEnv) set(k, v string) {
	if _, ok := e.vals[k]; ok {
		e.keys = slices.DeleteFunc(e.keys, func(key string) bool { return key == k })
	}
	e.keys = append(e.keys, k)
	e.vals[k] = v
}

func (e *orderedEnv) get(k string) string { return e.vals[k] }

func (e *orderedEnv) list() []string {
	out := make([]string, len(e.keys))
	for i, k := range e.keys {
		out[i] = k + "=" + e.vals[k]
	}
	return out
}
