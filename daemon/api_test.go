package daemon

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/snap/paths"
)

func TestEnvelopes(t *testing.T) {
	p := newRoot(t)
	startDaemon(t, p, snapmgr.Options{})

	r := get(t, p, "/v2/system-info")
	if r.Type != "sync" || r.StatusCode != 200 || r.Status != "OK" {
		t.Fatalf("system-info envelope: %+v", r)
	}
	var si map[string]any
	json.Unmarshal(r.Result, &si)
	if si["series"] != "16" || si["on-classic"] != true {
		t.Fatalf("system-info result: %s", r.Result)
	}

	cases := []struct {
		name, method, path, body string
		code                     int
		kind, msg                string
	}{
		{"unknown route", "GET", "/v2/nope", "", 404, "", "not found"},
		{"unknown snap", "GET", "/v2/snaps/no-such-snap", "", 404, "snap-not-found", "snap not installed"},
		{"remove unknown snap", "POST", "/v2/snaps/no-such-snap", `{"action":"remove"}`, 404, "snap-not-found", "snap not installed"},
		{"malformed body", "POST", "/v2/snaps/x", `{"action":`, 400, "", "cannot decode request body"},
		{"bad action", "POST", "/v2/snaps/x", `{"action":"frobnicate"}`, 400, "", "unknown action frobnicate"},
		{"unknown change", "GET", "/v2/changes/999", "", 404, "", `cannot find change with id "999"`},
		{"bad select", "GET", "/v2/changes?select=bogus", "", 400, "", "select should be one of"},
		{"method", "DELETE", "/v2/snaps", "", 405, "", "method DELETE not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := do(t, p, c.method, c.path, "application/json", strings.NewReader(c.body))
			if r.Type != "error" || r.StatusCode != c.code {
				t.Fatalf("got %s %d, want error %d: %s", r.Type, r.StatusCode, c.code, r.Result)
			}
			e := r.errorResult(t)
			if e.Kind != c.kind || !strings.Contains(e.Message, c.msg) {
				t.Fatalf("got kind %q message %q, want kind %q message containing %q", e.Kind, e.Message, c.kind, c.msg)
			}
		})
	}
	r = get(t, p, "/v2/snaps")
	if string(r.Result) != "[]" || len(r.Sources) != 1 || r.Sources[0] != "local" {
		t.Fatalf("empty list: %s %v", r.Result, r.Sources)
	}
}

// TestAccessByUID connects as nobody over the real socket: reading works,
// changing anything is refused by the peer credentials the kernel reports.
func TestAccessByUID(t *testing.T) {
	needRoot(t)
	p := newRoot(t)
	startDaemon(t, p, snapmgr.Options{})
	// The test binary lives in a directory only root may enter: copy it
	// where nobody can run it.
	dir, err := os.MkdirTemp("", "snappy-access-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	exe := filepath.Join(dir, "daemon.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, data, 0o755); err != nil {
		t.Fatal(err)
	}
	as := func(uid int, method, path, body string) (int, string) {
		t.Helper()
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = []string{"SNAPPY_TEST_REQUEST=" + method + " " + path + " " + body, paths.RootEnv + "=" + p.Root}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(uid)}}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("as uid %d: %v: %s", uid, err, out)
		}
		code, rest, _ := strings.Cut(string(out), " ")
		n, _ := strconv.Atoi(code)
		return n, rest
	}
	if code, out := as(65534, "GET", "/v2/snaps", ""); code != 200 {
		t.Fatalf("nobody reading: %d %s", code, out)
	}
	code, out := as(65534, "POST", "/v2/snaps/x", `{"action":"remove"}`)
	if code != 403 || !strings.Contains(out, `"access denied"`) || !strings.Contains(out, `"type":"error"`) {
		t.Fatalf("nobody removing: %d %s", code, out)
	}
	if code, out := as(0, "POST", "/v2/snaps/x", `{"action":"remove"}`); code != 404 {
		t.Fatalf("root removing an unknown snap: %d %s", code, out)
	}
	fi, err := os.Stat(p.Socket())
	if err != nil || fi.Mode().Perm() != 0o666 {
		t.Fatalf("socket mode: %v %v", fi.Mode(), err)
	}
}

// requestAs is the child side of TestAccessByUID: one request over the
// socket, printing "STATUS BODY".
func requestAs(spec string) {
	method, rest, _ := strings.Cut(spec, " ")
	path, body, _ := strings.Cut(rest, " ")
	req, _ := http.NewRequest(method, "http://localhost"+path, strings.NewReader(body))
	resp, err := client(paths.FromEnv()).Do(req)
	if err != nil {
		fmt.Println(0, err)
		os.Exit(1)
	}
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
}
