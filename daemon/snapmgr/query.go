package snapmgr

import (
	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/snap"
)

// Installed is one installed revision as the API shows it.
type Installed struct {
	Info    *snap.Info
	State   *RevisionState
	Active  bool
	Current bool
}

// List returns the installed snaps sorted by name: only the current
// revisions, or every revision with all. names filters when not empty.
func (m *Manager) List(names []string, all bool) ([]Installed, error) {
	var states []*SnapState
	err := m.db.View(func(tx *state.Tx) (err error) {
		if len(names) == 0 {
			states, err = allSnapStates(tx)
			return err
		}
		for _, n := range names {
			st, err := getSnapState(tx, n)
			if err != nil {
				return err
			}
			if st != nil {
				states = append(states, st)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Installed
	for _, st := range states {
		for i := range st.Sequence {
			rs := &st.Sequence[i]
			cur := rs.Revision == st.Current
			if !cur && !all {
				continue
			}
			info, err := m.info(st.Name, rs)
			if err != nil {
				return nil, err
			}
			out = append(out, Installed{Info: info, State: rs, Active: cur && st.Active, Current: cur})
		}
	}
	return out, nil
}

// Snap returns the current revision of one installed snap.
func (m *Manager) Snap(name string) (Installed, error) {
	list, err := m.List([]string{name}, false)
	if err != nil {
		return Installed{}, err
	}
	if len(list) == 0 {
		return Installed{}, &Error{Kind: KindNotFound, Value: name, Message: "snap not installed"}
	}
	return list[0], nil
}
