package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// bigSnapSize makes a .snap of about 20 MB: the data is random, so squashfs
// stores it as it is.
const bigSnapSize = 20_000_000

// historyTarget is the slowdown still counted as none: medians of a few
// dozen runs on a shared machine move by that much between runs.
const historyTarget = 1.10

// installTimes are one system's measurements, one sample per iteration.
type installTimes struct {
	install, remove samples
	// The CLI's time split at the change's spawn and ready times: before
	// is process start and upload, in is the change in the daemon, after
	// is the CLI noticing (polling) and exiting.
	before, in, after       samples
	rmBefore, rmIn, rmAfter samples
	// steps are each task's share of the change, by kind, in order.
	steps     map[string]samples
	stepOrder []string
}

// BenchmarkInstallRemove20MB times `snap install` and `snap remove` of a
// 20 MB snap, CLI start to exit (the CLI exits when the change is Done), on
// a fresh system and on one with 1,000 finished changes in its history,
// alternately so that both meet the same machine; and, in the same loop,
// the floor of an install: cp of the file, then a loop mount and unmount.
func BenchmarkInstallRemove20MB(b *testing.B) {
	requireRoot(b)
	big := testSnap(b, "bench-x", snapOpts{random: bigSnapSize})
	tiny := testSnap(b, "bench-hist", snapOpts{})
	fresh, hist := newSystem(b), newSystem(b)
	fresh.mustStart()
	hist.mustStart()

	t0 := time.Now()
	if err := makeHistory(hist, tiny, 1000); err != nil {
		b.Fatal(err)
	}
	b.Logf("history: 1000 finished changes (500 install+remove of a tiny snap through the API) made in %s, %s per change",
		time.Since(t0).Round(time.Millisecond), fmtMS(time.Since(t0)/1000))
	var all []json.RawMessage
	t1 := time.Now()
	if err := hist.get("/v2/changes?select=all", &all); err != nil {
		b.Fatal(err)
	}
	b.Logf("history: GET /v2/changes?select=all answers %d changes in %s", len(all), fmtMS(time.Since(t1)))
	if len(all) < 1000 {
		b.Fatalf("the daemon keeps %d changes, want at least 1000", len(all))
	}

	floorDir := filepath.Join(fresh.dir, "floor")
	if err := os.MkdirAll(filepath.Join(floorDir, "mnt"), 0o755); err != nil {
		b.Fatal(err)
	}
	res := map[*system]*installTimes{fresh: newInstallTimes(), hist: newInstallTimes()}
	var cp, fsync, mnt, umnt, floor samples
	i := 0
	for b.Loop() {
		order := []*system{fresh, hist}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, s := range order {
			installRemove(b, s, big, res[s])
		}
		c, f, m, u := installFloor(b, big, floorDir)
		cp, fsync, mnt, umnt = append(cp, c), append(fsync, f), append(mnt, m), append(umnt, u)
		floor = append(floor, c+m+u)
		i++
	}
	hideNsPerOp(b)

	// `snap changes` lists the whole history: the one place where its
	// size shows by design, measured to see how much.
	var chFresh, chHist samples
	for range 10 {
		chFresh = append(chFresh, mustRun(b, fresh.snap("changes")))
		chHist = append(chHist, mustRun(b, hist.snap("changes")))
	}

	fr, hr := res[fresh], res[hist]
	metric(b, fr.install.p50(), "install-p50-ms")
	metric(b, fr.remove.p50(), "remove-p50-ms")
	metric(b, hr.install.p50(), "install-hist1000-p50-ms")
	metric(b, hr.remove.p50(), "remove-hist1000-p50-ms")
	metric(b, floor.p50(), "floor-p50-ms")

	n := len(floor)
	summary(b, fmt.Sprintf("install 20 MB snap, CLI → Done (median of %d)", n), fmtMS(fr.install.p50()),
		fmt.Sprintf("floor: cp + loop mount + umount %s", fmtMS(floor.p50())), ratio(fr.install.p50(), floor.p50()),
		"< 150 ms", yesNo(fr.install.p50() < 150*time.Millisecond))
	summary(b, fmt.Sprintf("remove it, CLI → Done (median of %d)", n), fmtMS(fr.remove.p50()),
		fmt.Sprintf("same floor %s", fmtMS(floor.p50())), ratio(fr.remove.p50(), floor.p50()),
		"< 100 ms", yesNo(fr.remove.p50() < 100*time.Millisecond))
	summary(b, "install with 1,000 finished changes in history", fmtMS(hr.install.p50()),
		fmt.Sprintf("fresh root, same loop %s", fmtMS(fr.install.p50())), ratio(hr.install.p50(), fr.install.p50()),
		fmt.Sprintf("no slowdown (≤ %.2f×)", historyTarget), yesNo(float64(hr.install.p50()) <= historyTarget*float64(fr.install.p50())))
	summary(b, "remove with 1,000 finished changes in history", fmtMS(hr.remove.p50()),
		fmt.Sprintf("fresh root, same loop %s", fmtMS(fr.remove.p50())), ratio(hr.remove.p50(), fr.remove.p50()),
		fmt.Sprintf("no slowdown (≤ %.2f×)", historyTarget), yesNo(float64(hr.remove.p50()) <= historyTarget*float64(fr.remove.p50())))

	summary(b, "`snap changes` with 1,000 finished changes (median of 10)", fmtMS(chHist.p50()),
		fmt.Sprintf("fresh root (%d changes) %s", 2*n, fmtMS(chFresh.p50())), ratio(chHist.p50(), chFresh.p50()), "—", "—")

	b.Logf("floor parts (median): cp %s, mount -o loop %s, umount %s; fsync of the copy (not in the floor; the daemon does fsync the upload) %s",
		fmtMS(cp.p50()), fmtMS(mnt.p50()), fmtMS(umnt.p50()), fmtMS(fsync.p50()))
	for _, x := range []struct {
		label string
		t     *installTimes
	}{{"fresh", fr}, {"history=1000", hr}} {
		t := x.t
		b.Logf("%s: install p50 %s (min %s, max %s) = before spawn %s + change %s + after ready %s",
			x.label, fmtMS(t.install.p50()), fmtMS(t.install.q(0)), fmtMS(t.install.q(1)),
			fmtMS(t.before.p50()), fmtMS(t.in.p50()), fmtMS(t.after.p50()))
		b.Logf("%s: remove p50 %s (min %s, max %s) = before spawn %s + change %s + after ready %s",
			x.label, fmtMS(t.remove.p50()), fmtMS(t.remove.q(0)), fmtMS(t.remove.q(1)),
			fmtMS(t.rmBefore.p50()), fmtMS(t.rmIn.p50()), fmtMS(t.rmAfter.p50()))
		var steps []string
		for _, k := range t.stepOrder {
			steps = append(steps, fmt.Sprintf("%s %s", k, fmtMS(t.steps[k].p50())))
		}
		b.Logf("%s: task steps (median, ready to ready): %s", x.label, strings.Join(steps, ", "))
	}
}

