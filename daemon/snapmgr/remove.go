package snapmgr

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/snappy-pm/snappy/confine/launch"
	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/snap"
)

// removal is the data of every task of a remove.
type removal struct {
	Name     string        `json:"name"`
	Revision snap.Revision `json:"revision,omitempty"`
	// Last is set on the tasks of the last revision: they also remove what
	// all revisions share.
	Last  bool `json:"last,omitempty"`
	Purge bool `json:"purge,omitempty"`
}

// Remove creates the change that removes every revision of each named
// snap, each snap in its own lane so one failure leaves the others removed.
func (m *Manager) Remove(names []string, purge bool) (*state.Change, error) {
	if len(names) == 0 {
		return nil, fmt.Errorf("no snap names given")
	}
	spec := state.ChangeSpec{Kind: "remove-snap", Snaps: names}
	if len(names) == 1 {
		spec.Summary = fmt.Sprintf("Remove %q snap", names[0])
		spec.Data = map[string]any{"snap-name": names[0]}
	} else {
		spec.Summary = fmt.Sprintf("Remove snaps %s", quoteList(names))
		spec.Data = map[string]any{"snap-names": names}
	}
	for i, name := range names {
		var st *SnapState
		err := m.db.View(func(tx *state.Tx) (err error) {
			st, err = getSnapState(tx, name)
			return err
		})
		if err != nil {
			return nil, err
		}
		if st == nil {
			return nil, &Error{Kind: KindNotFound, Value: name, Message: "snap not installed"}
		}
		spec.Tasks = append(spec.Tasks, removeTasks(st, purge, len(spec.Tasks), i+1)...)
	}
	chg, err := m.engine.NewChange(spec)
	if err != nil {
		return nil, err
	}
	m.log.WithField("change", chg.ID).Infof("removal of %s requested", quoteList(names))
	return chg, nil
}

func removeTasks(st *SnapState, purge bool, first, lane int) []state.TaskSpec {
	name := st.Name
	var tasks []state.TaskSpec
	add := func(kind, summary string, r removal) {
		ts := state.TaskSpec{Kind: kind, Summary: summary, Data: map[string]any{"removal": r}, Lanes: []int{lane}}
		if n := len(tasks); n > 0 {
			ts.WaitFor = []int{first + n - 1}
		}
		tasks = append(tasks, ts)
	}
	if st.Active {
		add("unlink-snap", fmt.Sprintf("Make snap %q unavailable to the system", name), removal{Name: name, Revision: st.Current})
	}
	add("remove-profiles", fmt.Sprintf("Remove security profile for snap %q (%s)", name, st.Current), removal{Name: name, Revision: st.Current})
	// Newest first, as snapd does, so the oldest revision goes last with
	// what the revisions share.
	for i := len(st.Sequence) - 1; i >= 0; i-- {
		r := removal{Name: name, Revision: st.Sequence[i].Revision, Last: i == 0, Purge: purge}
		add("clear-snap", fmt.Sprintf("Remove data for snap %q (%s)", name, r.Revision), r)
		add("discard-snap", fmt.Sprintf("Remove snap %q (%s) from the system", name, r.Revision), r)
	}
	return tasks
}

func taskRemoval(t *state.TaskContext) (removal, error) {
	var r removal
	ok, err := t.Get("removal", &r)
	if err == nil && !ok {
		err = fmt.Errorf("internal error: task %s has no removal data", t.ID())
	}
	return r, err
}

func (m *Manager) doUnlinkSnap(t *state.TaskContext) error {
	r, err := taskRemoval(t)
	if err != nil {
		return err
	}
	old, err := rememberOld(t, r.Name)
	if err != nil {
		return err
	}
	if old == nil {
		return nil
	}
	if cur := old.CurrentRevision(); cur != nil {
		info, err := m.info(r.Name, cur)
		if err != nil {
			return err
		}
		if err := m.unlinkRevision(info); err != nil {
			return err
		}
	}
	cp := *old
	cp.Active = false
	return m.saveState(t, r.Name, &cp)
}

func (m *Manager) undoUnlinkSnap(t *state.TaskContext) error {
	r, err := taskRemoval(t)
	if err != nil {
		return err
	}
	old, err := rememberOld(t, r.Name)
	if err != nil || old == nil {
		return err
	}
	info, err := m.activeInfo(old)
	if err != nil {
		return err
	}
	if info != nil {
		if err := m.linkRevision(info); err != nil {
			return err
		}
	}
	return m.saveState(t, r.Name, old)
}

func (m *Manager) doClearSnap(t *state.TaskContext) error {
	r, err := taskRemoval(t)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(m.paths.DataDir(r.Name, r.Revision.String())); err != nil {
		return fmt.Errorf("cannot remove data of %q (%s): %w", r.Name, r.Revision, err)
	}
	for _, home := range m.homes() {
		if err := os.RemoveAll(filepath.Join(home, "snap", r.Name, r.Revision.String())); err != nil {
			return fmt.Errorf("cannot remove user data of %q: %w", r.Name, err)
		}
	}
	if !r.Last {
		return nil
	}
	// No snapshots exist yet, so without --purge there is nothing to keep:
	// the shared data goes with the last revision either way.
	if err := os.RemoveAll(m.paths.SnapDataRoot(r.Name)); err != nil {
		return fmt.Errorf("cannot remove data of %q: %w", r.Name, err)
	}
	for _, home := range m.homes() {
		if err := os.RemoveAll(filepath.Join(home, "snap", r.Name)); err != nil {
			return fmt.Errorf("cannot remove user data of %q: %w", r.Name, err)
		}
	}
	return nil
}

// homes lists the user homes under the root whose snap data is removed
// with a snap: R/root and every R/home/*.
func (m *Manager) homes() []string {
	homes := []string{filepath.Join(m.paths.Root, "root")}
	matches, _ := filepath.Glob(filepath.Join(m.paths.Root, "home", "*"))
	return append(homes, matches...)
}

func (m *Manager) doDiscardSnap(t *state.TaskContext) error {
	r, err := taskRemoval(t)
	if err != nil {
		return err
	}
	rev := r.Revision.String()
	if err := m.unmountRevision(r.Name, rev); err != nil {
		return err
	}
	if err := os.Remove(m.paths.BlobPath(r.Name, rev)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("cannot remove snap file: %w", err)
	}
	if r.Last {
		// Only the links a crash may have left can remain here.
		if err := os.RemoveAll(m.paths.SnapDir(r.Name)); err != nil {
			return err
		}
		// The cgroups its launches made; one still in use stays.
		if err := launch.RemoveCgroups(r.Name); err != nil {
			m.log.WithField("change", t.ChangeID()).Warnf("cannot remove cgroups of %q: %v", r.Name, err)
		}
	}
	var st *SnapState
	if err := t.DB().View(func(tx *state.Tx) (err error) {
		st, err = getSnapState(tx, r.Name)
		return err
	}); err != nil || st == nil {
		return err
	}
	seq := st.Sequence[:0]
	for _, rs := range st.Sequence {
		if rs.Revision != r.Revision {
			seq = append(seq, rs)
		}
	}
	st.Sequence = seq
	return m.saveState(t, r.Name, st)
}
