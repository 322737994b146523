package launch

import (
	"bytes"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/snappy-pm/snappy/confine/landlock"
)

// fillAll sets every field of a struct (recursively) to something other
// than its zero value, so a round trip that drops a field shows.
func fillAll(t *testing.T, v reflect.Value, seed int) {
	t.Helper()
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fillAll(t, v.Field(i), seed+i)
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(t, v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillAll(t, v.Index(i), seed+i+1)
		}
	case reflect.String:
		v.SetString(strings.Repeat("é ", seed%3+1) + string(rune('a'+seed%26)))
	case reflect.Int, reflect.Uint64, reflect.Uint16, reflect.Uint8:
		if v.CanInt() {
			v.SetInt(int64(seed + 1))
		} else {
			v.SetUint(uint64(seed + 1))
		}
	case reflect.Bool:
		v.SetBool(true)
	default:
		t.Fatalf("fillAll: no case for %s", v.Kind())
	}
}

func TestPlanRoundTrip(t *testing.T) {
	var pl plan
	fillAll(t, reflect.ValueOf(&pl).Elem(), 0)
	pl.ShellAt = 1
	var buf bytes.Buffer
	if err := writePlan(&buf, &pl); err != nil {
		t.Fatal(err)
	}
	got, err := readPlan(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &pl) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, &pl)
	}
}

// The plan carries landlock.Rules field by field: a field added there must
// be added to the plan's encoding, or the launcher would silently drop a
// restriction.
func TestPlanKnowsEveryLandlockField(t *testing.T) {
	known := []string{"Tag", "ReadExec", "Read", "ReadWrite", "TCPBind", "TCPConnect",
		"AllowAllTCPBind", "AllowAllTCPConnect", "Scoped"}
	var have []string
	for f := range reflect.TypeFor[landlock.Rules]().Fields() {
		have = append(have, f.Name)
	}
	if !slices.Equal(have, known) {
		t.Errorf("landlock.Rules has fields %v; the plan encodes %v: update writePlan and readPlan", have, known)
	}
}

func TestReadPlanCorrupt(t *testing.T) {
	var pl plan
	fillAll(t, reflect.ValueOf(&pl).Elem(), 0)
	pl.ShellAt = 1
	var buf bytes.Buffer
	if err := writePlan(&buf, &pl); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	if _, err := readPlan(bytes.NewReader(nil)); err != io.EOF {
		t.Errorf("empty: %v, want io.EOF (stage 1 gave up)", err)
	}
	for cut := 1; cut < len(good); cut += 7 {
		if _, err := readPlan(bytes.NewReader(good[:cut])); err == nil {
			t.Fatalf("truncated at %d: accepted", cut)
		}
	}
	bad := bytes.Clone(good)
	bad[0], bad[1], bad[2], bad[3] = 0xff, 0xff, 0xff, 0x7f
	if _, err := readPlan(bytes.NewReader(bad)); err == nil {
		t.Error("huge length accepted")
	}
	trailing := bytes.Clone(good)
	trailing[0]++
	if _, err := readPlan(bytes.NewReader(append(trailing, 0))); err == nil {
		t.Error("trailing byte accepted")
	}
}

func TestReportRoundTrip(t *testing.T) {
	st := uint32(7 << 8)
	for _, rep := range []report{{Status: &st}, {Err: "cannot do it: é"}} {
		var buf bytes.Buffer
		sendReport(&buf, rep)
		got, err := readReport(&buf)
		if err != nil || !reflect.DeepEqual(got, rep) {
			t.Errorf("%+v: got %+v, %v", rep, got, err)
		}
	}
	if _, err := readReport(bytes.NewReader(nil)); err != io.EOF {
		t.Errorf("nothing: %v, want io.EOF", err)
	}
	if _, err := readReport(bytes.NewReader([]byte("S\x01"))); err != io.EOF {
		t.Errorf("truncated: %v, want io.EOF", err)
	}
	if _, err := readReport(bytes.NewReader([]byte("X"))); err == nil {
		t.Error("garbage accepted")
	}
}
