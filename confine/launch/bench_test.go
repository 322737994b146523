package launch

import (
	"os"
	"os/exec"
	"testing"
)

// The launch benchmarks run the same trivial program (/bin/true, as the
// app "lt.true") each way, so that `go test -bench Launch` reports all
// of them from one run:
//
//	BenchmarkDirectExec        fork+exec of /bin/true
//	BenchmarkBwrap             bwrap --ro-bind / / --dev /dev --proc /proc --unshare-all /bin/true
//	BenchmarkSnapStart         the test binary (which plays snap) exiting at once: its own start-up
//	BenchmarkLaunchTrivial     strict launch of lt.true as root (snap start-up included)
//	BenchmarkLaunchTrivialUser the same as an unprivileged user (user namespace)
//	BenchmarkLaunchDevMode     devmode launch (no Landlock) as root
//	BenchmarkRealSnapRun       `snap run lt.true` of a real snap binary given as
//	                           SNAPPY_BENCH_SNAP=/path/to/snap (built from cmd/snap
//	                           once it calls the launcher), under the same fixture

func benchExec(b *testing.B, cmd func() *exec.Cmd) {
	b.Helper()
	for b.Loop() {
		c := cmd()
		if out, err := c.CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", c.Args, err, out)
		}
	}
}

func BenchmarkDirectExec(b *testing.B) {
	benchExec(b, func() *exec.Cmd { return exec.Command("/bin/true") })
}

func BenchmarkBwrap(b *testing.B) {
	bwrap, err := exec.LookPath("bwrap")
	if err != nil {
		b.Skip("bwrap is not installed (apt-get install bubblewrap)")
	}
	benchExec(b, func() *exec.Cmd {
		return exec.Command(bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all", "/bin/true")
	})
}

// startOnlyEnv makes the test binary exit as soon as TestMain runs.
const startOnlyEnv = "SNAPPY_LAUNCH_TEST_EXIT"

func BenchmarkSnapStart(b *testing.B) {
	f := sharedFixture(b)
	benchExec(b, func() *exec.Cmd {
		c := exec.Command(f.bin)
		c.Env = []string{startOnlyEnv + "=1"}
		return c
	})
}

func benchLaunch(b *testing.B, o runOpts) {
	f := sharedFixture(b)
	benchExec(b, func() *exec.Cmd { return f.command(b, o) })
}

func BenchmarkLaunchTrivial(b *testing.B) {
	benchLaunch(b, runOpts{target: "lt.true"})
}

func BenchmarkLaunchTrivialUser(b *testing.B) {
	benchLaunch(b, runOpts{target: "lt.true", uid: nobody})
}

func BenchmarkLaunchDevMode(b *testing.B) {
	benchLaunch(b, runOpts{target: "ltdev.true"})
}

func BenchmarkRealSnapRun(b *testing.B) {
	snapBin := os.Getenv("SNAPPY_BENCH_SNAP")
	if snapBin == "" {
		b.Skip("set SNAPPY_BENCH_SNAP to a snap binary whose `snap run` calls the launcher")
	}
	f := sharedFixture(b)
	benchExec(b, func() *exec.Cmd {
		c := exec.Command(snapBin, "run", "lt.true")
		c.Args[0] = "snap" // called by another name, snap runs that app
		c.Env = []string{"SNAPPY_GLOBAL_ROOT=" + f.p.Root, "HOME=" + f.homes[0], "PATH=/usr/bin:/bin"}
		return c
	})
}
