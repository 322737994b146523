package launch

import (
	"os"
	"path"
	"strings"

	"github.com/snappy-pm/snappy/snap"
)

// AppArgv is how an app starts: its command-chain, then its command, then
// the user's arguments. Relative paths are under $SNAP. Variables in the
// command ("$SNAP_DATA/x.conf") are expanded from env, but nothing else
// of shell syntax is interpreted: no shell runs it, as in snapd.
func AppArgv(app *snap.AppInfo, env []string, args []string) []string {
	snapDir := lookupEnv(env, "SNAP")
	argv := chain(app.CommandChain, snapDir)
	for i, word := range strings.Fields(app.Command) {
		word = os.Expand(word, func(k string) string { return lookupEnv(env, k) })
		if i == 0 {
			word = underSnap(word, snapDir)
		}
		argv = append(argv, word)
	}
	if len(argv) == len(app.CommandChain) {
		return nil // no command: nothing to run
	}
	return append(argv, args...)
}

// HookArgv is how a hook starts: its command-chain, then
// $SNAP/meta/hooks/NAME.
func HookArgv(hook *snap.HookInfo, env []string) []string {
	snapDir := lookupEnv(env, "SNAP")
	return append(chain(hook.CommandChain, snapDir), path.Join(snapDir, "meta", "hooks", hook.Name))
}

func chain(links []string, snapDir string) []string {
	argv := make([]string, 0, len(links)+4)
	for _, c := range links {
		argv = append(argv, underSnap(c, snapDir))
	}
	return argv
}

func underSnap(p, snapDir string) string {
	if path.IsAbs(p) {
		return p
	}
	return path.Join(snapDir, p)
}

// defaultShell is in every runtime Snappy supports.
const defaultShell = "/bin/sh"

// argv returns the command line, and for a shell the candidates stage 2
// chooses from, once it sees what the runtime has, for argv[shellAt].
func (s Spec) argv(env []string) (argv, shells []string, shellAt int) {
	var links []string
	switch {
	case s.App != nil:
		links = s.App.CommandChain
	default:
		links = s.Hook.CommandChain
	}
	if s.Shell {
		argv = chain(links, lookupEnv(env, "SNAP"))
		shellAt = len(argv)
		argv = append(append(argv, defaultShell), s.Args...)
		if sh := lookupEnv(s.Env, "SHELL"); path.IsAbs(sh) && sh != defaultShell {
			shells = append(shells, sh)
		}
		return argv, append(shells, defaultShell), shellAt
	}
	if s.App != nil {
		return AppArgv(s.App, env, s.Args), nil, 0
	}
	return append(HookArgv(s.Hook, env), s.Args...), nil, 0
}
