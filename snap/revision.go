package snap

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Revision identifies one build of a snap. Store revisions are positive;
// revisions of unsigned local installs count down from -1 and are written
// x1, x2, ... so the two can never collide. The zero value is "unset".
type Revision struct {
	N int
}

// R returns the revision n (negative n is local: R(-1) is x1).
func R(n int) Revision { return Revision{N: n} }

// ParseRevision reads "5" or "x2". Zero, negative numbers, zero padding and
// the empty string are refused: each revision has one spelling.
func ParseRevision(s string) (Revision, error) {
	digits, local := strings.CutPrefix(s, "x")
	if digits == "" || (len(digits) > 1 && digits[0] == '0') || strings.Trim(digits, "0123456789") != "" {
		return Revision{}, fmt.Errorf("invalid revision %q: use a positive number (store revision) or x followed by one (local revision)", s)
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n == 0 {
		return Revision{}, fmt.Errorf("invalid revision %q: use a positive number (store revision) or x followed by one (local revision)", s)
	}
	if local {
		n = -n
	}
	return Revision{N: n}, nil
}

func (r Revision) String() string {
	switch {
	case r.N == 0:
		return "unset"
	case r.N < 0:
		return "x" + strconv.Itoa(-r.N)
	}
	return strconv.Itoa(r.N)
}

// Local reports whether the revision was assigned on this machine rather
// than by a store.
func (r Revision) Local() bool { return r.N < 0 }

// Unset reports whether no revision was assigned.
func (r Revision) Unset() bool { return r.N == 0 }

// Store reports whether the revision was assigned by a store.
func (r Revision) Store() bool { return r.N > 0 }

// MarshalJSON writes the string form ("5", "x1"), as snapd's API does.
func (r Revision) MarshalJSON() ([]byte, error) {
	return json.Marshal(r.String())
}

// UnmarshalJSON accepts the string form and also a bare number, because
// store responses carry revisions as JSON numbers.
func (r *Revision) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("invalid revision %s: want a string like \"5\" or \"x1\", or a number", b)
		}
		*r = Revision{N: n}
		return nil
	}
	if s == "unset" || s == "" {
		*r = Revision{}
		return nil
	}
	rev, err := ParseRevision(s)
	if err != nil {
		return err
	}
	*r = rev
	return nil
}
