package interfaces

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/mount/profile"
	"github.com/snappy-pm/snappy/snap"
)

func TestPolicy(t *testing.T) {
	tests := []struct {
		name                  string
		auto, super, onSystem bool
	}{
		{"network", true, false, true},
		{"network-bind", true, false, true},
		{"home", true, false, true},
		{"removable-media", false, false, true},
		{"system-observe", false, false, true},
		{"log-observe", false, false, true},
		{"mount-observe", false, false, true},
		{"hardware-observe", false, false, true},
		{"process-control", false, false, true},
		{"personal-files", false, true, true},
		{"system-files", false, true, true},
		{"content", true, false, false},
		{"docker", false, true, false},
		{"docker-support", false, true, true},
		{"lxd", false, true, false},
		{"lxd-support", false, true, true},
		{"desktop", true, false, true},
		{"x11", true, false, true},
		{"wayland", true, false, true},
		{"opengl", true, false, true},
	}
	r := NewRepository()
	if len(r.Interfaces()) != len(tests) {
		t.Errorf("%d interfaces, %d in the table", len(r.Interfaces()), len(tests))
	}
	for _, tt := range tests {
		i := r.Interface(tt.name)
		if i == nil {
			t.Errorf("%s: not registered", tt.name)
			continue
		}
		if i.AutoConnect() != tt.auto || i.SuperPrivileged() != tt.super || i.ImplicitOnSystem() != tt.onSystem {
			t.Errorf("%s: auto %v super %v system %v, want %v %v %v", tt.name,
				i.AutoConnect(), i.SuperPrivileged(), i.ImplicitOnSystem(), tt.auto, tt.super, tt.onSystem)
		}
	}
}

// allConnections connects one plug of every interface, with attributes
// where the interface needs them, and returns them.
func allConnections(t *testing.T) map[string]Connection {
	t.Helper()
	plugs := `name: all
version: "1"
apps:
  app:
    command: bin/app
plugs:
  personal-files: {read: [$HOME/.config/all], write: [$HOME/.local/share/all]}
  system-files: {read: [/etc/all.conf], write: [/var/lib/all]}
  runtime: {interface: content, content: rt, target: $SNAP_DATA/rt}
  docker:
  lxd:
`
	for _, i := range builtins() {
		switch i.Name() {
		case "personal-files", "system-files", "content", "docker", "lxd":
		default:
			plugs += "  " + i.Name() + ":\n"
		}
	}
	r := newRepo(t, plugs, `name: provider
version: "1"
slots:
  rt: {interface: content, read: [$SNAP/lib, $SNAP/bin], write: [$SNAP_DATA/state]}
  docker:
  lxd:
`)
	out := map[string]Connection{}
	info := r.snaps["all"]
	for name, p := range info.Plugs {
		slotSnap, slot := "system", p.Interface
		if name == "runtime" {
			slotSnap, slot = "provider", "rt"
		} else if name == "docker" || name == "lxd" {
			slotSnap = "provider"
		}
		ref, err := r.Connect("all", name, slotSnap, slot)
		if err != nil {
			t.Fatal(err)
		}
		c := r.conns[ref.ID()]
		out[p.Interface] = c.Connection
	}
	return out
}

func TestEverySnippetIsWellFormed(t *testing.T) {
	conns := allConnections(t)
	for _, i := range builtins() {
		c, ok := conns[i.Name()]
		if !ok {
			t.Fatalf("%s: not connected", i.Name())
		}
		s := i.Snippets(c)
		if s.Empty() {
			t.Errorf("%s grants nothing", i.Name())
		}
		if len(s.AppArmor) == 0 {
			t.Errorf("%s has no AppArmor rules", i.Name())
		}
		for _, m := range s.Mounts {
			if err := m.Validate(); err != nil {
				t.Errorf("%s: %v", i.Name(), err)
			}
		}
		l := s.Landlock
		for _, p := range slices.Concat(l.ReadExec, l.Read, l.ReadWrite) {
			probe := profile.ExpandPath(p, "/home/u", 1000)
			if !filepath.IsAbs(probe) || strings.Contains(probe, "$") {
				t.Errorf("%s: landlock path %q", i.Name(), p)
			}
		}
	}
}

func TestContentSnippets(t *testing.T) {
	s := allConnections(t)["content"]
	got := (&content{}).Snippets(s)
	want := []profile.Entry{
		{Source: "/snap/provider/3/lib", Target: "/var/snap/all/3/rt/lib", Type: "none", Options: []string{"rbind", "ro", "nodev"}},
		{Source: "/snap/provider/3/bin", Target: "/var/snap/all/3/rt/bin", Type: "none", Options: []string{"rbind", "ro", "nodev"}},
		{Source: "/var/snap/provider/3/state", Target: "/var/snap/all/3/rt/state", Type: "none", Options: []string{"rbind", "rw", "nodev"}},
	}
	if len(got.Mounts) != len(want) {
		t.Fatalf("%+v", got.Mounts)
	}
	for i := range want {
		if g := got.Mounts[i]; g.Source != want[i].Source || g.Target != want[i].Target || !slices.Equal(g.Options, want[i].Options) {
			t.Errorf("mount %d: %+v, want %+v", i, g, want[i])
		}
	}
	if !slices.Equal(got.Landlock.ReadWrite, []string{"/var/snap/all/3/rt/state"}) || len(got.Landlock.ReadExec) != 2 {
		t.Errorf("landlock %+v", got.Landlock)
	}
	if p := DefaultProvider(&snap.PlugInfo{Attrs: map[string]any{"default-provider": "gtk:gtk-3"}}); p != "gtk" {
		t.Errorf("default provider %q", p)
	}
}

