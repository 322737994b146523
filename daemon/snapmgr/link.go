package snapmgr

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/snap"
)

// wrapperName is how an app is called from R/snap/bin: the snap's name for
// the app named like the snap, NAME.APP otherwise.
func wrapperName(info *snap.Info, app string) string {
	if app == info.Name {
		return app
	}
	return info.Name + "." + app
}

// writeWrappers points R/snap/bin/NAME.APP at the snap binary, which runs
// the app when called by that name.
func (m *Manager) writeWrappers(info *snap.Info) error {
	for name := range info.Apps {
		link := filepath.Join(m.paths.BinDir(), wrapperName(info, name))
		if err := atomicSymlink(m.opts.SnapBinary, link); err != nil {
			return fmt.Errorf("cannot write app wrapper: %w", err)
		}
	}
	return nil
}

func (m *Manager) removeWrappers(info *snap.Info) error {
	for name := range info.Apps {
		link := filepath.Join(m.paths.BinDir(), wrapperName(info, name))
		if fi, err := os.Lstat(link); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			if err := os.Remove(link); err != nil {
				return fmt.Errorf("cannot remove app wrapper: %w", err)
			}
		}
	}
	return nil
}

// linkRevision makes rev the one the system uses: current links and wrappers.
func (m *Manager) linkRevision(info *snap.Info) error {
	rev := info.Revision.String()
	if err := atomicSymlink(rev, m.paths.CurrentLink(info.Name)); err != nil {
		return fmt.Errorf("cannot link current revision: %w", err)
	}
	if err := atomicSymlink(rev, m.paths.DataCurrentLink(info.Name)); err != nil {
		return fmt.Errorf("cannot link current data: %w", err)
	}
	return m.writeWrappers(info)
}

func (m *Manager) unlinkRevision(info *snap.Info) error {
	if err := m.removeWrappers(info); err != nil {
		return err
	}
	for _, link := range []string{m.paths.CurrentLink(info.Name), m.paths.DataCurrentLink(info.Name)} {
		if err := os.Remove(link); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("cannot remove current link: %w", err)
		}
	}
	return nil
}

// rememberOld stores, once, the snap's record as it was before this task,
// so that a re-run after a crash and the undo both see the original.
func rememberOld(t *state.TaskContext, name string) (*SnapState, error) {
	var old struct{ State *SnapState }
	ok, err := t.Get("old-state", &old)
	if err != nil || ok {
		return old.State, err
	}
	err = t.DB().View(func(tx *state.Tx) error {
		old.State, err = getSnapState(tx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return old.State, t.Set("old-state", old)
}

// activeInfo is the info of st's current revision when st is linked, nil
// when there is nothing linked (no snap, or a disabled one).
func (m *Manager) activeInfo(st *SnapState) (*snap.Info, error) {
	if st == nil || !st.Active {
		return nil, nil
	}
	cur := st.CurrentRevision()
	if cur == nil {
		return nil, nil
	}
	return m.info(st.Name, cur)
}

func (m *Manager) doLinkSnap(t *state.TaskContext) error {
	sup, info, err := setupInfo(t)
	if err != nil {
		return err
	}
	old, err := rememberOld(t, sup.Name)
	if err != nil {
		return err
	}
	oldInfo, err := m.activeInfo(old)
	if err != nil {
		return err
	}
	if oldInfo != nil {
		if err := m.removeWrappers(oldInfo); err != nil {
			return err
		}
	}
	if err := m.linkRevision(info); err != nil {
		return err
	}
	st := &SnapState{Name: sup.Name}
	if old != nil {
		cp := *old
		cp.Sequence = append([]RevisionState(nil), old.Sequence...)
		st = &cp
	}
	if st.Revision(sup.Revision) == nil {
		st.Sequence = append(st.Sequence, RevisionState{
			Revision:    sup.Revision,
			YAML:        sup.YAML,
			Size:        sup.Size,
			InstallDate: time.Now().UTC(),
			DevMode:     sup.Flags.DevMode,
			Classic:     sup.Flags.Classic,
		})
	}
	st.Current = sup.Revision
	st.Active = true
	return m.saveState(t, sup.Name, st)
}

func (m *Manager) undoLinkSnap(t *state.TaskContext) error {
	sup, info, err := setupInfo(t)
	if err != nil {
		return err
	}
	old, err := rememberOld(t, sup.Name)
	if err != nil {
		return err
	}
	if err := m.unlinkRevision(info); err != nil {
		return err
	}
	oldInfo, err := m.activeInfo(old)
	if err != nil {
		return err
	}
	if oldInfo != nil {
		if err := m.linkRevision(oldInfo); err != nil {
			return err
		}
	}
	return m.saveState(t, sup.Name, old)
}
