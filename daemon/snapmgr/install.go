package snapmgr

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/mount"
	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/squashfs"
)

// Flags are the user's answers to what an unsigned or unconfined snap needs.
type Flags struct {
	Dangerous bool `json:"dangerous,omitempty"`
	DevMode   bool `json:"devmode,omitempty"`
	Classic   bool `json:"classic,omitempty"`
}

// setup is what every task of one snap's install needs; it is stored in the
// first task and found by the others through the change data key.
type setup struct {
	Name     string        `json:"name"`
	Revision snap.Revision `json:"revision"`
	Source   string        `json:"source"`
	Origin   string        `json:"origin"`
	YAML     string        `json:"yaml"`
	Size     int64         `json:"size"`
	Flags    Flags         `json:"flags"`
}

// Error kinds the API reports, as snapd names them.
const (
	KindNeedsDevMode = "snap-needs-devmode"
	KindNeedsClassic = "snap-needs-classic"
	KindNotFound     = "snap-not-found"
)

// Error is a refusal of the user's request (the API answers 400, or 404
// for snap-not-found), as opposed to a failure of the system.
type Error struct {
	Kind    string
	Message string
	Value   string
	Cause   error
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Cause }

// LocalInstall is one uploaded file to install.
type LocalInstall struct {
	Path   string // the uploaded blob, in the blob dir; moved into place by prepare-snap
	Origin string // the name the user gave the file, for the summary
	Flags  Flags
}

// InstallFiles validates each file and creates one change that installs them
// all, each snap in its own lane so that one failure undoes only that snap.
func (m *Manager) InstallFiles(items []LocalInstall) (*state.Change, error) {
	if len(items) == 0 {
		return nil, errors.New("no snap files given")
	}
	var sups []setup
	for _, it := range items {
		sup, err := m.checkLocal(it)
		if err != nil {
			return nil, err
		}
		for _, other := range sups {
			if other.Name == sup.Name {
				return nil, fmt.Errorf("cannot install snap %q twice in one change", sup.Name)
			}
		}
		sups = append(sups, sup)
	}

	spec := state.ChangeSpec{Kind: "install-snap"}
	var names []string
	for i, sup := range sups {
		names = append(names, sup.Name)
		spec.Tasks = append(spec.Tasks, installTasks(sup, len(spec.Tasks), i+1)...)
	}
	spec.Snaps = names
	if len(sups) == 1 {
		spec.Summary = fmt.Sprintf("Install %q snap from file %q", sups[0].Name, sups[0].Origin)
		spec.Data = map[string]any{"snap-name": sups[0].Name}
	} else {
		spec.Summary = fmt.Sprintf("Install snaps %s from files", quoteList(names))
		spec.Data = map[string]any{"snap-names": names}
	}
	chg, err := m.engine.NewChange(spec)
	if err != nil {
		return nil, err
	}
	m.log.WithField("change", chg.ID).Infof("install of %s requested", quoteList(names))
	return chg, nil
}

func quoteList(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q", n)
	}
	return s
}

