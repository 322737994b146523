package snap

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// snap.yaml is walked as a node tree rather than decoded into structs so
// that every type error can name its field ("apps.hello.plugs"), scalars
// keep the text the author wrote ("version: 1.10" stays "1.10", not 1.1),
// and environment keeps its order.

type keyValue struct {
	key string
	val *yaml.Node
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a scalar"
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// mapEntries returns a mapping's entries in file order; null is empty.
func mapEntries(field string, n *yaml.Node) ([]keyValue, error) {
	n = resolve(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, invalid(field, "", "must be a map, not %s", kindName(n))
	}
	kvs := make([]keyValue, 0, len(n.Content)/2)
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			return nil, invalid(field, "", "keys must be strings, not %s", kindName(k))
		}
		// A node tree keeps duplicate keys that decoding into a map would
		// refuse; which one wins would be an accident, so refuse too.
		if seen[k.Value] {
			return nil, invalid(join(field, k.Value), "", "is set twice (line %d)", k.Line)
		}
		seen[k.Value] = true
		kvs = append(kvs, keyValue{k.Value, n.Content[i+1]})
	}
	return kvs, nil
}

// scalar returns a scalar's text as written; null is "".
func scalar(field string, n *yaml.Node) (string, error) {
	n = resolve(n)
	if isNull(n) {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", invalid(field, "", "must be a string, not %s", kindName(n))
	}
	return n.Value, nil
}

// stringList reads a list of scalars; null is nil.
func stringList(field string, n *yaml.Node) ([]string, error) {
	n = resolve(n)
	if isNull(n) {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, invalid(field, "", "must be a list of strings, not %s", kindName(n))
	}
	list := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		s, err := scalar(fmt.Sprintf("%s[%d]", field, i), item)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, nil
}

// envList reads an environment map in file order; numbers and booleans
// become their text.
func envList(field string, n *yaml.Node) ([]EnvVar, error) {
	kvs, err := mapEntries(field, n)
	if err != nil {
		return nil, err
	}
	env := make([]EnvVar, 0, len(kvs))
	for _, kv := range kvs {
		v, err := scalar(join(field, kv.key), kv.val)
		if err != nil {
			return nil, err
		}
		env = append(env, EnvVar{Key: kv.key, Value: v})
	}
	return env, nil
}

// duration reads "10s", "1m30s", ... Negative durations are refused here
// since no timeout or delay can be negative.
func duration(field string, n *yaml.Node) (time.Duration, error) {
	s, err := scalar(field, n)
	if err != nil || s == "" {
		return 0, err
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, invalid(field, s, "is not a duration (write it like 10s, 1m or 1m30s)")
	}
	if d < 0 {
		return 0, invalid(field, s, "cannot be negative")
	}
	return d, nil
}

// stringMap reads a map of scalars (sockets, layout entries).
func stringMap(field string, n *yaml.Node) (map[string]string, error) {
	kvs, err := mapEntries(field, n)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v, err := scalar(join(field, kv.key), kv.val)
		if err != nil {
			return nil, err
		}
		m[kv.key] = v
	}
	return m, nil
}

func nestedStringMap(field string, n *yaml.Node) (map[string]map[string]string, error) {
	kvs, err := mapEntries(field, n)
	if err != nil || kvs == nil {
		return nil, err
	}
	m := make(map[string]map[string]string, len(kvs))
	for _, kv := range kvs {
		inner, err := stringMap(join(field, kv.key), kv.val)
		if err != nil {
			return nil, err
		}
		m[kv.key] = inner
	}
	return m, nil
}

func yamlErr(err error) error {
	return fmt.Errorf("invalid snap.yaml: cannot parse it as YAML: %w", err)
}
