package profile

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/snappy-pm/snappy/snap/paths"
)

// Path is where the daemon stores the profile of snap name.
func Path(p paths.Paths, name string) string {
	return filepath.Join(p.MountProfileDir(), "snap."+name+".fstab")
}

// Write stores p at path, replacing any previous file atomically so that a
// launcher never reads half of it. An invalid profile is not written.
func Write(path string, p Profile) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("cannot write mount profile %s: %w", path, err)
	}
	var b bytes.Buffer
	b.WriteString("# Mount namespace of a snap, written by snapd; see package mount/profile.\n")
	for _, e := range p.Entries {
		opts := "defaults"
		if len(e.Options) > 0 {
			opts = strings.Join(e.Options, ",")
		}
		src := e.Source
		if src == "" {
			src = "none"
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", escape(src), escape(e.Target), escape(e.Type), escape(opts))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // finds nothing once renamed
	_, err = f.Write(b.Bytes())
	if err == nil {
		// Non-root users launch apps too: they must read it.
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write mount profile %s: %w", path, err)
	}
	return os.Rename(f.Name(), path)
}

// Read loads and validates the profile at path. Errors wrap
// os.ErrNotExist when the file is missing, so callers can tell "never
// generated" from "broken".
func Read(path string) (Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, err
	}
	p, err := Parse(data)
	if err != nil {
		return Profile{}, fmt.Errorf("mount profile %s: %w", path, err)
	}
	return p, nil
}

// Parse reads the text of a profile.
func Parse(data []byte) (Profile, error) {
	var p Profile
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) == 6 && f[4] == "0" && f[5] == "0" {
			f = f[:4]
		}
		if len(f) != 4 {
			return Profile{}, fmt.Errorf("line %d: want SOURCE TARGET TYPE OPTIONS, got %d fields", n, len(f))
		}
		for i := range f {
			v, err := unescape(f[i])
			if err != nil {
				return Profile{}, fmt.Errorf("line %d: %w", n, err)
			}
			f[i] = v
		}
		e := Entry{Source: f[0], Target: f[1], Type: f[2]}
		if f[3] != "defaults" {
			e.Options = strings.Split(f[3], ",")
		}
		if e.Source == "none" && e.Type != TypeSymlink {
			e.Source = ""
		}
		if err := e.Validate(); err != nil {
			return Profile{}, fmt.Errorf("line %d: %w", n, err)
		}
		p.Entries = append(p.Entries, e)
	}
	return p, sc.Err()
}

// escaped are the bytes that would split or end a field, or start a
// comment, written as fstab's octal escapes.
const escaped = " \t\n#\\"

func escape(s string) string {
	if !strings.ContainsAny(s, escaped) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(escaped, s[i]) >= 0 {
			fmt.Fprintf(&b, "\\%03o", s[i])
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func unescape(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+4], 8, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), nil
}
