// Package daemon serves snapd's /v2 REST API on a unix socket and wires the
// state engine and the managers behind it.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/snappy-pm/snappy/confine/launch"
	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/daemon/state"
	"github.com/snappy-pm/snappy/snap/paths"
)

// Version is reported by system-info; set at build time with -ldflags.
var Version = "0.1.0"

// Options configure a Daemon.
type Options struct {
	Paths   paths.Paths
	Log     logrus.FieldLogger
	Manager snapmgr.Options
}

// Daemon is the running snapd: its database, engine, managers and API.
type Daemon struct {
	paths  paths.Paths
	log    logrus.FieldLogger
	db     *state.DB
	engine *state.Engine
	snaps  *snapmgr.Manager
	server *http.Server
	ln     net.Listener
	done   chan error

	quit     chan struct{}
	bg       sync.WaitGroup
	stopOnce sync.Once
	stopErr  error
}

// New opens the state and registers the managers; nothing runs until Start.
func New(opts Options) (*Daemon, error) {
	if opts.Log == nil {
		opts.Log = logrus.StandardLogger()
	}
	p := opts.Paths
	// The layout's top directories always exist, as on a snapd system, so
	// a failed install that undoes itself leaves exactly what was there.
	for _, dir := range []string{p.StateDir(), p.BlobDir(), p.SequenceDir(), p.BinDir(),
		p.SeccompDir(), p.AppArmorDir(), p.LandlockDir(), p.MountProfileDir(), filepath.Join(p.Root, "var", "snap")} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create %s: %w", dir, err)
		}
	}
	if err := makeTmp(p); err != nil {
		return nil, err
	}
	db, err := state.Open(p.StateDB())
	if err != nil {
		return nil, err
	}
	engine := state.New(db, opts.Log)
	d := &Daemon{
		paths:  p,
		log:    opts.Log,
		db:     db,
		engine: engine,
		snaps:  snapmgr.New(p, db, engine, opts.Log, opts.Manager),
	}
	d.server = &http.Server{
		Handler:           d.routes(),
		ConnContext:       withPeer,
		ReadHeaderTimeout: 30 * time.Second,
	}
	return d, nil
}

// makeTmp makes sure R/tmp and R/tmp/snap-private-tmp exist: a real system
// has /tmp, a throwaway root may not, and the private /tmp of every snap
// lives below it (mount/profile checks their owner and mode at launch).
func makeTmp(p paths.Paths) error {
	tmp := filepath.Join(p.Root, "tmp")
	if _, err := os.Stat(tmp); os.IsNotExist(err) {
		if err := os.Mkdir(tmp, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
		if err := os.Chmod(tmp, 0o777|os.ModeSticky); err != nil {
			return err
		}
	}
	private := filepath.Dir(filepath.Dir(p.PrivateTmpDir("x")))
	if err := os.Mkdir(private, 0o711); err != nil && !os.IsExist(err) {
		return fmt.Errorf("cannot create %s: %w", private, err)
	}
	return os.Chmod(private, 0o711)
}

// Start mounts what is installed, resumes or undoes the changes a crash
// interrupted, and then serves the socket.
func (d *Daemon) Start() error {
	if err := d.snaps.Boot(); err != nil {
		return err
	}
	if err := d.engine.Start(); err != nil {
		return err
	}
	ln, err := listenSocket(d.paths.Socket())
	if err != nil {
		d.engine.Stop()
		return err
	}
	d.ln = ln
	d.done = make(chan error, 1)
	d.quit = make(chan struct{})
	go func() { d.done <- d.server.Serve(ln) }()
	d.bg.Add(1)
	go func() { defer d.bg.Done(); d.pruneLoop() }()
	d.log.Infof("snapd %s listening on %s", Version, d.paths.Socket())
	// Once per start: what the running kernel lets the launcher enforce.
	feats := launch.SandboxFeatures()
	for _, k := range []string{"landlock", "apparmor", "seccomp", "confinement-options"} {
		if f, ok := feats[k]; ok {
			d.log.Infof("sandbox %s: %s", k, strings.Join(f, " "))
		}
	}
	return nil
}

// listenSocket replaces a stale socket and opens it to every local user, as
// snapd's is: access is decided per request from the peer's credentials.
func listenSocket(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("another snapd is already serving %s", path)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("cannot remove stale socket: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// Stop stops serving, lets the engine park in-flight tasks and closes the
// database. Tasks cut short resume at the next Start. Stopping twice is
// harmless.
func (d *Daemon) Stop() error {
	d.stopOnce.Do(func() { d.stopErr = d.stop() })
	return d.stopErr
}

func (d *Daemon) stop() error {
	var errs []error
	if d.quit != nil {
		close(d.quit)
		d.bg.Wait()
	}
	if d.ln != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, d.server.Shutdown(ctx))
		cancel()
		if err := <-d.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs = append(errs, err)
		}
		os.Remove(d.paths.Socket())
	}
	d.engine.Stop()
	errs = append(errs, d.db.Close())
	return errors.Join(errs...)
}

// pruneLoop forgets old finished changes now and then, so the history
// that `snap changes` reads stays bounded.
func (d *Daemon) pruneLoop() {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if err := d.engine.Prune(time.Now()); err != nil {
			d.log.Warnf("cannot prune old changes: %v", err)
		}
		select {
		case <-d.quit:
			return
		case <-tick.C:
		}
	}
}

// Engine exposes the state engine to tests and to the managers to come.
func (d *Daemon) Engine() *state.Engine { return d.engine }

// route dispatches by method, so unknown methods get the error envelope too.
type route map[string]http.HandlerFunc

func (rt route) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, ok := rt[r.Method]
	if !ok {
		errorResponse(w, http.StatusMethodNotAllowed, "", fmt.Sprintf("method %s not allowed", r.Method), nil)
		return
	}
	if !allowed(r) {
		errorResponse(w, http.StatusForbidden, "login-required", "access denied", nil)
		return
	}
	h(w, r)
}

func (d *Daemon) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v2/system-info", route{"GET": d.getSystemInfo})
	mux.Handle("/v2/snaps", route{"GET": d.getSnaps, "POST": d.postSnaps})
	mux.Handle("/v2/snaps/{name}", route{"GET": d.getSnap, "POST": d.postSnap})
	mux.Handle("/v2/changes", route{"GET": d.getChanges})
	mux.Handle("/v2/changes/{id}", route{"GET": d.getChange, "POST": d.postChange})
	mux.Handle("/v2/apps", route{"GET": d.getApps})
	mux.Handle("/v2/find", route{"GET": d.getFind})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		errorResponse(w, http.StatusNotFound, "", "not found", nil)
	})
	return mux
}
