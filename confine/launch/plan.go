package launch

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
)

// plan is everything stage 2 does, decided by stage 1.
type plan struct {
	Tag    string
	Mounts []profile.Entry // expanded: host sources, inside targets
	Argv   []string
	// Shells, when set, are candidates for Argv[ShellAt]: the first that
	// exists inside the namespace is used.
	Shells  []string
	ShellAt int
	Env     []string

	// Dir is the caller's working directory, kept when the same
	// directory (device and inode) is visible inside; else FallbackDir.
	Dir            string
	DirDev, DirIno uint64
	FallbackDir    string

	Seccomp  []byte          // the BPF program
	Landlock *landlock.Rules // nil: none (devmode, AppArmor)
	AppArmor string          // profile to switch to at exec
	// Strict, as opposed to devmode: root's app loses the capabilities
	// that reach past the confinement.
	Strict bool
	// OwnGroup puts the app in a process group of its own (no
	// controlling terminal: see the package documentation).
	OwnGroup bool
	Status   int // stage 2's end of the report pipe
}

// The plan travels in a format of its own rather than JSON: decoding
// JSON in a process that has just started costs stage 2 a third of a
// millisecond, on every launch. Strings and lists are length-prefixed.

// maxPlan bounds what stage 2 accepts, against a corrupt length.
const maxPlan = 16 << 20

func writePlan(w io.Writer, pl *plan) error {
	var e encoder
	e.b = make([]byte, 4, 8192) // room for the length
	e.str(pl.Tag)
	e.uint(uint64(len(pl.Mounts)))
	for _, m := range pl.Mounts {
		e.str(m.Source)
		e.str(m.Target)
		e.str(m.Type)
		e.strs(m.Options)
	}
	e.strs(pl.Argv)
	e.strs(pl.Shells)
	e.uint(uint64(pl.ShellAt))
	e.strs(pl.Env)
	e.str(pl.Dir)
	e.uint(pl.DirDev)
	e.uint(pl.DirIno)
	e.str(pl.FallbackDir)
	e.str(string(pl.Seccomp))
	e.bool(pl.Landlock != nil)
	if r := pl.Landlock; r != nil {
		e.str(r.Tag)
		e.strs(r.ReadExec)
		e.strs(r.Read)
		e.strs(r.ReadWrite)
		e.ports(r.TCPBind)
		e.ports(r.TCPConnect)
		e.bool(r.AllowAllTCPBind)
		e.bool(r.AllowAllTCPConnect)
		e.bool(r.Scoped)
	}
	e.str(pl.AppArmor)
	e.bool(pl.Strict)
	e.bool(pl.OwnGroup)
	e.uint(uint64(pl.Status))
	binary.LittleEndian.PutUint32(e.b, uint32(len(e.b)-4))
	_, err := w.Write(e.b)
	return err
}

func readPlan(r io.Reader) (*plan, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := binary.LittleEndian.Uint32(n[:])
	if size > maxPlan {
		return nil, fmt.Errorf("launch plan of %d bytes is too big", size)
	}
	d := decoder{b: make([]byte, size)}
	if _, err := io.ReadFull(r, d.b); err != nil {
		return nil, fmt.Errorf("cannot read the launch plan: %w", err)
	}
	pl := &plan{Tag: d.str()}
	pl.Mounts = make([]profile.Entry, d.count())
	for i := range pl.Mounts {
		pl.Mounts[i] = profile.Entry{Source: d.str(), Target: d.str(), Type: d.str(), Options: d.strs()}
	}
	pl.Argv = d.strs()
	pl.Shells = d.strs()
	pl.ShellAt = int(d.uint())
	pl.Env = d.strs()
	pl.Dir = d.str()
	pl.DirDev = d.uint()
	pl.DirIno = d.uint()
	pl.FallbackDir = d.str()
	pl.Seccomp = []byte(d.str())
	if d.bool() {
		pl.Landlock = &landlock.Rules{
			Tag: d.str(), ReadExec: d.strs(), Read: d.strs(), ReadWrite: d.strs(),
			TCPBind: d.ports(), TCPConnect: d.ports(),
			AllowAllTCPBind: d.bool(), AllowAllTCPConnect: d.bool(), Scoped: d.bool(),
		}
	}
	pl.AppArmor = d.str()
	pl.Strict = d.bool()
	pl.OwnGroup = d.bool()
	pl.Status = int(d.uint())
	if d.err == nil && len(d.b) > 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return nil, fmt.Errorf("corrupt launch plan: %w", d.err)
	}
	if pl.ShellAt >= len(pl.Argv) && len(pl.Shells) > 0 || len(pl.Argv) == 0 {
		return nil, errors.New("corrupt launch plan: no command")
	}
	return pl, nil
}
