package bench

import (
	"fmt"
	"io"
	"testing"
	"time"
)

// rssTarget is the most the idle daemon may keep resident, in kB.
const rssTarget = 30 * 1024

// idleAfter is how long the daemons sit idle before their memory is read.
const idleAfter = 2 * time.Second

// BenchmarkIdleRSS reads the resident memory (VmRSS) of the daemon freshly
// started with 0 and with 200 snaps installed, after a few requests and
// idleAfter of nothing. The reference, treated the same way in the same
// iteration, is refserver: a Go HTTP server on a unix socket that answers
// the same /v2/snaps bytes, i.e. what the Go runtime and net/http take
// before snapd's own work.
func BenchmarkIdleRSS(b *testing.B) {
	requireRoot(b)
	empty, full := newSystem(b), newSystem(b)
	empty.mustStart()
	full.mustStart()
	installMany(b, full)
	resp, err := full.http.Get("http://localhost/v2/snaps")
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	ref := startRef(b, full.dir, body)

	// A few of what clients ask most, as `snap list`, `snap changes` and a
	// desktop's snap applet would.
	paths := []string{"/v2/system-info", "/v2/snaps", "/v2/snaps", "/v2/apps", "/v2/changes?select=all", "/v2/snaps/bench-s000", "/v2/snaps"}
	var rss, hwm [3][]int
	for b.Loop() {
		for _, s := range []*system{empty, full} {
			if err := s.stop(); err != nil {
				b.Fatal(err)
			}
			if _, err := s.start(); err != nil {
				b.Fatal(err)
			}
		}
		if err := ref.stop(); err != nil {
			b.Fatal(err)
		}
		if err := ref.start(); err != nil {
			b.Fatal(err)
		}
		for _, p := range paths {
			for _, s := range []*system{empty, full} {
				if err := getDiscard(s.http, p); err != nil && p != "/v2/snaps/bench-s000" {
					b.Fatalf("GET %s: %v", p, err)
				}
			}
			if err := getDiscard(ref.http, p); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(idleAfter)
		for i, pid := range []int{empty.pid(), full.pid(), ref.pid()} {
			r, h, err := rssKB(pid)
			if err != nil {
				b.Fatal(err)
			}
			rss[i], hwm[i] = append(rss[i], r), append(hwm[i], h)
		}
	}
	hideNsPerOp(b)

	med := func(v []int) int {
		s := make(samples, len(v))
		for i, x := range v {
			s[i] = time.Duration(x)
		}
		return int(s.p50())
	}
	mb := func(kb int) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }
	r0, r200, rref := med(rss[0]), med(rss[1]), med(rss[2])
	b.ReportMetric(float64(r0)/1024, "rss0-MB")
	b.ReportMetric(float64(r200)/1024, "rss200-MB")
	b.ReportMetric(float64(rref)/1024, "ref-rss-MB")
	for _, row := range []struct {
		label string
		kb    int
	}{{"0 snaps", r0}, {"200 snaps", r200}} {
		summary(b, fmt.Sprintf("daemon idle VmRSS, %s, %s after a few requests (median of %d starts)", row.label, idleAfter, len(rss[0])),
			mb(row.kb), "refserver (Go net/http on a unix socket) "+mb(rref), fmt.Sprintf("%.2f×", float64(row.kb)/float64(rref)),
			"< 30 MB", yesNo(row.kb < rssTarget))
	}
	b.Logf("VmHWM (peak) median: 0 snaps %s, 200 snaps %s, refserver %s", mb(med(hwm[0])), mb(med(hwm[1])), mb(med(hwm[2])))
}
