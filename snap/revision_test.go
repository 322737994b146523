package snap

import (
	"encoding/json"
	"testing"
)

func TestParseRevision(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  int
		valid bool
	}{
		{"1", 1, true},
		{"5", 5, true},
		{"12345", 12345, true},
		{"x1", -1, true},
		{"x2", -2, true},
		{"x100", -100, true},
		{"", 0, false},
		{"0", 0, false},
		{"x0", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"x", 0, false},
		{"05", 0, false},
		{"x05", 0, false},
		{"1.0", 0, false},
		{"x-1", 0, false},
		{"unset", 0, false},
		{"99999999999999999999999", 0, false},
	} {
		got, err := ParseRevision(tc.in)
		if tc.valid != (err == nil) {
			t.Errorf("ParseRevision(%q) error = %v, want valid=%v", tc.in, err, tc.valid)
			continue
		}
		if tc.valid && got.N != tc.want {
			t.Errorf("ParseRevision(%q) = %d, want %d", tc.in, got.N, tc.want)
		}
		if tc.valid && got.String() != tc.in {
			t.Errorf("ParseRevision(%q).String() = %q", tc.in, got)
		}
	}
}

func TestRevisionPredicates(t *testing.T) {
	for _, tc := range []struct {
		r                   Revision
		str                 string
		local, unset, store bool
	}{
		{R(0), "unset", false, true, false},
		{R(7), "7", false, false, true},
		{R(-3), "x3", true, false, false},
	} {
		if tc.r.String() != tc.str || tc.r.Local() != tc.local || tc.r.Unset() != tc.unset || tc.r.Store() != tc.store {
			t.Errorf("%#v: got %q local=%v unset=%v store=%v", tc.r, tc.r, tc.r.Local(), tc.r.Unset(), tc.r.Store())
		}
	}
}

func TestRevisionJSON(t *testing.T) {
	type wrap struct {
		Rev Revision `json:"revision"`
	}
	for _, tc := range []struct {
		r    Revision
		json string
	}{
		{R(5), `{"revision":"5"}`},
		{R(-1), `{"revision":"x1"}`},
		{R(0), `{"revision":"unset"}`},
	} {
		b, err := json.Marshal(wrap{tc.r})
		if err != nil || string(b) != tc.json {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.r, b, err, tc.json)
		}
		var back wrap
		if err := json.Unmarshal(b, &back); err != nil || back.Rev != tc.r {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back.Rev, err)
		}
	}
	var w wrap
	if err := json.Unmarshal([]byte(`{"revision":42}`), &w); err != nil || w.Rev != R(42) {
		t.Errorf("numeric revision: %v, %v", w.Rev, err)
	}
	for _, bad := range []string{`{"revision":"x0"}`, `{"revision":"abc"}`, `{"revision":true}`, `{"revision":1.5}`} {
		if err := json.Unmarshal([]byte(bad), &w); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}
