package spreadtests

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// runner executes tasks one at a time, each under a fresh root.
type runner struct {
	binDir string // prepended to PATH; "" leaves PATH alone
	libDir string // TESTSLIB: holds lib.sh, sourced before every phase
	outDir string // phase outputs are files here, not pipes (see runPhase)
}

type phaseResult struct {
	name     string
	ran      bool
	exitCode int // -1 when killed by a signal or never started
	signal   syscall.Signal
	timedOut bool
	startErr error
	output   string
	elapsed  time.Duration
}

func (p *phaseResult) failed() bool {
	return p.ran && (p.startErr != nil || p.timedOut || p.exitCode != 0)
}

func (p *phaseResult) describe() string {
	switch {
	case p.startErr != nil:
		return fmt.Sprintf("%s could not start: %v", p.name, p.startErr)
	case p.timedOut:
		return fmt.Sprintf("%s timed out after %s and was killed with its process group", p.name, p.elapsed.Round(time.Millisecond))
	case p.signal != 0:
		return fmt.Sprintf("%s was killed by %v after %s", p.name, p.signal, p.elapsed.Round(time.Millisecond))
	default:
		return fmt.Sprintf("%s failed with exit code %d after %s", p.name, p.exitCode, p.elapsed.Round(time.Millisecond))
	}
}

type taskResult struct {
	root     string
	phases   []*phaseResult
	problems []string // each one makes the task fail
	notes    []string // context for a failure, such as the daemon's log
	removed  bool     // whether the root was deleted
}

func (res *taskResult) phase(name string) *phaseResult {
	for _, p := range res.phases {
		if p.name == name {
			return p
		}
	}
	return nil
}

func (res *taskResult) failed() bool { return len(res.problems) > 0 }

func (res *taskResult) problemf(format string, args ...any) {
	res.problems = append(res.problems, fmt.Sprintf(format, args...))
}

var unsafeNameChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (r *runner) run(tk *task) *taskResult {
	res := &taskResult{}
	root, err := os.MkdirTemp("", "spread-"+unsafeNameChars.ReplaceAllString(tk.name, "-")+"-")
	if err == nil {
		// Mount points and /proc links show the resolved path; so must R.
		root, err = filepath.EvalSymlinks(root)
	}
	if err == nil {
		err = os.MkdirAll(filepath.Join(root, "home", "test"), 0o755)
	}
	if err != nil {
		res.problemf("cannot create the task's root: %v", err)
		return res
	}
	res.root = root
	env := r.environ(tk, root)

	var failed bool
	for _, ph := range []struct{ name, script string }{{"prepare", tk.prepare}, {"execute", tk.execute}} {
		p := r.runPhase(tk, ph.name, ph.script, env)
		res.phases = append(res.phases, p)
		if p.failed() {
			res.problemf("%s", phaseReport(p))
			failed = true
			break
		}
	}
	if failed && strings.TrimSpace(tk.debug) != "" {
		p := r.runPhase(tk, "debug", tk.debug, env)
		res.phases = append(res.phases, p)
		res.notes = append(res.notes, phaseReport(p))
	}
	// Restore runs whatever happened before: it is what gives back the loop
	// devices and mounts that a failed task would otherwise leave behind.
	p := r.runPhase(tk, "restore", tk.restore, env)
	res.phases = append(res.phases, p)
	if p.failed() {
		res.problemf("%s", phaseReport(p))
	}
	if res.failed() {
		if tail := fileTail(filepath.Join(root, "snapd.log"), 60); tail != "" {
			res.notes = append(res.notes, "last lines of $SNAPPY_GLOBAL_ROOT/snapd.log:\n"+tail)
		}
	}

	// Processes first: a leaked daemon can hold mounts busy, and could
	// mount again after we looked.
	for _, msg := range killLeakedProcesses(root) {
		res.problemf("%s", msg)
	}
	msgs, clean := releaseMounts(root)
	for _, msg := range msgs {
		res.problemf("%s", msg)
	}
	if !clean {
		res.problemf("left %s in place: something below it is still mounted, and removing it would reach into that filesystem", root)
		return res
	}
	if err := os.RemoveAll(root); err != nil {
		res.problemf("cannot remove the task's root: %v", err)
		return res
	}
	res.removed = true
	return res
}

func phaseReport(p *phaseResult) string {
	out := strings.TrimRight(p.output, "\n")
	if out == "" {
		out = "(no output)"
	}
	return fmt.Sprintf("%s; output:\n%s", p.describe(), out)
}

