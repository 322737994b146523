package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The binaries under test. run.sh builds them once and passes their
// directory in SNAPPY_BENCH_BIN; a bare `go test -bench` builds them here.
var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// scratch holds what every benchmark of the process may reuse (the test
// snaps cost seconds of mksquashfs each time). TestMain removes it.
var (
	scratchOnce sync.Once
	scratchDir  string
	scratchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range []string{scratchDir, builtBin} {
		if dir != "" {
			if err := cleanupTree(dir); err != nil {
				fmt.Fprintln(os.Stderr, "bench cleanup:", err)
			}
		}
	}
	os.Exit(code)
}

func requireRoot(b *testing.B) {
	b.Helper()
	if os.Geteuid() != 0 {
		b.Skip("needs root: the daemon loop-mounts snaps")
	}
	for _, tool := range []string{"mksquashfs", "mount", "umount", "losetup", "cp"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("needs %s: %v", tool, err)
		}
	}
}

func binDir(b *testing.B) string {
	b.Helper()
	if dir := os.Getenv("SNAPPY_BENCH_BIN"); dir != "" {
		return dir
	}
	buildOnce.Do(func() {
		builtBin, buildErr = os.MkdirTemp("", "snappy-bench-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", builtBin+"/", "./cmd/snap", "./cmd/snapd", "./bench/refserver")
		cmd.Dir = ".." // the module root, seen from this package's directory
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return builtBin
}

func scratch(b *testing.B) string {
	b.Helper()
	scratchOnce.Do(func() {
		scratchDir, scratchErr = mkTemp("snappy-bench-snaps-")
	})
	if scratchErr != nil {
		b.Fatal(scratchErr)
	}
	return scratchDir
}

// mkTemp resolves symlinks so that paths compare equal to the kernel's
// view of them in mountinfo and in the loop devices' backing_file.
func mkTemp(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(dir)
}

// system is one Snappy installation under its own root, with its daemon.
type system struct {
	b    *testing.B
	dir  string // everything of this system, the root included
	root string
	bin  string
	proc *proc
	tr   *http.Transport
	http *http.Client
}

func newSystem(b *testing.B) *system {
	b.Helper()
	dir, err := mkTemp("snappy-bench-")
	if err != nil {
		b.Fatal(err)
	}
	s := &system{b: b, dir: dir, root: filepath.Join(dir, "root"), bin: binDir(b)}
	b.Cleanup(s.destroy)
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o755); err != nil {
		b.Fatal(err)
	}
	s.tr, s.http = unixClient(s.socket())
	return s
}

// unixClient is an HTTP client of a unix socket that keeps its connection
// between requests, as a long-lived client of the daemon would.
func unixClient(socket string) (*http.Transport, *http.Client) {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", socket)
		},
		MaxIdleConnsPerHost: 4,
	}
	return tr, &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

func (s *system) socket() string { return filepath.Join(s.root, "run", "snapd.socket") }

// env is what the daemon, the CLI and the apps run with: this root, a home
// inside the system so that `snap run` writes nothing into the real one,
// and none of the fault injection of the crash tests.
func (s *system) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "SNAPPY_GLOBAL_ROOT", "HOME", "XDG_RUNTIME_DIR", "SNAPD_DEBUG",
			"SNAPPY_TESTING", "SNAPPY_TESTING_FAIL_TASK", "SNAPPY_TESTING_CRASH_TASK":
		default:
			env = append(env, kv)
		}
	}
	return append(env, "SNAPPY_GLOBAL_ROOT="+s.root, "HOME="+filepath.Join(s.dir, "home"))
}

func (s *system) snap(args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.bin, "snap"), args...)
	cmd.Env = s.env()
	return cmd
}

func (s *system) mustStart() {
	s.b.Helper()
	if _, err := s.start(); err != nil {
		s.b.Fatal(err)
	}
}

// start runs the daemon and returns how long it took to answer on its
// socket, from just before the fork.
func (s *system) start() (time.Duration, error) {
	logf, err := os.OpenFile(filepath.Join(s.dir, "snapd.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(s.bin, "snapd"))
	cmd.Env = s.env()
	cmd.Stdout, cmd.Stderr = logf, logf
	p, d, err := startProc(cmd, s.ping)
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, s.logTail())
	}
	s.proc = p
	return d, nil
}

// proc is a server process the benchmarks started.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

