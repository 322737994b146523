package landlock

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.hello.hello.json")
	r := Rules{
		Tag:             "snap.hello.hello",
		ReadExec:        []string{"/usr", "/snap/hello/x1"},
		Read:            []string{"/etc"},
		ReadWrite:       []string{"/tmp", "/dev/null"},
		TCPBind:         []uint16{8080},
		TCPConnect:      []uint16{443, 80},
		AllowAllTCPBind: true,
		Scoped:          true,
	}
	if err := Write(path, Rules{Tag: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, r); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Write left %d files behind, want only the rules", len(entries))
	}
}

func TestReadRefuses(t *testing.T) {
	for name, content := range map[string]string{
		"unknown field": `{"tag":"snap.a.b","read-exec":[],"read":[],"read-write":[],"deny-udp":true}`,
		"relative path": `{"tag":"snap.a.b","read-exec":["usr"],"read":[],"read-write":[]}`,
		"not json":      `read-exec: /usr`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "rules.json")
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := Read(path); err == nil {
				t.Error("Read accepted it")
			}
		})
	}
	if _, err := Read(filepath.Join(t.TempDir(), "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDescribe(t *testing.T) {
	for _, tc := range []struct {
		abi, errata int
		want        string
	}{
		{1, 0, "landlock ABI 1: fs"},
		{4, 0, "landlock ABI 4: fs, tcp bind+connect"},
		{6, 0, "landlock ABI 6: fs, tcp bind+connect, scoped abstract unix"},
		{7, 2, "landlock ABI 7: fs, tcp bind+connect, scoped signals+abstract unix, audited"},
	} {
		f := features(tc.abi, tc.errata)
		if got := describe(f.version, f.net, f.scoped, f.flags); got != tc.want {
			t.Errorf("ABI %d: got %q, want %q", tc.abi, got, tc.want)
		}
	}
}
