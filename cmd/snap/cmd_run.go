package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/snappy-pm/snappy/confine/launch"
	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
	"github.com/spf13/cobra"
)

func (a *app) runCmd() *cobra.Command {
	var shell bool
	cmd := &cobra.Command{
		Use:   "run [--shell] NAME.APP [ARGS...]",
		Short: "Run an app of an installed snap",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runApp(a.paths, args[0], args[1:], shell)
		},
	}
	cmd.Flags().BoolVar(&shell, "shell", false, "run a shell inside the app's confinement instead of the app")
	// Everything after NAME.APP belongs to the app, flags included.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

// runApp replaces this process with the app, so that its exit status and
// the signals sent to it are the caller's to see. It reads only the current
// revision's snap.yaml: no daemon round trip on this path.
func runApp(p paths.Paths, target string, args []string, shell bool) error {
	name, appName, ok := strings.Cut(target, ".")
	if !ok {
		appName = name
	}
	// The name becomes a path: keep it to what a snap name can be.
	if snap.ValidateName(name) != nil {
		return fmt.Errorf("cannot run %q: %q is not a snap name (give NAME.APP, as \"snap info NAME\" lists them)", target, name)
	}
	rev, err := currentRevision(p, name)
	if err != nil {
		return err
	}
	// Read through the resolved revision, not "current", so a refresh
	// relinking it meanwhile cannot mix two revisions.
	mountDir := p.MountDir(name, rev.String())
	data, err := os.ReadFile(filepath.Join(mountDir, "meta", "snap.yaml"))
	if err != nil {
		return fmt.Errorf("cannot read the metadata of snap %q revision %s: %w", name, rev, err)
	}
	info, err := snap.ReadInfoYAML(data)
	if err != nil {
		return fmt.Errorf("cannot read the metadata of snap %q revision %s: %w", name, rev, err)
	}
	info.Revision = rev
	app, ok := info.Apps[appName]
	if !ok {
		return fmt.Errorf("cannot run %q: snap %q has no app %q (\"snap info %s\" lists its commands)", target, name, appName, name)
	}
	if !info.NeedsClassic() {
		err := launch.Run(launch.Spec{Paths: p, Info: info, App: app, DevMode: installedDevMode(p, info),
			Args: args, Shell: shell, Env: os.Environ()})
		if err != nil {
			return fmt.Errorf("cannot run %q: %w", target, err)
		}
		return nil
	}
	if shell {
		return fmt.Errorf("cannot run a shell for %q: classic snaps are not confined, use your own shell", target)
	}
	home, err := launch.RealHome(os.Environ(), os.Getuid())
	if err != nil {
		return fmt.Errorf("cannot run %q: %w", target, err)
	}
	env := snap.AppEnvironment(os.Environ(), info, app, snap.RunContext{
		Home:      home,
		UID:       os.Getuid(),
		Arch:      snap.ArchName(),
		MountRoot: p.SnapMountDir(),
		// R/var/snap, derived so the layout stays defined in paths only.
		DataRoot: filepath.Dir(p.SnapDataRoot(name)),
	})
	if err := launch.MakeUserDirs(home, name, rev.String()); err != nil {
		return fmt.Errorf("cannot run %q: %w", target, err)
	}
	vars := envMap(env)
	if err := makeRuntimeDir(vars["XDG_RUNTIME_DIR"]); err != nil {
		return fmt.Errorf("cannot run %q: %w", target, err)
	}
	argv := appArgv(app, vars, args)
	if len(argv) == 0 {
		return fmt.Errorf("cannot run %q: the app has no command in its snap.yaml", target)
	}
	if err := syscall.Exec(argv[0], argv, env); err != nil {
		return fmt.Errorf("cannot run %q: cannot execute %s: %w", target, argv[0], err)
	}
	return nil
}

// installedDevMode says whether the user installed a strict snap with
// --devmode; only the daemon's sequence file records it.
func installedDevMode(p paths.Paths, info *snap.Info) bool {
	seq, err := snap.ReadSequenceFile(p.SequenceFile(info.Name))
	if err != nil {
		return false
	}
	e := seq.Entry(info.Revision)
	return e != nil && e.DevMode
}

func currentRevision(p paths.Paths, name string) (snap.Revision, error) {
	target, err := os.Readlink(p.CurrentLink(name))
	if errors.Is(err, os.ErrNotExist) {
		return snap.Revision{}, fmt.Errorf("snap %q is not installed (no %s): \"snap list\" shows the ones that are", name, p.CurrentLink(name))
	}
	if err != nil {
		return snap.Revision{}, fmt.Errorf("cannot find the current revision of snap %q: %w", name, err)
	}
	rev, err := snap.ParseRevision(filepath.Base(target))
	if err != nil {
		return snap.Revision{}, fmt.Errorf("cannot find the current revision of snap %q: %s points to %q: %w", name, p.CurrentLink(name), target, err)
	}
	return rev, nil
}

func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// appArgv is command-chain, then the app's command, then the user's
// arguments. Paths are relative to $SNAP; variables in the command (as in
// "$SNAP/bin/x --conf $SNAP_DATA/x.conf") are expanded, but not shell
// syntax, since snapd runs no shell either.
func appArgv(app *snap.AppInfo, env map[string]string, args []string) []string {
	snapDir := env["SNAP"]
	inSnap := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(snapDir, p)
	}
	var argv []string
	for _, c := range app.CommandChain {
		argv = append(argv, inSnap(c))
	}
	for i, word := range strings.Fields(app.Command) {
		word = os.Expand(word, func(k string) string { return env[k] })
		if i == 0 {
			word = inSnap(word)
		}
		argv = append(argv, word)
	}
	return append(argv, args...)
}
