package snap

import (
	"regexp"
	"slices"
	"strings"
)

var (
	// Quotes and backslashes are left out because snap run and the service
	// wrappers split commands on spaces without a shell; anything fancier
	// belongs in a script inside the snap.
	commandChars = regexp.MustCompile(`^[A-Za-z0-9/. _#:$-]*$`)
	// A command-chain entry is a single path: no spaces at all.
	chainChars = regexp.MustCompile(`^[A-Za-z0-9/._#:$-]*$`)
)

var (
	daemonTypes       = []string{"simple", "forking", "oneshot", "notify", "dbus"}
	daemonScopes      = []string{"system", "user"}
	restartConditions = []string{"always", "on-success", "on-failure", "on-abnormal", "on-abort", "on-watchdog", "never"}
	stopModes         = []string{"sigterm", "sigterm-all", "sighup", "sighup-all", "sigusr1", "sigusr1-all",
		"sigusr2", "sigusr2-all", "sigint", "sigint-all"}
	installModes = []string{"enable", "disable"}
	refreshModes = []string{"endure", "restart"}
)

// checkPath checks a command-like field: allowed characters, and a first
// word that is a path inside the snap (relative, no ".." escaping it).
func checkPath(field, value string, chars *regexp.Regexp) error {
	if !chars.MatchString(value) {
		what := "letters, digits, spaces and /._#:$-"
		if chars == chainChars {
			what = "letters, digits and /._#:$-"
		}
		return invalid(field, value, "may only contain %s (put anything more complex in a script inside the snap)", what)
	}
	exe := strings.Fields(value)
	if len(exe) == 0 {
		return invalid(field, value, "cannot be blank")
	}
	if strings.HasPrefix(exe[0], "/") {
		return invalid(field, value, "must be a path relative to the snap's root (drop the leading /)")
	}
	if slices.Contains(strings.Split(exe[0], "/"), "..") {
		return invalid(field, value, "cannot use \"..\" to leave the snap")
	}
	return nil
}

func validateApps(info *Info) error {
	for _, name := range info.AppNames() {
		if err := ValidateAppName(name); err != nil {
			return err
		}
		if err := validateApp(info.Apps[name]); err != nil {
			return err
		}
	}
	if err := validateServiceOrder(info); err != nil {
		return err
	}
	seen := map[string]string{}
	for _, name := range info.AppNames() {
		for _, alias := range info.Apps[name].Aliases {
			if other, ok := seen[alias]; ok {
				return invalid("apps."+name+".aliases", alias, "is already an alias of app %q", other)
			}
			seen[alias] = name
		}
	}
	return nil
}

func validateApp(app *AppInfo) error {
	f := "apps." + app.Name
	if app.Command == "" {
		return invalid(f+".command", "", "is required: the path, inside the snap, of what the app runs")
	}
	for _, c := range []struct{ field, value string }{
		{"command", app.Command}, {"stop-command", app.StopCommand},
		{"reload-command", app.ReloadCommand}, {"post-stop-command", app.PostStopCommand},
		{"completer", app.Completer},
	} {
		if c.value != "" {
			if err := checkPath(f+"."+c.field, c.value, commandChars); err != nil {
				return err
			}
		}
	}
	for _, c := range app.CommandChain {
		if err := checkPath(f+".command-chain", c, chainChars); err != nil {
			return err
		}
	}
	if err := checkEnv(f+".environment", app.Environment); err != nil {
		return err
	}
	for _, a := range app.Aliases {
		if !aliasRe.MatchString(a) {
			return invalid(f+".aliases", a, "is not a valid alias: use letters, digits, '-', '_' and '.', starting with a letter or digit")
		}
	}
	if app.BusName != "" && !commandChars.MatchString(app.BusName) {
		return invalid(f+".bus-name", app.BusName, "may only contain letters, digits and /._#:$-")
	}
	for _, c := range []struct{ field, value string }{
		{"daemon", app.Daemon}, {"daemon-scope", app.DaemonScope},
		{"restart-condition", app.RestartCondition}, {"stop-mode", app.StopMode},
		{"install-mode", app.InstallMode}, {"refresh-mode", app.RefreshMode},
	} {
		allowed := map[string][]string{
			"daemon": daemonTypes, "daemon-scope": daemonScopes, "restart-condition": restartConditions,
			"stop-mode": stopModes, "install-mode": installModes, "refresh-mode": refreshModes,
		}[c.field]
		if err := oneOfOrEmpty(f+"."+c.field, c.value, allowed); err != nil {
			return err
		}
	}
	return validateServiceOnly(app)
}

