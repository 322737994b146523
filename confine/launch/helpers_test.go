package launch

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// nobody is the unprivileged user the tests launch as.
const nobody = 65534

type runOpts struct {
	target  string // NAME.APP
	hook    string // or a hook of NAME
	args    []string
	shell   bool
	devmode bool
	uid     int // 0 or nobody
	env     []string
	dir     string
	extra   []*os.File
}

// command is `snap run` of o, not started.
func (f *fixture) command(t testing.TB, o runOpts) *exec.Cmd {
	t.Helper()
	req, err := json.Marshal(runRequest{Root: f.p.Root, Target: o.target, Hook: o.hook, Args: o.args, Shell: o.shell, DevMode: o.devmode})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(f.bin)
	cmd.Args[0] = "snap"
	cmd.Env = append([]string{runEnv + "=" + string(req), "HOME=" + f.homes[o.uid], "PATH=/usr/bin:/bin"}, o.env...)
	cmd.Dir = o.dir
	if cmd.Dir == "" {
		cmd.Dir = "/"
	}
	cmd.ExtraFiles = o.extra
	if o.uid != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.uid)}}
	}
	return cmd
}

type result struct {
	stdout, stderr string
	ws             syscall.WaitStatus
}

func (r result) code() int { return r.ws.ExitStatus() }

// run launches o and waits for it.
func (f *fixture) run(t testing.TB, o runOpts) result {
	t.Helper()
	cmd := f.command(t, o)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), cmd.ProcessState.Sys().(syscall.WaitStatus)}
}

// mustRun launches o and wants exit status 0.
func (f *fixture) mustRun(t testing.TB, o runOpts) string {
	t.Helper()
	r := f.run(t, o)
	if r.code() != 0 {
		t.Fatalf("%s %v: %s\nstdout:\n%s\nstderr:\n%s", o.target, o.args, describeStatus(r.ws), r.stdout, r.stderr)
	}
	return r.stdout
}

// probe runs shell checks inside the app; each prints NAME=yes|no.
func (f *fixture) probe(t testing.TB, o runOpts, checks [][2]string) map[string]string {
	t.Helper()
	var script strings.Builder
	script.WriteString("check() { n=$1; shift; if sh -c \"$*\" >/dev/null 2>&1; then echo \"$n=yes\"; else echo \"$n=no\"; fi; }\n")
	for _, c := range checks {
		script.WriteString("check " + c[0] + " '" + strings.ReplaceAll(c[1], "'", `'\''`) + "'\n")
	}
	o.args = []string{"sh", "-c", script.String()}
	out := f.mustRun(t, o)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	return got
}

func closeFd(fd int) { syscall.Close(fd) }
