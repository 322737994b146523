package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/snappy-pm/snappy/snap/paths"
)

// fixture reads a recorded snapd response; the client package keeps them.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "daemon", "client", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testNow is a moment after every fixture's times, on the same day.
var testNow = time.Date(2026, 11, 24, 16, 0, 0, 0, time.UTC)

// newTestApp returns an app under a fresh root, polling fast, in UTC.
func newTestApp(t *testing.T) *app {
	a := newApp()
	a.paths = paths.New(t.TempDir())
	a.now = func() time.Time { return testNow }
	a.loc = time.UTC
	a.pollMin, a.pollMax = time.Millisecond, 2*time.Millisecond
	return a
}

// fakeDaemon answers on the app's socket: routes maps "METHOD /path?query"
// (exactly as requested) to a handler. Unknown requests fail the test.
type fakeDaemon struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	seen   []request
}

// request is what the fake daemon was sent.
type request struct {
	key, contentType string
	body             []byte
}

func startDaemon(t *testing.T, a *app, routes map[string]http.HandlerFunc) *fakeDaemon {
	t.Helper()
	sock := a.paths.Socket()
	if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	d := &fakeDaemon{t: t, routes: routes}
	srv := httptest.NewUnstartedServer(d)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return d
}

func (d *fakeDaemon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.RequestURI()
	data, err := io.ReadAll(r.Body)
	if err != nil {
		d.t.Errorf("%s: cannot read the request: %v", key, err)
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	d.mu.Lock()
	d.seen = append(d.seen, request{key, r.Header.Get("Content-Type"), data})
	h, ok := d.routes[key]
	d.mu.Unlock()
	if !ok {
		d.t.Errorf("unexpected request %s", key)
		w.WriteHeader(404)
		w.Write([]byte(`{"type":"error","status-code":404,"status":"Not Found","result":{"message":"not found"}}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	h(w, r)
}

func (d *fakeDaemon) requests() []request {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]request(nil), d.seen...)
}

// body answers with a recorded response.
func body(status int, data []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write(data)
	}
}

// syncResult answers with a sync envelope around v.
func syncResult(t *testing.T, v any) []byte {
	t.Helper()
	result, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(map[string]any{
		"type": "sync", "status-code": 200, "status": "OK", "result": json.RawMessage(result),
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func async(change string) http.HandlerFunc {
	return body(202, []byte(`{"type":"async","status-code":202,"status":"Accepted","result":null,"change":"`+change+`"}`))
}

// runCLI runs one command line in process.
func runCLI(a *app, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = a.run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}
