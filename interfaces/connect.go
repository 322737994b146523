package interfaces

import (
	"fmt"
	"maps"
	"slices"

	"github.com/snappy-pm/snappy/snap"
)

func (r *Repository) plug(snapName, name string) (*snap.PlugInfo, error) {
	info, ok := r.snaps[snapName]
	if !ok {
		return nil, fmt.Errorf("snap %q is not installed", snapName)
	}
	p, ok := info.Plugs[name]
	if !ok {
		return nil, fmt.Errorf("snap %q has no plug named %q", snapName, name)
	}
	return p, nil
}

func (r *Repository) slot(snapName, name string) (*snap.SlotInfo, error) {
	info, ok := r.snaps[snapName]
	if !ok {
		return nil, fmt.Errorf("snap %q is not installed", snapName)
	}
	s, ok := info.Slots[name]
	if !ok {
		return nil, fmt.Errorf("snap %q has no slot named %q", snapName, name)
	}
	return s, nil
}

// Connect joins a plug to a slot of the same interface. slotSnap may be
// "system" (or "") for the host's implicit slots.
func (r *Repository) Connect(plugSnap, plugName, slotSnap, slotName string) (*ConnRef, error) {
	slotSnap = r.resolve(slotSnap)
	plug, err := r.plug(plugSnap, plugName)
	if err != nil {
		return nil, err
	}
	slot, err := r.slot(slotSnap, slotName)
	if err != nil {
		return nil, err
	}
	ref := ConnRef{PlugSnap: plugSnap, Plug: plugName, SlotSnap: slotSnap, Slot: slotName}
	if plug.Interface != slot.Interface {
		return nil, fmt.Errorf("cannot connect %s:%s (%q interface) to %s:%s (%q interface)",
			plugSnap, plugName, plug.Interface, slotSnap, slotName, slot.Interface)
	}
	if _, ok := r.conns[ref.ID()]; ok {
		return nil, fmt.Errorf("cannot connect %s:%s to %s:%s: already connected", plugSnap, plugName, slotSnap, slotName)
	}
	c := Connection{Plug: plug, Slot: slot, PlugAttrs: maps.Clone(plug.Attrs), SlotAttrs: maps.Clone(slot.Attrs)}
	if cc, ok := r.ifaces[plug.Interface].(connectChecker); ok {
		if err := cc.CheckConnection(c); err != nil {
			return nil, fmt.Errorf("cannot connect %s:%s to %s:%s: %w", plugSnap, plugName, slotSnap, slotName, err)
		}
	}
	r.conns[ref.ID()] = &connection{ref: ref, Connection: c}
	return &ref, nil
}

// Disconnect undoes Connect.
func (r *Repository) Disconnect(plugSnap, plugName, slotSnap, slotName string) error {
	slotSnap = r.resolve(slotSnap)
	if _, err := r.plug(plugSnap, plugName); err != nil {
		return err
	}
	if _, err := r.slot(slotSnap, slotName); err != nil {
		return err
	}
	ref := ConnRef{PlugSnap: plugSnap, Plug: plugName, SlotSnap: slotSnap, Slot: slotName}
	if _, ok := r.conns[ref.ID()]; !ok {
		return fmt.Errorf("cannot disconnect %s:%s from %s:%s, it is not connected", plugSnap, plugName, slotSnap, slotName)
	}
	delete(r.conns, ref.ID())
	return nil
}

// Connections returns every connection touching snapName ("" for all),
// sorted by ID.
func (r *Repository) Connections(snapName string) []ConnRef {
	snapName = r.resolve(snapName)
	var out []ConnRef
	for _, c := range r.sortedConns() {
		if snapName == "" || c.ref.PlugSnap == snapName || c.ref.SlotSnap == snapName {
			out = append(out, c.ref)
		}
	}
	return out
}

// AutoConnectCandidates returns the connections to make when snapName is
// installed: its own auto-connecting plugs, and other snaps' plugs that
// its slots now satisfy. As in snapd, a plug with more than one possible
// slot is left alone: guessing could hand it the wrong provider.
func (r *Repository) AutoConnectCandidates(snapName string) []ConnRef {
	snapName = r.resolve(snapName)
	info, ok := r.snaps[snapName]
	if !ok {
		return nil
	}
	var out []ConnRef
	add := func(ref ConnRef) {
		if _, done := r.conns[ref.ID()]; !done && !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(info.Plugs)) {
		if slots := r.autoSlots(info.Plugs[name]); len(slots) == 1 {
			add(ConnRef{snapName, name, slots[0].Snap.Name, slots[0].Name})
		}
	}
	for _, other := range slices.Sorted(maps.Keys(r.snaps)) {
		if other == snapName {
			continue
		}
		oi := r.snaps[other]
		for _, name := range slices.Sorted(maps.Keys(oi.Plugs)) {
			slots := r.autoSlots(oi.Plugs[name])
			if len(slots) == 1 && slots[0].Snap.Name == snapName {
				add(ConnRef{other, name, snapName, slots[0].Name})
			}
		}
	}
	return out
}

// autoSlots lists the slots of other snaps that plug may auto-connect to.
func (r *Repository) autoSlots(plug *snap.PlugInfo) []*snap.SlotInfo {
	iface := r.ifaces[plug.Interface]
	if iface == nil || !iface.AutoConnect() {
		return nil
	}
	pairer, _ := iface.(autoConnectPairer)
	var out []*snap.SlotInfo
	for _, sn := range slices.Sorted(maps.Keys(r.snaps)) {
		if sn == plug.Snap.Name {
			continue
		}
		info := r.snaps[sn]
		for _, name := range slices.Sorted(maps.Keys(info.Slots)) {
			slot := info.Slots[name]
			if slot.Interface != plug.Interface {
				continue
			}
			if pairer != nil && !pairer.AutoConnectPair(plug, slot) {
				continue
			}
			out = append(out, slot)
		}
	}
	return out
}

// SnippetsFor merges what every connection grants the app or hook with
// that security tag: plugs it is bound to, and slots whose interface
// grants the provider something too. Connections are visited in ID order
// so the artifacts are the same from one run to the next.
func (r *Repository) SnippetsFor(securityTag string) Snippets {
	var out Snippets
	for _, c := range r.sortedConns() {
		iface := r.ifaces[c.Plug.Interface]
		if boundTo(c.Plug.Snap, c.Plug.Apps, c.Plug.Hooks, securityTag) {
			out.Merge(iface.Snippets(c.Connection))
		}
		if ss, ok := iface.(slotSnippeter); ok && boundTo(c.Slot.Snap, c.Slot.Apps, c.Slot.Hooks, securityTag) {
			out.Merge(ss.SlotSnippets(c.Connection))
		}
	}
	return out
}

func boundTo(info *snap.Info, apps, hooks []string, tag string) bool {
	for _, a := range apps {
		if "snap."+info.Name+"."+a == tag {
			return true
		}
	}
	for _, h := range hooks {
		if "snap."+info.Name+".hook."+h == tag {
			return true
		}
	}
	return false
}
