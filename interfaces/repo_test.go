package interfaces

import (
	"slices"
	"strings"
	"testing"
)

func TestConnRefID(t *testing.T) {
	c := ConnRef{"a", "p", "b", "s"}
	if c.ID() != "a:p b:s" {
		t.Fatal(c.ID())
	}
}

func TestConnectErrors(t *testing.T) {
	r := newRepo(t, consumerYAML, frameworkYAML)
	tests := []struct {
		plugSnap, plug, slotSnap, slot, err string
	}{
		{"consumer", "nope", "system", "network", `snap "consumer" has no plug named "nope"`},
		{"consumer", "network", "system", "nope", `snap "snapd" has no slot named "nope"`},
		{"ghost", "network", "system", "network", `snap "ghost" is not installed`},
		{"consumer", "network", "system", "home", `cannot connect consumer:network ("network" interface) to snapd:home ("home" interface)`},
	}
	for _, tt := range tests {
		_, err := r.Connect(tt.plugSnap, tt.plug, tt.slotSnap, tt.slot)
		if err == nil || err.Error() != tt.err {
			t.Errorf("Connect(%s:%s, %s:%s) = %v, want %q", tt.plugSnap, tt.plug, tt.slotSnap, tt.slot, err, tt.err)
		}
	}
	ref, err := r.Connect("consumer", "network", "system", "network")
	if err != nil || ref.ID() != "consumer:network snapd:network" {
		t.Fatalf("%v %v", ref, err)
	}
	if _, err := r.Connect("consumer", "network", "", "network"); err == nil || !strings.Contains(err.Error(), "already connected") {
		t.Fatalf("second connect: %v", err)
	}
	if err := r.Disconnect("consumer", "home", "system", "home"); err == nil || err.Error() != "cannot disconnect consumer:home from snapd:home, it is not connected" {
		t.Fatalf("disconnect unconnected: %v", err)
	}
	if err := r.Disconnect("consumer", "network", "system", "network"); err != nil {
		t.Fatal(err)
	}
	if got := r.Connections(""); len(got) != 0 {
		t.Fatalf("left: %v", got)
	}
}

func TestContentMustMatch(t *testing.T) {
	other := strings.Replace(frameworkYAML, "content: runtime-1", "content: runtime-2", 1)
	r := newRepo(t, consumerYAML, other)
	if _, err := r.Connect("consumer", "runtime", "framework", "runtime"); err == nil || !strings.Contains(err.Error(), `content "runtime-1" of the plug does not match content "runtime-2"`) {
		t.Fatalf("got %v", err)
	}
}

func TestRemoveSnapRefusedWhileConnected(t *testing.T) {
	r := newRepo(t, consumerYAML, frameworkYAML)
	if _, err := r.Connect("consumer", "engine", "framework", "docker"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"consumer", "framework"} {
		if err := r.RemoveSnap(name); err == nil || !strings.Contains(err.Error(), "still connected") {
			t.Fatalf("remove %s: %v", name, err)
		}
	}
	if err := r.Disconnect("consumer", "engine", "framework", "docker"); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveSnap("framework"); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveSnap("framework"); err == nil {
		t.Fatal("removed twice")
	}
}

func TestAutoConnectCandidates(t *testing.T) {
	r := newRepo(t, frameworkYAML, consumerYAML)
	want := []ConnRef{
		{"consumer", "home", "snapd", "home"},
		{"consumer", "network", "snapd", "network"},
		{"consumer", "runtime", "framework", "runtime"}, // content matches; docker is manual
	}
	if got := r.AutoConnectCandidates("consumer"); !slices.Equal(got, want) {
		t.Fatalf("consumer: got %v\nwant %v", got, want)
	}
	// The provider installed after its consumer picks the consumer up.
	if got := r.AutoConnectCandidates("framework"); !slices.Equal(got, want[2:]) {
		t.Fatalf("framework: got %v", got)
	}
	// Already made connections are not proposed again.
	if _, err := r.Connect("consumer", "network", "system", "network"); err != nil {
		t.Fatal(err)
	}
	if got := r.AutoConnectCandidates("consumer"); len(got) != 2 {
		t.Fatalf("after connect: %v", got)
	}
}

