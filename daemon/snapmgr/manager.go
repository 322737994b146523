// Package snapmgr turns "install this file" and "remove this snap" into
// changes of undoable tasks, and owns the record of installed snaps.
//
// Every task handler is idempotent: after a crash the state engine runs a
// task that was in flight again from the start, so each handler first looks
// at what is already on disk and in the database before acting.
package snapmgr

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/sirupsen/logrus"

	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
)

// Options tune a Manager. The fault fields exist for the crash and undo
// tests, and are only set by snapd when SNAPPY_TESTING=1.
type Options struct {
	// SnapBinary is what app wrappers in R/snap/bin point at.
	SnapBinary string
	// FailTask makes the task of this kind fail after its work is done.
	FailTask string
	// CrashTask kills the daemon with SIGKILL at the task of this kind:
	// "KIND" before its work, "KIND:after" after it.
	CrashTask string
}

// Manager installs and removes snaps through the state engine.
type Manager struct {
	paths  paths.Paths
	db     *state.DB
	engine *state.Engine
	log    logrus.FieldLogger
	opts   Options

	infoMu    sync.Mutex
	infoCache map[string]*snap.Info
}

// New registers the manager's task handlers with engine.
func New(p paths.Paths, db *state.DB, engine *state.Engine, log logrus.FieldLogger, opts Options) *Manager {
	if opts.SnapBinary == "" {
		opts.SnapBinary = "/usr/bin/snap"
	}
	m := &Manager{paths: p, db: db, engine: engine, log: log, opts: opts, infoCache: map[string]*snap.Info{}}
	m.add("prerequisites", m.doPrerequisites, m.undoPrerequisites)
	m.add("prepare-snap", m.doPrepareSnap, m.undoPrepareSnap)
	m.add("mount-snap", m.doMountSnap, m.undoMountSnap)
	m.add("copy-snap-data", m.doCopySnapData, m.undoCopySnapData)
	m.add("setup-profiles", m.doSetupProfiles, m.undoSetupProfiles)
	m.add("link-snap", m.doLinkSnap, m.undoLinkSnap)
	m.add("unlink-snap", m.doUnlinkSnap, m.undoUnlinkSnap)
	m.add("remove-profiles", m.doRemoveProfiles, m.undoRemoveProfiles)
	m.add("clear-snap", m.doClearSnap, nil)
	m.add("discard-snap", m.doDiscardSnap, nil)
	return m
}

func (m *Manager) add(kind string, do, undo state.Handler) {
	m.engine.AddHandler(kind, m.faulty(kind, do, undo), undo)
}

// faulty wraps a handler with the injected faults of the tests. An injected
// failure comes after the task's work, which it then undoes itself: the
// engine never undoes a task that failed, so a real handler that fails
// half-way must clean up the same way.
func (m *Manager) faulty(kind string, h, undo state.Handler) state.Handler {
	if m.opts.FailTask != kind && m.opts.CrashTask != kind && m.opts.CrashTask != kind+":after" {
		return h
	}
	return func(t *state.TaskContext) error {
		if m.opts.CrashTask == kind {
			crash()
		}
		if err := h(t); err != nil {
			return err
		}
		if m.opts.CrashTask == kind+":after" {
			crash()
		}
		if m.opts.FailTask == kind {
			if undo != nil {
				if err := undo(t); err != nil {
					return fmt.Errorf("injected failure in %s, and its cleanup failed: %w", kind, err)
				}
			}
			return fmt.Errorf("injected failure in %s", kind)
		}
		return nil
	}
}

func crash() {
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// Paths returns the layout the manager works on.
func (m *Manager) Paths() paths.Paths { return m.paths }

// info parses (once) the snap.yaml recorded for one revision.
func (m *Manager) info(name string, rs *RevisionState) (*snap.Info, error) {
	key := name + "\x00" + rs.Revision.String() + "\x00" + rs.InstallDate.String()
	m.infoMu.Lock()
	defer m.infoMu.Unlock()
	if info, ok := m.infoCache[key]; ok {
		return info, nil
	}
	info, err := snap.ReadInfoYAML([]byte(rs.YAML))
	if err != nil {
		return nil, fmt.Errorf("cannot read recorded snap.yaml of %s (%s): %w", name, rs.Revision, err)
	}
	info.Revision = rs.Revision
	m.infoCache[key] = info
	return info, nil
}

// removeIfEmpty removes dir only when nothing is left in it: os.Remove
// refuses a non-empty directory, which is exactly the check wanted.
func removeIfEmpty(dir string) { _ = os.Remove(dir) }

// atomicSymlink points link at target, replacing what was there in one step.
func atomicSymlink(target, link string) error {
	if cur, err := os.Readlink(link); err == nil && cur == target {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		return err
	}
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
