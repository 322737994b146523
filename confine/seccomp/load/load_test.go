package load

import (
	"encoding/binary"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// program assembles a filter that fails getppid(2) with ENOSYS and allows
// everything else: small enough to write by hand, visible from Go.
func program() []byte {
	insns := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: 0}, // seccomp_data.nr
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 0, Jf: 1, K: unix.SYS_GETPPID},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
	}
	out := make([]byte, len(insns)*insnSize)
	for i, in := range insns {
		b := out[i*insnSize:]
		binary.NativeEndian.PutUint16(b, in.Code)
		b[2], b[3] = in.Jt, in.Jf
		binary.NativeEndian.PutUint32(b[4:], in.K)
	}
	return out
}

func getppid() unix.Errno {
	_, _, errno := unix.RawSyscall(unix.SYS_GETPPID, 0, 0, 0)
	return errno
}

// threadStatus reads a field of /proc/thread-self/status.
func threadStatus(field string) string {
	data, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		return err.Error()
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestApplyCallingThreadOnly applies the filter on a goroutine that never
// unlocks its thread, so the thread, filter and all, ends with it.
func TestApplyCallingThreadOnly(t *testing.T) {
	if _, err := Supported(); err != nil {
		t.Skip(err)
	}
	type result struct {
		errno     unix.Errno
		nnp, mode string
		err       error
	}
	filtered := make(chan result)
	go func() {
		runtime.LockOSThread()
		err := Apply(program())
		filtered <- result{getppid(), threadStatus("NoNewPrivs"), threadStatus("Seccomp"), err}
	}()
	r := <-filtered
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.errno != unix.ENOSYS || r.nnp != "1" || r.mode != "2" {
		t.Errorf("filtered thread: getppid %v, NoNewPrivs %s, Seccomp %s", r.errno, r.nnp, r.mode)
	}

	other := make(chan unix.Errno)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		other <- getppid()
	}()
	if errno := <-other; errno != 0 {
		t.Errorf("another thread: getppid %v; the filter leaked past its thread", errno)
	}
}

func TestApplyRejectsMalformed(t *testing.T) {
	for name, prog := range map[string][]byte{
		"empty":     nil,
		"truncated": program()[:12],
		"too long":  make([]byte, (maxInsns+1)*insnSize),
	} {
		if err := Apply(prog); err == nil {
			t.Errorf("%s: applied", name)
		}
	}
	// Nothing above may have set no_new_privs on this thread either.
}

func TestApplyFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.hello.app.bin")
	err := ApplyFile(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "reinstall the snap") {
		t.Fatalf("ApplyFile(missing) = %v", err)
	}
}

func TestApplyFileCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snap.hello.app.bin")
	if err := os.WriteFile(path, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := ApplyFile(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("ApplyFile(corrupt) = %v", err)
	}
}

func TestSupported(t *testing.T) {
	if _, err := os.Stat(actionsFile); err != nil {
		t.Skip(err)
	}
	actions, err := Supported()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"allow", "errno", "log"} {
		if !strings.Contains(" "+strings.Join(actions, " ")+" ", " "+want+" ") {
			t.Errorf("actions %v lack %s", actions, want)
		}
	}

	old := actionsFile
	defer func() { actionsFile = old }()
	actionsFile = filepath.Join(t.TempDir(), "absent")
	if _, err := Supported(); err == nil || !strings.Contains(err.Error(), "before 4.14") {
		t.Errorf("without the actions list: %v", err)
	}
}

// TestNoCgo guards the launcher's start-up time and its freedom from C:
// this package must not grow cgo or libseccomp.
func TestNoCgo(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "C" || strings.Contains(path, "libseccomp") {
				t.Errorf("%s imports %s", f, path)
			}
		}
	}
}
