package launch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// viewChecks are what an app sees of the system, each a shell test run
// inside it. $R is the test's root, $HOSTTMP a file in the host's /tmp.
var viewChecks = [][2]string{
	{"root-listable", "ls /"},
	{"root-writable", "mkdir /new"},
	{"snap-readable", "grep -q 'name: lt' /snap/lt/x1/meta/snap.yaml"},
	{"snap-writable", "touch /snap/lt/x1/new"},
	{"snap-current", `test "$(readlink /snap/lt/current)" = x1`},
	{"data-writable", `echo data > "$SNAP_DATA/written"`},
	{"common-writable", `echo common > "$SNAP_COMMON/written"`},
	{"own-data-readable", `grep -q "lt's" "$SNAP_DATA/secret"`},
	{"user-data-writable", `echo user > "$SNAP_USER_DATA/written"`},
	{"user-common-writable", `echo user > "$SNAP_USER_COMMON/written"`},
	{"home-is-user-data", `test "$HOME" = "$SNAP_USER_DATA" && test "$(pwd)" = "$HOME"`},
	{"tmp-writable", `echo inside > /tmp/from-app-$(id -u)`},
	{"host-tmp-visible", `test -e "$HOSTTMP"`},
	{"other-snap-data", "test -e /var/snap/other || test -e $R/var/snap/other/x1/secret"},
	{"other-home", "test -e $R/../home/else/secret"},
	{"root-home", "test -e /root"},
	{"host-dirs", "test -e /home || test -e /work || test -e /boot || test -e /opt || test -e /mnt"},
	{"artifacts", "test -e /var/lib/snapd || test -e $R/var/lib/snapd/seccomp"},
	{"proc-own", `test "$(tr '\0' ' ' </proc/1/cmdline)" = "snap-confine "`},
	{"proc-few", `test "$(ls /proc | grep '^[0-9]' | sort -n | tail -n 1)" -lt 50`},
	{"dev-null", "echo x >/dev/null && test -z \"$(cat /dev/null)\""},
	{"dev-urandom", "head -c 4 /dev/urandom | wc -c | grep -q 4"},
	{"dev-shm", "echo x >/dev/shm/x"},
	{"dev-host-disk", "ls /dev/vda || ls /dev/kmsg || ls /dev/mem"},
	{"sys-readable", "test -d /sys/kernel"},
	{"sys-writable", "echo x > /sys/kernel/uevent_helper"},
	{"etc-readable", "grep -q root /etc/passwd"},
	{"etc-writable", "touch /etc/new"},
	{"mount", "mount -t tmpfs none /tmp"},
	{"unshare", "unshare -U true"},
	{"chained", `test "$CHAINED" = yes`},
	{"pid1-environ", "cat /proc/1/environ"},
	{"pid1-root", "ls /proc/1/root/"},
	{"symlink-out", `ln -sf $R/../home/else/secret "$SNAP_USER_DATA/link" && cat "$SNAP_USER_DATA/link"`},
	{"cwd-out", "cd /proc/self/cwd/../../../.. && ls $R"},
}

func TestViewStrictRoot(t *testing.T) {
	f := sharedFixture(t)
	got := f.probeView(t, runOpts{target: "lt.probe"})
	want := map[string]string{
		"root-listable": "no", // Landlock: nothing outside the rules
		"root-writable": "no", "snap-readable": "yes", "snap-writable": "no", "snap-current": "yes",
		"data-writable": "yes", "common-writable": "yes", "own-data-readable": "yes",
		"user-data-writable": "yes", "user-common-writable": "yes", "home-is-user-data": "yes",
		"tmp-writable": "yes", "host-tmp-visible": "no", "other-snap-data": "no", "other-home": "no",
		"root-home": "no", "host-dirs": "no", "artifacts": "no", "proc-own": "yes", "proc-few": "yes",
		"dev-null": "yes", "dev-urandom": "yes", "dev-shm": "yes", "dev-host-disk": "no",
		"sys-readable": "yes", "sys-writable": "no", "etc-readable": "yes", "etc-writable": "no",
		"mount": "no", "unshare": "no", "chained": "yes",
		"pid1-environ": "no", "pid1-root": "no", "symlink-out": "no", "cwd-out": "no",
	}
	compareView(t, got, want)
	f.checkHostSide(t, 0, true)
	caps := f.mustRun(t, runOpts{target: "lt.probe", args: []string{"grep", "^CapBnd", "/proc/self/status"}})
	var keep uint64
	for c := range rootKeeps {
		keep |= 1 << c
	}
	if want := fmt.Sprintf("CapBnd:\t%016x\n", keep&ownBoundingSet(t)); caps != want {
		t.Errorf("root's app: %q, want %q: only the capabilities strict apps keep", caps, want)
	}
	// Devmode keeps them all.
	caps = f.mustRun(t, runOpts{target: "ltdev.probe", args: []string{"grep", "^CapBnd", "/proc/self/status"}})
	if want := fmt.Sprintf("CapBnd:\t%016x\n", ownBoundingSet(t)); caps != want {
		t.Errorf("root's devmode app: %q, want %q", caps, want)
	}
}

