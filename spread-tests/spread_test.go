package spreadtests

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var spreadOutput = flag.Bool("spread.output", false, "log the output of every phase, not only of failed ones")

var spreadRun = flag.String("spread.run", "", "run only the spread tasks whose SUITE/TASK name matches this regular expression (default: $SPREAD_RUN)")

// The binaries are built once per `go test` process and shared by every
// task; building per task would cost more than most tasks take to run.
var (
	buildOnce   sync.Once
	buildBinDir string
	buildErr    error
	buildTmp    string // removed by TestMain
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildTmp != "" {
		os.RemoveAll(buildTmp)
	}
	os.Exit(code)
}

// binaries returns the directory holding snap and snapd. $SPREAD_BIN
// points at prebuilt ones instead, for example to drive a daemon built
// with the race detector, or another implementation's client.
func binaries() (string, error) {
	buildOnce.Do(func() {
		if dir := os.Getenv("SPREAD_BIN"); dir != "" {
			buildBinDir, buildErr = filepath.Abs(dir)
			return
		}
		dir, err := os.MkdirTemp("", "spread-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildTmp = dir
		// `go test` puts the toolchain running it first in PATH, so this
		// builds with the same Go as everything else.
		start := time.Now()
		// The same tags as scripts/ use: pure-Go net and os/user keep cgo
		// out of snap, whose start-up every confined launch pays twice.
		cmd := exec.Command("go", "build", "-tags", "netgo,osusergo", "-o", dir+"/", "../cmd/snap", "../cmd/snapd", "../cmd/snap-confine")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
			return
		}
		for _, name := range []string{"snap", "snapd"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				buildErr = fmt.Errorf("go build did not produce %s: %v", name, err)
				return
			}
		}
		buildBinDir = dir
		fmt.Fprintf(os.Stderr, "spread: built snap and snapd in %s\n", time.Since(start).Round(time.Millisecond))
	})
	return buildBinDir, buildErr
}

func taskSelector() (*regexp.Regexp, error) {
	expr := *spreadRun
	if expr == "" {
		expr = os.Getenv("SPREAD_RUN")
	}
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("bad -spread.run/SPREAD_RUN expression: %v", err)
	}
	return re, nil
}

// TestSpread runs every task below this directory (or $SPREAD_TASKS_DIR),
// one after the other: they share the machine's loop devices and mount
// table, which parallel tasks would fight over.
func TestSpread(t *testing.T) {
	tasksDir := os.Getenv("SPREAD_TASKS_DIR")
	if tasksDir == "" {
		tasksDir = "."
	}
	tasks, err := loadTasks(tasksDir)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := taskSelector()
	if err != nil {
		t.Fatal(err)
	}
	var selected []*task
	for _, tk := range tasks {
		if sel == nil || sel.MatchString(tk.name) {
			selected = append(selected, tk)
		}
	}
	if len(selected) == 0 {
		t.Skipf("no spread task below %s matches the selection", tasksDir)
	}
	if os.Geteuid() != 0 {
		t.Skip("spread tasks need root: they mount snaps")
	}
	libDir, err := filepath.Abs("lib")
	if err != nil {
		t.Fatal(err)
	}
	binDir, err := binaries()
	if err != nil {
		t.Fatalf("cannot build the binaries the spread tasks drive, so no task can run:\n%v", err)
	}
	r := &runner{binDir: binDir, libDir: libDir, outDir: t.TempDir()}
	for _, tk := range selected {
		t.Run(tk.name, func(t *testing.T) {
			t.Logf("%s", tk.summary)
			res := r.run(tk)
			res.report(t)
		})
	}
}

func (res *taskResult) report(t *testing.T) {
	t.Helper()
	var timing []string
	for _, p := range res.phases {
		if p.ran {
			timing = append(timing, fmt.Sprintf("%s %s", p.name, p.elapsed.Round(time.Millisecond)))
		}
	}
	if len(timing) > 0 {
		t.Logf("phases: %s", strings.Join(timing, ", "))
	}
	if *spreadOutput {
		for _, p := range res.phases {
			if p.ran && !p.failed() && strings.TrimSpace(p.output) != "" {
				t.Logf("%s output:\n%s", p.name, strings.TrimRight(p.output, "\n"))
			}
		}
	}
	for _, p := range res.problems {
		t.Error(p)
	}
	if res.failed() {
		for _, n := range res.notes {
			t.Log(n)
		}
	}
}
