package snapmgr

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/mount"
	"github.com/snappy-pm/snappy/mount/profile"
)

// Boot mounts every installed revision that is not mounted (after a reboot
// none are), all at once, and removes uploads that no change will use.
// It runs before the state engine resumes in-flight changes.
func (m *Manager) Boot() error {
	var pairs []mount.Pair
	var states []*SnapState
	err := m.db.View(func(tx *state.Tx) (err error) {
		states, err = allSnapStates(tx)
		return err
	})
	if err != nil {
		return err
	}
	for _, st := range states {
		for _, rs := range st.Sequence {
			rev := rs.Revision.String()
			pairs = append(pairs, mount.Pair{Image: m.paths.BlobPath(st.Name, rev), Target: m.paths.MountDir(st.Name, rev)})
		}
	}
	// A revision that cannot be mounted must not keep the daemon down:
	// then nothing could repair or remove it. A crash inside discard-snap
	// leaves exactly that (blob gone, record not yet updated) until the
	// change resumes and finishes.
	if err := mount.MountAll(pairs, 0); err != nil {
		m.log.Warnf("some installed snaps are not mounted: %v", err)
	}
	m.log.Infof("%d installed revisions of %d snaps to mount", len(pairs), len(states))
	// A reboot may have emptied /tmp: put back each snap's private /tmp.
	for _, st := range states {
		if err := profile.PreparePrivateTmp(m.paths, st.Name); err != nil {
			m.log.Warnf("cannot prepare the private /tmp of %q: %v", st.Name, err)
		}
	}
	return m.removeStaleUploads()
}

// removeStaleUploads deletes partial or orphaned uploads: those that no
// in-flight change names as its source.
func (m *Manager) removeStaleUploads() error {
	matches, err := filepath.Glob(filepath.Join(m.paths.BlobDir(), UploadPrefix+"*"))
	if err != nil || len(matches) == 0 {
		return err
	}
	inUse := map[string]bool{}
	chgs, err := m.engine.InProgressChanges(nil)
	if err != nil {
		return err
	}
	for _, c := range chgs {
		for _, t := range c.Tasks {
			if raw, ok := t.Data["snap-setup"]; ok && strings.Contains(string(raw), UploadPrefix) {
				for _, p := range matches {
					if strings.Contains(string(raw), filepath.Base(p)) {
						inUse[p] = true
					}
				}
			}
		}
	}
	for _, p := range matches {
		if !inUse[p] {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	}
	return nil
}

// UploadPrefix names uploads in the blob dir until prepare-snap moves them.
const UploadPrefix = ".local-install-"
