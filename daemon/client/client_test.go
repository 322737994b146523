package client

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fixture returns a recorded snapd response body from testdata.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// serve starts h on a unix socket and returns a client connected to it.
func serve(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "snapd.socket")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return New(sock)
}

// replyWith serves body with the status code recorded in it, after
// checking the request line.
func replyWith(t *testing.T, method, pathAndQuery string, status int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method || r.URL.RequestURI() != pathAndQuery {
			t.Errorf("got %s %s, want %s %s", r.Method, r.URL.RequestURI(), method, pathAndQuery)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}
}

func TestListDecodesFixture(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/snaps", 200, fixture(t, "snaps.json")))
	snaps, err := c.List(context.Background(), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 3 {
		t.Fatalf("got %d snaps, want 3", len(snaps))
	}
	hello := snaps[1]
	date := time.Date(2026, 11, 24, 15, 10, 1, 593246805, time.UTC)
	want := &Snap{
		Summary: "anchor test snap", Description: "tiny snap used to benchmark real snapd",
		InstalledSize: 4096, Name: "hello-anchor", Status: "active", Type: "app",
		Base: "anchor-base", Version: "1.0", Revision: "x1", Confinement: "strict",
		Apps:        []App{{Snap: "hello-anchor", Name: "hello"}, {Snap: "hello-anchor", Name: "status"}},
		MountedFrom: "/var/lib/snapd/snaps/hello-anchor_x1.snap", InstallDate: &date,
	}
	if !hello.InstallDate.Equal(date) {
		t.Errorf("install-date = %v, want %v", hello.InstallDate, date)
	}
	hello.InstallDate = &date
	if !reflect.DeepEqual(hello, want) {
		t.Errorf("got\n%+v\nwant\n%+v", hello, want)
	}
	if snaps[0].Type != "base" || snaps[0].InstalledSize != 892928 || snaps[2].Version != "2.57.6-stub" {
		t.Errorf("other snaps decoded wrong: %+v %+v", snaps[0], snaps[2])
	}
}

func TestListQuery(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/snaps?select=all&snaps=a%2Cb", 200, fixture(t, "snaps.json")))
	if _, err := c.List(context.Background(), []string{"a", "b"}, true); err != nil {
		t.Fatal(err)
	}
}

func TestSnapDecodesStoreFields(t *testing.T) {
	// The fixtures hold only local snaps: these fields come from a store
	// install or a devmode one, in snapd's spelling.
	body := `{"type":"sync","status-code":200,"status":"OK","result":{
		"id":"abc","name":"hello","title":"Hello","version":"2.10","revision":"42",
		"channel":"stable","tracking-channel":"latest/stable","confinement":"devmode",
		"devmode":true,"jailmode":false,"trymode":true,"type":"app","status":"installed",
		"broken":"not found","license":"MIT","website":"https://example.org",
		"publisher":{"id":"p1","username":"acme","display-name":"ACME","validation":"verified"},
		"developer":"acme","contact":"mailto:a@example.org",
		"health":{"revision":"42","timestamp":"2026-11-24T15:00:00Z","status":"okay","message":"fine","code":"c"},
		"apps":[{"snap":"hello","name":"svc","daemon":"simple","daemon-scope":"system","enabled":true,"active":true,"desktop-file":"/x.desktop","common-id":"org.x"}]}}`
	c := serve(t, replyWith(t, "GET", "/v2/snaps/hello", 200, []byte(body)))
	s, err := c.Snap(context.Background(), "hello")
	if err != nil {
		t.Fatal(err)
	}
	want := &Snap{
		ID: "abc", Name: "hello", Title: "Hello", Version: "2.10", Revision: "42",
		Channel: "stable", TrackingChannel: "latest/stable", Confinement: "devmode",
		DevMode: true, TryMode: true, Type: "app", Status: StatusInstalled, Broken: "not found",
		License: "MIT", Website: "https://example.org",
		Publisher: &Account{ID: "p1", Username: "acme", DisplayName: "ACME", Validation: "verified"},
		Developer: "acme", Contact: "mailto:a@example.org",
		Health: &Health{Revision: "42", Timestamp: time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC),
			Status: "okay", Message: "fine", Code: "c"},
		Apps: []App{{Snap: "hello", Name: "svc", Daemon: "simple", DaemonScope: "system",
			Enabled: true, Active: true, DesktopFile: "/x.desktop", CommonID: "org.x"}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got\n%+v\nwant\n%+v", s, want)
	}
	if !s.Apps[0].IsService() {
		t.Error("a daemon app is not a service")
	}
}

func TestSnapNotFound(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/snaps/no-such-snap", 404, fixture(t, "snap-not-found.json")))
	_, err := c.Snap(context.Background(), "no-such-snap")
	var apiErr *Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("got %T %v, want *Error", err, err)
	}
	want := &Error{Kind: "snap-not-found", Message: "snap not installed", Value: "no-such-snap", StatusCode: 404}
	if !reflect.DeepEqual(apiErr, want) {
		t.Errorf("got %+v, want %+v", apiErr, want)
	}
	if err.Error() != "snap not installed" {
		t.Errorf("message %q", err)
	}
}

