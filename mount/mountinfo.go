package mount

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// Entry is one line of /proc/self/mountinfo (see proc(5)).
type Entry struct {
	ID, Parent int
	MountPoint string
	FSType     string
	Source     string
	// Options are the per-mount options (ro, nodev, nosuid, ...).
	Options string
	// Root is the path inside the filesystem that is mounted at MountPoint;
	// it differs from "/" for bind mounts.
	Root string
	// Dev is the "major:minor" of the filesystem's device.
	Dev string
	// SuperOptions are the per-superblock options.
	SuperOptions string
}

// mountinfoPath is a variable so tests can feed crafted tables.
var mountinfoPath = "/proc/self/mountinfo"

// Mountinfo returns the mount table of the calling process's mount namespace.
func Mountinfo() ([]Entry, error) {
	f, err := os.Open(mountinfoPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := parseMountinfo(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mountinfoPath, err)
	}
	return entries, nil
}

func parseMountinfo(r io.Reader) ([]Entry, error) {
	var entries []Entry
	sc := bufio.NewScanner(r)
	// A mount point can be up to PATH_MAX and is escaped up to 4x.
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		e, err := parseMountinfoLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		entries = append(entries, e)
	}
	return entries, sc.Err()
}

func parseMountinfoLine(line string) (Entry, error) {
	fields := strings.Split(line, " ")
	// The optional fields (shared:N, master:N, ...) are variable in number
	// and ended by a lone "-", so locate it rather than count columns.
	sep := -1
	for i := 6; i < len(fields); i++ {
		if fields[i] == "-" {
			sep = i
			break
		}
	}
	if sep < 0 || len(fields) < sep+3 {
		return Entry{}, fmt.Errorf("malformed mountinfo line %q", line)
	}
	id, err := strconv.Atoi(fields[0])
	if err != nil {
		return Entry{}, fmt.Errorf("bad mount ID in %q", line)
	}
	parent, err := strconv.Atoi(fields[1])
	if err != nil {
		return Entry{}, fmt.Errorf("bad parent ID in %q", line)
	}
	e := Entry{
		ID:         id,
		Parent:     parent,
		Dev:        fields[2],
		Root:       unescape(fields[3]),
		MountPoint: unescape(fields[4]),
		Options:    fields[5],
		FSType:     unescape(fields[sep+1]),
		Source:     unescape(fields[sep+2]),
	}
	if len(fields) > sep+3 {
		e.SuperOptions = fields[sep+3]
	}
	return e, nil
}

// unescape decodes the kernel's octal escapes (\040 for space, \011 tab,
// \012 newline, \134 backslash), which keep the table space-separated.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] <= '3' && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
