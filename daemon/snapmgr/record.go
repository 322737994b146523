package snapmgr

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/snap"
)

// snapsBucket holds one SnapState per installed snap, keyed by name.
const snapsBucket = "snaps"

// RevisionState is one installed revision. The snap.yaml is kept in the
// database so that listing snaps never has to touch a mount.
type RevisionState struct {
	Revision    snap.Revision `json:"revision"`
	YAML        string        `json:"yaml"`
	Size        int64         `json:"size"`
	InstallDate time.Time     `json:"install-date"`
	DevMode     bool          `json:"devmode,omitempty"`
	Classic     bool          `json:"classic,omitempty"`
}

// SnapState is what the daemon knows of one installed snap: its revisions in
// install order and which one is current.
type SnapState struct {
	Name     string          `json:"name"`
	Sequence []RevisionState `json:"sequence"`
	Current  snap.Revision   `json:"current"`
	Active   bool            `json:"active"`
}

// Revision returns the state of rev, or nil.
func (s *SnapState) Revision(rev snap.Revision) *RevisionState {
	for i := range s.Sequence {
		if s.Sequence[i].Revision == rev {
			return &s.Sequence[i]
		}
	}
	return nil
}

// CurrentRevision returns the state of the current revision, or nil.
func (s *SnapState) CurrentRevision() *RevisionState { return s.Revision(s.Current) }

// nextLocalRevision picks x(N+1) over the local revisions still installed,
// as snapd does, so a reinstalled snap starts again at x1.
func (s *SnapState) nextLocalRevision() snap.Revision {
	n := 0
	if s != nil {
		for _, r := range s.Sequence {
			if r.Revision.Local() && -r.Revision.N > n {
				n = -r.Revision.N
			}
		}
	}
	return snap.R(-(n + 1))
}

func getSnapState(tx *state.Tx, name string) (*SnapState, error) {
	var st SnapState
	ok, err := tx.Get(snapsBucket, name, &st)
	if err != nil {
		return nil, fmt.Errorf("cannot read state of snap %q: %w", name, err)
	}
	if !ok {
		return nil, nil
	}
	return &st, nil
}

// saveState commits st (nil or empty: the snap is gone) and then mirrors it
// in the sequence file. The file follows the database: after a crash
// between the two, the task runs again and writes it.
func (m *Manager) saveState(t *state.TaskContext, name string, st *SnapState) error {
	if err := t.Update(func(tx *state.Tx) error {
		if st == nil {
			return tx.Delete(snapsBucket, name)
		}
		return putSnapState(tx, st)
	}); err != nil {
		return err
	}
	file := m.paths.SequenceFile(name)
	if st == nil || len(st.Sequence) == 0 {
		if err := os.Remove(file); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}
	seq := snap.SequenceFile{Current: st.Current, Active: st.Active}
	for _, rs := range st.Sequence {
		seq.Sequence = append(seq.Sequence, snap.SequenceEntry{Revision: rs.Revision, DevMode: rs.DevMode, Classic: rs.Classic})
	}
	data, err := json.Marshal(seq)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp := file + ".new"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

func putSnapState(tx *state.Tx, st *SnapState) error {
	if len(st.Sequence) == 0 {
		return tx.Delete(snapsBucket, st.Name)
	}
	return tx.Put(snapsBucket, st.Name, st)
}

// allSnapStates returns every installed snap sorted by name.
func allSnapStates(tx *state.Tx) ([]*SnapState, error) {
	var out []*SnapState
	names, err := tx.Keys(snapsBucket)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		st, err := getSnapState(tx, name)
		if err != nil {
			return nil, err
		}
		if st != nil {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
