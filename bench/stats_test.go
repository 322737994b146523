package bench

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// samples are the durations of one measured operation, one per iteration.
type samples []time.Duration

// q is the p-quantile (0..1), interpolated between neighbours so that the
// median of an even count is the mean of the middle two.
func (s samples) q(p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	sorted := append(samples(nil), s...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	pos := p * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + time.Duration(frac*float64(sorted[i+1]-sorted[i]))
}

func (s samples) p50() time.Duration { return s.q(0.50) }
func (s samples) p99() time.Duration { return s.q(0.99) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

func fmtMS(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", us(d))
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", ms(d))
	default:
		return fmt.Sprintf("%.1f ms", ms(d))
	}
}

func ratio(a, b time.Duration) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// summary logs one row of the table in docs/benchmarks.md; run.sh collects
// the rows. Benchmarks' logs are printed whatever -v says.
func summary(b *testing.B, cols ...string) {
	b.Helper()
	b.Logf("SUMMARY | %s |", strings.Join(cols, " | "))
}

// metric reports a figure in the benchmark's result line, where benchstat
// and the like can compare runs.
func metric(b *testing.B, d time.Duration, unit string) {
	b.ReportMetric(ms(d), unit)
}

// hideNsPerOp drops the default figure: one iteration of these benchmarks
// does several different things, and its mean duration means nothing.
func hideNsPerOp(b *testing.B) { b.ReportMetric(0, "ns/op") }