func TestErrorWithoutKind(t *testing.T) {
	c := serve(t, replyWith(t, "POST", "/v2/snaps/x", 400, fixture(t, "post-bad-action.json")))
	_, err := c.Remove(context.Background(), "x", false)
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Message != "unknown action frobnicate" || apiErr.Kind != "" || apiErr.StatusCode != 400 {
		t.Fatalf("got %#v", err)
	}
}

func TestErrorNotJSON(t *testing.T) {
	c := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "nope", http.StatusBadGateway)
	})
	_, err := c.SysInfo(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot decode response to GET /v2/system-info (HTTP 502)") {
		t.Fatalf("got %v", err)
	}
}

func TestErrorEmptyResult(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/system-info", 500,
		[]byte(`{"type":"error","status-code":500,"status":"Internal Server Error","result":{}}`)))
	_, err := c.SysInfo(context.Background())
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.Message != "snapd returned 500 Internal Server Error without an explanation" {
		t.Fatalf("got %v", err)
	}
}

func TestMissingSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "run", "snapd.socket")
	_, err := New(sock).SysInfo(context.Background())
	want := "cannot connect to snapd at " + sock + ": is snapd running?"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	var ce *ConnectError
	if !errors.As(err, &ce) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the cause is lost: %#v", err)
	}
}

func TestSysInfo(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/system-info", 200, fixture(t, "system-info.json")))
	si, err := c.SysInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if si.Series != "16" || si.Version != "2.57.6-1+deb12u1+b2" || si.KernelVersion != "6.18.44-fc-v769" ||
		si.OSRelease != (OSRelease{ID: "debian", VersionID: "12"}) || !si.OnClassic || si.Managed ||
		si.Architecture != "amd64" || si.Confinement != "partial" || si.Virtualization != "systemd-nspawn" ||
		si.SystemMode != "run" || si.BuildID == "" || si.Locations["snap-mount-dir"] != "/snap" ||
		si.Refresh.Timer != "00:00~24:00/4" || si.Refresh.Hold != "2026-11-24T17:05:00Z" ||
		!reflect.DeepEqual(si.SandboxFeatures["confinement-options"], []string{"classic", "devmode"}) {
		t.Errorf("decoded wrong: %+v", si)
	}
}

func TestApps(t *testing.T) {
	c := serve(t, replyWith(t, "GET", "/v2/apps?names=hello-anchor&select=service", 200, fixture(t, "apps.json")))
	apps, err := c.Apps(context.Background(), []string{"hello-anchor"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 2 || *apps[0] != (App{Snap: "hello-anchor", Name: "hello"}) || apps[1].Name != "status" {
		t.Errorf("got %+v", apps)
	}
}

func TestRemove(t *testing.T) {
	accepted := fixture(t, "post-remove.json")
	for _, tc := range []struct {
		purge bool
		body  string
	}{{false, `{"action":"remove"}`}, {true, `{"action":"remove","purge":true}`}} {
		c := serve(t, func(w http.ResponseWriter, r *http.Request) {
			data, _ := io.ReadAll(r.Body)
			if r.Method != "POST" || r.URL.Path != "/v2/snaps/hello-anchor" ||
				r.Header.Get("Content-Type") != "application/json" || string(data) != tc.body {
				t.Errorf("got %s %s %q %s", r.Method, r.URL, r.Header.Get("Content-Type"), data)
			}
			w.WriteHeader(202)
			w.Write(accepted)
		})
		id, err := c.Remove(context.Background(), "hello-anchor", tc.purge)
		if err != nil || id != "115" {
			t.Errorf("got %q, %v", id, err)
		}
	}
}

func TestAsyncWithoutChange(t *testing.T) {
	c := serve(t, replyWith(t, "POST", "/v2/snaps/x", 200, fixture(t, "snap-hello-anchor.json")))
	if _, err := c.Remove(context.Background(), "x", false); err == nil || !strings.Contains(err.Error(), "without starting a change") {
		t.Fatalf("got %v", err)
	}
}
