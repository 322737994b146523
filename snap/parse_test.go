package snap

import (
	"reflect"
	"testing"
	"time"
)

const fullYAML = `
name: hello-world
version: 1.10
summary: The classic greeting
description: |
  Says hello.
title: Hello World
license: MIT
type: app
base: core22
confinement: devmode
grade: devel
epoch: 1*
architectures: [amd64]
assumes: [command-chain]
environment:
  ZED: last-alphabetically
  ALPHA: $ZED/x
  NUM: 1.50
plugs:
  home:
  shared:
    interface: content
    target: $SNAP/shared
    sizes: [1, 2]
  only-app: network
slots:
  dbus-svc:
    interface: dbus
    bus: session
apps:
  hello:
    command: bin/hello --greet
    command-chain: [snap/command-chain/launcher]
    environment: {B: 2, A: 1}
    completer: share/completion
    aliases: [hi]
  svc:
    command: bin/svc
    daemon: notify
    daemon-scope: system
    stop-command: bin/stop
    reload-command: bin/reload
    post-stop-command: bin/post
    restart-condition: on-failure
    restart-delay: 10s
    start-timeout: 1m
    stop-timeout: 1m30s
    watchdog-timeout: 500ms
    stop-mode: sigterm-all
    install-mode: disable
    refresh-mode: endure
    after: [other]
    timer: mon,10:00
    plugs: [only-app, network-bind]
    sockets:
      sock: {listen-stream: $SNAP_DATA/sock, socket-mode: 0600}
    bus-name: org.example.Svc
    common-id: org.example.Svc
  other:
    command: bin/other
    daemon: simple
    before: [svc]
hooks:
  install:
  configure:
    plugs: [network]
    command-chain: [bin/hookwrap]
    environment: {H: h}
layout:
  /usr/share/hello:
    bind: $SNAP/usr/share/hello
unknown-field: ignored
`

func TestReadInfoYAMLFull(t *testing.T) {
	info, err := ReadInfoYAML([]byte(fullYAML))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("Name", info.Name, "hello-world")
	check("Version", info.Version, "1.10")
	check("Summary", info.Summary, "The classic greeting")
	check("Description", info.Description, "Says hello.\n")
	check("Title", info.Title, "Hello World")
	check("License", info.License, "MIT")
	check("Type", info.Type, TypeApp)
	check("Base", info.Base, "core22")
	check("Confinement", info.Confinement, DevModeConfinement)
	check("Grade", info.Grade, "devel")
	check("Epoch", info.Epoch.String(), "1*")
	check("Architectures", info.Architectures, []string{"amd64"})
	check("Assumes", info.Assumes, []string{"command-chain"})
	check("Environment", info.Environment, []EnvVar{{"ZED", "last-alphabetically"}, {"ALPHA", "$ZED/x"}, {"NUM", "1.50"}})
	check("Layout", info.Layout, map[string]map[string]string{"/usr/share/hello": {"bind": "$SNAP/usr/share/hello"}})
	check("Revision", info.Revision.Unset(), true)

	hello := info.Apps["hello"]
	check("hello.Snap", hello.Snap, info)
	check("hello.Command", hello.Command, "bin/hello --greet")
	check("hello.CommandChain", hello.CommandChain, []string{"snap/command-chain/launcher"})
	check("hello.Environment", hello.Environment, []EnvVar{{"B", "2"}, {"A", "1"}})
	check("hello.Completer", hello.Completer, "share/completion")
	check("hello.Aliases", hello.Aliases, []string{"hi"})
	check("hello.SecurityTag", hello.SecurityTag(), "snap.hello-world.hello")
	check("hello.IsService", hello.IsService(), false)
	// home and shared are listed by nobody, so every app and hook gets them.
	check("hello.Plugs", hello.Plugs, []string{"home", "shared"})
	check("hello.Slots", hello.Slots, []string{"dbus-svc"})

	svc := info.Apps["svc"]
	check("svc.IsService", svc.IsService(), true)
	check("svc.Daemon", svc.Daemon, "notify")
	check("svc.DaemonScope", svc.DaemonScope, "system")
	check("svc.StopCommand", svc.StopCommand, "bin/stop")
	check("svc.ReloadCommand", svc.ReloadCommand, "bin/reload")
	check("svc.PostStopCommand", svc.PostStopCommand, "bin/post")
	check("svc.RestartCondition", svc.RestartCondition, "on-failure")
	check("svc.RestartDelay", svc.RestartDelay, 10*time.Second)
	check("svc.StartTimeout", svc.StartTimeout, time.Minute)
	check("svc.StopTimeout", svc.StopTimeout, 90*time.Second)
	check("svc.WatchdogTimeout", svc.WatchdogTimeout, 500*time.Millisecond)
	check("svc.StopMode", svc.StopMode, "sigterm-all")
	check("svc.InstallMode", svc.InstallMode, "disable")
	check("svc.RefreshMode", svc.RefreshMode, "endure")
	check("svc.After", svc.After, []string{"other"})
	check("svc.Timer", svc.Timer, "mon,10:00")
	check("svc.Sockets", svc.Sockets, map[string]map[string]string{"sock": {"listen-stream": "$SNAP_DATA/sock", "socket-mode": "0600"}})
	check("svc.BusName", svc.BusName, "org.example.Svc")
	check("svc.CommonID", svc.CommonID, "org.example.Svc")
	check("svc.Plugs", svc.Plugs, []string{"home", "network-bind", "only-app", "shared"})
	check("other.Before", info.Apps["other"].Before, []string{"svc"})
	check("Services", len(info.Services()), 2)

	install, configure := info.Hooks["install"], info.Hooks["configure"]
	check("install.SecurityTag", install.SecurityTag(), "snap.hello-world.hook.install")
	check("install.Plugs", install.Plugs, []string{"home", "shared"})
	check("configure.Plugs", configure.Plugs, []string{"home", "network", "shared"})
	check("configure.CommandChain", configure.CommandChain, []string{"bin/hookwrap"})
	check("configure.Environment", configure.Environment, []EnvVar{{"H", "h"}})

	shared := info.Plugs["shared"]
	check("shared.Interface", shared.Interface, "content")
	check("shared.Attrs", shared.Attrs, map[string]any{"target": "$SNAP/shared", "sizes": []any{1, 2}})
	check("shared.Apps", shared.Apps, []string{"hello", "other", "svc"})
	check("shared.Hooks", shared.Hooks, []string{"configure", "install"})
	check("home.Interface", info.Plugs["home"].Interface, "home")
	onlyApp := info.Plugs["only-app"]
	check("only-app.Interface", onlyApp.Interface, "network")
	check("only-app.Apps", onlyApp.Apps, []string{"svc"})
	check("only-app.Hooks", onlyApp.Hooks, []string(nil))
	// Listed but never declared: created with the interface of its name.
	nb := info.Plugs["network-bind"]
	check("network-bind.Interface", nb.Interface, "network-bind")
	check("network-bind.Apps", nb.Apps, []string{"svc"})
	check("network.Hooks", info.Plugs["network"].Hooks, []string{"configure"})
	check("network.Apps", info.Plugs["network"].Apps, []string(nil))
	slot := info.Slots["dbus-svc"]
	check("dbus-svc.Interface", slot.Interface, "dbus")
	check("dbus-svc.Attrs", slot.Attrs, map[string]any{"bus": "session"})
	check("dbus-svc.Snap", slot.Snap, info)
}

