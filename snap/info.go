// Package snap is the bundle format: what a snap declares in meta/snap.yaml,
// the rules that declaration must follow (snapd's, so existing snaps work),
// revisions and epochs, reading a .snap without mounting it, packing a
// directory into one, and the environment its apps run with.
package snap

import (
	"sort"
	"time"
)

// Type is what role a snap plays on the system.
type Type string

const (
	TypeApp    Type = "app"
	TypeBase   Type = "base"
	TypeGadget Type = "gadget"
	TypeKernel Type = "kernel"
	TypeSnapd  Type = "snapd"
	TypeOS     Type = "os"
)

var types = []Type{TypeApp, TypeBase, TypeGadget, TypeKernel, TypeSnapd, TypeOS}

// Confinement is how much of the system a snap's apps can reach.
type Confinement string

const (
	StrictConfinement  Confinement = "strict"
	DevModeConfinement Confinement = "devmode"
	ClassicConfinement Confinement = "classic"
)

var confinements = []Confinement{StrictConfinement, DevModeConfinement, ClassicConfinement}

// Grades a snap can declare; devel snaps can't be released to stable
// channels by a store.
const (
	GradeStable = "stable"
	GradeDevel  = "devel"
)

// EnvVar is one environment entry. Environments are lists, not maps,
// because a value may refer to variables defined before it.
type EnvVar struct {
	Key, Value string
}

// Info is a snap as declared in its meta/snap.yaml, with defaults applied
// and top-level plugs and slots bound to apps and hooks.
type Info struct {
	Name, Version, Summary, Description, Title, License string

	Type          Type
	Base          string
	Confinement   Confinement
	Grade         string
	Epoch         Epoch
	Architectures []string
	Assumes       []string
	Environment   []EnvVar

	Apps  map[string]*AppInfo
	Hooks map[string]*HookInfo
	Plugs map[string]*PlugInfo
	Slots map[string]*SlotInfo

	// Layout maps a path to its raw attributes (bind, bind-file, symlink,
	// type, mode, user, group); the mount code gives them meaning.
	Layout map[string]map[string]string

	// Revision is not in snap.yaml: whoever knows it (the daemon, snap
	// run) sets it.
	Revision Revision
}

// AppInfo is one entry of apps:. Plugs and Slots name every plug and slot
// the app is bound to, including the top-level ones that bind to all apps.
type AppInfo struct {
	Snap *Info
	Name string

	Command      string
	CommandChain []string
	Environment  []EnvVar
	Plugs, Slots []string

	Daemon      string // "", simple, forking, oneshot, notify, dbus
	DaemonScope string // "", system, user

	StopCommand, ReloadCommand, PostStopCommand string

	RestartCondition                                         string
	RestartDelay, StartTimeout, StopTimeout, WatchdogTimeout time.Duration

	StopMode, InstallMode, RefreshMode string
	Before, After                      []string
	Timer                              string
	Sockets                            map[string]map[string]string // raw: listen-stream, socket-mode
	BusName                            string
	CommonID                           string

	Completer string
	Aliases   []string

	// The plug and slot names the app listed itself, before binding.
	declaredPlugs, declaredSlots []string
}

// SecurityTag names the app for the confinement backends: snap.NAME.APP.
func (a *AppInfo) SecurityTag() string { return "snap." + a.Snap.Name + "." + a.Name }

// IsService reports whether the app is a daemon rather than a command.
func (a *AppInfo) IsService() bool { return a.Daemon != "" }

// HookInfo is one hook, declared in snap.yaml or found in meta/hooks/.
type HookInfo struct {
	Snap         *Info
	Name         string
	CommandChain []string
	Environment  []EnvVar
	Plugs, Slots []string

	declaredPlugs, declaredSlots []string
}

// SecurityTag names the hook for the confinement backends: snap.NAME.hook.HOOK.
func (h *HookInfo) SecurityTag() string { return "snap." + h.Snap.Name + ".hook." + h.Name }

// PlugInfo is a plug: a need the snap declares, met by connecting a slot of
// the same interface. Apps and Hooks name what the plug is bound to.
type PlugInfo struct {
	Snap      *Info
	Name      string
	Interface string
	Attrs     map[string]any
	Apps      []string
	Hooks     []string

	// scoped plugs are listed by some app or hook and bound only there;
	// the others bind to every app and hook, as in snapd.
	scoped bool
}

// SlotInfo is a slot: something the snap offers to plugs of its interface.
type SlotInfo struct {
	Snap      *Info
	Name      string
	Interface string
	Attrs     map[string]any
	Apps      []string
	Hooks     []string

	scoped bool
}

// AppNames returns the app names, sorted.
func (info *Info) AppNames() []string { return sortedKeys(info.Apps) }

// HookNames returns the hook names, sorted.
func (info *Info) HookNames() []string { return sortedKeys(info.Hooks) }

// Services returns the apps that are daemons, sorted by name.
func (info *Info) Services() []*AppInfo {
	var svcs []*AppInfo
	for _, name := range info.AppNames() {
		if app := info.Apps[name]; app.IsService() {
			svcs = append(svcs, app)
		}
	}
	return svcs
}

// NeedsClassic reports whether the snap runs without confinement.
func (info *Info) NeedsClassic() bool { return info.Confinement == ClassicConfinement }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
