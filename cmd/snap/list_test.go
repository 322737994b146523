package main

import (
	"net/http"
	"testing"

	"github.com/snappy-pm/snappy/daemon/client"
)

func TestListTable(t *testing.T) {
	a := newTestApp(t)
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/snaps": body(200, fixture(t, "snaps.json"))})
	out, errOut, code := runCLI(a, "list")
	want := `Name          Version      Rev  Tracking  Publisher  Notes
anchor-base   1.0          x1   -         -          base
hello-anchor  1.0          x1   -         -          -
snapd         2.57.6-stub  x1   -         -          snapd
`
	if code != 0 || out != want || errOut != "" {
		t.Errorf("exit %d, stderr %q, stdout\n%s\nwant\n%s", code, errOut, out, want)
	}
}

func TestListAllAndNotes(t *testing.T) {
	a := newTestApp(t)
	snaps := []*client.Snap{
		{Name: "zed", Version: "2", Revision: "7", TrackingChannel: "latest/stable", Type: "app",
			Status: "active", Confinement: "classic",
			Publisher: &client.Account{Username: "acme", Validation: "verified"}},
		{Name: "dev", Version: "1", Revision: "x2", Type: "app", Status: "active", Confinement: "strict", DevMode: true},
		{Name: "dev", Version: "0.9", Revision: "x1", Type: "app", Status: "installed", Confinement: "devmode", Broken: "gone"},
	}
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/snaps?select=all": body(200, syncResult(t, snaps))})
	out, _, code := runCLI(a, "list", "--all")
	want := `Name  Version  Rev  Tracking       Publisher  Notes
dev   1        x2   -              -          devmode
dev   0.9      x1   -              -          devmode,disabled,broken
zed   2        7    latest/stable  acme✓      classic
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
}

func TestListNothing(t *testing.T) {
	a := newTestApp(t)
	empty := body(200, syncResult(t, []*client.Snap{}))
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/snaps": empty, "GET /v2/snaps?snaps=nope": empty})
	out, errOut, code := runCLI(a, "list")
	if code != 0 || out != "" || errOut == "" {
		t.Errorf("empty list: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	_, errOut, code = runCLI(a, "list", "nope")
	if code != 1 || errOut != "error: no matching snaps installed\n" {
		t.Errorf("no match: exit %d, stderr %q", code, errOut)
	}
}

func TestNoDaemon(t *testing.T) {
	a := newTestApp(t)
	_, errOut, code := runCLI(a, "list")
	want := "error: cannot connect to snapd at " + a.paths.Socket() + ": is snapd running?\n"
	if code != 1 || errOut != want {
		t.Errorf("exit %d, stderr %q, want %q", code, errOut, want)
	}
}