func newInstallTimes() *installTimes { return &installTimes{steps: map[string]samples{}} }

// makeHistory makes n finished changes the way users do: installs and
// removes, through the real daemon's API.
func makeHistory(s *system, file string, n int) error {
	for range n / 2 {
		id, err := s.install(file)
		if err != nil {
			return err
		}
		if _, err := s.wait(id); err != nil {
			return err
		}
		if id, err = s.remove("bench-hist"); err != nil {
			return err
		}
		if _, err := s.wait(id); err != nil {
			return err
		}
	}
	return nil
}

func installRemove(b *testing.B, s *system, file string, t *installTimes) {
	b.Helper()
	start := time.Now()
	d := mustRun(b, s.snap("install", "--dangerous", "--devmode", file))
	chg := doneChange(b, s, "install-snap")
	t.install = append(t.install, d)
	t.before = append(t.before, chg.SpawnTime.Sub(start))
	t.in = append(t.in, chg.ReadyTime.Sub(chg.SpawnTime))
	t.after = append(t.after, start.Add(d).Sub(chg.ReadyTime))
	t.addSteps(chg, "")

	start = time.Now()
	d = mustRun(b, s.snap("remove", "bench-x"))
	chg = doneChange(b, s, "remove-snap")
	t.remove = append(t.remove, d)
	t.rmBefore = append(t.rmBefore, chg.SpawnTime.Sub(start))
	t.rmIn = append(t.rmIn, chg.ReadyTime.Sub(chg.SpawnTime))
	t.rmAfter = append(t.rmAfter, start.Add(d).Sub(chg.ReadyTime))
	t.addSteps(chg, "remove:")
}

// addSteps attributes the change's time to its tasks: each is the time from
// the previous task's ready time (the change's spawn for the first) to its
// own, since the tasks of one snap run one after the other.
func (t *installTimes) addSteps(chg *change, prefix string) {
	tasks := append(chg.Tasks[:0:0], chg.Tasks...)
	sort.SliceStable(tasks, func(i, j int) bool { return tasks[i].ReadyTime.Before(tasks[j].ReadyTime) })
	prev := chg.SpawnTime
	for _, task := range tasks {
		k := prefix + task.Kind
		if _, ok := t.steps[k]; !ok {
			t.stepOrder = append(t.stepOrder, k)
		}
		t.steps[k] = append(t.steps[k], task.ReadyTime.Sub(prev))
		prev = task.ReadyTime
	}
}

func doneChange(b *testing.B, s *system, kind string) *change {
	b.Helper()
	chg, err := s.lastChange("bench-x")
	if err != nil {
		b.Fatal(err)
	}
	if chg.Kind != kind || chg.Status != "Done" {
		b.Fatalf("newest change about bench-x is %s %s %s, want %s Done", chg.ID, chg.Kind, chg.Status, kind)
	}
	return chg
}

// installFloor is the least an install could do with the file: copy it in
// and loop-mount it (and, to compare with remove, unmount it), with the
// same tools a shell script would use.
func installFloor(b *testing.B, file, dir string) (cp, fsync, mnt, umnt time.Duration) {
	b.Helper()
	cpy, mp := filepath.Join(dir, "copy.snap"), filepath.Join(dir, "mnt")
	cp = mustRun(b, exec.Command("cp", file, cpy))
	t0 := time.Now()
	f, err := os.Open(cpy)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fsync = time.Since(t0)
	mnt = mustRun(b, exec.Command("mount", "-t", "squashfs", "-o", "loop,ro", cpy, mp))
	umnt = mustRun(b, exec.Command("umount", mp))
	if err := os.Remove(cpy); err != nil {
		b.Fatal(err)
	}
	return cp, fsync, mnt, umnt
}
