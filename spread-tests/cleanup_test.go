package spreadtests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// under reports whether path is root or inside it.
func under(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+"/")
}

type leakedProc struct {
	pid     int
	why     string
	cmdline string
}

// procState is the one-letter state from /proc/PID/stat, "" if gone.
func procState(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name is in parentheses and may itself hold ") ".
	i := bytes.LastIndexByte(data, ')')
	if i < 0 || i+2 >= len(data) {
		return ""
	}
	return string(data[i+2])
}

// alive treats a zombie as dead: its parent may be an init that never
// reaps, and a zombie holds no mounts, files or cwd.
func alive(pid int) bool {
	s := procState(pid)
	return s != "" && s != "Z"
}

// procsUnder finds processes that belong to the task rooted at root: their
// cwd or executable is below it, or they were started with its
// SNAPPY_GLOBAL_ROOT (which catches a daemon that chdir'd to /).
func procsUnder(root string) []leakedProc {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	want := []byte("SNAPPY_GLOBAL_ROOT=" + root)
	var found []leakedProc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self || !alive(pid) {
			continue
		}
		dir := "/proc/" + e.Name()
		var why string
		if cwd, err := os.Readlink(dir + "/cwd"); err == nil && under(strings.TrimSuffix(cwd, " (deleted)"), root) {
			why = "its working directory is " + cwd
		} else if exe, err := os.Readlink(dir + "/exe"); err == nil && under(strings.TrimSuffix(exe, " (deleted)"), root) {
			why = "its executable is " + exe
		} else if environ, err := os.ReadFile(dir + "/environ"); err == nil {
			for _, kv := range bytes.Split(environ, []byte{0}) {
				if bytes.Equal(kv, want) {
					why = "its environment has " + string(want)
					break
				}
			}
		}
		if why == "" {
			continue
		}
		cmdline, _ := os.ReadFile(dir + "/cmdline")
		found = append(found, leakedProc{pid, why, strings.TrimSpace(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))})
	}
	return found
}

// killLeakedProcesses kills whatever the task left running and says what
// it was. It looks again after killing because a leaked supervisor may
// have started children in the meantime.
func killLeakedProcesses(root string) []string {
	var msgs []string
	reported := map[int]bool{}
	for pass := 0; pass < 10; pass++ {
		procs := procsUnder(root)
		if len(procs) == 0 {
			break
		}
		for _, p := range procs {
			if !reported[p.pid] {
				reported[p.pid] = true
				msgs = append(msgs, fmt.Sprintf("process %d (%s) was still running after restore (%s); killed it", p.pid, p.cmdline, p.why))
			}
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
		}
		for _, p := range procs {
			if !waitGone(p.pid, 5*time.Second) {
				msgs = append(msgs, fmt.Sprintf("process %d (%s) survived SIGKILL for 5s (state %s)", p.pid, p.cmdline, procState(p.pid)))
			}
		}
	}
	return msgs
}

func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for alive(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

type mountEntry struct {
	point  string
	fstype string
	source string
}

// unescapeMountinfo undoes the octal escapes (\040 for a space...) the
// kernel applies to paths in /proc/self/mountinfo.
func unescapeMountinfo(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func parseMountinfo(data []byte) []mountEntry {
	var ms []mountEntry
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 10 {
			continue
		}
		// Optional fields end at "-"; the filesystem type and source follow.
		sep := -1
		for i := 6; i < len(fields); i++ {
			if fields[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+2 >= len(fields) {
			continue
		}
		ms = append(ms, mountEntry{
			point:  unescapeMountinfo(fields[4]),
			fstype: fields[sep+1],
			source: unescapeMountinfo(fields[sep+2]),
		})
	}
	return ms
}

func mountsUnder(root string) ([]mountEntry, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	var found []mountEntry
	for _, m := range parseMountinfo(data) {
		if under(m.point, root) {
			found = append(found, m)
		}
	}
	return found, nil
}

type loopDevice struct {
	dev       string
	backing   string
	autoclear bool // the kernel detaches it when its last user goes
}

// loopsUnder lists loop devices whose backing file is below root. It reads
// sysfs rather than running `losetup -j FILE` because a leaked device's
// file may already be deleted, and then there is no FILE to ask about.
func loopsUnder(root string) []loopDevice {
	paths, _ := filepath.Glob("/sys/block/loop*/loop/backing_file")
	var found []loopDevice
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		backing := strings.TrimSuffix(strings.TrimSpace(string(data)), " (deleted)")
		if under(backing, root) {
			sys := filepath.Dir(p)
			ac, _ := os.ReadFile(filepath.Join(sys, "autoclear"))
			dev := "/dev/" + filepath.Base(filepath.Dir(sys))
			found = append(found, loopDevice{dev, backing, strings.TrimSpace(string(ac)) == "1"})
		}
	}
	return found
}

// releaseMounts undoes what restore should have undone: mounts below root
// (lazily, since whatever holds them busy is already dead or unkillable)
// and loop devices bound to files below it. clean says whether root can
// now be removed without reaching into a mounted filesystem.
func releaseMounts(root string) (msgs []string, clean bool) {
	ms, err := mountsUnder(root)
	if err != nil {
		return []string{fmt.Sprintf("cannot read the mount table: %v", err)}, false
	}
	// Deepest first, so that no unmount is refused for a mount on top.
	sort.Slice(ms, func(i, j int) bool { return len(ms[i].point) > len(ms[j].point) })
	for _, m := range ms {
		msgs = append(msgs, fmt.Sprintf("%s (%s from %s) was still mounted after restore; detached it with umount -l", m.point, m.fstype, m.source))
		if out, err := exec.Command("umount", "-l", m.point).CombinedOutput(); err != nil {
			msgs = append(msgs, fmt.Sprintf("umount -l %s: %v: %s", m.point, err, strings.TrimSpace(string(out))))
		}
	}
	for _, l := range loopsUnder(root) {
		// A loop device set to autoclear goes away once its lazily
		// detached mount is released; give it a moment before forcing.
		if l.autoclear && waitLoopReleased(l, time.Second) {
			continue
		}
		msgs = append(msgs, fmt.Sprintf("loop device %s was still bound to %s after restore; detached it", l.dev, l.backing))
		if out, err := exec.Command("losetup", "-d", l.dev).CombinedOutput(); err != nil {
			msgs = append(msgs, fmt.Sprintf("losetup -d %s: %v: %s", l.dev, err, strings.TrimSpace(string(out))))
		}
	}
	left, err := mountsUnder(root)
	if err != nil {
		return append(msgs, fmt.Sprintf("cannot read the mount table: %v", err)), false
	}
	for _, m := range left {
		msgs = append(msgs, fmt.Sprintf("%s is still mounted after umount -l", m.point))
	}
	return msgs, len(left) == 0
}

func waitLoopReleased(l loopDevice, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		still := false
		for _, cur := range loopsUnder(l.backing) {
			if cur.dev == l.dev {
				still = true
			}
		}
		if !still {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
