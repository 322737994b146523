package snapmgr

import (
	"fmt"
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
