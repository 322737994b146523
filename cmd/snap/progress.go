package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/snappy-pm/snappy/daemon/client"
	"golang.org/x/sys/unix"
)

// progress shows a running change: a redrawn bar on a terminal, a line per
// task as it starts anywhere else (logs, pipes, CI).
type progress interface {
	update(chg *client.Change)
	finish()
}

func newProgress(w io.Writer) progress {
	if f, ok := w.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
			return &barProgress{w: w, width: int(ws.Col)}
		}
	}
	return &lineProgress{w: w, shown: map[string]bool{}}
}

// started tells whether a task has begun running; tasks on hold were
// skipped and never run.
func started(t *client.Task) bool {
	switch t.Status {
	case client.StatusDo, client.StatusHold:
		return false
	}
	return true
}

type lineProgress struct {
	w     io.Writer
	shown map[string]bool
}

func (p *lineProgress) update(chg *client.Change) {
	for _, t := range chg.Tasks {
		if started(t) && !p.shown[t.ID] {
			p.shown[t.ID] = true
			fmt.Fprintln(p.w, t.Summary)
		}
	}
}

func (p *lineProgress) finish() {}

type barProgress struct {
	w     io.Writer
	width int
	drawn bool
}

func (p *barProgress) update(chg *client.Change) {
	label, done, total := chg.Summary, 0, 0
	current := false
	for _, t := range chg.Tasks {
		done += t.Progress.Done
		total += t.Progress.Total
		if !current && t.Status == client.StatusDoing {
			label, current = t.Summary, true
		}
	}
	pct := 0
	if total > 0 {
		pct = 100 * done / total
	}
	fmt.Fprint(p.w, "\r"+barLine(label, pct, p.width))
	p.drawn = true
}

// finish clears the bar so that what is printed next starts a clean line.
func (p *barProgress) finish() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// barLine fits "label [=====     ]  42%" into width columns, shortening the
// label first; the last column stays free so the terminal never wraps.
func barLine(label string, pct, width int) string {
	const barWidth = 20
	tail := fmt.Sprintf(" %4d%%", pct)
	room := width - 1 - len(tail)
	if room >= 2*barWidth {
		filled := barWidth * pct / 100
		tail = " [" + strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled) + "]" + tail
		room -= barWidth + 3
	}
	runes := []rune(label)
	if room < 1 {
		return tail
	}
	if len(runes) > room {
		runes = append(runes[:room-1], '…')
	}
	return fmt.Sprintf("%-*s%s", room, string(runes), tail)
}