func TestViewStrictUser(t *testing.T) {
	f := sharedFixture(t)
	got := f.probeView(t, runOpts{target: "lt.probe", uid: nobody})
	want := map[string]string{
		"root-listable": "no", "root-writable": "no", "snap-readable": "yes", "snap-writable": "no", "snap-current": "yes",
		// Root's, as in snapd: only root apps write the system data.
		"data-writable": "no", "common-writable": "no", "own-data-readable": "yes",
		"user-data-writable": "yes", "user-common-writable": "yes", "home-is-user-data": "yes",
		"tmp-writable": "yes", "host-tmp-visible": "no", "other-snap-data": "no", "other-home": "no",
		"root-home": "no", "host-dirs": "no", "artifacts": "no", "proc-own": "yes", "proc-few": "yes",
		"dev-null": "yes", "dev-urandom": "yes", "dev-shm": "yes", "dev-host-disk": "no",
		"sys-readable": "yes", "sys-writable": "no", "etc-readable": "yes", "etc-writable": "no",
		"mount": "no", "unshare": "no", "chained": "yes",
		"pid1-environ": "no", "pid1-root": "no", "symlink-out": "no", "cwd-out": "no",
	}
	compareView(t, got, want)
	f.checkHostSide(t, nobody, false)
	if out := f.mustRun(t, runOpts{target: "lt.probe", uid: nobody, args: []string{"id", "-u"}}); strings.TrimSpace(out) != "65534" {
		t.Errorf("the app runs as uid %q, want 65534", out)
	}
	caps := f.mustRun(t, runOpts{target: "lt.probe", uid: nobody, args: []string{"grep", "^Cap", "/proc/self/status"}})
	for _, line := range strings.Split(strings.TrimSpace(caps), "\n") {
		if k, v, _ := strings.Cut(line, ":"); k != "CapBnd" && strings.TrimSpace(v) != "0000000000000000" {
			t.Errorf("the app of a user holds capabilities: %s", line)
		}
	}
}

// Devmode: the same namespace, no Landlock, and a seccomp filter that
// logs instead of refusing.
func TestViewDevMode(t *testing.T) {
	f := sharedFixture(t)
	o := runOpts{target: "ltdev.probe"}
	checks := [][2]string{
		{"root-listable", "ls /"},
		{"dev-list", `test "$(ls /dev | tr '\n' ' ')" = "fd full null ptmx pts random shm stderr stdin stdout tty urandom zero "`},
		{"snap-writable", "touch /snap/ltdev/x1/new"},
		{"host-tmp-visible", `test -e "$HOSTTMP"`},
		{"unshare", "unshare -U true"},
		{"other-home", "test -e $R/../home/else/secret"},
	}
	want := map[string]string{"root-listable": "yes", "dev-list": "yes", "snap-writable": "no",
		"host-tmp-visible": "no", "unshare": "yes", "other-home": "no"}
	for _, uid := range []int{0, nobody} {
		o.uid = uid
		compareView(t, f.probe(t, f.viewOpts(t, o), checks), want)
	}
	// A strict snap installed with --devmode runs the same way, but its
	// filter was compiled to enforce: what Landlock would refuse works,
	// what seccomp refuses does not.
	o = runOpts{target: "lt.probe", devmode: true}
	want = map[string]string{"root-listable": "yes", "dev-list": "yes", "snap-writable": "no",
		"host-tmp-visible": "no", "unshare": "no", "other-home": "no"}
	compareView(t, f.probe(t, f.viewOpts(t, o), checks), want)
}

func (f *fixture) viewOpts(t testing.TB, o runOpts) runOpts {
	t.Helper()
	host, err := os.CreateTemp("/tmp", "launch-host-file-")
	if err != nil {
		t.Fatal(err)
	}
	host.Close()
	t.Cleanup(func() { os.Remove(host.Name()) })
	o.env = append(o.env, "HOSTTMP="+host.Name(), "R="+f.p.Root)
	o.dir = f.homes[o.uid] // not visible inside: the app starts in $HOME
	return o
}

func (f *fixture) probeView(t *testing.T, o runOpts) map[string]string {
	t.Helper()
	// Through the command-chain, which sets CHAINED.
	o.target = strings.Replace(o.target, ".probe", ".chained", 1)
	return f.probe(t, f.viewOpts(t, o), viewChecks)
}

func compareView(t *testing.T, got, want map[string]string) {
	t.Helper()
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
}

// checkHostSide looks, from the host, at what the view checks wrote.
func (f *fixture) checkHostSide(t *testing.T, uid int, system bool) {
	t.Helper()
	tmp := filepath.Join(f.p.PrivateTmpDir("lt"), fmt.Sprintf("from-app-%d", uid))
	if data, err := os.ReadFile(tmp); err != nil || string(data) != "inside\n" {
		t.Errorf("the app's /tmp is not the private one on the host (%s): %q, %v", tmp, data, err)
	}
	for _, p := range []string{
		filepath.Join(f.homes[uid], "snap", "lt", "x1", "written"),
		filepath.Join(f.homes[uid], "snap", "lt", "common", "written"),
	} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("user data not written through: %v", err)
		}
	}
	if system {
		if _, err := os.Stat(filepath.Join(f.p.DataDir("lt", "x1"), "written")); err != nil {
			t.Errorf("system data not written through: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(f.p.MountDir("lt", "x1"), "new")); err == nil {
		t.Error("the app wrote into its snap")
	}
}
