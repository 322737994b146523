package interfaces

import (
	"slices"

	"github.com/snappy-pm/snappy/confine/landlock"
	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

// Interface is one kind of connection between a plug and a slot.
type Interface interface {
	Name() string
	// AutoConnect is the policy, in the spirit of snapd's base
	// declaration, for plugs of this interface: connect them at install
	// without asking.
	AutoConnect() bool
	// SuperPrivileged interfaces give a plugging snap (nearly) the whole
	// machine: only a snap the store signs a declaration for, or one
	// installed with --dangerous, may plug them.
	SuperPrivileged() bool
	// ImplicitOnSystem interfaces have a slot on the system snap (snapd
	// or core), offered by the host rather than by a snap.
	ImplicitOnSystem() bool
	SanitizePlug(*snap.PlugInfo) error
	SanitizeSlot(*snap.SlotInfo) error
	// Snippets is what the connection grants the plug side's apps and
	// hooks.
	Snippets(c Connection) Snippets
}

// slotSnippeter is implemented by interfaces that also grant something to
// the slot side's apps (a provider that must reach its consumers).
type slotSnippeter interface {
	SlotSnippets(c Connection) Snippets
}

// connectChecker is implemented by interfaces that refuse some pairs of
// plug and slot even on a manual connect (content: the content
// attributes must match).
type connectChecker interface {
	CheckConnection(c Connection) error
}

// autoConnectPairer narrows auto-connection to some slots: an interface
// that auto-connects only to a matching provider (content).
type autoConnectPairer interface {
	AutoConnectPair(plug *snap.PlugInfo, slot *snap.SlotInfo) bool
}

// Snippets is what one or more connections grant to each backend.
type Snippets struct {
	Seccomp  []string // rules in confine/seccomp's policy syntax
	AppArmor []string // rules inserted into the profile as they are
	// Landlock is additive: its path lists and AllowAll flags are merged
	// into the app's base rules; its Tag is unused.
	Landlock landlock.Rules
	// Mounts go after the namespace's own entries, in order.
	Mounts []profile.Entry
}

// Connection is a plug and a slot joined by one interface. The attributes
// are the connection's own copies: what the plug and slot declared, and
// later whatever hooks set.
type Connection struct {
	Plug                 *snap.PlugInfo
	Slot                 *snap.SlotInfo
	PlugAttrs, SlotAttrs map[string]any
}

// Empty reports whether s grants nothing at all.
func (s Snippets) Empty() bool {
	l := s.Landlock
	return len(s.Seccomp) == 0 && len(s.AppArmor) == 0 && len(s.Mounts) == 0 &&
		len(l.ReadExec) == 0 && len(l.Read) == 0 && len(l.ReadWrite) == 0 &&
		len(l.TCPBind) == 0 && len(l.TCPConnect) == 0 &&
		!l.AllowAllTCPBind && !l.AllowAllTCPConnect
}

// Merge adds o to s, dropping exact duplicates so that two connections of
// one interface (two network plugs) do not repeat rules. Mounts with the
// same target as an earlier one are dropped too: the launcher could only
// stack them, hiding the first.
func (s *Snippets) Merge(o Snippets) {
	s.Seccomp = appendNew(s.Seccomp, o.Seccomp...)
	s.AppArmor = appendNew(s.AppArmor, o.AppArmor...)
	l := &s.Landlock
	l.ReadExec = appendNew(l.ReadExec, o.Landlock.ReadExec...)
	l.Read = appendNew(l.Read, o.Landlock.Read...)
	l.ReadWrite = appendNew(l.ReadWrite, o.Landlock.ReadWrite...)
	l.TCPBind = appendNew(l.TCPBind, o.Landlock.TCPBind...)
	l.TCPConnect = appendNew(l.TCPConnect, o.Landlock.TCPConnect...)
	l.AllowAllTCPBind = l.AllowAllTCPBind || o.Landlock.AllowAllTCPBind
	l.AllowAllTCPConnect = l.AllowAllTCPConnect || o.Landlock.AllowAllTCPConnect
	for _, m := range o.Mounts {
		if !slices.ContainsFunc(s.Mounts, func(e profile.Entry) bool { return e.Target == m.Target }) {
			s.Mounts = append(s.Mounts, m)
		}
	}
}

func appendNew[T comparable](list []T, items ...T) []T {
	for _, it := range items {
		if !slices.Contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}
