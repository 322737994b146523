package snap

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Epoch says which data formats a revision can read and write. A refresh is
// offered only to a revision that can read what the installed one wrote, so
// a publisher bumps the epoch when the data format changes incompatibly.
//
// snap.yaml spells it as a number ("1": read and write epoch 1), as "N*"
// (also read N-1, i.e. the revision migrates data), or as explicit lists:
//
//	epoch:
//	  read: [1, 2]
//	  write: [2]
//
// A missing read list defaults to write, a missing write list to the last
// element of read. The zero value means epoch 0.
type Epoch struct {
	Read, Write []uint32
}

// maxEpochList is snapd's bound on the lists: enough for any real migration
// path, small enough that the quadratic intersection stays trivial.
const maxEpochList = 10

// DefaultEpoch is the epoch of a snap that doesn't declare one.
func DefaultEpoch() Epoch { return Epoch{Read: []uint32{0}, Write: []uint32{0}} }

// ParseEpoch reads the short forms "0", "3" and "3*".
func ParseEpoch(s string) (Epoch, error) {
	if s == "" {
		return DefaultEpoch(), nil
	}
	num, star := strings.CutSuffix(s, "*")
	n, err := parseEpochNumber(num)
	if err != nil {
		return Epoch{}, err
	}
	if !star {
		return Epoch{Read: []uint32{n}, Write: []uint32{n}}, nil
	}
	if n == 0 {
		return Epoch{}, errors.New(`"0*" is not an epoch: there is no epoch before 0 to read`)
	}
	return Epoch{Read: []uint32{n - 1, n}, Write: []uint32{n}}, nil
}

func parseEpochNumber(s string) (uint32, error) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("epoch numbers must be base 10 with no zero padding, got %q", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > math.MaxUint32 {
		return 0, fmt.Errorf("epoch numbers must be less than 2^32, got %q", s)
	}
	return uint32(n), nil
}

// fromLists applies the defaults of the explicit form. A nil list is
// "not given", an empty non-nil one "given as []" (an error).
func fromLists(read, write []uint32) (Epoch, error) {
	if read == nil && write == nil {
		return DefaultEpoch(), nil
	}
	if read == nil {
		read = write
	}
	if write == nil && len(read) > 0 {
		write = read[len(read)-1:]
	}
	e := Epoch{Read: read, Write: write}
	return e, e.Validate()
}

// Validate checks the rules snapd applies: non-empty, short, ascending
// lists with at least one epoch both readable and writable. The zero value
// is valid (it is epoch 0).
func (e Epoch) Validate() error {
	if e.Read == nil && e.Write == nil {
		return nil
	}
	if len(e.Read) == 0 || len(e.Write) == 0 {
		return errors.New("epoch read and write lists cannot be explicitly empty")
	}
	if len(e.Read) > maxEpochList || len(e.Write) > maxEpochList {
		return fmt.Errorf("epoch lists can have at most %d entries", maxEpochList)
	}
	if !slices.IsSorted(e.Read) || !slices.IsSorted(e.Write) {
		return errors.New("epoch lists must be in ascending order")
	}
	if !intersects(e.Read, e.Write) {
		return errors.New("epoch read and write lists must have an epoch in common")
	}
	return nil
}

func intersects(a, b []uint32) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func (e Epoch) normal() Epoch {
	if e.Read == nil && e.Write == nil {
		return DefaultEpoch()
	}
	return e
}

// CanRead reports whether a revision with epoch e can read data written by
// a revision with epoch data: some epoch e reads is one data writes.
func (e Epoch) CanRead(data Epoch) bool {
	return intersects(e.normal().Read, data.normal().Write)
}

// Equal compares two epochs after defaults.
func (e Epoch) Equal(o Epoch) bool {
	e, o = e.normal(), o.normal()
	return slices.Equal(e.Read, o.Read) && slices.Equal(e.Write, o.Write)
}

// short returns the "N" or "N*" spelling when there is one.
func (e Epoch) short() (string, bool) {
	e = e.normal()
	if len(e.Write) != 1 {
		return "", false
	}
	w := e.Write[0]
	switch {
	case len(e.Read) == 1 && e.Read[0] == w:
		return strconv.FormatUint(uint64(w), 10), true
	case len(e.Read) == 2 && e.Read[1] == w && w > 0 && e.Read[0] == w-1:
		return strconv.FormatUint(uint64(w), 10) + "*", true
	}
	return "", false
}

type epochLists struct {
	Read  []uint32 `json:"read"`
	Write []uint32 `json:"write"`
}

// String gives "0", "3", "3*", or {"read":[...],"write":[...]}.
func (e Epoch) String() string {
	if s, ok := e.short(); ok {
		return s
	}
	b, _ := json.Marshal(epochLists(e))
	return string(b)
}

// MarshalJSON uses the short string form when there is one, as snapd does.
func (e Epoch) MarshalJSON() ([]byte, error) {
	if s, ok := e.short(); ok {
		return json.Marshal(s)
	}
	return json.Marshal(epochLists(e))
}

// UnmarshalJSON accepts what MarshalJSON writes and a bare number.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	var node yaml.Node
	// JSON is YAML: reuse one parser for both spellings.
	if err := yaml.Unmarshal(b, &node); err != nil {
		return fmt.Errorf("invalid epoch %s: %w", b, err)
	}
	if len(node.Content) == 0 {
		*e = DefaultEpoch()
		return nil
	}
	return e.UnmarshalYAML(node.Content[0])
}

// UnmarshalYAML reads any of the snap.yaml spellings.
func (e *Epoch) UnmarshalYAML(node *yaml.Node) error {
	got, err := epochFromNode(node)
	if err != nil {
		return err
	}
	*e = got
	return nil
}

func epochFromNode(node *yaml.Node) (Epoch, error) {
	switch node.Kind {
	case yaml.ScalarNode:
		if node.Tag == "!!null" {
			return DefaultEpoch(), nil
		}
		return ParseEpoch(node.Value)
	case yaml.MappingNode:
		var read, write []uint32
		for i := 0; i+1 < len(node.Content); i += 2 {
			key, val := node.Content[i].Value, node.Content[i+1]
			list, err := epochList(val)
			if err != nil {
				return Epoch{}, fmt.Errorf("epoch %s: %w", key, err)
			}
			switch key {
			case "read":
				read = list
			case "write":
				write = list
			default:
				return Epoch{}, fmt.Errorf("unknown epoch key %q (only read and write)", key)
			}
		}
		return fromLists(read, write)
	}
	return Epoch{}, errors.New("epoch must be a number, N*, or a map with read and write lists")
}

func epochList(node *yaml.Node) ([]uint32, error) {
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return nil, nil
	}
	if node.Kind != yaml.SequenceNode {
		return nil, errors.New("must be a list of epoch numbers")
	}
	list := make([]uint32, 0, len(node.Content))
	for _, item := range node.Content {
		if item.Kind != yaml.ScalarNode {
			return nil, errors.New("must be a list of epoch numbers")
		}
		n, err := parseEpochNumber(item.Value)
		if err != nil {
			return nil, err
		}
		list = append(list, n)
	}
	return list, nil
}
