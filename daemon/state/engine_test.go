package state

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunsTasksInWaitOrder(t *testing.T) {
	tests := []struct {
		name  string
		waits [][]int // per task, indexes it waits for
	}{
		{"chain", [][]int{nil, {0}, {1}, {2}}},
		{"reverse-declared chain", [][]int{{1}, {2}, {3}, nil}},
		{"diamond", [][]int{nil, {0}, {0}, {1, 2}}},
		{"fan-in", [][]int{nil, nil, nil, {0, 1, 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			var mu sync.Mutex
			finished := map[string]bool{}
			var violations []string
			specs := make([]TaskSpec, len(tt.waits))
			for i, w := range tt.waits {
				specs[i] = TaskSpec{Kind: "step", Summary: fmt.Sprint(i), WaitFor: w}
			}
			e.AddHandler("step", func(tc *TaskContext) error {
				name := summaryOf(tc)
				i := slices.IndexFunc(specs, func(s TaskSpec) bool { return s.Summary == name })
				mu.Lock()
				for _, w := range specs[i].WaitFor {
					if !finished[specs[w].Summary] {
						violations = append(violations, fmt.Sprintf("%s started before %s finished", name, specs[w].Summary))
					}
				}
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				finished[name] = true
				mu.Unlock()
				return nil
			}, nil)
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			c := waitReady(t, e, mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: specs}).ID)
			if c.Status != DoneStatus || len(finished) != len(specs) {
				t.Fatalf("change %s, %d tasks finished", c.Status, len(finished))
			}
			if len(violations) > 0 {
				t.Fatal(violations)
			}
			for _, task := range c.Tasks {
				if task.ReadyTime.IsZero() || task.Progress != (Progress{Done: 1, Total: 1}) {
					t.Errorf("task %s: ready time %v progress %+v", task.Summary, task.ReadyTime, task.Progress)
				}
			}
		})
	}
}

func TestIndependentTasksRunConcurrently(t *testing.T) {
	e, _ := newTestEngine(t)
	const n = 4
	var inside atomic.Int32
	all := make(chan struct{})
	e.AddHandler("meet", func(tc *TaskContext) error {
		if inside.Add(1) == n {
			close(all)
		}
		select {
		case <-all:
			return nil
		case <-time.After(testTimeout / 2):
			return errors.New("other tasks never ran alongside this one")
		}
	}, nil)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	spec := ChangeSpec{Kind: "k"}
	for range n {
		spec.Tasks = append(spec.Tasks, TaskSpec{Kind: "meet"})
	}
	c := waitReady(t, e, mustNewChange(t, e, spec).ID)
	if c.Status != DoneStatus {
		t.Fatalf("change %s: %s", c.Status, c.Err)
	}
}

