package bench

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runTarget is the most `snap run` may add to starting the app itself.
const runTarget = 5 * time.Millisecond

// BenchmarkSnapRun times fork+exec+wait of an unconfined (classic) app that
// runs /bin/true, started by `snap run bench-x` and by its wrapper in
// R/snap/bin when that runs the app, against exec'ing /bin/true directly,
// in turn within each iteration.
func BenchmarkSnapRun(b *testing.B) {
	requireRoot(b)
	s := newSystem(b)
	s.mustStart()
	if err := s.installAll([]string{testSnap(b, "bench-x", snapOpts{probe: true, classic: true})}, 1); err != nil {
		b.Fatal(err)
	}
	// A launcher counts only if it reaches the app: the probe app of the
	// same snap prints a marker, which /bin/true cannot.
	if out, err := s.snap("run", "bench-x.probe", "a", "b c").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "probe-ran") {
		b.Fatalf("snap run bench-x.probe: %v, output %q", err, out)
	} else if got := strings.TrimSpace(string(out)); got != "probe-ran a b c" {
		b.Logf("snap run bench-x.probe a 'b c' passes the app wrong arguments: it printed %q", got)
	}
	if out, err := s.snap("run", "bench-x").CombinedOutput(); err != nil || len(out) > 0 {
		b.Fatalf("snap run bench-x: %v, output %q", err, out)
	}
	type launcher struct {
		name string
		cmd  func() *exec.Cmd
		d    samples
	}
	direct := &launcher{name: "/bin/true", cmd: func() *exec.Cmd {
		cmd := exec.Command("/bin/true")
		cmd.Env = s.env()
		return cmd
	}}
	snapRun := &launcher{name: "snap run bench-x", cmd: func() *exec.Cmd { return s.snap("run", "bench-x") }}
	launchers := []*launcher{direct, snapRun}

	binDir := filepath.Join(s.root, "snap", "bin")
	wrapper := &launcher{name: "R/snap/bin/bench-x", cmd: func() *exec.Cmd {
		cmd := exec.Command(filepath.Join(binDir, "bench-x"))
		cmd.Env = s.env()
		return cmd
	}}
	probe := exec.Command(filepath.Join(binDir, "bench-x.probe"), "a", "b c")
	probe.Env = s.env()
	var out bytes.Buffer
	probe.Stdout, probe.Stderr = &out, &out
	wrapperErr := probe.Run()
	got := strings.TrimSpace(out.String())
	// Reaching the app is enough to time the wrapper; passing it other
	// arguments than the user's is a bug to report, not a reason to skip.
	wrapperWorks := wrapperErr == nil && strings.HasPrefix(got, "probe-ran")
	wrapperNote := ""
	if wrapperWorks {
		launchers = append(launchers, wrapper)
		if got != "probe-ran a b c" {
			wrapperNote = fmt.Sprintf("reaches the app but with the wrong arguments: bench-x.probe a 'b c' printed %q", got)
		}
	} else {
		first, _, _ := strings.Cut(got, "\n")
		wrapperNote = fmt.Sprintf("does not run the app (exit: %v, first line of output: %q)", wrapperErr, first)
	}
	if wrapperNote != "" {
		b.Logf("wrapper R/snap/bin/bench-x.probe %s", wrapperNote)
	}
	// Not a reference for the ratio but a part of the added time: starting
	// and exiting any Go program (refserver without arguments only prints
	// its usage).
	goStart := &launcher{name: "Go program start and exit (refserver, no arguments)", cmd: func() *exec.Cmd {
		cmd := exec.Command(filepath.Join(s.bin, "refserver"))
		cmd.Env = s.env()
		return cmd
	}}
	launchers = append(launchers, goStart)

	i := 0
	for b.Loop() {
		// Rotating the order keeps any effect of what ran just before
		// from favouring one launcher.
		for j := range launchers {
			l := launchers[(i+j)%len(launchers)]
			d, err := run(l.cmd())
			if err != nil && l != goStart {
				b.Fatalf("%s: %v", l.name, err)
			}
			l.d = append(l.d, d)
		}
		i++
	}
	hideNsPerOp(b)

	added := snapRun.d.p50() - direct.d.p50()
	metric(b, direct.d.p50(), "direct-p50-ms")
	metric(b, snapRun.d.p50(), "snaprun-p50-ms")
	summary(b, fmt.Sprintf("`snap run` of an unconfined (classic) app running /bin/true, added time (medians of %d)", len(direct.d)),
		fmt.Sprintf("+%s (%s in all)", fmtMS(added), fmtMS(snapRun.d.p50())),
		"exec /bin/true directly "+fmtMS(direct.d.p50()), ratio(snapRun.d.p50(), direct.d.p50()),
		"< 5 ms added", yesNo(added < runTarget))
	if wrapperWorks {
		wadded := wrapper.d.p50() - direct.d.p50()
		metric(b, wrapper.d.p50(), "wrapper-p50-ms")
		name := "the R/snap/bin/bench-x wrapper, added time"
		if wrapperNote != "" {
			name += " (it passes the app wrong arguments, see the log)"
		}
		summary(b, name, fmt.Sprintf("+%s (%s in all)", fmtMS(wadded), fmtMS(wrapper.d.p50())),
			"exec /bin/true directly "+fmtMS(direct.d.p50()), ratio(wrapper.d.p50(), direct.d.p50()),
			"< 5 ms added", yesNo(wadded < runTarget))
	} else {
		summary(b, "the R/snap/bin/bench-x wrapper", "it "+wrapperNote, "—", "—", "< 5 ms added", "**no**")
	}
	for _, l := range launchers {
		b.Logf("%s: p50 %s, p99 %s, min %s", l.name, fmtMS(l.d.p50()), fmtMS(l.d.p99()), fmtMS(l.d.q(0)))
	}
}
