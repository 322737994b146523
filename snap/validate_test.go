package snap

import (
	"strings"
	"testing"
)

const header = "name: hello\nversion: 1.0\n"

// Each rule has cases that pass and cases that fail; a failing case names
// the field its error must point at.
func TestSnapYAMLRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		yaml  string // appended to header unless it sets name itself
		field string // "" for valid
	}{
		// header fields
		{"minimal", "", ""},
		{"name missing", "version: 1\n", "name"},
		{"name invalid", "name: Hello\nversion: 1\n", "name"},
		{"name list", "name: [a]\nversion: 1\n", "name"},
		{"version missing", "name: hello\n", "version"},
		{"version float text kept", "name: hello\nversion: 1.10\n", ""},
		{"version invalid", "name: hello\nversion: 1.0.\n", "version"},
		{"version too long", "name: hello\nversion: " + strings.Repeat("1", 33) + "\n", "version"},
		{"unknown keys ignored", "frobnicate: yes\nparts: {a: b}\n", ""},
		{"type app", "type: app\n", ""},
		{"type gadget", "type: gadget\n", ""},
		{"type kernel", "type: kernel\n", ""},
		{"type snapd", "type: snapd\n", ""},
		{"type os", "type: os\n", ""},
		{"type base", "type: base\n", ""},
		{"type invalid", "type: application\n", "type"},
		{"confinement strict", "confinement: strict\n", ""},
		{"confinement devmode", "confinement: devmode\n", ""},
		{"confinement classic", "confinement: classic\n", ""},
		{"confinement invalid", "confinement: loose\n", "confinement"},
		{"grade stable", "grade: stable\n", ""},
		{"grade devel", "grade: devel\n", ""},
		{"grade invalid", "grade: beta\n", "grade"},
		{"title 40", "title: " + strings.Repeat("é", 40) + "\n", ""},
		{"title 41", "title: " + strings.Repeat("é", 41) + "\n", "title"},
		{"description 4096", "description: " + strings.Repeat("x", 4096) + "\n", ""},
		{"description 4097", "description: " + strings.Repeat("x", 4097) + "\n", "description"},
		{"summary and license", "summary: says hello\nlicense: MIT\n", ""},
		{"epoch star", "epoch: 2*\n", ""},
		{"epoch lists", "epoch: {read: [1, 2], write: [2]}\n", ""},
		{"epoch bad", "epoch: 0*\n", "epoch"},
		{"epoch disjoint", "epoch: {read: [1], write: [2]}\n", "epoch"},
		{"architectures one", "architectures: [amd64]\n", ""},
		{"architectures many", "architectures: [amd64, arm64]\n", ""},
		{"architectures all", "architectures: [all]\n", ""},
		{"architectures bad name", "architectures: [AMD64]\n", "architectures"},
		{"architectures all mixed", "architectures: [all, amd64]\n", "architectures"},
		{"architectures not list", "architectures: amd64\n", "architectures"},
		{"assumes", "assumes: [snapd2.60, command-chain]\n", ""},
		{"assumes bad", "assumes: [\"snapd 2\"]\n", "assumes"},
		{"assumes not list", "assumes: {a: b}\n", "assumes"},

		// base
		{"base app", "base: core22\n", ""},
		{"base invalid name", "base: Core22\n", "base"},
		{"base instance", "base: core22_foo\n", "base"},
		{"base on base snap", "type: base\nbase: core22\n", "base"},
		{"base none on base snap", "type: base\nbase: none\n", ""},
		{"base on os snap", "type: os\nbase: core\n", "base"},
		{"base none no apps", "base: none\n", ""},
		{"base none with apps", "base: none\napps: {a: {command: a}}\n", "base"},
		{"base none with hooks", "base: none\nhooks: {install: }\n", "base"},

		// environment
		{"environment", "environment: {A: 1, B_2: \"x\", _c: true, D: 1.50}\n", ""},
		{"environment bad key", "environment: {1A: x}\n", "environment"},
		{"environment dash key", "environment: {A-B: x}\n", "environment"},
		{"environment list value", "environment: {A: [x]}\n", "environment.A"},
		{"environment not map", "environment: [A]\n", "environment"},

		// apps: names and commands
		{"app", "apps: {hello: {command: bin/hello}}\n", ""},
		{"app name upper", "apps: {Hello: {command: bin/hello}}\n", ""},
		{"app name bad", "apps: {hello_world: {command: bin/hello}}\n", "apps"},
		{"app name dash end", "apps: {hello-: {command: bin/hello}}\n", "apps"},
		{"app not map", "apps: {hello: bin/hello}\n", "apps.hello"},
		{"apps not map", "apps: [hello]\n", "apps"},
		{"command missing", "apps: {hello: {daemon: simple}}\n", "apps.hello.command"},
		{"command args", "apps: {hello: {command: bin/hello --flag $SNAP_DATA/x}}\n", ""},
		{"command $SNAP", "apps: {hello: {command: $SNAP/bin/hello}}\n", ""},
		{"command absolute", "apps: {hello: {command: /bin/hello}}\n", "apps.hello.command"},
		{"command dotdot", "apps: {hello: {command: bin/../../etc/x}}\n", "apps.hello.command"},
		{"command quote", "apps: {hello: {command: \"bin/hello 'x'\"}}\n", "apps.hello.command"},
		{"command semicolon", "apps: {hello: {command: bin/a;rm}}\n", "apps.hello.command"},
		{"command blank", "apps: {hello: {command: \" \"}}\n", "apps.hello.command"},
		{"command list", "apps: {hello: {command: [a]}}\n", "apps.hello.command"},
		{"command-chain", "apps: {hello: {command: a, command-chain: [bin/wrap, snap/command-chain/x]}}\n", ""},
		{"command-chain space", "apps: {hello: {command: a, command-chain: [\"bin/wrap x\"]}}\n", "apps.hello.command-chain"},
		{"command-chain absolute", "apps: {hello: {command: a, command-chain: [/bin/wrap]}}\n", "apps.hello.command-chain"},
		{"command-chain dotdot", "apps: {hello: {command: a, command-chain: [../wrap]}}\n", "apps.hello.command-chain"},
		{"command-chain not list", "apps: {hello: {command: a, command-chain: bin/wrap}}\n", "apps.hello.command-chain"},
		{"completer", "apps: {hello: {command: a, completer: share/bash-completion/hello}}\n", ""},
		{"completer absolute", "apps: {hello: {command: a, completer: /etc/x}}\n", "apps.hello.completer"},
		{"app environment", "apps: {hello: {command: a, environment: {X: y}}}\n", ""},
		{"app environment bad", "apps: {hello: {command: a, environment: {X.Y: y}}}\n", "apps.hello.environment"},
		{"aliases", "apps: {hello: {command: a, aliases: [hi, hello.x]}}\n", ""},
		{"aliases bad", "apps: {hello: {command: a, aliases: [\"-hi\"]}}\n", "apps.hello.aliases"},
		{"aliases duplicate", "apps: {a: {command: a, aliases: [x]}, b: {command: b, aliases: [x]}}\n", "apps.b.aliases"},

		// apps: services
		{"daemon simple", "apps: {d: {command: d, daemon: simple}}\n", ""},
		{"daemon forking", "apps: {d: {command: d, daemon: forking}}\n", ""},
		{"daemon oneshot", "apps: {d: {command: d, daemon: oneshot}}\n", ""},
		{"daemon notify", "apps: {d: {command: d, daemon: notify}}\n", ""},
		{"daemon dbus", "apps: {d: {command: d, daemon: dbus, bus-name: org.example.D}}\n", ""},
		{"daemon invalid", "apps: {d: {command: d, daemon: always}}\n", "apps.d.daemon"},
		{"daemon-scope user", "apps: {d: {command: d, daemon: simple, daemon-scope: user}}\n", ""},
		{"daemon-scope bad", "apps: {d: {command: d, daemon: simple, daemon-scope: world}}\n", "apps.d.daemon-scope"},
		{"daemon-scope non-service", "apps: {d: {command: d, daemon-scope: user}}\n", "apps.d.daemon-scope"},
		{"stop-command", "apps: {d: {command: d, daemon: simple, stop-command: bin/stop, reload-command: bin/reload, post-stop-command: bin/post}}\n", ""},
		{"stop-command absolute", "apps: {d: {command: d, daemon: simple, stop-command: /bin/stop}}\n", "apps.d.stop-command"},
		{"reload-command bad", "apps: {d: {command: d, daemon: simple, reload-command: \"a|b\"}}\n", "apps.d.reload-command"},
		{"post-stop-command dotdot", "apps: {d: {command: d, daemon: simple, post-stop-command: ../x}}\n", "apps.d.post-stop-command"},
		{"stop-command non-service", "apps: {d: {command: d, stop-command: bin/stop}}\n", "apps.d.stop-command"},
		{"restart-condition always", "apps: {d: {command: d, daemon: simple, restart-condition: always}}\n", ""},
		{"restart-condition on-watchdog", "apps: {d: {command: d, daemon: simple, restart-condition: on-watchdog}}\n", ""},
		{"restart-condition never", "apps: {d: {command: d, daemon: simple, restart-condition: never}}\n", ""},
		{"restart-condition bad", "apps: {d: {command: d, daemon: simple, restart-condition: sometimes}}\n", "apps.d.restart-condition"},
		{"restart-condition non-service", "apps: {d: {command: d, restart-condition: always}}\n", "apps.d.restart-condition"},
		{"durations", "apps: {d: {command: d, daemon: simple, restart-delay: 10s, start-timeout: 1m, stop-timeout: 1m30s, watchdog-timeout: 500ms}}\n", ""},
		{"duration no unit", "apps: {d: {command: d, daemon: simple, restart-delay: 10}}\n", "apps.d.restart-delay"},
		{"duration negative", "apps: {d: {command: d, daemon: simple, stop-timeout: -5s}}\n", "apps.d.stop-timeout"},
		{"duration garbage", "apps: {d: {command: d, daemon: simple, start-timeout: soon}}\n", "apps.d.start-timeout"},
		{"duration non-service", "apps: {d: {command: d, watchdog-timeout: 5s}}\n", "apps.d.watchdog-timeout"},
		{"stop-mode sigterm", "apps: {d: {command: d, daemon: simple, stop-mode: sigterm}}\n", ""},
		{"stop-mode sigint-all", "apps: {d: {command: d, daemon: simple, stop-mode: sigint-all}}\n", ""},
		{"stop-mode sigusr2", "apps: {d: {command: d, daemon: simple, stop-mode: sigusr2}}\n", ""},
		{"stop-mode bad", "apps: {d: {command: d, daemon: simple, stop-mode: sigkill}}\n", "apps.d.stop-mode"},
		{"stop-mode non-service", "apps: {d: {command: d, stop-mode: sigterm}}\n", "apps.d.stop-mode"},
		{"install-mode disable", "apps: {d: {command: d, daemon: simple, install-mode: disable}}\n", ""},
		{"install-mode bad", "apps: {d: {command: d, daemon: simple, install-mode: later}}\n", "apps.d.install-mode"},
		{"install-mode non-service", "apps: {d: {command: d, install-mode: enable}}\n", "apps.d.install-mode"},
		{"refresh-mode endure", "apps: {d: {command: d, daemon: simple, refresh-mode: endure}}\n", ""},
		{"refresh-mode restart", "apps: {d: {command: d, daemon: simple, refresh-mode: restart}}\n", ""},
		{"refresh-mode bad", "apps: {d: {command: d, daemon: simple, refresh-mode: ignore}}\n", "apps.d.refresh-mode"},
		{"refresh-mode non-service", "apps: {d: {command: d, refresh-mode: endure}}\n", "apps.d.refresh-mode"},
		{"timer", "apps: {d: {command: d, daemon: oneshot, timer: \"00:00-24:00/4\"}}\n", ""},
		{"timer non-service", "apps: {d: {command: d, timer: \"00:00\"}}\n", "apps.d.timer"},
		{"bus-name non-service", "apps: {d: {command: d, bus-name: org.x}}\n", "apps.d.bus-name"},
		{"sockets", "apps: {d: {command: d, daemon: simple, plugs: [network-bind], sockets: {sock: {listen-stream: $SNAP_DATA/s.sock, socket-mode: 0660}}}}\n", ""},
		{"sockets without network-bind", "apps: {d: {command: d, daemon: simple, sockets: {sock: {listen-stream: 8080}}}}\n", "apps.d.sockets"},
		{"sockets top-level network-bind", "plugs: {network-bind: }\napps: {d: {command: d, daemon: simple, sockets: {sock: {listen-stream: 8080}}}}\n", ""},
		{"sockets bad name", "apps: {d: {command: d, daemon: simple, plugs: [network-bind], sockets: {Sock: {listen-stream: 8080}}}}\n", "apps.d.sockets"},
		{"sockets no listen-stream", "apps: {d: {command: d, daemon: simple, plugs: [network-bind], sockets: {sock: {socket-mode: 0660}}}}\n", "apps.d.sockets.sock.listen-stream"},
		{"sockets non-service", "apps: {d: {command: d, plugs: [network-bind], sockets: {sock: {listen-stream: 80}}}}\n", "apps.d.sockets"},
		{"sockets value list", "apps: {d: {command: d, daemon: simple, sockets: {sock: {listen-stream: [1]}}}}\n", "apps.d.sockets.sock.listen-stream"},

		// apps: ordering
		{"after", "apps: {a: {command: a, daemon: simple}, b: {command: b, daemon: simple, after: [a]}}\n", ""},
		{"before", "apps: {a: {command: a, daemon: simple, before: [b]}, b: {command: b, daemon: simple}}\n", ""},
		{"after missing app", "apps: {b: {command: b, daemon: simple, after: [a]}}\n", "apps.b.after"},
		{"after non-service", "apps: {a: {command: a}, b: {command: b, daemon: simple, after: [a]}}\n", "apps.b.after"},
		{"before from non-service", "apps: {a: {command: a, before: [b]}, b: {command: b, daemon: simple}}\n", "apps.a.before"},
		{"after self", "apps: {a: {command: a, daemon: simple, after: [a]}}\n", "apps.a.after"},
		{"cycle", "apps: {a: {command: a, daemon: simple, after: [b]}, b: {command: b, daemon: simple, after: [a]}}\n", "apps.a"},
		{"cycle via before", "apps: {a: {command: a, daemon: simple, before: [b]}, b: {command: b, daemon: simple, before: [c]}, c: {command: c, daemon: simple, before: [a]}}\n", "apps.a"},

		// hooks
		{"hooks", "hooks: {install: , configure: {plugs: [network]}, connect-plug-home: {}}\n", ""},
		{"hook unknown", "hooks: {frobnicate: }\n", "hooks"},
		{"hook bad name", "hooks: {Install: }\n", "hooks"},
		{"hook not map", "hooks: {install: yes}\n", "hooks.install"},
		{"hook command-chain", "hooks: {install: {command-chain: [bin/wrap]}}\n", ""},
		{"hook command-chain bad", "hooks: {install: {command-chain: [/bin/wrap]}}\n", "hooks.install.command-chain"},
		{"hook environment bad", "hooks: {install: {environment: {9: x}}}\n", "hooks.install.environment"},
		{"hook plugs not list", "hooks: {install: {plugs: network}}\n", "hooks.install.plugs"},

		// plugs and slots
		{"plug null", "plugs: {network: }\n", ""},
		{"plug shorthand", "plugs: {home-rw: home}\n", ""},
		{"plug attrs", "plugs: {shared: {interface: content, target: $SNAP/shared, default-provider: x}}\n", ""},
		{"plug bad name", "plugs: {Net: }\n", "plugs"},
		{"plug bad interface", "plugs: {net: Network}\n", "plugs.net.interface"},
		{"plug bad interface in map", "plugs: {net: {interface: net_work}}\n", "plugs.net.interface"},
		{"plug interface list", "plugs: {net: {interface: [a]}}\n", "plugs.net.interface"},
		{"plug value list", "plugs: {net: [a]}\n", "plugs.net"},
		{"plugs list top-level", "plugs: [network]\n", "plugs"},
		{"slot", "slots: {db: {interface: content, read: [$SNAP/db]}}\n", ""},
		{"slot bad name", "slots: {db_1: }\n", "slots"},
		{"slot bad interface", "slots: {db: 1db}\n", "slots.db.interface"},
		{"plug and slot same name", "plugs: {x: content}\nslots: {x: content}\n", "slots"},
		{"app plug implicit", "apps: {a: {command: a, plugs: [network, home]}}\n", ""},
		{"app plug bad name", "apps: {a: {command: a, plugs: [Network]}}\n", "plugs"},
		{"app plugs not list", "apps: {a: {command: a, plugs: {network: }}}\n", "apps.a.plugs"},
		{"app slot bad name", "apps: {a: {command: a, slots: [db_x]}}\n", "slots"},

		// layout
		{"layout bind", "layout: {/usr/share/foo: {bind: $SNAP/usr/share/foo}}\n", ""},
		{"layout symlink", "layout: {/etc/foo.conf: {symlink: $SNAP_DATA/foo.conf}}\n", ""},
		{"layout tmpfs", "layout: {/mnt/scratch: {type: tmpfs, mode: 1777}}\n", ""},
		{"layout in $SNAP", "layout: {$SNAP/lib/x: {bind-file: $SNAP_DATA/x}}\n", ""},
		{"layout two kinds", "layout: {/usr/foo: {bind: $SNAP/a, symlink: $SNAP/b}}\n", "layout./usr/foo"},
		{"layout no kind", "layout: {/usr/foo: {mode: 0755}}\n", "layout./usr/foo"},
		{"layout bad type", "layout: {/usr/foo: {type: ext4}}\n", "layout./usr/foo.type"},
		{"layout relative", "layout: {usr/foo: {bind: $SNAP/a}}\n", "layout"},
		{"layout unclean", "layout: {/usr/../foo: {bind: $SNAP/a}}\n", "layout"},
		{"layout off-limits", "layout: {/proc/foo: {bind: $SNAP/a}}\n", "layout"},
		{"layout in snap data", "layout: {$SNAP_DATA/foo: {bind: $SNAP/a}}\n", "layout"},
		{"duplicate app key", "apps: {a: {command: a, command: b}}\n", "apps.a.command"},
		{"layout not map", "layout: {/usr/foo: x}\n", "layout./usr/foo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := tc.yaml
			if !strings.HasPrefix(y, "name:") && !strings.HasPrefix(y, "version:") {
				y = header + y
			}
			info, err := ReadInfoYAML([]byte(y))
			if tc.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v\n%s", err, y)
				}
				if info == nil {
					t.Fatal("nil info")
				}
				return
			}
			if err == nil {
				t.Fatalf("want an error on field %q, got none\n%s", tc.field, y)
			}
			if got := errField(err); got != tc.field {
				t.Fatalf("error field = %q, want %q: %v", got, tc.field, err)
			}
			if !strings.HasPrefix(err.Error(), "invalid snap.yaml: field \""+tc.field+"\"") {
				t.Fatalf("message does not name the field: %v", err)
			}
		})
	}
}

func TestReadInfoYAMLNotYAML(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "empty",
		"name: [":            "cannot parse it as YAML",
		"- a\n- b\n":         "invalid snap.yaml: the document must be a map",
		"just a string":      "must be a map",
		"name: a\nname: b\n": `field "name": is set twice (line 2)`,
	} {
		_, err := ReadInfoYAML([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "invalid snap.yaml") {
			t.Errorf("ReadInfoYAML(%q) = %v, want it to say %q", in, err, want)
		}
	}
}
