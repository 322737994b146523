package landlock

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

func TestGenerate(t *testing.T) {
	runtime := []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}
	devs := []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
		"/dev/tty", "/dev/pts", "/dev/ptmx", "/dev/shm", "/run/snapd-snap.socket"}
	data := []string{"/var/snap/hello/x1", "/var/snap/hello/common", "/tmp"}
	userData := []string{"/home/u/snap/hello/x1", "/home/u/snap/hello/common"}
	cat := func(lists ...[]string) []string { return slices.Concat(lists...) }

	for _, tc := range []struct {
		name string
		in   GenInput
		want Rules
	}{{
		name: "host runtime, user",
		in:   GenInput{Tag: "snap.hello.hello", SnapName: "hello", Revision: "x1", UserHome: "/home/u"},
		want: Rules{
			Tag:       "snap.hello.hello",
			ReadExec:  cat(runtime, []string{"/snap/hello/x1"}),
			Read:      []string{"/etc", "/proc", "/sys"},
			ReadWrite: cat(data, userData, devs),
			Scoped:    true,
		},
	}, {
		name: "base, service without a home",
		in:   GenInput{Tag: "snap.hello.daemon", SnapName: "hello", Revision: "x1", Base: "core22"},
		want: Rules{
			Tag:       "snap.hello.daemon",
			ReadExec:  cat(runtime, []string{"/snap/hello/x1"}),
			Read:      []string{"/etc", "/proc", "/sys"},
			ReadWrite: cat(data, devs),
			Scoped:    true,
		},
	}, {
		name: "hook with interface rules",
		in: GenInput{
			Tag: "snap.hello.hook.install", SnapName: "hello", Revision: "x1", UserHome: "/home/u",
			Extra: Rules{
				ReadExec:           []string{"/snap/hello/x1", "/opt/tool"},
				Read:               []string{"/run/udev", "/run/udev", "/etc"},
				ReadWrite:          []string{"/dev/snd"},
				TCPBind:            []uint16{8080, 80, 8080},
				TCPConnect:         []uint16{443},
				AllowAllTCPConnect: true,
				Scoped:             false, // ignored: NoScope says it
			},
			NoScope: true,
		},
		want: Rules{
			Tag:                "snap.hello.hook.install",
			ReadExec:           cat(runtime, []string{"/snap/hello/x1", "/opt/tool"}),
			Read:               []string{"/etc", "/proc", "/sys", "/run/udev"},
			ReadWrite:          cat(data, userData, devs, []string{"/dev/snd"}),
			TCPBind:            []uint16{80, 8080},
			TCPConnect:         []uint16{443},
			AllowAllTCPConnect: true,
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got := Generate(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Generate:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// The generated rules must let real programs run from the host runtime
// and keep the rest of the user's home out of reach.
func TestGeneratedRulesConfineAShell(t *testing.T) {
	requireABI(t, 1)
	// Not under /tmp: the generated rules open /tmp, which the launcher
	// makes private but the test cannot.
	home, err := os.MkdirTemp("/var/tmp", "snappy-landlock-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	userData := filepath.Join(home, "snap", "hello", "x1")
	if err := os.MkdirAll(userData, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(home, "secret")
	if err := os.WriteFile(secret, []byte("secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	r := Generate(GenInput{Tag: "snap.hello.hello", SnapName: "hello", Revision: "x1", UserHome: home})
	r.ReadWrite = slices.DeleteFunc(r.ReadWrite, func(p string) bool { return p == "/tmp" })
	ops := []op{
		{Kind: "sh", Path: "echo hi > " + userData + "/f && cat " + userData + "/f >/dev/null"},
		{Kind: "sh", Path: "ls /usr/bin >/dev/null && head -c1 /etc/passwd >/dev/null"},
		{Kind: "read", Path: "/proc/self/status"},
		{Kind: "read", Path: "/sys/devices/system/cpu/online"},
		{Kind: "read", Path: secret},
		{Kind: "readdir", Path: home},
		{Kind: "readdir", Path: "/"},
		{Kind: "create", Path: "/etc/snappy-landlock-test"},
		{Kind: "create", Path: "/usr/snappy-landlock-test"},
		{Kind: "sh", Path: "cat " + secret},
	}
	want := []string{"ok", "ok", "ok", "ok", "EACCES", "EACCES", "EACCES", "EACCES", "EACCES", "exit status 1"}
	bin, _ := os.Executable()
	res := runPlan(t, bin, plan{Rules: r, Ops: ops}, nil, "/")
	t.Logf("enforced: %s", res.Desc)
	check(t, ops, res.Results, want)
}