// environ is the test process's environment with the runner's variables
// replacing any inherited value: a developer's own SNAPPY_GLOBAL_ROOT must
// never leak into a task and point it at a real system.
func (r *runner) environ(tk *task, root string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	}
	if r.binDir != "" {
		path = r.binDir + string(os.PathListSeparator) + path
	}
	set := []string{
		"SNAPPY_GLOBAL_ROOT=" + root,
		"PATH=" + path,
		"HOME=" + filepath.Join(root, "home", "test"),
		"SPREAD_PATH=" + tk.dir,
		"SPREAD_TASK=" + tk.name,
		"TESTSLIB=" + r.libDir,
		"LC_ALL=C.UTF-8",
	}
	override := map[string]bool{}
	for _, kv := range set {
		override[kv[:strings.IndexByte(kv, '=')]] = true
	}
	var env []string
	for _, kv := range os.Environ() {
		if i := strings.IndexByte(kv, '='); i > 0 && override[kv[:i]] {
			continue
		}
		env = append(env, kv)
	}
	return append(env, set...)
}

// prelude is what every phase runs before the task's script. The task's
// environment is exported here, by the shell, because spread expands
// values ("$SNAPPY_GLOBAL_ROOT/work" is a useful one). The ERR trap names
// the failing line: with errexit a script otherwise dies without a word.
func prelude(tk *task, phase string) string {
	var b strings.Builder
	for _, e := range tk.env {
		fmt.Fprintf(&b, "export %s=\"%s\"\n", e.key, strings.ReplaceAll(e.value, `"`, `\"`))
	}
	b.WriteString(`source "$TESTSLIB/lib.sh"` + "\n")
	// errtrace (-E) makes the trap name a failure inside a function, which
	// errexit would otherwise end the script on in silence; but it also
	// fires in $(...) subshells, where a failure is often expected, so
	// only the main shell reports. Bash names a function defined in a -c
	// script after odd things ("environment"), so only an absolute path
	// means a sourced file.
	b.WriteString(`spread_on_err() { [ "$BASHPID" = "$$" ] || return 0; if [[ "$3" == /* ]]; then echo "spread: $3:$2: \"$4\" exited $1" >&2; ` +
		`else echo "spread: ` + phase + ` line $(($2 - SPREAD_PRELUDE_LINES)): \"$4\" exited $1" >&2; fi; }` + "\n")
	b.WriteString(`trap 'spread_on_err $? $LINENO "${BASH_SOURCE[0]:-}" "$BASH_COMMAND"' ERR` + "\n")
	lines := strings.Count(b.String(), "\n") + 1
	return fmt.Sprintf("SPREAD_PRELUDE_LINES=%d\n%s", lines, b.String())
}

// runPhase runs one script in its own process group so that a timeout can
// kill everything it started. Output goes to a file: with a pipe, a
// background process that inherited it (a daemon started by prepare)
// would keep Wait from returning until that process exits.
func (r *runner) runPhase(tk *task, name, script string, env []string) *phaseResult {
	p := &phaseResult{name: name, exitCode: -1}
	if strings.TrimSpace(script) == "" {
		p.exitCode = 0
		return p
	}
	p.ran = true
	out, err := os.CreateTemp(r.outDir, name+"-*.log")
	if err != nil {
		p.startErr = err
		return p
	}
	defer os.Remove(out.Name())
	defer out.Close()

	cmd := exec.Command("bash", "-Eeuo", "pipefail", "-c", prelude(tk, name)+script)
	cmd.Dir = tk.dir
	cmd.Env = env
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		p.startErr = err
		return p
	}
	var timedOut atomic.Bool
	pgid := cmd.Process.Pid
	timer := time.AfterFunc(tk.killTimeout, func() {
		timedOut.Store(true)
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})
	err = cmd.Wait()
	timer.Stop()
	p.elapsed = time.Since(start)
	p.timedOut = timedOut.Load()
	if p.timedOut {
		// The shell may have died before the rest of its group got the
		// signal delivered; make sure none of it runs on.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		p.exitCode = 0
	case errors.As(err, &exitErr):
		p.exitCode = exitErr.ExitCode()
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			p.signal = ws.Signal()
		}
	default:
		p.startErr = err
	}
	if data, err := os.ReadFile(out.Name()); err == nil {
		p.output = string(data)
	}
	return p
}

func fileTail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return ""
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimRight(strings.Join(lines, ""), "\n")
}
