package snap

import (
	"reflect"
	"runtime"
	"strings"
	"testing"
)

func envInfo(t *testing.T, extra string) *Info {
	t.Helper()
	info, err := ReadInfoYAML([]byte("name: hello\nversion: 2.1\n" + extra))
	if err != nil {
		t.Fatal(err)
	}
	info.Revision = R(7)
	return info
}

var testRC = RunContext{Home: "/home/ann", UID: 1000, Arch: "arm64", MountRoot: "/snap", DataRoot: "/var/snap"}

func TestAppEnvironmentOrderAndValues(t *testing.T) {
	info := envInfo(t, `
environment:
  GREETING: hi
  PATH: $SNAP/bin:$PATH
apps:
  hello:
    command: bin/hello
    environment:
      MSG: ${GREETING}, ${USER} from $SNAP_NAME
      GREETING: overridden
`)
	base := []string{"PATH=/usr/bin:/bin", "USER=ann", "HOME=/home/ann", "SNAP=stale", "NOEQUALS", "=empty"}
	got := AppEnvironment(base, info, info.Apps["hello"], testRC)
	want := []string{
		"USER=ann",
		"SNAP=/snap/hello/7",
		"SNAP_NAME=hello",
		"SNAP_INSTANCE_NAME=hello",
		"SNAP_REVISION=7",
		"SNAP_VERSION=2.1",
		"SNAP_ARCH=arm64",
		"SNAP_LIBRARY_PATH=/var/lib/snapd/lib/gl:/var/lib/snapd/lib/gl32:/var/lib/snapd/void",
		"SNAP_DATA=/var/snap/hello/7",
		"SNAP_COMMON=/var/snap/hello/common",
		"SNAP_USER_DATA=/home/ann/snap/hello/7",
		"SNAP_USER_COMMON=/home/ann/snap/hello/common",
		"SNAP_REAL_HOME=/home/ann",
		"HOME=/home/ann/snap/hello/7",
		"SNAP_EUID=1000",
		"SNAP_UID=1000",
		"SNAP_INSTANCE_KEY=",
		"XDG_RUNTIME_DIR=/run/user/1000/snap.hello",
		"PATH=/snap/hello/7/bin:/usr/bin:/bin",
		"MSG=hi, ann from hello",
		"GREETING=overridden",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("environment:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}

func TestEnvironmentExpansion(t *testing.T) {
	for _, tc := range []struct {
		name, snapEnv, appEnv string
		key, want             string
	}{
		{"dollar", "A: x\nB: $A-y", "", "B", "x-y"},
		{"braces", "A: x\nB: ${A}y", "", "B", "xy"},
		{"snap var", "D: $SNAP_DATA/db", "", "D", "/var/snap/hello/7/db"},
		{"home is user data", "H: $HOME/.config", "", "H", "/home/ann/snap/hello/7/.config"},
		{"real home", "H: $SNAP_REAL_HOME/Music", "", "H", "/home/ann/Music"},
		{"unknown is empty", "A: <$NOPE>", "", "A", "<>"},
		{"later is not yet defined", "A: $B\nB: b", "", "A", ""},
		{"app sees snap env", "A: x", "B: $A$A", "B", "xx"},
		{"app overrides snap", "A: x", "A: y", "A", "y"},
		{"app refers to own earlier", "", "A: 1\nB: ${A}2", "B", "12"},
		{"self reference", "A: $A:more", "", "A", "base:more"},
		{"number value", "N: 1.50", "", "N", "1.50"},
		{"values are expanded once", "A: $LIT", "", "A", "$SNAP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := "environment:\n  " + strings.ReplaceAll(tc.snapEnv, "\n", "\n  ") + "\n"
			if tc.snapEnv == "" {
				y = ""
			}
			y += "apps:\n  a:\n    command: a\n"
			if tc.appEnv != "" {
				y += "    environment:\n      " + strings.ReplaceAll(tc.appEnv, "\n", "\n      ") + "\n"
			}
			info := envInfo(t, y)
			env := AppEnvironment([]string{"A=base", "LIT=$SNAP"}, info, info.Apps["a"], testRC)
			if got, ok := lookup(env, tc.key); !ok || got != tc.want {
				t.Errorf("%s = %q (set: %v), want %q", tc.key, got, ok, tc.want)
			}
		})
	}
}

func lookup(env []string, key string) (string, bool) {
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v, true
		}
	}
	return "", false
}

func TestHookEnvironment(t *testing.T) {
	info := envInfo(t, "environment: {A: snap}\nhooks:\n  configure:\n    environment: {B: $A-hook}\n")
	env := HookEnvironment(nil, info, info.Hooks["configure"], testRC)
	if v, _ := lookup(env, "B"); v != "snap-hook" {
		t.Errorf("B = %q", v)
	}
	if v, _ := lookup(env, "HOME"); v != "/home/ann/snap/hello/7" {
		t.Errorf("HOME = %q", v)
	}
	// A hook nobody declared (nil) still gets the snap's environment.
	if v, _ := lookup(HookEnvironment(nil, info, nil, testRC), "A"); v != "snap" {
		t.Errorf("A = %q", v)
	}
}

func TestEnvironmentUnderTestRoot(t *testing.T) {
	info := envInfo(t, "")
	info.Revision = R(-2)
	rc := RunContext{Home: "/tmp/h", UID: 0, Arch: "amd64", MountRoot: "/tmp/R/snap", DataRoot: "/tmp/R/var/snap"}
	env := AppEnvironment(nil, info, nil, rc)
	for k, want := range map[string]string{
		"SNAP": "/tmp/R/snap/hello/x2", "SNAP_DATA": "/tmp/R/var/snap/hello/x2",
		"SNAP_COMMON": "/tmp/R/var/snap/hello/common", "SNAP_REVISION": "x2",
		"SNAP_USER_DATA": "/tmp/h/snap/hello/x2", "SNAP_UID": "0",
	} {
		if v, _ := lookup(env, k); v != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
}

func TestClassicKeepsRealHome(t *testing.T) {
	info := envInfo(t, "confinement: classic\n")
	env := AppEnvironment([]string{"HOME=/home/ann"}, info, nil, testRC)
	if v, _ := lookup(env, "HOME"); v != "/home/ann" {
		t.Errorf("classic HOME = %q, want the real home", v)
	}
	if v, _ := lookup(env, "SNAP_USER_DATA"); v != "/home/ann/snap/hello/7" {
		t.Errorf("SNAP_USER_DATA = %q", v)
	}
}

func TestArchName(t *testing.T) {
	for goarch, want := range map[string]string{
		"amd64": "amd64", "arm64": "arm64", "arm": "armhf", "386": "i386",
		"ppc64le": "ppc64el", "s390x": "s390x", "riscv64": "riscv64", "mips64": "mips64",
	} {
		if got := DebianArch(goarch); got != want {
			t.Errorf("DebianArch(%q) = %q, want %q", goarch, got, want)
		}
	}
	if ArchName() != DebianArch(runtime.GOARCH) {
		t.Errorf("ArchName() = %q", ArchName())
	}
}

func TestDefaultRunContext(t *testing.T) {
	rc := DefaultRunContext()
	if rc.MountRoot != "/snap" || rc.DataRoot != "/var/snap" || rc.Arch != ArchName() || rc.Home == "" {
		t.Errorf("DefaultRunContext() = %+v", rc)
	}
}