func TestTaskContextData(t *testing.T) {
	e, _ := newTestEngine(t)
	e.AddHandler("work", func(tc *TaskContext) error {
		var in string
		if ok, err := tc.Get("input", &in); !ok || err != nil || in != "x" {
			return fmt.Errorf("Get input = %v %v %q", ok, err, in)
		}
		if err := tc.Set("made", []string{"a", "b"}); err != nil {
			return err
		}
		var made []string
		if ok, err := tc.Get("made", &made); !ok || err != nil || len(made) != 2 {
			return fmt.Errorf("Get made = %v %v %v", ok, err, made)
		}
		if ok, _ := tc.Get("nothing", &made); ok {
			return errors.New("Get of a missing key found something")
		}
		var rev int
		if ok, err := tc.ChangeGet("revision", &rev); !ok || err != nil || rev != 7 {
			return fmt.Errorf("ChangeGet = %v %v %d", ok, err, rev)
		}
		if err := tc.ChangeSet("result", "linked"); err != nil {
			return err
		}
		tc.Logf("linked %s", in)
		for i := 1; i <= 3; i++ {
			tc.SetProgress("copying", i, 3)
		}
		return tc.Update(func(tx *Tx) error { return tx.Put("snaps", "hello", map[string]int{"revision": rev}) })
	}, nil)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	c := waitReady(t, e, mustNewChange(t, e, ChangeSpec{
		Kind: "k", Data: map[string]any{"revision": 7},
		Tasks: []TaskSpec{{Kind: "work", Summary: "Work", Data: map[string]any{"input": "x"}}},
	}).ID)
	if c.Status != DoneStatus {
		t.Fatalf("change %s: %s", c.Status, c.Err)
	}
	task := c.Tasks[0]
	if string(task.Data["made"]) != `["a","b"]` || string(c.Data["result"]) != `"linked"` {
		t.Errorf("data not persisted: task %s change %s", task.Data["made"], c.Data["result"])
	}
	if len(task.Log) != 1 || !strings.HasSuffix(task.Log[0], " INFO linked x") {
		t.Errorf("log = %q", task.Log)
	}
	if _, err := time.Parse(time.RFC3339, strings.Fields(task.Log[0])[0]); err != nil {
		t.Errorf("log entry without timestamp: %v", err)
	}
	// The last report came within the throttle interval, so this also
	// checks that it is flushed when the handler returns.
	if task.Progress != (Progress{Label: "copying", Done: 3, Total: 3}) {
		t.Errorf("progress = %+v", task.Progress)
	}
	e.DB().View(func(tx *Tx) error {
		var v map[string]int
		if ok, _ := tx.Get("snaps", "hello", &v); !ok || v["revision"] != 7 {
			t.Errorf("manager state = %v", v)
		}
		return nil
	})
}

func TestProgressVisibleWhileRunning(t *testing.T) {
	e, _ := newTestEngine(t)
	reported, release := make(chan struct{}), make(chan struct{})
	e.AddHandler("dl", func(tc *TaskContext) error {
		tc.SetProgress("a", 1, 10)
		tc.SetProgress("b", 5, 10) // throttled: not committed yet
		close(reported)
		<-release
		return nil
	}, nil)
	e.Start()
	c := mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "dl"}}})
	<-reported
	got, err := e.Change(c.ID)
	close(release)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tasks[0].Progress != (Progress{"b", 5, 10}) || got.Status != DoingStatus {
		t.Errorf("running change %s progress %+v", got.Status, got.Tasks[0].Progress)
	}
	waitReady(t, e, c.ID)
}

func TestRetry(t *testing.T) {
	e, _ := newTestEngine(t)
	var calls atomic.Int32
	e.AddHandler("flaky", func(tc *TaskContext) error {
		if calls.Add(1) == 1 {
			return &Retry{After: 20 * time.Millisecond, Reason: "store busy"}
		}
		return nil
	}, nil)
	e.Start()
	start := time.Now()
	c := waitReady(t, e, mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "flaky"}}}).ID)
	if c.Status != DoneStatus || calls.Load() != 2 {
		t.Fatalf("change %s after %d calls", c.Status, calls.Load())
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Error("retried before the requested delay")
	}
	if len(c.Tasks[0].Log) != 1 || !strings.Contains(c.Tasks[0].Log[0], "will retry in 20ms: store busy") {
		t.Errorf("log = %q", c.Tasks[0].Log)
	}
}

