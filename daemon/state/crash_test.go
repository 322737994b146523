package state

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

const crashChildEnv = "SNAPPY_STATE_CRASH_CHILD"

// effectHandlers act outside the database, as real handlers (mounts, files)
// do: task NAME's do creates DIR/NAME, its undo removes it. Both are
// idempotent, as the package contract requires.
func effectHandlers(e *Engine, dir string, crashDo func(tc *TaskContext, name string) error) {
	effect := func(tc *TaskContext) string { return filepath.Join(dir, summaryOf(tc)) }
	do := func(tc *TaskContext) error { return os.WriteFile(effect(tc), nil, 0o644) }
	undo := func(tc *TaskContext) error {
		if err := os.Remove(effect(tc)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	e.AddHandler("effect", do, undo)
	e.AddHandler("crashy", func(tc *TaskContext) error {
		if err := do(tc); err != nil {
			return err
		}
		return crashDo(tc, summaryOf(tc))
	}, undo)
}

// crashChild is the subprocess: it runs a change whose second task kills
// the process with SIGKILL half-way through its do handler.
func crashChild(dir string) {
	db, err := Open(filepath.Join(dir, "state.db"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	e := New(db, nil)
	effectHandlers(e, dir, func(*TaskContext, string) error {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	})
	if _, err := e.NewChange(ChangeSpec{Kind: "install-snap", Snaps: []string{"hello"}, Tasks: []TaskSpec{
		{Kind: "effect", Summary: "t1"},
		{Kind: "crashy", Summary: "t2", WaitFor: []int{0}},
		{Kind: "effect", Summary: "t3", WaitFor: []int{1}},
	}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	e.Start()
	time.Sleep(testTimeout)
	fmt.Fprintln(os.Stderr, "crashing task never ran")
	os.Exit(3)
}

func TestCrashKill9(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	tests := []struct {
		name        string
		rerunFails  bool
		wantChange  Status
		wantTasks   map[string]Status
		wantEffects []string
	}{
		{"resumed task succeeds", false, DoneStatus,
			map[string]Status{"t1": DoneStatus, "t2": DoneStatus, "t3": DoneStatus}, []string{"t1", "t2", "t3"}},
		{"resumed task fails", true, ErrorStatus,
			map[string]Status{"t1": UndoneStatus, "t2": ErrorStatus, "t3": HoldStatus}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKill9$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
				t.Fatalf("child did not die by SIGKILL: %v\n%s", err, out)
			}

			db := openTestDB(t, filepath.Join(dir, "state.db"))
			defer db.Close()
			e := New(db, nil)
			defer e.Stop()
			c, err := e.Change("1")
			if err != nil {
				t.Fatal(err)
			}
			if got := statusBySummary(c); got["t1"] != DoneStatus || got["t2"] != DoingStatus || got["t3"] != DoStatus {
				t.Fatalf("state left by the crash: %v", got)
			}
			// The dead daemon's change still holds its snap.
			var conflict *ConflictError
			if _, err := e.NewChange(ChangeSpec{Kind: "remove-snap", Snaps: []string{"hello"}}); !errors.As(err, &conflict) {
				t.Fatalf("no conflict with the interrupted change: %v", err)
			}

			effectHandlers(e, dir, func(tc *TaskContext, name string) error {
				if tt.rerunFails {
					os.Remove(filepath.Join(dir, name))
					return errors.New("cannot finish")
				}
				return nil
			})
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			c = waitReady(t, e, "1")
			if c.Status != tt.wantChange || !mapsEqual(statusBySummary(c), tt.wantTasks) {
				t.Fatalf("change %s tasks %v", c.Status, statusBySummary(c))
			}
			for _, name := range []string{"t1", "t2", "t3"} {
				_, err := os.Stat(filepath.Join(dir, name))
				want := false
				for _, w := range tt.wantEffects {
					want = want || w == name
				}
				if got := err == nil; got != want {
					t.Errorf("effect of %s present: %v, want %v", name, got, want)
				}
			}
		})
	}
}
