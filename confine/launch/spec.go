package launch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/snappy-pm/snappy/confine/apparmor"
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
)

// Spec is one confined launch.
type Spec struct {
	Paths paths.Paths // the host side: R
	Info  *snap.Info  // with Revision set
	// App or Hook, exactly one.
	App  *snap.AppInfo
	Hook *snap.HookInfo
	// DevMode: the daemon compiled the seccomp filter in complain mode,
	// and no Landlock rules apply (Landlock cannot only log). A snap
	// declaring devmode confinement runs in devmode whatever this says.
	DevMode bool
	Args    []string // the user's arguments
	// Shell runs a shell ($SHELL when the runtime has it, else /bin/sh)
	// instead of the app's command, in the app's confinement and
	// environment.
	Shell bool
	Env   []string // the caller's environment, the base of the app's
}

// errNoProfile is the one message for every missing artifact: the user's
// way out is the same whichever is missing.
func errNoProfile(name, tag, path string) error {
	return fmt.Errorf("snap %s has no security profile for %s (%s is missing): reinstall it or restart snapd", name, tag, path)
}

// check refuses a Spec that cannot be launched at all.
func (s Spec) check() error {
	info := s.Info
	if info == nil || (s.App == nil) == (s.Hook == nil) {
		return errors.New("launch: the spec needs snap info and exactly one of an app and a hook")
	}
	if info.Revision.Unset() {
		return fmt.Errorf("launch: snap %s has no revision set", info.Name)
	}
	if info.NeedsClassic() {
		return fmt.Errorf("snap %s uses classic confinement: it runs unconfined, not through the launcher", info.Name)
	}
	return nil
}

// resolve turns a checked Spec into the plan for stage 2, doing every
// host-side step: nothing is left for stage 2 to read from the host.
func resolve(s Spec) (*plan, error) {
	info := s.Info
	devmode := s.DevMode || info.Confinement == snap.DevModeConfinement
	tag := s.tag()
	p, name, rev := s.Paths, info.Name, info.Revision.String()

	prof, err := profile.Read(profile.Path(p, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoProfile(name, tag, profile.Path(p, name))
	}
	if err != nil {
		return nil, err
	}
	secPath := filepath.Join(p.SeccompDir(), tag+".bin")
	prog, err := os.ReadFile(secPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoProfile(name, tag, secPath)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the seccomp profile of %s: %w", tag, err)
	}

	uid := os.Getuid()
	home, err := RealHome(s.Env, uid)
	if err != nil {
		return nil, err
	}
	if !filepath.IsAbs(home) {
		return nil, fmt.Errorf("cannot run %s: the home directory %q is not an absolute path", tag, home)
	}
	env := s.environment(home, uid)
	argv, shells, shellAt := s.argv(env)
	if len(argv) == 0 {
		return nil, fmt.Errorf("cannot run %s: the app has no command in its snap.yaml", tag)
	}
	if err := MakeUserDirs(home, name, rev); err != nil {
		return nil, err
	}
	runtimeDir := lookupEnv(env, "XDG_RUNTIME_DIR")
	makeRuntimeDir(runtimeDir)

	pl := &plan{
		Tag: tag, Argv: argv, Shells: shells, ShellAt: shellAt, Env: env, Seccomp: prog,
		FallbackDir: paths.UserDataDir(home, name, rev), Strict: !devmode,
	}
	if apparmor.Enabled() {
		pl.AppArmor = tag
	} else if !devmode {
		if pl.Landlock, err = landlockRules(p, tag, home, name, rev, runtimeDir, uid); err != nil {
			return nil, err
		}
	}
	if pl.Mounts, err = s.mounts(prof, home, uid); err != nil {
		return nil, err
	}
	pl.Dir, pl.DirDev, pl.DirIno = workingDir()
	return pl, nil
}

// landlockRules reads the snap's rules, written once for every user, and
// makes them this user's: $HOME and $UID filled in (as in the mount
// profile), and the user's data dirs added whatever the file says.
func landlockRules(p paths.Paths, tag, home, name, rev, runtimeDir string, uid int) (*landlock.Rules, error) {
	path := filepath.Join(p.LandlockDir(), tag+".json")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoProfile(name, tag, path)
	}
	if err != nil {
		return nil, err
	}
	// As landlock.Read does, but before its check that every path is
	// absolute, which placeholders are not yet. An unknown field is an
	// error: dropping a restriction would confine less than intended.
	var rules landlock.Rules
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("landlock rules %s: %w", path, err)
	}
	home = filepath.Clean(home)
	for _, list := range []*[]string{&rules.ReadExec, &rules.Read, &rules.ReadWrite} {
		for i, dir := range *list {
			dir = profile.ExpandPath(dir, home, uid)
			if !filepath.IsAbs(dir) {
				return nil, fmt.Errorf("landlock rules %s: path %q is not absolute", path, dir)
			}
			(*list)[i] = dir
		}
	}
	rules.ReadWrite = append(rules.ReadWrite, paths.UserDataDir(home, name, rev), paths.UserCommonDir(home, name))
	if runtimeDir != "" {
		rules.ReadWrite = append(rules.ReadWrite, runtimeDir)
	}
	rules.Read = append(rules.Read, paths.UserSnapDir(home, name))
	return &rules, nil
}

func (s Spec) tag() string {
	if s.App != nil {
		return s.App.SecurityTag()
	}
	return s.Hook.SecurityTag()
}

// environment is the app's: inside paths, the real home for user data.
func (s Spec) environment(home string, uid int) []string {
	rc := snap.RunContext{Home: home, UID: uid, Arch: snap.ArchName(), MountRoot: "/snap", DataRoot: "/var/snap"}
	base := make([]string, 0, len(s.Env))
	for _, kv := range s.Env {
		// The launcher's marker and the host's global root mean nothing
		// inside the namespace, where every path is already the app's.
		if !strings.HasPrefix(kv, stage2Env+"=") && !strings.HasPrefix(kv, paths.RootEnv+"=") {
			base = append(base, kv)
		}
	}
	if s.App != nil {
		return snap.AppEnvironment(base, s.Info, s.App, rc)
	}
	return snap.HookEnvironment(base, s.Info, s.Hook, rc)
}

// mounts expands the profile for this user and settles, on the host,
// what only the host side can: the private /tmp.
func (s Spec) mounts(prof profile.Profile, home string, uid int) ([]profile.Entry, error) {
	prof, err := prof.Expand(home, uid)
	if err != nil {
		return nil, err
	}
	name := s.Info.Name
	tmp := s.Paths.PrivateTmpDir(name)
	for i, e := range prof.Entries {
		if e.Type != profile.TypeBind || e.Source != tmp {
			continue
		}
		err := profile.PreparePrivateTmp(s.Paths, name)
		if errors.Is(err, profile.ErrNoPrivateTmp) {
			// Only root creates it (the daemon does at install and
			// boot): until then this user's /tmp is private to this
			// launch, which is still private.
			prof.Entries[i] = profile.Entry{Source: "tmpfs", Target: e.Target, Type: profile.TypeTmpfs,
				Options: []string{"mode=1777", "nosuid", "nodev"}}
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	return prof.Entries, nil
}

func lookupEnv(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}
