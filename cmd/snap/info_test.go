package main

import (
	"net/http"
	"testing"
)

func TestInfoInstalled(t *testing.T) {
	a := newTestApp(t)
	startDaemon(t, a, map[string]http.HandlerFunc{
		"GET /v2/snaps/hello-anchor": body(200, fixture(t, "snap-hello-anchor.json")),
		"GET /v2/snaps/no-such-snap": body(404, fixture(t, "snap-not-found.json")),
	})
	out, _, code := runCLI(a, "info", "hello-anchor")
	want := `name:      hello-anchor
summary:   anchor test snap
publisher: -
license:   unset
description: |
  tiny snap used to benchmark real snapd
commands:
  - hello-anchor.hello
  - hello-anchor.status
refresh-date: today at 15:10 UTC
installed:    1.0 (x1) 4kB -
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
	_, errOut, code := runCLI(a, "info", "no-such-snap")
	if code != 1 || errOut != `error: snap "no-such-snap" is not installed: "snap list" shows the ones that are, "snap info FILE.snap" reads a file`+"\n" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
