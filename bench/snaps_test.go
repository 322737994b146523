package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"
)

// installedCount is how many snaps the listing, restart and memory
// benchmarks install.
const installedCount = 200

// perChange is how many uploads go into one POST /v2/snaps: the daemon
// installs them in one change, one lane per snap.
const perChange = 20

// installMany makes a system with installedCount snaps installed through the
// API, and checks that the daemon lists them all.
func installMany(b *testing.B, s *system) {
	b.Helper()
	files := manySnaps(b, installedCount)
	t0 := time.Now()
	if err := s.installAll(files, perChange); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d snaps installed through the API, %d files per request, in %s", len(files), perChange, time.Since(t0).Round(time.Millisecond))
	if n, err := s.countSnaps(); err != nil || n != installedCount {
		b.Fatalf("GET /v2/snaps lists %d snaps (%v), want %d", n, err, installedCount)
	}
	if n := len(mountsUnder(s.root, "squashfs")); n != installedCount {
		b.Fatalf("%d squashfs mounts under the root, want %d", n, installedCount)
	}
}

// BenchmarkGetSnaps200 times GET /v2/snaps with 200 snaps installed over
// the unix socket with a keep-alive Go client. In the same loop: GET
// /v2/system-info of the same daemon (the round trip through its socket,
// router and envelope), and the very same response bytes from refserver
// (the round trip and transfer alone).
func BenchmarkGetSnaps200(b *testing.B) {
	requireRoot(b)
	s := newSystem(b)
	s.mustStart()
	installMany(b, s)
	resp, err := s.http.Get("http://localhost/v2/snaps")
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	ref := startRef(b, s.dir, body)

	type endpoint struct {
		name string
		get  func() error
		d    samples
	}
	snaps := &endpoint{name: "GET /v2/snaps", get: func() error { return getDiscard(s.http, "/v2/snaps") }}
	info := &endpoint{name: "GET /v2/system-info", get: func() error { return getDiscard(s.http, "/v2/system-info") }}
	same := &endpoint{name: "refserver, same bytes", get: func() error { return getDiscard(ref.http, "/v2/snaps") }}
	endpoints := []*endpoint{snaps, info, same}
	i := 0
	for b.Loop() {
		for j := range endpoints {
			e := endpoints[(i+j)%len(endpoints)]
			t0 := time.Now()
			if err := e.get(); err != nil {
				b.Fatalf("%s: %v", e.name, err)
			}
			e.d = append(e.d, time.Since(t0))
		}
		i++
	}
	hideNsPerOp(b)

	// What a user waits for: the CLI, which also starts a process and
	// connects anew each time.
	var list samples
	for range 30 {
		list = append(list, mustRun(b, s.snap("list")))
	}

	metric(b, snaps.d.p50(), "snaps-p50-ms")
	metric(b, snaps.d.p99(), "snaps-p99-ms")
	summary(b, fmt.Sprintf("GET /v2/snaps, 200 snaps, p50 (%d requests)", len(snaps.d)), fmtMS(snaps.d.p50()),
		"refserver, same bytes "+fmtMS(same.d.p50())+"; system-info "+fmtMS(info.d.p50()),
		ratio(snaps.d.p50(), same.d.p50()), "< 10 ms", yesNo(snaps.d.p50() < 10*time.Millisecond))
	summary(b, "GET /v2/snaps, 200 snaps, p99", fmtMS(snaps.d.p99()),
		"refserver, same bytes "+fmtMS(same.d.p99())+"; system-info "+fmtMS(info.d.p99()),
		ratio(snaps.d.p99(), same.d.p99()), "—", "—")
	summary(b, "`snap list`, 200 snaps (CLI, median of 30)", fmtMS(list.p50()), "—", "—", "—", "—")
	b.Logf("response: %d bytes", len(body))
	for _, e := range endpoints {
		b.Logf("%s: p50 %s, p99 %s, max %s", e.name, fmtMS(e.d.p50()), fmtMS(e.d.p99()), fmtMS(e.d.q(1)))
	}
}

// BenchmarkInstallMany20 times installing 20 small snaps with one
// `snap install F1 … F20`, against one POST /v2/snaps that carries the 20
// files (which the daemon installs as one change, a lane per snap) and
// waiting for it, as an API client can.
func BenchmarkInstallMany20(b *testing.B) {
	requireRoot(b)
	files := manySnaps(b, 20)
	names := make([]string, len(files))
	for i := range files {
		names[i] = fmt.Sprintf("bench-s%03d", i)
	}
	s := newSystem(b)
	s.mustStart()
	removeAll := func() {
		body, _ := json.Marshal(map[string]any{"action": "remove", "snaps": names})
		env, err := s.call("POST", "/v2/snaps", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.wait(env.Change); err != nil {
			b.Fatal(err)
		}
	}
	var cli, api samples
	for b.Loop() {
		cli = append(cli, mustRun(b, s.snap(append([]string{"install", "--dangerous", "--devmode"}, files...)...)))
		removeAll()
		t0 := time.Now()
		id, err := s.install(files...)
		if err == nil {
			_, err = s.wait(id)
		}
		if err != nil {
			b.Fatal(err)
		}
		api = append(api, time.Since(t0))
		removeAll()
	}
	hideNsPerOp(b)
	metric(b, cli.p50(), "cli-p50-ms")
	metric(b, api.p50(), "api-p50-ms")
	summary(b, fmt.Sprintf("install 20 small snaps with one `snap install F1 … F20` (median of %d)", len(cli)), fmtMS(cli.p50()),
		"one POST /v2/snaps with the 20 files, waited for "+fmtMS(api.p50()), ratio(cli.p50(), api.p50()), "—", "—")
}
