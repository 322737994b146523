package main

import (
	"net/http"
	"strings"
	"testing"
)

func TestVersionFromDaemon(t *testing.T) {
	a := newTestApp(t)
	startDaemon(t, a, map[string]http.HandlerFunc{"GET /v2/system-info": body(200, fixture(t, "system-info.json"))})
	Version = "1.2.3"
	defer func() { Version = "" }()
	out, _, code := runCLI(a, "version")
	want := `snap    1.2.3
snapd   2.57.6-1+deb12u1+b2
series  16
debian  12
kernel  6.18.44-fc-v769
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
}

func TestVersionWithoutDaemon(t *testing.T) {
	a := newTestApp(t)
	out, errOut, code := runCLI(a, "version")
	lines := strings.Split(out, "\n")
	if code != 0 || errOut != "" || len(lines) < 4 ||
		!strings.HasPrefix(lines[0], "snap    ") || lines[1] != "snapd   unavailable" || lines[2] != "series  16" ||
		!strings.HasPrefix(lines[len(lines)-2], "kernel  ") || lines[len(lines)-2] == "kernel  -" {
		t.Errorf("exit %d, stderr %q, stdout\n%s", code, errOut, out)
	}
}
