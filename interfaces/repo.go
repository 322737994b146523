package interfaces

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/snappy-pm/snappy/snap"
)

// SystemSnap is what the API calls the host's side of a connection; the
// repository maps it onto whichever snap carries the implicit slots.
const SystemSnap = "system"

// ConnRef names a connection as snapd's API does.
type ConnRef struct{ PlugSnap, Plug, SlotSnap, Slot string }

// ID is "plugsnap:plug slotsnap:slot", snapd's key for a connection.
func (c ConnRef) ID() string {
	return c.PlugSnap + ":" + c.Plug + " " + c.SlotSnap + ":" + c.Slot
}

// AddOptions says how much a snap being added is trusted.
type AddOptions struct {
	// AllowSuperPrivileged lets the snap plug super-privileged
	// interfaces: the store signed a declaration for it, or the user
	// installed it with --dangerous.
	AllowSuperPrivileged bool
}

// Repository holds the known interfaces, the installed snaps' plugs and
// slots, and the connections between them. It is not safe for concurrent
// use: the daemon serialises changes to it.
type Repository struct {
	ifaces map[string]Interface
	snaps  map[string]*snap.Info
	conns  map[string]*connection // by ConnRef.ID
	system string                 // name of the snap with the implicit slots, "" until added
}

type connection struct {
	ref ConnRef
	Connection
}

// NewRepository returns a repository with every built-in interface.
func NewRepository() *Repository {
	r := &Repository{
		ifaces: map[string]Interface{},
		snaps:  map[string]*snap.Info{},
		conns:  map[string]*connection{},
	}
	for _, i := range builtins() {
		r.ifaces[i.Name()] = i
	}
	return r
}

// Interface returns the interface called name, or nil.
func (r *Repository) Interface(name string) Interface { return r.ifaces[name] }

// Interfaces returns every known interface, sorted by name.
func (r *Repository) Interfaces() []Interface {
	var out []Interface
	for _, n := range slices.Sorted(maps.Keys(r.ifaces)) {
		out = append(out, r.ifaces[n])
	}
	return out
}

// AddSystem adds the system side: a snapd snap offering every implicit
// slot. It is for hosts where no snapd or core snap is installed, which is
// Snappy's usual case.
func (r *Repository) AddSystem() error {
	info := &snap.Info{Name: "snapd", Type: snap.TypeSnapd,
		Plugs: map[string]*snap.PlugInfo{}, Slots: map[string]*snap.SlotInfo{}}
	return r.AddSnap(info, AddOptions{})
}

// AddSnap records info's plugs and slots. Every plug and slot must be of a
// known interface and pass its checks; a system snap (type snapd or os)
// gets the implicit slots it does not declare itself.
func (r *Repository) AddSnap(info *snap.Info, opts AddOptions) error {
	if _, ok := r.snaps[info.Name]; ok {
		return fmt.Errorf("snap %q is already in the interface repository", info.Name)
	}
	isSystem := info.Type == snap.TypeSnapd || info.Type == snap.TypeOS
	if isSystem && r.system != "" {
		return fmt.Errorf("cannot add system snap %q: %q already offers the system slots", info.Name, r.system)
	}
	for _, name := range slices.Sorted(maps.Keys(info.Plugs)) {
		p := info.Plugs[name]
		iface := r.ifaces[p.Interface]
		if iface == nil {
			return fmt.Errorf("snap %q has plug %q of unknown interface %q", info.Name, name, p.Interface)
		}
		if iface.SuperPrivileged() && !opts.AllowSuperPrivileged {
			return fmt.Errorf("snap %q plugs super-privileged interface %q: it needs a store declaration or --dangerous", info.Name, p.Interface)
		}
		if err := iface.SanitizePlug(p); err != nil {
			return fmt.Errorf("snap %q plug %q: %w", info.Name, name, err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(info.Slots)) {
		s := info.Slots[name]
		iface := r.ifaces[s.Interface]
		if iface == nil {
			return fmt.Errorf("snap %q has slot %q of unknown interface %q", info.Name, name, s.Interface)
		}
		// As in snapd's base declaration: an app cannot pretend to be the
		// host by offering a slot that only the system offers.
		if iface.ImplicitOnSystem() && !isSystem {
			return fmt.Errorf("snap %q cannot offer slot %q: only the system offers %q", info.Name, name, s.Interface)
		}
		if err := iface.SanitizeSlot(s); err != nil {
			return fmt.Errorf("snap %q slot %q: %w", info.Name, name, err)
		}
	}
	if isSystem {
		addImplicitSlots(info, r.ifaces)
		r.system = info.Name
	}
	r.snaps[info.Name] = info
	return nil
}

// addImplicitSlots gives the system snap a slot, named after the
// interface, for every implicit interface it does not declare.
func addImplicitSlots(info *snap.Info, ifaces map[string]Interface) {
	if info.Slots == nil {
		info.Slots = map[string]*snap.SlotInfo{}
	}
	for name, iface := range ifaces {
		if !iface.ImplicitOnSystem() {
			continue
		}
		if _, ok := info.Slots[name]; ok {
			continue
		}
		info.Slots[name] = &snap.SlotInfo{Snap: info, Name: name, Interface: name, Attrs: map[string]any{}}
	}
}

// RemoveSnap forgets a snap. A connected snap is refused: the daemon
// disconnects first, in the same change, so the backends are regenerated.
func (r *Repository) RemoveSnap(name string) error {
	name = r.resolve(name)
	if _, ok := r.snaps[name]; !ok {
		return fmt.Errorf("snap %q is not in the interface repository", name)
	}
	for _, c := range r.sortedConns() {
		if c.ref.PlugSnap == name || c.ref.SlotSnap == name {
			return fmt.Errorf("cannot remove snap %q: it is still connected (%s)", name, c.ref.ID())
		}
	}
	delete(r.snaps, name)
	if name == r.system {
		r.system = ""
	}
	return nil
}

// resolve maps "system" (and "") onto the system snap's real name.
func (r *Repository) resolve(name string) string {
	if (name == SystemSnap || name == "") && r.system != "" {
		return r.system
	}
	return name
}

func (r *Repository) sortedConns() []*connection {
	out := slices.Collect(maps.Values(r.conns))
	sort.Slice(out, func(i, j int) bool { return out[i].ref.ID() < out[j].ref.ID() })
	return out
}
