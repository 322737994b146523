package main

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// newTable returns a tabwriter laid out like snapd's tables: columns at
// least 5 wide, 2 spaces apart.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 5, 3, 2, ' ', 0)
}

// timeFormatter writes times as snapd does: relative to today unless the
// user asked for absolute ones.
type timeFormatter struct {
	abs bool
	now time.Time
	loc *time.Location
}

func (a *app) times(abs bool) timeFormatter {
	return timeFormatter{abs: abs, now: a.now(), loc: a.loc}
}

// format writes "-" for a time that has not happened (a change not ready).
func (f timeFormatter) format(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	if f.abs {
		return t.Format(time.RFC3339)
	}
	t = t.In(f.loc)
	clock := t.Format("15:04 MST")
	// Calendar days, not 24-hour periods: 23:59 yesterday is "yesterday".
	day := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	days := int(day(t).Sub(day(f.now.In(f.loc))).Hours() / 24)
	switch {
	case days < -60 || days > 60:
		return t.Format("2006-01-02")
	case days < -1:
		return fmt.Sprintf("%d days ago, at %s", -days, clock)
	case days == -1:
		return "yesterday at " + clock
	case days == 0:
		return "today at " + clock
	case days == 1:
		return "tomorrow at " + clock
	default:
		return fmt.Sprintf("in %d days, at %s", days, clock)
	}
}

// sizeString writes sizes in decimal units, rounded down, as snapd does.
func sizeString(n int64) string {
	for _, unit := range []string{"B", "kB", "MB", "GB", "TB", "PB"} {
		if n < 1000 {
			return fmt.Sprintf("%d%s", n, unit)
		}
		n /= 1000
	}
	return fmt.Sprintf("%dEB", n)
}

// dash stands in for an empty table cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