func TestAutoConnectAmbiguous(t *testing.T) {
	second := strings.Replace(frameworkYAML, "name: framework", "name: framework2", 1)
	r := newRepo(t, frameworkYAML, second, consumerYAML)
	for _, c := range r.AutoConnectCandidates("consumer") {
		if c.Plug == "runtime" {
			t.Fatalf("ambiguous content plug auto-connected: %v", c)
		}
	}
}

func TestSnippetsForMerges(t *testing.T) {
	r := newRepo(t, consumerYAML, frameworkYAML)
	for _, c := range []ConnRef{
		{"consumer", "network", "system", "network"},
		{"consumer", "removable-media", "system", "removable-media"},
		{"consumer", "runtime", "framework", "runtime"},
		{"consumer", "engine", "framework", "docker"},
	} {
		if _, err := r.Connect(c.PlugSnap, c.Plug, c.SlotSnap, c.Slot); err != nil {
			t.Fatal(err)
		}
	}
	app := r.SnippetsFor("snap.consumer.app")
	if !app.Landlock.AllowAllTCPConnect || !slices.Contains(app.Seccomp, "socket AF_INET") {
		t.Fatalf("network missing: %+v", app)
	}
	if !slices.Contains(app.Landlock.ReadWrite, "/media") {
		t.Fatalf("removable-media missing: %+v", app.Landlock)
	}
	targets := func(s Snippets) []string {
		var out []string
		for _, m := range s.Mounts {
			out = append(out, m.Target)
		}
		return out
	}
	wantApp := []string{"/run/systemd/resolve", "/media", "/mnt", "/run/media", "/var/snap/framework/common/engine.sock", "/snap/consumer/3/runtime"}
	if got := targets(app); !sameSet(got, wantApp) {
		t.Fatalf("app mounts %v, want %v", got, wantApp)
	}
	// "other" lists no plugs, so it gets the top-level ones only.
	other := r.SnippetsFor("snap.consumer.other")
	if other.Landlock.AllowAllTCPConnect || len(other.Seccomp) != 0 {
		t.Fatalf("other got network: %+v", other)
	}
	if got := targets(other); !sameSet(got, []string{"/var/snap/framework/common/engine.sock", "/snap/consumer/3/runtime"}) {
		t.Fatalf("other mounts %v", got)
	}
	// The provider's engine app gains nothing from its slots.
	if s := r.SnippetsFor("snap.framework.engine"); !s.Empty() {
		t.Fatalf("engine: %+v", s)
	}
	for _, m := range app.Mounts {
		if err := m.Validate(); err != nil {
			t.Errorf("mount %v: %v", m, err)
		}
	}
	if c := app.Mounts[len(app.Mounts)-1]; c.Source != "/snap/framework/3/runtime" || !c.ReadOnly() {
		t.Fatalf("content mount %+v", c)
	}
}

func TestSnippetsMergeDeduplicates(t *testing.T) {
	var s Snippets
	s.Merge(network.Snippets(Connection{}))
	s.Merge(networkBind.Snippets(Connection{}))
	s.Merge(network.Snippets(Connection{}))
	if n := strings.Count(strings.Join(s.Seccomp, "\n"), "socket AF_INET\n"); n != 1 {
		t.Fatalf("AF_INET %d times: %v", n, s.Seccomp)
	}
	if !s.Landlock.AllowAllTCPBind || !s.Landlock.AllowAllTCPConnect || len(s.Mounts) != 1 {
		t.Fatalf("%+v", s)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSnippetsForHook(t *testing.T) {
	r := newRepo(t, `name: hooked
version: "1"
apps:
  app:
    command: bin/app
hooks:
  configure:
    plugs: [network]
`)
	if _, err := r.Connect("hooked", "network", "system", "network"); err != nil {
		t.Fatal(err)
	}
	if s := r.SnippetsFor("snap.hooked.hook.configure"); !s.Landlock.AllowAllTCPConnect {
		t.Fatalf("hook: %+v", s)
	}
	if s := r.SnippetsFor("snap.hooked.app"); !s.Empty() {
		t.Fatalf("app got the hook's plug: %+v", s)
	}
}
