package snap

import (
	"slices"
	"sort"

	"gopkg.in/yaml.v3"
)

// A top-level plug or slot is written one of three ways:
//
//	plugs:
//	  network:                  # interface "network"
//	  home-rw: home             # interface "home"
//	  shared: {interface: content, target: $SNAP/shared}
func parsePlugsSlots(info *Info, plugsNode, slotsNode *yaml.Node) error {
	plugs, err := parsePlugDecls("plugs", plugsNode)
	if err != nil {
		return err
	}
	slots, err := parsePlugDecls("slots", slotsNode)
	if err != nil {
		return err
	}
	for _, d := range plugs {
		info.Plugs[d.name] = &PlugInfo{Snap: info, Name: d.name, Interface: d.iface, Attrs: d.attrs}
	}
	for _, d := range slots {
		info.Slots[d.name] = &SlotInfo{Snap: info, Name: d.name, Interface: d.iface, Attrs: d.attrs}
	}
	return nil
}

type plugDecl struct {
	name, iface string
	attrs       map[string]any
}

func parsePlugDecls(field string, n *yaml.Node) ([]plugDecl, error) {
	kvs, err := mapEntries(field, n)
	if err != nil {
		return nil, err
	}
	decls := make([]plugDecl, 0, len(kvs))
	for _, kv := range kvs {
		f := join(field, kv.key)
		d := plugDecl{name: kv.key, iface: kv.key, attrs: map[string]any{}}
		val := resolve(kv.val)
		switch {
		case isNull(val):
		case val.Kind == yaml.ScalarNode:
			d.iface = val.Value
		case val.Kind == yaml.MappingNode:
			attrs, err := mapEntries(f, val)
			if err != nil {
				return nil, err
			}
			for _, a := range attrs {
				if a.key == "interface" {
					if d.iface, err = scalar(join(f, "interface"), a.val); err != nil {
						return nil, err
					}
					continue
				}
				var v any
				if err := a.val.Decode(&v); err != nil {
					return nil, invalid(join(f, a.key), "", "cannot be read: %v", err)
				}
				d.attrs[a.key] = v
			}
		default:
			return nil, invalid(f, "", "must be an interface name or a map of attributes, not %s", kindName(val))
		}
		decls = append(decls, d)
	}
	return decls, nil
}

// bindPlugsSlots follows snapd: an app or hook gets the plugs it lists (a
// listed plug that isn't declared at top level is created with the
// interface of the same name), and a top-level plug that nobody lists
// binds to every app and hook.
func bindPlugsSlots(info *Info) {
	for _, name := range info.AppNames() {
		app := info.Apps[name]
		for _, p := range app.declaredPlugs {
			plug := info.plug(p)
			plug.scoped = true
			plug.Apps = appendUnique(plug.Apps, name)
		}
		for _, s := range app.declaredSlots {
			slot := info.slot(s)
			slot.scoped = true
			slot.Apps = appendUnique(slot.Apps, name)
		}
	}
	for _, name := range info.HookNames() {
		hook := info.Hooks[name]
		for _, p := range hook.declaredPlugs {
			plug := info.plug(p)
			plug.scoped = true
			plug.Hooks = appendUnique(plug.Hooks, name)
		}
		for _, s := range hook.declaredSlots {
			slot := info.slot(s)
			slot.scoped = true
			slot.Hooks = appendUnique(slot.Hooks, name)
		}
	}
	for _, plug := range info.Plugs {
		if !plug.scoped {
			plug.Apps = info.AppNames()
			plug.Hooks = info.HookNames()
		}
	}
	for _, slot := range info.Slots {
		if !slot.scoped {
			slot.Apps = info.AppNames()
			slot.Hooks = info.HookNames()
		}
	}
	for _, app := range info.Apps {
		app.Plugs, app.Slots = nil, nil
	}
	for _, hook := range info.Hooks {
		hook.Plugs, hook.Slots = nil, nil
	}
	for _, name := range sortedKeys(info.Plugs) {
		plug := info.Plugs[name]
		for _, a := range plug.Apps {
			info.Apps[a].Plugs = append(info.Apps[a].Plugs, name)
		}
		for _, h := range plug.Hooks {
			info.Hooks[h].Plugs = append(info.Hooks[h].Plugs, name)
		}
	}
	for _, name := range sortedKeys(info.Slots) {
		slot := info.Slots[name]
		for _, a := range slot.Apps {
			info.Apps[a].Slots = append(info.Apps[a].Slots, name)
		}
		for _, h := range slot.Hooks {
			info.Hooks[h].Slots = append(info.Hooks[h].Slots, name)
		}
	}
}

func (info *Info) plug(name string) *PlugInfo {
	if p, ok := info.Plugs[name]; ok {
		return p
	}
	p := &PlugInfo{Snap: info, Name: name, Interface: name, Attrs: map[string]any{}}
	info.Plugs[name] = p
	return p
}

func (info *Info) slot(name string) *SlotInfo {
	if s, ok := info.Slots[name]; ok {
		return s
	}
	s := &SlotInfo{Snap: info, Name: name, Interface: name, Attrs: map[string]any{}}
	info.Slots[name] = s
	return s
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	list = append(list, s)
	sort.Strings(list)
	return list
}

// AddImplicitHooks adds the hooks found as files in meta/hooks/ but not
// declared in snap.yaml, as snapd does: they get every plug and slot that no
// app or hook lists explicitly. Names that aren't known hooks are skipped,
// since nothing would ever run them; the skipped names are returned.
func AddImplicitHooks(info *Info, names []string) (skipped []string) {
	if info.Hooks == nil {
		info.Hooks = map[string]*HookInfo{}
	}
	for _, name := range names {
		if _, ok := info.Hooks[name]; ok {
			continue
		}
		if ValidateHookName(name) != nil {
			skipped = append(skipped, name)
			continue
		}
		hook := &HookInfo{Snap: info, Name: name}
		for _, pn := range sortedKeys(info.Plugs) {
			if p := info.Plugs[pn]; !p.scoped {
				p.Hooks = appendUnique(p.Hooks, name)
				hook.Plugs = append(hook.Plugs, pn)
			}
		}
		for _, sn := range sortedKeys(info.Slots) {
			if s := info.Slots[sn]; !s.scoped {
				s.Hooks = appendUnique(s.Hooks, name)
				hook.Slots = append(hook.Slots, sn)
			}
		}
		info.Hooks[name] = hook
	}
	return skipped
}
