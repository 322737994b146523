package interfaces

import (
	"slices"

	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// builtins is every interface Snappy knows. Each lives in its own file.
func builtins() []Interface {
	return []Interface{
		network, networkBind, home, removableMedia,
		systemObserve, logObserve, mountObserve, hardwareObserve, processControl,
		&personalFiles{}, &systemFiles{}, &content{},
		docker, dockerSupport, lxd, lxdSupport,
		desktop, x11, wayland, opengl,
	}
}

// fixed is an interface whose grant does not depend on attributes: most
// of them. Policy flags and snippets are data.
type fixed struct {
	name                      string
	auto, superPriv, implicit bool
	plug                      Snippets
}

func (f *fixed) Name() string                      { return f.name }
func (f *fixed) AutoConnect() bool                 { return f.auto }
func (f *fixed) SuperPrivileged() bool             { return f.superPriv }
func (f *fixed) ImplicitOnSystem() bool            { return f.implicit }
func (f *fixed) SanitizePlug(*snap.PlugInfo) error { return nil }
func (f *fixed) SanitizeSlot(*snap.SlotInfo) error { return nil }

// Snippets returns a copy, so a caller appending to it cannot change what
// the next connection gets.
func (f *fixed) Snippets(Connection) Snippets { return f.plug.clone() }

func (s Snippets) clone() Snippets {
	c := s
	c.Seccomp = slices.Clone(s.Seccomp)
	c.AppArmor = slices.Clone(s.AppArmor)
	c.Landlock.ReadExec = slices.Clone(s.Landlock.ReadExec)
	c.Landlock.Read = slices.Clone(s.Landlock.Read)
	c.Landlock.ReadWrite = slices.Clone(s.Landlock.ReadWrite)
	c.Landlock.TCPBind = slices.Clone(s.Landlock.TCPBind)
	c.Landlock.TCPConnect = slices.Clone(s.Landlock.TCPConnect)
	c.Mounts = slices.Clone(s.Mounts)
	return c
}

// bindHost makes a host path visible at the same place in the namespace.
// It is optional: a machine without /media, or a desktop session without
// Wayland, must not stop the app from starting.
func bindHost(path string, rw bool) profile.Entry {
	mode := profile.OptRO
	if rw {
		mode = profile.OptRW
	}
	return profile.Entry{Source: path, Target: path, Type: profile.TypeBind,
		Options: []string{profile.OptRBind, mode, "nosuid", "nodev", profile.OptOptional}}
}