func TestHandlerProblemsBecomeTaskErrors(t *testing.T) {
	tests := []struct {
		name, kind, wantErr string
	}{
		{"panic", "panics", `- P (internal error: task handler panicked: oops)`},
		{"no handler", "unknown", `- P (internal error: no handler for task kind "unknown")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			e.AddHandler("panics", func(*TaskContext) error { panic("oops") }, nil)
			e.Start()
			c := waitReady(t, e, mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: tt.kind, Summary: "P"}}}).ID)
			if c.Status != ErrorStatus || !strings.HasSuffix(c.Err, tt.wantErr) {
				t.Fatalf("change %s: %q", c.Status, c.Err)
			}
		})
	}
}

func TestNewChangeValidation(t *testing.T) {
	tests := []struct {
		name string
		spec ChangeSpec
		want string
	}{
		{"no kind", ChangeSpec{}, "empty kind"},
		{"task without kind", ChangeSpec{Kind: "k", Tasks: []TaskSpec{{}}}, "task 0 has an empty kind"},
		{"index out of range", ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "a", WaitFor: []int{1}}}}, "invalid task index 1"},
		{"negative index", ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "a", WaitFor: []int{-1}}}}, "invalid task index -1"},
		{"self wait", ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "a", WaitFor: []int{0}}}}, "invalid task index 0"},
		{"cycle", ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "a", WaitFor: []int{2}}, {Kind: "b", WaitFor: []int{0}}, {Kind: "c", WaitFor: []int{1}}}}, "cycle"},
		{"bad data", ChangeSpec{Kind: "k", Data: map[string]any{"f": func() {}}}, `cannot encode data "f"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newTestEngine(t)
			_, err := e.NewChange(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if all, _ := e.Changes(nil); len(all) != 0 {
				t.Fatalf("a refused change was stored: %+v", all[0])
			}
		})
	}
}

func TestEmptyChangeIsReadyOnHold(t *testing.T) {
	e, _ := newTestEngine(t)
	c := mustNewChange(t, e, ChangeSpec{Kind: "k"})
	if !c.Ready || c.Status != HoldStatus || c.ReadyTime.IsZero() {
		t.Fatalf("empty change: ready %v status %s", c.Ready, c.Status)
	}
}

func TestChangesListing(t *testing.T) {
	e, _ := newTestEngine(t)
	rec := &recorder{}
	addStandardHandlers(e, rec)
	// Twelve changes so that ids 10-12 would sort before 2 as strings.
	for i := range 12 {
		kind := "ok"
		if i%2 == 1 {
			kind = "unstarted"
		}
		mustNewChange(t, e, ChangeSpec{Kind: "k", Snaps: []string{fmt.Sprint("snap", i)}, Tasks: []TaskSpec{{Kind: kind}}})
	}
	ids := func(cs []*Change) (out []string) {
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	all, err := e.Changes(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}; !slices.Equal(ids(all), want) {
		t.Fatalf("Changes ids %v", ids(all))
	}
	// Only the even ones can run: "unstarted" has no handler before Start.
	e.AddHandler("unstarted", func(tc *TaskContext) error { <-tc.Context().Done(); return tc.Context().Err() }, nil)
	e.Start()
	for i := 1; i <= 12; i += 2 {
		waitReady(t, e, fmt.Sprint(i))
	}
	mustNewChange(t, e, ChangeSpec{Kind: "k", Snaps: []string{"snap0"}, Tasks: []TaskSpec{{Kind: "unstarted"}}})
	if got, _ := e.ChangesForSnap("snap0", nil); !slices.Equal(ids(got), []string{"1", "13"}) {
		t.Errorf("ChangesForSnap ids %v", ids(got))
	}
	inProgress, err := e.InProgressChanges(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2", "4", "6", "8", "10", "12", "13"}; !slices.Equal(ids(inProgress), want) {
		t.Errorf("InProgressChanges ids %v", ids(inProgress))
	}
	ready, _ := e.Changes(func(c *Change) bool { return c.Ready })
	if want := []string{"1", "3", "5", "7", "9", "11"}; !slices.Equal(ids(ready), want) {
		t.Errorf("filtered ids %v", ids(ready))
	}
	if _, err := e.Change("99"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Change(99) error %v", err)
	}
	if _, err := e.Change("bogus"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Change(bogus) error %v", err)
	}
}

func TestWaitReadyHonoursContext(t *testing.T) {
	e, _ := newTestEngine(t)
	c := mustNewChange(t, e, ChangeSpec{Kind: "k", Tasks: []TaskSpec{{Kind: "never"}}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.WaitReady(ctx, c.ID); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitReady error %v", err)
	}
}

func TestStartTwice(t *testing.T) {
	e, _ := newTestEngine(t)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	if err := e.Start(); err == nil {
		t.Fatal("second Start succeeded")
	}
}