// startProc starts cmd and waits until ping succeeds; the duration runs
// from just before the fork.
func startProc(cmd *exec.Cmd, ping func() error) (*proc, time.Duration, error) {
	// A benchmark killed outright must not leave servers behind.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(p.exited) }()
	deadline := t0.Add(60 * time.Second)
	for {
		if ping() == nil {
			return p, time.Since(t0), nil
		}
		select {
		case <-p.exited:
			return nil, 0, fmt.Errorf("%s exited at start", cmd.Path)
		default:
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, 0, fmt.Errorf("%s did not answer within 60 s", cmd.Path)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop stops the process the way init would: SIGTERM, then SIGKILL.
func (p *proc) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return nil
	case <-time.After(10 * time.Second):
	}
	p.cmd.Process.Kill()
	<-p.exited
	return fmt.Errorf("%s did not stop within 10 s of SIGTERM and was killed", p.cmd.Path)
}

func (s *system) ping() error { return getDiscard(s.http, "/v2/system-info") }

func (s *system) pid() int { return s.proc.pid() }

func (s *system) stop() error {
	if s.proc == nil {
		return nil
	}
	err := s.proc.stop()
	s.proc = nil
	s.tr.CloseIdleConnections()
	return err
}

// refServer is bench/refserver running beside a system.
type refServer struct {
	*proc
	socket   string
	bin      string
	bodyFile string
	tr       *http.Transport
	http     *http.Client
}

// startRef starts a reference server in dir that answers body.
func startRef(b *testing.B, dir string, body []byte) *refServer {
	b.Helper()
	bodyFile := filepath.Join(dir, "ref-body")
	if err := os.WriteFile(bodyFile, body, 0o644); err != nil {
		b.Fatal(err)
	}
	r := &refServer{socket: filepath.Join(dir, "ref.sock"), bin: binDir(b), bodyFile: bodyFile}
	r.tr, r.http = unixClient(r.socket)
	if err := r.start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := r.stop(); err != nil {
			b.Error(err)
		}
	})
	return r
}

func (r *refServer) start() error {
	cmd := exec.Command(filepath.Join(r.bin, "refserver"), r.socket, r.bodyFile)
	p, _, err := startProc(cmd, func() error { return getDiscard(r.http, "/") })
	r.proc = p
	return err
}

func (r *refServer) stop() error {
	if r.proc == nil {
		return nil
	}
	err := r.proc.stop()
	r.proc = nil
	r.tr.CloseIdleConnections()
	return err
}

// getDiscard does one GET and reads the whole answer, as a client must
// before it can use it.
func getDiscard(c *http.Client, path string) error {
	resp, err := c.Get("http://localhost" + path)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	return err
}

func (s *system) destroy() {
	if err := s.stop(); err != nil {
		s.b.Error(err)
	}
	if err := cleanupTree(s.dir); err != nil {
		s.b.Error(err)
	}
}

func (s *system) logTail() string {
	data, _ := os.ReadFile(filepath.Join(s.dir, "snapd.log"))
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return string(data)
}

// cleanupTree unmounts everything under dir (deepest first), makes sure no
// loop device is still bound to a file under it, and removes it. It leaves
// dir in place if something stays mounted, since removing through a mount
// would reach what is mounted.
func cleanupTree(dir string) error {
	for range 3 {
		mounts := mountsUnder(dir, "")
		if len(mounts) == 0 {
			break
		}
		for _, m := range mounts {
			if err := syscall.Unmount(m, 0); err != nil {
				syscall.Unmount(m, syscall.MNT_DETACH)
			}
		}
	}
	if left := mountsUnder(dir, ""); len(left) > 0 {
		return fmt.Errorf("cannot unmount %v: leaving %s in place", left, dir)
	}
	if err := releaseLoops(dir, time.Second); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// mountsUnder lists the mount points under dir (of fstype, or any),
// deepest first, a path once per mount stacked on it.
func mountsUnder(dir, fstype string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountinfo(fields[4])
		if mp != dir && !strings.HasPrefix(mp, dir+"/") {
			continue
		}
		if fstype != "" {
			// The filesystem type is the first field after the " - ".
			i := slicesIndex(fields, "-")
			if i < 0 || i+1 >= len(fields) || fields[i+1] != fstype {
				continue
			}
		}
		out = append(out, mp)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Count(out[i], "/") > strings.Count(out[j], "/")
	})
	return out
}

func slicesIndex(fields []string, s string) int {
	for i, f := range fields {
		if f == s {
			return i
		}
	}
	return -1
}

// unescapeMountinfo undoes the kernel's octal escapes (\040 for a space).
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				sb.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// loopsUnder lists the loop devices bound to a file under dir. sysfs is
// read rather than `losetup -j FILE` per file, because it also shows loops
// whose file was deleted, which a walk of dir cannot find.
func loopsUnder(dir string) []string {
	matches, _ := filepath.Glob("/sys/block/loop*/loop/backing_file")
	var out []string
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			continue // detached meanwhile
		}
		file := strings.TrimSuffix(strings.TrimSpace(string(data)), " (deleted)")
		if strings.HasPrefix(file, dir+"/") {
			out = append(out, "/dev/"+filepath.Base(filepath.Dir(filepath.Dir(m))))
		}
	}
	return out
}

