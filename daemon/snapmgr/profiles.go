package snapmgr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/snappy-pm/snappy/confine/apparmor"
	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/confine/seccomp"
	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// securityTags lists the tags of every app and hook of info, sorted.
func securityTags(info *snap.Info) []string {
	var tags []string
	for _, app := range info.Apps {
		tags = append(tags, app.SecurityTag())
	}
	for _, hook := range info.Hooks {
		tags = append(tags, hook.SecurityTag())
	}
	sort.Strings(tags)
	return tags
}

// writeProfiles compiles and writes every confinement artifact of info's
// apps and hooks, so that a launch only reads them. Classic snaps run
// unconfined and get none.
func (m *Manager) writeProfiles(info *snap.Info, devmode bool) error {
	if info.Confinement == snap.ClassicConfinement {
		return nil
	}
	mode, aaMode := seccomp.Enforce, apparmor.ModeStrict
	if devmode || info.Confinement == snap.DevModeConfinement {
		mode, aaMode = seccomp.Complain, apparmor.ModeDevMode
	}
	rev := info.Revision.String()
	for _, tag := range securityTags(info) {
		if err := seccomp.Write(m.paths.SeccompDir(), seccomp.Profile{Tag: tag, Mode: mode}); err != nil {
			return fmt.Errorf("cannot write seccomp profile %s: %w", tag, err)
		}
		aa := apparmor.Input{Tag: tag, SnapName: info.Name, Revision: rev, Base: info.Base, Mode: aaMode}
		if err := apparmor.Write(m.paths.AppArmorDir(), aa); err != nil {
			return fmt.Errorf("cannot write AppArmor profile %s: %w", tag, err)
		}
		if apparmor.Enabled() {
			if err := apparmor.Load(filepath.Join(m.paths.AppArmorDir(), tag)); err != nil {
				return fmt.Errorf("cannot load AppArmor profile %s: %w", tag, err)
			}
		}
		rules := landlock.Generate(landlock.GenInput{Tag: tag, SnapName: info.Name, Revision: rev, Base: info.Base, UserHome: landlockHome})
		if err := landlock.Write(filepath.Join(m.paths.LandlockDir(), tag+".json"), rules); err != nil {
			return fmt.Errorf("cannot write Landlock rules %s: %w", tag, err)
		}
	}
	return m.writeMountProfile(info)
}

// removeProfiles removes every artifact of info's apps and hooks.
func (m *Manager) removeProfiles(info *snap.Info) error {
	var errs []error
	for _, tag := range securityTags(info) {
		errs = append(errs,
			seccomp.Remove(m.paths.SeccompDir(), tag),
			apparmor.Remove(m.paths.AppArmorDir(), tag),
			removeFile(filepath.Join(m.paths.LandlockDir(), tag+".json")))
	}
	errs = append(errs, removeFile(m.mountProfilePath(info.Name)),
		// R/tmp/snap-private-tmp/snap.NAME: its /tmp goes with its profile.
		os.RemoveAll(filepath.Dir(m.paths.PrivateTmpDir(info.Name))))
	return errors.Join(errs...)
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (m *Manager) doSetupProfiles(t *state.TaskContext) error {
	sup, info, err := setupInfo(t)
	if err != nil {
		return err
	}
	if err := m.writeProfiles(info, sup.Flags.DevMode); err != nil {
		// A failed task is not undone: take back what was written.
		if rerr := m.removeProfiles(info); rerr != nil {
			m.log.WithField("change", t.ChangeID()).Warnf("cannot remove partial profiles: %v", rerr)
		}
		return err
	}
	return nil
}

func (m *Manager) undoSetupProfiles(t *state.TaskContext) error {
	_, info, err := setupInfo(t)
	if err != nil {
		return err
	}
	return m.removeProfiles(info)
}

// removedRevision is the revision a removal task works on, as it was
// recorded before the change; nil when the snap had no such revision.
func (m *Manager) removedRevision(t *state.TaskContext) (*snap.Info, *RevisionState, error) {
	r, err := taskRemoval(t)
	if err != nil {
		return nil, nil, err
	}
	old, err := rememberOld(t, r.Name)
	if err != nil || old == nil {
		return nil, nil, err
	}
	rs := old.Revision(r.Revision)
	if rs == nil {
		return nil, nil, nil
	}
	info, err := m.info(r.Name, rs)
	return info, rs, err
}

func (m *Manager) doRemoveProfiles(t *state.TaskContext) error {
	info, _, err := m.removedRevision(t)
	if err != nil || info == nil {
		return err
	}
	return m.removeProfiles(info)
}

func (m *Manager) undoRemoveProfiles(t *state.TaskContext) error {
	info, rs, err := m.removedRevision(t)
	if err != nil || info == nil {
		return err
	}
	return m.writeProfiles(info, rs.DevMode)
}

// landlockHome stands for the user's home in the Landlock rules written at
// install; the launcher puts the real one in, as for the mount profile.
const landlockHome = profile.HomeVar

func (m *Manager) mountProfilePath(name string) string { return profile.Path(m.paths, name) }

// writeMountProfile writes what the snap's mount namespace holds. With a
// base, the base's current revision is the root.
func (m *Manager) writeMountProfile(info *snap.Info) error {
	in := profile.Input{Paths: m.paths, SnapName: info.Name, Revision: info.Revision.String()}
	if info.Base != "" && info.Base != "none" && info.Type == snap.TypeApp {
		var base *SnapState
		err := m.db.View(func(tx *state.Tx) (err error) {
			base, err = getSnapState(tx, info.Base)
			return err
		})
		if err != nil {
			return err
		}
		if base == nil || !base.Active {
			return fmt.Errorf("cannot set up snap %q: its base %q is not installed", info.Name, info.Base)
		}
		in.Base, in.BaseRevision = info.Base, base.Current.String()
	}
	prof, err := profile.Generate(in)
	if err != nil {
		return fmt.Errorf("cannot generate the mount profile of %q: %w", info.Name, err)
	}
	if err := os.MkdirAll(m.paths.MountProfileDir(), 0o755); err != nil {
		return err
	}
	if err := profile.Write(m.mountProfilePath(info.Name), prof); err != nil {
		return err
	}
	return profile.PreparePrivateTmp(m.paths, info.Name)
}