// checkLocal reads and validates the snap.yaml of an uploaded file before
// anything is mounted, and decides its revision.
func (m *Manager) checkLocal(it LocalInstall) (setup, error) {
	raw, info, err := readSnapFile(it.Path)
	if err != nil {
		return setup{}, &Error{Message: fmt.Sprintf("cannot install %q: %v", it.Origin, err), Cause: err}
	}
	if !it.Flags.Dangerous {
		return setup{}, &Error{Message: fmt.Sprintf("cannot find signatures with metadata for snap %q: install unsigned snaps with --dangerous", it.Origin)}
	}
	switch info.Confinement {
	case snap.DevModeConfinement:
		if !it.Flags.DevMode {
			return setup{}, &Error{Kind: KindNeedsDevMode, Value: info.Name,
				Message: fmt.Sprintf("snap %q requires devmode or confinement override: install it with --devmode", info.Name)}
		}
	case snap.ClassicConfinement:
		if !it.Flags.Classic {
			return setup{}, &Error{Kind: KindNeedsClassic, Value: info.Name,
				Message: fmt.Sprintf("snap %q requires classic confinement: install it with --classic if you trust it with the whole system", info.Name)}
		}
	}
	fi, err := os.Stat(it.Path)
	if err != nil {
		return setup{}, err
	}
	var st *SnapState
	if err := m.db.View(func(tx *state.Tx) error {
		st, err = getSnapState(tx, info.Name)
		return err
	}); err != nil {
		return setup{}, err
	}
	if st != nil {
		// Refresh is its own issue: until then a second install of an
		// installed snap is refused rather than half-supported.
		return setup{}, &Error{Kind: "snap-already-installed", Value: info.Name,
			Message: fmt.Sprintf("snap %q is already installed: remove it first (local refresh is not supported yet)", info.Name)}
	}
	return setup{
		Name:     info.Name,
		Revision: st.nextLocalRevision(),
		Source:   it.Path,
		Origin:   it.Origin,
		YAML:     string(raw),
		Size:     fi.Size(),
		Flags:    it.Flags,
	}, nil
}

func installTasks(sup setup, first, lane int) []state.TaskSpec {
	rev := sup.Revision.String()
	data := map[string]any{"snap-setup": sup}
	mk := func(kind, summary string) state.TaskSpec {
		return state.TaskSpec{Kind: kind, Summary: summary, Data: data, Lanes: []int{lane}}
	}
	tasks := []state.TaskSpec{
		mk("prerequisites", fmt.Sprintf("Ensure prerequisites for %q are available", sup.Name)),
		mk("prepare-snap", fmt.Sprintf("Prepare snap %q (%s)", sup.Source, rev)),
		mk("mount-snap", fmt.Sprintf("Mount snap %q (%s)", sup.Name, rev)),
		mk("copy-snap-data", fmt.Sprintf("Copy snap %q data", sup.Name)),
		mk("setup-profiles", fmt.Sprintf("Setup snap %q (%s) security profiles", sup.Name, rev)),
		mk("link-snap", fmt.Sprintf("Make snap %q (%s) available to the system", sup.Name, rev)),
	}
	for i := 1; i < len(tasks); i++ {
		tasks[i].WaitFor = []int{first + i - 1}
	}
	return tasks
}

func taskSetup(t *state.TaskContext) (setup, error) {
	var sup setup
	ok, err := t.Get("snap-setup", &sup)
	if err != nil {
		return sup, err
	}
	if !ok {
		return sup, fmt.Errorf("internal error: task %s has no snap-setup", t.ID())
	}
	return sup, nil
}

// setupInfo is the task's setup with its snap.yaml parsed, revision set.
func setupInfo(t *state.TaskContext) (setup, *snap.Info, error) {
	sup, err := taskSetup(t)
	if err != nil {
		return sup, nil, err
	}
	info, err := snap.ReadInfoYAML([]byte(sup.YAML))
	if err != nil {
		return sup, nil, err
	}
	info.Revision = sup.Revision
	return sup, info, nil
}

func (m *Manager) doPrerequisites(t *state.TaskContext) error {
	sup, info, err := setupInfo(t)
	if err != nil {
		return err
	}
	if info.Base == "" || info.Base == "none" || info.Type != snap.TypeApp {
		return nil
	}
	var base *SnapState
	if err := t.DB().View(func(tx *state.Tx) error {
		base, err = getSnapState(tx, info.Base)
		return err
	}); err != nil {
		return err
	}
	if base == nil || !base.Active {
		// The failing task's own undo does not run, so the upload that
		// would never be moved into place is removed here.
		os.Remove(sup.Source)
		return fmt.Errorf("cannot install snap %q: its base %q is not installed: install the base snap first", sup.Name, info.Base)
	}
	return nil
}

