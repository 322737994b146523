package snap

import (
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

var (
	grades      = []string{GradeStable, GradeDevel}
	layoutKinds = []string{"bind", "bind-file", "symlink", "type"}
	// Layouts may not replace these: the system, the user's data or
	// snapd's own state would be at the snap's mercy.
	layoutOffLimits = []string{"/boot", "/dev", "/home", "/lib/firmware", "/lib/modules", "/lost+found",
		"/media", "/proc", "/run", "/sys", "/tmp", "/var/lib/snapd", "/var/snap"}
)

// Validate checks info against snapd's snap.yaml rules and returns the
// first failure, in a fixed order, as a *ValidationError.
func Validate(info *Info) error {
	for _, check := range []func(*Info) error{
		validateHeader, validateBase, validateSnapEnv, validatePlugsSlots,
		validateApps, validateHooks, validateLayout,
	} {
		if err := check(info); err != nil {
			return err
		}
	}
	return nil
}

// oneOfOrEmpty checks an optional field against its set of values.
func oneOfOrEmpty(field, v string, allowed []string) error {
	if v == "" || slices.Contains(allowed, v) {
		return nil
	}
	return invalid(field, v, "must be one of: %s", strings.Join(allowed, ", "))
}

func typeNames() []string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	return names
}

func confinementNames() []string {
	names := make([]string, len(confinements))
	for i, c := range confinements {
		names[i] = string(c)
	}
	return names
}

func validateHeader(info *Info) error {
	if err := ValidateName(info.Name); err != nil {
		return err
	}
	if err := ValidateVersion(info.Version); err != nil {
		return err
	}
	// Empty means the default, for an Info built in code rather than parsed.
	if err := oneOfOrEmpty("type", string(info.Type), typeNames()); err != nil {
		return err
	}
	if err := oneOfOrEmpty("confinement", string(info.Confinement), confinementNames()); err != nil {
		return err
	}
	if err := oneOfOrEmpty("grade", info.Grade, grades); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(info.Title); n > 40 {
		return invalid("title", "", "can have at most 40 characters (has %d)", n)
	}
	if n := utf8.RuneCountInString(info.Description); n > 4096 {
		return invalid("description", "", "can have at most 4096 characters (has %d)", n)
	}
	if err := info.Epoch.Validate(); err != nil {
		return invalid("epoch", "", "%v", err)
	}
	for _, a := range info.Architectures {
		if !archRe.MatchString(a) {
			return invalid("architectures", a, "is not an architecture name (like amd64, arm64 or all)")
		}
	}
	if len(info.Architectures) > 1 && slices.Contains(info.Architectures, "all") {
		return invalid("architectures", "all", "cannot be listed with other architectures")
	}
	for _, a := range info.Assumes {
		if !assumesRe.MatchString(a) {
			return invalid("assumes", a, "is not a feature name (like snapd2.60 or command-chain)")
		}
	}
	return nil
}

// validateBase follows snapd: bases and the os snap are the bottom layer
// so they can't sit on another base ("none" is allowed to say so
// explicitly), and with base "none" there is no runtime for apps or hooks.
func validateBase(info *Info) error {
	if info.Base == "" {
		return nil
	}
	if (info.Type == TypeBase || info.Type == TypeOS) && info.Base != "none" {
		return invalid("base", info.Base, "cannot be set on a snap of type %q (only \"none\" is allowed)", info.Type)
	}
	if info.Base == "none" && (len(info.Apps) > 0 || len(info.Hooks) > 0) {
		return invalid("base", "none", "leaves no runtime: a snap with base \"none\" cannot have apps or hooks")
	}
	if strings.Contains(info.Base, "_") {
		return invalid("base", info.Base, "cannot name a snap instance (drop the _KEY suffix)")
	}
	return validateSnapName("base", info.Base)
}

func validateSnapEnv(info *Info) error { return checkEnv("environment", info.Environment) }

func checkEnv(field string, env []EnvVar) error {
	for _, kv := range env {
		if !envKeyRe.MatchString(kv.Key) {
			return invalid(field, kv.Key, "is not a valid variable name: use letters, digits and '_', not starting with a digit")
		}
	}
	return nil
}

func validatePlugsSlots(info *Info) error {
	for _, name := range sortedKeys(info.Plugs) {
		if !plugNameRe.MatchString(name) {
			return invalid("plugs", name, "is not a valid plug name: "+plugRule)
		}
		if iface := info.Plugs[name].Interface; !plugNameRe.MatchString(iface) {
			return invalid("plugs."+name+".interface", iface, "is not a valid interface name: "+plugRule)
		}
	}
	for _, name := range sortedKeys(info.Slots) {
		if !plugNameRe.MatchString(name) {
			return invalid("slots", name, "is not a valid slot name: "+plugRule)
		}
		if iface := info.Slots[name].Interface; !plugNameRe.MatchString(iface) {
			return invalid("slots."+name+".interface", iface, "is not a valid interface name: "+plugRule)
		}
		if _, ok := info.Plugs[name]; ok {
			return invalid("slots", name, "is also a plug name: plugs and slots of one snap need distinct names")
		}
	}
	return nil
}

func validateHooks(info *Info) error {
	for _, name := range info.HookNames() {
		if err := ValidateHookName(name); err != nil {
			return err
		}
		hook := info.Hooks[name]
		for _, c := range hook.CommandChain {
			if err := checkPath("hooks."+name+".command-chain", c, chainChars); err != nil {
				return err
			}
		}
		if err := checkEnv("hooks."+name+".environment", hook.Environment); err != nil {
			return err
		}
	}
	return nil
}

// validateLayout checks the shape of each layout entry; what the entries
// may point at is for the mount code, which knows the namespace.
func validateLayout(info *Info) error {
	for _, p := range sortedKeys(info.Layout) {
		f := "layout." + p
		target := expandSnapDirs(p, info.Name)
		if !strings.HasPrefix(target, "/") || path.Clean(target) != target {
			return invalid("layout", p, "must be an absolute, clean path (or start with $SNAP, $SNAP_DATA or $SNAP_COMMON)")
		}
		for _, off := range layoutOffLimits {
			if target == off || strings.HasPrefix(target, off+"/") {
				return invalid("layout", p, "is in an area layouts cannot change (%s)", off)
			}
		}
		var kinds []string
		for _, k := range layoutKinds {
			if _, ok := info.Layout[p][k]; ok {
				kinds = append(kinds, k)
			}
		}
		if len(kinds) != 1 {
			return invalid(f, "", "must have exactly one of bind, bind-file, symlink or type")
		}
		if t, ok := info.Layout[p]["type"]; ok && t != "tmpfs" {
			return invalid(f+".type", t, "must be tmpfs")
		}
	}
	return nil
}

// expandSnapDirs resolves a leading $SNAP, $SNAP_DATA or $SNAP_COMMON to
// where it lives in the app's namespace, so the off-limits check sees the
// real place ($SNAP_DATA is under /var/snap, which layouts can't touch).
func expandSnapDirs(p, name string) string {
	for _, v := range []struct{ name, dir string }{
		{"$SNAP", "/snap/" + name + "/current"},
		{"$SNAP_DATA", "/var/snap/" + name + "/current"},
		{"$SNAP_COMMON", "/var/snap/" + name + "/common"},
	} {
		if rest, ok := strings.CutPrefix(p, v.name); ok && (rest == "" || rest[0] == '/') {
			return v.dir + rest
		}
	}
	return p
}
