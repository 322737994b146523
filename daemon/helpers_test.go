package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/mount"
	"github.com/snappy-pm/snappy/snap/paths"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root: installs mount snaps through loop devices")
	}
}

// newRoot makes a temporary global root that every user can traverse (the
// access tests connect as nobody), and unmounts whatever a test left
// mounted under it even when the test fails.
func newRoot(t *testing.T) paths.Paths {
	t.Helper()
	dir, err := os.MkdirTemp("", "snappy-daemon-test-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() {
		if leftover := mountsUnder(t, dir); len(leftover) > 0 {
			for _, m := range leftover {
				mount.Unmount(m)
			}
			t.Errorf("mounts left under the root: %v", leftover)
		}
		os.RemoveAll(dir)
	})
	return paths.New(dir)
}

func mountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := mount.Mountinfo()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.MountPoint, dir+"/") {
			out = append(out, e.MountPoint)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}

type testDaemon struct {
	*Daemon
	p paths.Paths
}

func startDaemon(t *testing.T, p paths.Paths, opts snapmgr.Options) *testDaemon {
	t.Helper()
	log := logrus.New()
	log.SetOutput(io.Discard)
	if testing.Verbose() {
		log.SetOutput(os.Stderr)
	}
	d, err := New(Options{Paths: p, Log: log, Manager: opts})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop() })
	return &testDaemon{Daemon: d, p: p}
}

// client speaks HTTP over the daemon's socket, as any snapd client does.
func client(p paths.Paths) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", p.Socket())
		},
	}}
}

type response struct {
	Type       string          `json:"type"`
	StatusCode int             `json:"status-code"`
	Status     string          `json:"status"`
	Result     json.RawMessage `json:"result"`
	Change     string          `json:"change"`
	Sources    []string        `json:"sources"`
	httpStatus int
}

func (r *response) errorResult(t *testing.T) errorResult {
	t.Helper()
	var e errorResult
	if err := json.Unmarshal(r.Result, &e); err != nil {
		t.Fatalf("error result %s: %v", r.Result, err)
	}
	return e
}

func do(t *testing.T, p paths.Paths, method, path, ctype string, body io.Reader) *response {
	t.Helper()
	req, err := http.NewRequest(method, "http://localhost"+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client(p).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r response
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: not an envelope: %q", method, path, raw)
	}
	r.httpStatus = resp.StatusCode
	if r.StatusCode != resp.StatusCode {
		t.Fatalf("envelope status-code %d but HTTP %d", r.StatusCode, resp.StatusCode)
	}
	return &r
}

func get(t *testing.T, p paths.Paths, path string) *response { return do(t, p, "GET", path, "", nil) }

func postJSON(t *testing.T, p paths.Paths, path, body string) *response {
	return do(t, p, "POST", path, "application/json", strings.NewReader(body))
}

// makeSnap builds a .snap with mksquashfs the way snapd's own tools do.
func makeSnap(t *testing.T, yaml string, files map[string]string) string {
	t.Helper()
	src := t.TempDir()
	files["meta/snap.yaml"] = yaml
	for name, content := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "test.snap")
	cmd := exec.Command("mksquashfs", src, out, "-noappend", "-comp", "xz", "-all-root", "-no-xattrs", "-no-fragments")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mksquashfs: %v\n%s", err, b)
	}
	return out
}

func simpleSnap(t *testing.T, name, confinement string) string {
	return makeSnap(t, fmt.Sprintf("name: %s\nversion: 1.0\nsummary: test snap\nconfinement: %s\napps:\n  %s:\n    command: bin/hello\n  other:\n    command: bin/hello\n", name, confinement, name),
		map[string]string{"bin/hello": "#!/bin/sh\necho hello\n"})
}

// upload posts a .snap as the real client does (multipart, file part "snap").
func upload(t *testing.T, p paths.Paths, file string, fields map[string]string) *response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		var err error
		defer func() { pw.CloseWithError(err) }()
		for k, v := range fields {
			if err = mw.WriteField(k, v); err != nil {
				return
			}
		}
		var fw io.Writer
		if fw, err = mw.CreateFormFile("snap", filepath.Base(file)); err != nil {
			return
		}
		var f *os.File
		if f, err = os.Open(file); err != nil {
			return
		}
		defer f.Close()
		if _, err = io.Copy(fw, f); err != nil {
			return
		}
		err = mw.Close()
	}()
	return do(t, p, "POST", "/v2/snaps", mw.FormDataContentType(), pr)
}

func waitChange(t *testing.T, p paths.Paths, id string) changeJSON {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r := get(t, p, "/v2/changes/"+id)
		var c changeJSON
		if err := json.Unmarshal(r.Result, &c); err != nil {
			t.Fatal(err)
		}
		if c.Ready {
			return c
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("change %s not ready after 30s", id)
	return changeJSON{}
}

// tree lists every path under the root (with symlink targets) except the
// database, to compare a system before and after a failed change.
func tree(t *testing.T, p paths.Paths) []string {
	t.Helper()
	var out []string
	filepath.Walk(p.Root, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(p.Root, path)
		if rel == "." || strings.HasPrefix(rel, "var/lib/snapd/state.db") || rel == "run/snapd.socket" {
			return nil
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			rel += " -> " + target
		}
		out = append(out, rel)
		return nil
	})
	return out
}
