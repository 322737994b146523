package interfaces

import (
	"fmt"
	"path"
	"strings"
)

// stringList reads an attribute that must be a list of strings (what
// yaml.v3 decodes as []any). A missing attribute is an empty list.
func stringList(attrs map[string]any, key string) ([]string, error) {
	v, ok := attrs[key]
	if !ok || v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		if ss, ok := v.([]string); ok {
			return ss, nil
		}
		return nil, fmt.Errorf("attribute %q must be a list of strings", key)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("attribute %q must be a list of strings, not contain %v", key, e)
		}
		out = append(out, s)
	}
	return out, nil
}

// stringAttr reads an optional string attribute, def when missing.
func stringAttr(attrs map[string]any, key, def string) (string, error) {
	v, ok := attrs[key]
	if !ok || v == nil {
		return def, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("attribute %q must be a string", key)
	}
	return s, nil
}

// aaSpecial are characters that AppArmor reads as globbing, alternation or
// quoting; a path attribute holding one would grant more than it names.
const aaSpecial = "[]{}?*^\"\\,@!#\n\t"

// checkAttrPath wants a clean absolute path, or one under prefix (e.g.
// "$HOME/") when prefix is given, with no "..", no AppArmor specials and
// no other '$', so that every backend reads it the same way.
func checkAttrPath(p, prefix string) error {
	rest := p
	if prefix != "" {
		if !strings.HasPrefix(p, prefix) {
			return fmt.Errorf("path %q must start with %q", p, prefix)
		}
		rest = "/" + strings.TrimPrefix(p, prefix)
	}
	switch {
	case !strings.HasPrefix(rest, "/"):
		return fmt.Errorf("path %q must be absolute", p)
	case rest == "/":
		return fmt.Errorf("path %q names a whole tree's root", p)
	case strings.Contains(rest, "$"):
		return fmt.Errorf("path %q may not contain '$' beyond its prefix", p)
	case strings.ContainsAny(rest, aaSpecial):
		return fmt.Errorf("path %q contains one of %q", p, aaSpecial)
	case path.Clean(rest) != rest:
		return fmt.Errorf("path %q is not clean (no '..', '.', '//' or trailing '/')", p)
	}
	return nil
}
