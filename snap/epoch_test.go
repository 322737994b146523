package snap

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestEpochYAML(t *testing.T) {
	for _, tc := range []struct {
		yaml        string
		read, write []uint32
		str         string
		err         string
	}{
		{yaml: `epoch: 0`, read: []uint32{0}, write: []uint32{0}, str: "0"},
		{yaml: `epoch: ""`, read: []uint32{0}, write: []uint32{0}, str: "0"},
		{yaml: `epoch:`, read: []uint32{0}, write: []uint32{0}, str: "0"},
		{yaml: `epoch: 1`, read: []uint32{1}, write: []uint32{1}, str: "1"},
		{yaml: `epoch: "1"`, read: []uint32{1}, write: []uint32{1}, str: "1"},
		{yaml: `epoch: 1*`, read: []uint32{0, 1}, write: []uint32{1}, str: "1*"},
		{yaml: `epoch: "42*"`, read: []uint32{41, 42}, write: []uint32{42}, str: "42*"},
		{yaml: `epoch: 4294967295`, read: []uint32{4294967295}, write: []uint32{4294967295}, str: "4294967295"},
		{yaml: "epoch: {read: [1, 2], write: [2]}", read: []uint32{1, 2}, write: []uint32{2}, str: "2*"},
		{yaml: "epoch: {read: [1, 2, 3], write: [1, 3]}", read: []uint32{1, 2, 3}, write: []uint32{1, 3}, str: `{"read":[1,2,3],"write":[1,3]}`},
		{yaml: "epoch: {read: [1, 3]}", read: []uint32{1, 3}, write: []uint32{3}, str: `{"read":[1,3],"write":[3]}`},
		{yaml: "epoch: {write: [2, 3]}", read: []uint32{2, 3}, write: []uint32{2, 3}, str: `{"read":[2,3],"write":[2,3]}`},
		{yaml: "epoch: {}", read: []uint32{0}, write: []uint32{0}, str: "0"},
		{yaml: "epoch: {read: [1, 1], write: [1]}", read: []uint32{1, 1}, write: []uint32{1}, str: `{"read":[1,1],"write":[1]}`},

		{yaml: `epoch: 0*`, err: "0*"},
		{yaml: `epoch: -1`, err: "base 10"},
		{yaml: `epoch: 01`, err: "zero padding"},
		{yaml: `epoch: 1.5`, err: "base 10"},
		{yaml: `epoch: one`, err: "base 10"},
		{yaml: `epoch: "1**"`, err: "base 10"},
		{yaml: `epoch: 4294967296`, err: "2^32"},
		{yaml: `epoch: [1]`, err: "must be a number"},
		{yaml: "epoch: {read: [], write: [1]}", err: "explicitly empty"},
		{yaml: "epoch: {read: [1], write: []}", err: "explicitly empty"},
		{yaml: "epoch: {read: [2, 1], write: [1]}", err: "ascending"},
		{yaml: "epoch: {read: [1], write: [2]}", err: "in common"},
		{yaml: "epoch: {read: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], write: [11]}", err: "at most 10"},
		{yaml: "epoch: {read: 1, write: [1]}", err: "list"},
		{yaml: "epoch: {read: [a], write: [1]}", err: "base 10"},
		{yaml: "epoch: {read: [[1]], write: [1]}", err: "list"},
		{yaml: "epoch: {reed: [1]}", err: "unknown epoch key"},
	} {
		var v struct {
			Epoch Epoch `yaml:"epoch"`
		}
		err := yaml.Unmarshal([]byte(tc.yaml), &v)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.yaml, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.yaml, err)
			continue
		}
		e := v.Epoch.normal()
		if !slices.Equal(e.Read, tc.read) || !slices.Equal(e.Write, tc.write) {
			t.Errorf("%s: got %v/%v, want %v/%v", tc.yaml, e.Read, e.Write, tc.read, tc.write)
		}
		if s := v.Epoch.String(); s != tc.str {
			t.Errorf("%s: String() = %s, want %s", tc.yaml, s, tc.str)
		}
	}
}

func TestEpochValidateDirect(t *testing.T) {
	valid := []Epoch{{}, DefaultEpoch(), {Read: []uint32{0, 1}, Write: []uint32{1}}}
	invalid := []Epoch{
		{Read: []uint32{}, Write: []uint32{0}},
		{Read: []uint32{0}},
		{Read: []uint32{3, 2}, Write: []uint32{3}},
		{Read: []uint32{1}, Write: []uint32{2}},
	}
	for _, e := range valid {
		if err := e.Validate(); err != nil {
			t.Errorf("%#v: %v", e, err)
		}
	}
	for _, e := range invalid {
		if err := e.Validate(); err == nil {
			t.Errorf("%#v: accepted", e)
		}
	}
}

func TestEpochCanRead(t *testing.T) {
	e := func(s string) Epoch {
		t.Helper()
		ep, err := ParseEpoch(s)
		if err != nil {
			t.Fatal(err)
		}
		return ep
	}
	for _, tc := range []struct {
		newer, data Epoch
		want        bool
	}{
		{Epoch{}, Epoch{}, true},
		{e("0"), Epoch{}, true},
		{e("1"), e("0"), false},
		{e("1*"), e("0"), true},
		{e("1*"), e("1"), true},
		{e("2*"), e("0"), false},
		{e("0"), e("1"), false},
		{Epoch{Read: []uint32{1, 2, 3}, Write: []uint32{3}}, e("2"), true},
		{e("3"), Epoch{Read: []uint32{1, 3}, Write: []uint32{1, 3}}, true},
	} {
		if got := tc.newer.CanRead(tc.data); got != tc.want {
			t.Errorf("%s.CanRead(%s) = %v, want %v", tc.newer, tc.data, got, tc.want)
		}
	}
}

func TestEpochJSON(t *testing.T) {
	for _, tc := range []struct {
		e    Epoch
		json string
	}{
		{Epoch{}, `"0"`},
		{DefaultEpoch(), `"0"`},
		{Epoch{Read: []uint32{4, 5}, Write: []uint32{5}}, `"5*"`},
		{Epoch{Read: []uint32{1, 2, 3}, Write: []uint32{1, 3}}, `{"read":[1,2,3],"write":[1,3]}`},
	} {
		b, err := json.Marshal(tc.e)
		if err != nil || string(b) != tc.json {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.e, b, err, tc.json)
			continue
		}
		var back Epoch
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(tc.e) {
			t.Errorf("Unmarshal(%s) = %v, %v", b, back, err)
		}
	}
	var back Epoch
	if err := json.Unmarshal([]byte(`{"read":[0],"write":[0]}`), &back); err != nil || !back.Equal(Epoch{}) {
		t.Errorf("explicit default: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`2`), &back); err != nil || back.String() != "2" {
		t.Errorf("bare number: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"read":[2],"write":[1]}`), &back); err == nil {
		t.Error("disjoint lists accepted")
	}
}