// undoPrerequisites runs when a later task failed before prepare-snap took
// the upload, so the uploaded file is not left behind.
func (m *Manager) undoPrerequisites(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	if err := os.Remove(sup.Source); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (m *Manager) doPrepareSnap(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	blob := m.paths.BlobPath(sup.Name, sup.Revision.String())
	if _, err := os.Stat(sup.Source); os.IsNotExist(err) {
		if _, err := os.Stat(blob); err == nil {
			return nil // moved before a crash
		}
		return fmt.Errorf("uploaded snap file %s is gone: install it again", sup.Source)
	}
	if err := os.MkdirAll(m.paths.BlobDir(), 0o755); err != nil {
		return err
	}
	if err := os.Rename(sup.Source, blob); err != nil {
		return fmt.Errorf("cannot move snap file into place: %w", err)
	}
	return syncDir(m.paths.BlobDir())
}

func (m *Manager) undoPrepareSnap(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	err = os.Remove(m.paths.BlobPath(sup.Name, sup.Revision.String()))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

func (m *Manager) doMountSnap(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	rev := sup.Revision.String()
	dir := m.paths.MountDir(sup.Name, rev)
	if err := mount.MountSquashfs(m.paths.BlobPath(sup.Name, rev), dir); err != nil {
		return fmt.Errorf("cannot mount snap %q (%s): %w", sup.Name, rev, err)
	}
	// The kernel's view must agree with what was validated from the file.
	raw, err := os.ReadFile(filepath.Join(dir, "meta", "snap.yaml"))
	if err == nil {
		var info *snap.Info
		if info, err = snap.ReadInfoYAML(raw); err == nil && info.Name != sup.Name {
			err = fmt.Errorf("mounted snap is named %q, not %q", info.Name, sup.Name)
		}
	}
	if err != nil {
		if uerr := m.unmountRevision(sup.Name, rev); uerr != nil {
			m.log.WithField("change", t.ChangeID()).Warnf("cannot unmount after failed check: %v", uerr)
		}
		return fmt.Errorf("cannot use mounted snap %q: %w", sup.Name, err)
	}
	return nil
}

func (m *Manager) undoMountSnap(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	return m.unmountRevision(sup.Name, sup.Revision.String())
}

func (m *Manager) unmountRevision(name, rev string) error {
	dir := m.paths.MountDir(name, rev)
	if err := mount.Unmount(dir); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("cannot remove mount point: %w", err)
	}
	removeIfEmpty(m.paths.SnapDir(name))
	return nil
}

func (m *Manager) doCopySnapData(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	root := m.paths.SnapDataRoot(sup.Name)
	// Remember before creating anything whether the snap's data root is
	// new, so that undo removes only what this install made.
	var created bool
	ok, err := t.Get("created-data-root", &created)
	if err != nil {
		return err
	}
	if !ok {
		_, statErr := os.Stat(root)
		if err := t.Set("created-data-root", os.IsNotExist(statErr)); err != nil {
			return err
		}
	}
	for _, dir := range []string{m.paths.DataDir(sup.Name, sup.Revision.String()), m.paths.CommonDataDir(sup.Name)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("cannot create data directory: %w", err)
		}
	}
	return nil
}

func (m *Manager) undoCopySnapData(t *state.TaskContext) error {
	sup, err := taskSetup(t)
	if err != nil {
		return err
	}
	var created bool
	if _, err := t.Get("created-data-root", &created); err != nil {
		return err
	}
	if created {
		return os.RemoveAll(m.paths.SnapDataRoot(sup.Name))
	}
	return os.RemoveAll(m.paths.DataDir(sup.Name, sup.Revision.String()))
}

// readSnapFile reads meta/snap.yaml out of the squashfs without mounting it,
// so nothing is mounted for a file that is not a valid snap.
func readSnapFile(path string) ([]byte, *snap.Info, error) {
	ok, err := squashfs.IsSquashfs(path)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, errors.New("not a snap file: it is not a squashfs image")
	}
	raw, err := squashfs.ReadFile(path, "meta/snap.yaml")
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read meta/snap.yaml: %w", err)
	}
	info, err := snap.ReadInfoYAML(raw)
	if err != nil {
		return nil, nil, err
	}
	return raw, info, nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