func TestReadInfoYAMLDefaults(t *testing.T) {
	info, err := ReadInfoYAML([]byte("name: hello\nversion: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != TypeApp || info.Confinement != StrictConfinement || info.Grade != GradeStable {
		t.Errorf("defaults: type=%q confinement=%q grade=%q", info.Type, info.Confinement, info.Grade)
	}
	if !reflect.DeepEqual(info.Architectures, []string{"all"}) {
		t.Errorf("architectures = %v", info.Architectures)
	}
	if !reflect.DeepEqual(info.Epoch, Epoch{Read: []uint32{0}, Write: []uint32{0}}) {
		t.Errorf("epoch = %#v", info.Epoch)
	}
	if info.Apps == nil || info.Hooks == nil || info.Plugs == nil || info.Slots == nil {
		t.Error("maps must be non-nil so callers can index them")
	}
	// Explicit empty values also get the defaults.
	info, err = ReadInfoYAML([]byte("name: hello\nversion: 1\ntype:\nconfinement: ''\ngrade:\narchitectures: []\nepoch:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Type != TypeApp || info.Confinement != StrictConfinement || info.Grade != GradeStable ||
		!reflect.DeepEqual(info.Architectures, []string{"all"}) || info.Epoch.String() != "0" {
		t.Errorf("empty values: %+v", info)
	}
}

func TestYAMLAnchorsResolve(t *testing.T) {
	y := "name: hello\nversion: 1\nx-env: &env {A: b}\napps:\n  a: {command: a, environment: *env}\n"
	info, err := ReadInfoYAML([]byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Apps["a"].Environment; !reflect.DeepEqual(got, []EnvVar{{"A", "b"}}) {
		t.Errorf("environment via alias = %v", got)
	}
}

func TestAddImplicitHooks(t *testing.T) {
	info, err := ReadInfoYAML([]byte(`name: hello
version: 1
plugs: {home: , net: network}
apps: {a: {command: a, plugs: [net]}}
hooks: {install: }
`))
	if err != nil {
		t.Fatal(err)
	}
	skipped := AddImplicitHooks(info, []string{"install", "configure", "frobnicate", "connect-plug-home"})
	if !reflect.DeepEqual(skipped, []string{"frobnicate"}) {
		t.Errorf("skipped = %v", skipped)
	}
	if got := info.HookNames(); !reflect.DeepEqual(got, []string{"configure", "connect-plug-home", "install"}) {
		t.Fatalf("hooks = %v", got)
	}
	// net is scoped to app a; home is unscoped and reaches the new hooks.
	if got := info.Hooks["configure"].Plugs; !reflect.DeepEqual(got, []string{"home"}) {
		t.Errorf("configure plugs = %v", got)
	}
	if got := info.Plugs["home"].Hooks; !reflect.DeepEqual(got, []string{"configure", "connect-plug-home", "install"}) {
		t.Errorf("home hooks = %v", got)
	}
	if info.Hooks["configure"].Snap != info {
		t.Error("implicit hook has no Snap")
	}
	if err := Validate(info); err != nil {
		t.Errorf("info with implicit hooks no longer validates: %v", err)
	}
}
