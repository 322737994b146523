package profile

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Expand returns p for one user: $HOME becomes home and $UID uid. A home
// that is not absolute is refused, since every target would then depend
// on the launcher's working directory.
func (p Profile) Expand(home string, uid int) (Profile, error) {
	if !filepath.IsAbs(home) {
		return Profile{}, fmt.Errorf("home directory %q is not an absolute path", home)
	}
	home = filepath.Clean(home)
	out := Profile{Entries: make([]Entry, len(p.Entries))}
	for i, e := range p.Entries {
		e.Source = ExpandPath(e.Source, home, uid)
		e.Target = ExpandPath(e.Target, home, uid)
		if err := checkPath("target", e.Target); err != nil {
			return Profile{}, fmt.Errorf("entry %d: %w", i+1, err)
		}
		out.Entries[i] = e
	}
	return out, nil
}

// ExpandPath fills the placeholders of one path, as Expand does; other
// artifacts written for every user (Landlock rules) use the same ones.
// home must be absolute and clean.
func ExpandPath(p, home string, uid int) string {
	if !strings.Contains(p, "$") {
		return p
	}
	if p == HomeVar || strings.HasPrefix(p, HomeVar+"/") {
		p = home + p[len(HomeVar):]
	}
	elems := strings.Split(p, "/")
	for i, el := range elems {
		if el == UIDVar {
			elems[i] = strconv.Itoa(uid)
		}
	}
	return filepath.Clean(strings.Join(elems, "/"))
}