func TestFilesSnippets(t *testing.T) {
	c := allConnections(t)
	pf := (personalFiles{}).Snippets(c["personal-files"])
	if !slices.Equal(pf.AppArmor, []string{
		`owner "@{HOME}/.config/all{,/,/**}" rk,`,
		`owner "@{HOME}/.local/share/all{,/,/**}" rwkl,`,
	}) {
		t.Errorf("personal-files apparmor %q", pf.AppArmor)
	}
	if !slices.Equal(pf.Landlock.Read, []string{"$HOME/.config/all"}) || !slices.Equal(pf.Landlock.ReadWrite, []string{"$HOME/.local/share/all"}) {
		t.Errorf("personal-files landlock %+v", pf.Landlock)
	}
	sf := (systemFiles{}).Snippets(c["system-files"])
	if len(sf.Mounts) != 2 || sf.Mounts[0].Target != "/etc/all.conf" || !sf.Mounts[0].ReadOnly() || sf.Mounts[1].ReadOnly() {
		t.Errorf("system-files mounts %+v", sf.Mounts)
	}
}

func TestSanitizeFailures(t *testing.T) {
	tests := []struct {
		yaml, err string
	}{
		{"plugs:\n  p: {interface: personal-files, read: [/etc/x]}", `must start with "$HOME/"`},
		{"plugs:\n  p: {interface: personal-files, write: [$HOME/../x]}", "is not clean"},
		{"plugs:\n  p: {interface: personal-files}", `needs a "read" or "write"`},
		{"plugs:\n  p: {interface: personal-files, read: $HOME/x}", "must be a list of strings"},
		{"plugs:\n  p: {interface: personal-files, read: [\"$HOME/.ssh/*\"]}", "contains one of"},
		{"plugs:\n  p: {interface: system-files, read: [etc/x]}", "must be absolute"},
		{"plugs:\n  p: {interface: system-files, read: [/etc/../root]}", "is not clean"},
		{"plugs:\n  p: {interface: system-files, read: [/]}", "whole tree's root"},
		{"plugs:\n  p: {interface: system-files, read: [/etc/$HOME]}", "may not contain '$'"},
		{"plugs:\n  p: {interface: content}", `needs a "target"`},
		{"plugs:\n  p: {interface: content, target: /opt/x}", "must start with $SNAP"},
		{"plugs:\n  p: {interface: content, target: $SNAP/../x}", "is not clean"},
		{"plugs:\n  p: {interface: content, target: $SNAP/x, content: [a]}", `"content" must be a string`},
		{"slots:\n  s: {interface: content}", `needs a "read" or "write"`},
		{"slots:\n  s: {interface: content, read: [/etc]}", "must start with $SNAP"},
		{"slots:\n  s: {interface: docker, socket: run/x.sock}", "must be absolute"},
		{"plugs:\n  p: {interface: home, read: some}", `must be "all"`},
		{"plugs:\n  p: {interface: no-such}", `unknown interface "no-such"`},
		{"slots:\n  s: {interface: no-such}", `unknown interface "no-such"`},
		{"slots:\n  network:", `only the system offers "network"`},
	}
	for _, tt := range tests {
		r := NewRepository()
		err := r.AddSnap(mustSnap(t, "name: sx\nversion: \"1\"\n"+tt.yaml+"\n"), AddOptions{AllowSuperPrivileged: true})
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s:\ngot %v, want %q", tt.yaml, err, tt.err)
		}
	}
}

func TestSuperPrivilegedNeedsPermission(t *testing.T) {
	for _, iface := range []string{"docker", "docker-support", "lxd", "lxd-support", "personal-files", "system-files"} {
		y := "name: sx\nversion: \"1\"\nplugs:\n  p: {interface: " + iface + ", read: [$HOME/.x]}\n"
		if iface != "personal-files" {
			y = strings.Replace(y, "$HOME/.x", "/etc/x", 1)
		}
		r := NewRepository()
		err := r.AddSnap(mustSnap(t, y), AddOptions{})
		if err == nil || !strings.Contains(err.Error(), "needs a store declaration or --dangerous") {
			t.Errorf("%s without permission: %v", iface, err)
		}
		if err := r.AddSnap(mustSnap(t, y), AddOptions{AllowSuperPrivileged: true}); err != nil {
			t.Errorf("%s with permission: %v", iface, err)
		}
	}
}

func TestSystemSnap(t *testing.T) {
	r := NewRepository()
	core := &snap.Info{Name: "core", Type: snap.TypeOS}
	if err := r.AddSnap(core, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := core.Slots["network"]; !ok {
		t.Fatal("core has no implicit network slot")
	}
	if _, ok := core.Slots["content"]; ok {
		t.Fatal("content is not implicit")
	}
	if err := r.AddSystem(); err == nil {
		t.Fatal("two system snaps")
	}
	if err := r.RemoveSnap("system"); err != nil {
		t.Fatal(err)
	}
	if err := r.AddSystem(); err != nil {
		t.Fatal(err)
	}
}