// releaseLoops waits for autoclear to release the loops under dir, which
// the kernel may do a little after the unmount, and detaches any left.
func releaseLoops(dir string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for len(loopsUnder(dir)) > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var errs []error
	for _, dev := range loopsUnder(dir) {
		if out, err := exec.Command("losetup", "-d", dev).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("losetup -d %s: %v: %s", dev, err, out))
		}
	}
	if left := loopsUnder(dir); len(left) > 0 {
		errs = append(errs, fmt.Errorf("loop devices %v stay bound to files under %s", left, dir))
	}
	return errors.Join(errs...)
}

// The API, as the benchmarks need it.

type envelope struct {
	Type       string          `json:"type"`
	StatusCode int             `json:"status-code"`
	Result     json.RawMessage `json:"result"`
	Change     string          `json:"change"`
}

type change struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Status    string    `json:"status"`
	Ready     bool      `json:"ready"`
	Err       string    `json:"err"`
	SpawnTime time.Time `json:"spawn-time"`
	ReadyTime time.Time `json:"ready-time"`
	Tasks     []struct {
		Kind      string    `json:"kind"`
		Status    string    `json:"status"`
		ReadyTime time.Time `json:"ready-time"`
	} `json:"tasks"`
}

func (s *system) call(method, path, ctype string, body io.Reader) (*envelope, error) {
	req, err := http.NewRequest(method, "http://localhost"+path, body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env envelope
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, fmt.Errorf("%s %s: HTTP %d: %v", method, path, resp.StatusCode, err)
	}
	if env.Type == "error" || resp.StatusCode >= 400 {
		return nil, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, env.Result)
	}
	return &env, nil
}

func (s *system) get(path string, v any) error {
	env, err := s.call("GET", path, "", nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(env.Result, v)
}

// install uploads files in one request, as one change, with the flags the
// test snaps need, and returns the change id.
func (s *system) install(files ...string) (string, error) {
	body, ctype, err := installBody(files...)
	if err != nil {
		return "", err
	}
	env, err := s.call("POST", "/v2/snaps", ctype, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	return env.Change, nil
}

// installBody is the multipart form of POST /v2/snaps for files.
func installBody(files ...string) ([]byte, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, kv := range [][2]string{{"action", "install"}, {"dangerous", "true"}, {"devmode", "true"}, {"classic", "true"}} {
		mw.WriteField(kv[0], kv[1])
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, "", err
		}
		w, err := mw.CreateFormFile("snap", filepath.Base(f))
		if err != nil {
			return nil, "", err
		}
		w.Write(data)
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

func (s *system) remove(name string) (string, error) {
	env, err := s.call("POST", "/v2/snaps/"+name, "application/json", strings.NewReader(`{"action":"remove"}`))
	if err != nil {
		return "", err
	}
	return env.Change, nil
}

// wait polls the change until it is ready and fails unless it is Done.
func (s *system) wait(id string) (*change, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var chg change
		if err := s.get("/v2/changes/"+id, &chg); err != nil {
			return nil, err
		}
		if chg.Ready {
			if chg.Status != "Done" {
				return &chg, fmt.Errorf("change %s (%s) ended %s: %s", id, chg.Kind, chg.Status, chg.Err)
			}
			return &chg, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("change %s not ready after 2 minutes", id)
		}
		time.Sleep(time.Millisecond)
	}
}

// installAll installs files through the API, perChange files per request.
func (s *system) installAll(files []string, perChange int) error {
	for i := 0; i < len(files); i += perChange {
		id, err := s.install(files[i:min(i+perChange, len(files))]...)
		if err != nil {
			return err
		}
		if _, err := s.wait(id); err != nil {
			return err
		}
	}
	return nil
}

// lastChange is the newest change about snap name.
func (s *system) lastChange(name string) (*change, error) {
	var chgs []*change
	if err := s.get("/v2/changes?select=all&for="+name, &chgs); err != nil {
		return nil, err
	}
	var last *change
	best := -1
	for _, c := range chgs {
		if n, _ := strconv.Atoi(c.ID); n > best {
			best, last = n, c
		}
	}
	if last == nil {
		return nil, fmt.Errorf("no change about %s", name)
	}
	return last, nil
}

func (s *system) countSnaps() (int, error) {
	var list []json.RawMessage
	err := s.get("/v2/snaps", &list)
	return len(list), err
}

// run times one fork+exec+wait of cmd; output goes to /dev/null unless
// the caller set it.
func run(cmd *exec.Cmd) (time.Duration, error) {
	t0 := time.Now()
	err := cmd.Run()
	return time.Since(t0), err
}

// mustRun runs cmd and fails the benchmark with its output if it fails.
func mustRun(b *testing.B, cmd *exec.Cmd) time.Duration {
	b.Helper()
	var out bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &out
	}
	if cmd.Stderr == nil {
		cmd.Stderr = &out
	}
	d, err := run(cmd)
	if err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	return d
}

// rssKB reads VmRSS and VmHWM (peak) of pid, in kB.
func rssKB(pid int) (rss, hwm int, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	if rss == 0 {
		return 0, 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
	}
	return rss, hwm, nil
}