// validateServiceOnly refuses service settings on plain commands: they
// would be silently ignored, which hides a mistake in the snap.yaml.
func validateServiceOnly(app *AppInfo) error {
	f := "apps." + app.Name
	if app.IsService() {
		if len(app.Sockets) > 0 && !slices.Contains(app.Plugs, "network-bind") {
			return invalid(f+".sockets", "", "need the app to have the network-bind plug")
		}
		for _, name := range sortedKeys(app.Sockets) {
			if validateSnapName("", name) != nil {
				return invalid(f+".sockets", name, "is not a valid socket name: "+nameRule)
			}
			if app.Sockets[name]["listen-stream"] == "" {
				return invalid(f+".sockets."+name+".listen-stream", "", "is required")
			}
		}
		return nil
	}
	set := []struct {
		field string
		isSet bool
	}{
		{"daemon-scope", app.DaemonScope != ""}, {"stop-command", app.StopCommand != ""},
		{"reload-command", app.ReloadCommand != ""}, {"post-stop-command", app.PostStopCommand != ""},
		{"restart-condition", app.RestartCondition != ""}, {"restart-delay", app.RestartDelay != 0},
		{"start-timeout", app.StartTimeout != 0}, {"stop-timeout", app.StopTimeout != 0},
		{"watchdog-timeout", app.WatchdogTimeout != 0}, {"stop-mode", app.StopMode != ""},
		{"install-mode", app.InstallMode != ""}, {"refresh-mode", app.RefreshMode != ""},
		{"before", len(app.Before) > 0}, {"after", len(app.After) > 0}, {"timer", app.Timer != ""},
		{"sockets", len(app.Sockets) > 0}, {"bus-name", app.BusName != ""},
	}
	for _, s := range set {
		if s.isSet {
			return invalid(f+"."+s.field, "", "only applies to services: add a daemon type (e.g. daemon: simple) or remove it")
		}
	}
	return nil
}

// validateServiceOrder checks before/after: they must name other services
// and must not form a cycle, or no start order exists.
func validateServiceOrder(info *Info) error {
	edges := map[string][]string{} // app -> apps that must start before it
	for _, name := range info.AppNames() {
		app := info.Apps[name]
		for _, rel := range []struct {
			field string
			deps  []string
		}{{"before", app.Before}, {"after", app.After}} {
			for _, dep := range rel.deps {
				other, ok := info.Apps[dep]
				switch {
				case !ok:
					return invalid("apps."+name+"."+rel.field, dep, "is not an app of this snap")
				case !other.IsService():
					return invalid("apps."+name+"."+rel.field, dep, "is not a service: only services can be ordered")
				case dep == name:
					return invalid("apps."+name+"."+rel.field, dep, "is the app itself")
				}
				if rel.field == "after" {
					edges[name] = append(edges[name], dep)
				} else {
					edges[dep] = append(edges[dep], name)
				}
			}
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var visit func(string) string
	visit = func(n string) string {
		state[n] = visiting
		for _, dep := range edges[n] {
			switch state[dep] {
			case visiting:
				return dep
			case unvisited:
				if c := visit(dep); c != "" {
					return c
				}
			}
		}
		state[n] = done
		return ""
	}
	for _, name := range info.AppNames() {
		if state[name] == unvisited {
			if c := visit(name); c != "" {
				return invalid("apps."+c, "", "before/after ordering has a cycle through this app")
			}
		}
	}
	return nil
}
