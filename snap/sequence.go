package snap

import (
	"encoding/json"
	"fmt"
	"os"
)

// SequenceFile is what the daemon leaves in R/var/lib/snapd/sequence/NAME.json
// for programs that must not ask it anything, such as snap run: the
// installed revisions and how the user asked each to be confined.
type SequenceFile struct {
	Sequence []SequenceEntry `json:"sequence"`
	Current  Revision        `json:"current"`
	Active   bool            `json:"active"`
}

// SequenceEntry is one installed revision in a SequenceFile.
type SequenceEntry struct {
	Revision Revision `json:"revision"`
	DevMode  bool     `json:"devmode,omitempty"`
	Classic  bool     `json:"classic,omitempty"`
}

// Entry returns the entry of rev, or nil.
func (s *SequenceFile) Entry(rev Revision) *SequenceEntry {
	for i := range s.Sequence {
		if s.Sequence[i].Revision == rev {
			return &s.Sequence[i]
		}
	}
	return nil
}

// ReadSequenceFile reads a sequence file written by the daemon.
func ReadSequenceFile(path string) (*SequenceFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s SequenceFile
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return &s, nil
}
