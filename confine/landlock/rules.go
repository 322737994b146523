// Package landlock confines an app's files and TCP ports with Landlock on
// kernels without AppArmor. The daemon writes each app's Rules at install
// time; the launcher reads them and applies them to its own thread just
// before it execs the app.
//
// The package makes the Landlock system calls itself through x/sys/unix
// rather than through go-landlock: go-landlock's syscall package imports
// libcap's psx, which is cgo (and wraps pthread_create for the whole
// binary) whenever cgo is enabled, and the launcher must stay pure Go.
//
// Landlock has no complain mode, so devmode applies no Landlock rules at
// all: the caller skips Apply for devmode apps.
package landlock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Rules is what one app (or hook) may reach. Paths are as the app sees
// them inside its mount namespace, since Apply runs after pivot_root.
type Rules struct {
	Tag string `json:"tag"`
	// ReadExec is the runtime (base or host system dirs) and $SNAP.
	ReadExec []string `json:"read-exec"`
	// Read grants reading files and listing directories beneath.
	Read []string `json:"read"`
	// ReadWrite grants every access right beneath: the data dirs, the
	// private /tmp, harmless devices.
	ReadWrite []string `json:"read-write"`

	// TCPBind and TCPConnect are the only ports allowed where the
	// kernel's Landlock has network rules (ABI 4 and later).
	TCPBind    []uint16 `json:"tcp-bind,omitempty"`
	TCPConnect []uint16 `json:"tcp-connect,omitempty"`
	// AllowAllTCPBind and AllowAllTCPConnect leave that right unhandled,
	// for interfaces (network, network-bind) that grant every port.
	AllowAllTCPBind    bool `json:"allow-all-tcp-bind,omitempty"`
	AllowAllTCPConnect bool `json:"allow-all-tcp-connect,omitempty"`

	// Scoped keeps abstract unix sockets and signals inside the app's
	// own Landlock domain (ABI 6 and later).
	Scoped bool `json:"scoped,omitempty"`
}

// Write stores r at path as JSON. It replaces any previous file
// atomically, so a launcher never reads half a rule set.
func Write(path string, r Rules) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename this finds nothing
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Read loads the rules stored at path. Unknown fields are an error: a
// launcher older than the file would otherwise drop a restriction it does
// not understand and run the app less confined than intended.
func Read(path string) (Rules, error) {
	var r Rules
	data, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Rules{}, fmt.Errorf("landlock rules %s: %w", path, err)
	}
	if err := r.check(); err != nil {
		return Rules{}, fmt.Errorf("landlock rules %s: %w", path, err)
	}
	return r, nil
}

// check refuses relative paths: they would depend on the launcher's
// working directory.
func (r Rules) check() error {
	for _, list := range [][]string{r.ReadExec, r.Read, r.ReadWrite} {
		for _, p := range list {
			if !filepath.IsAbs(p) {
				return fmt.Errorf("path %q is not absolute", p)
			}
		}
	}
	return nil
}
