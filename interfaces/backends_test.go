package interfaces

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/snappy-pm/snappy/confine/apparmor"
	"github.com/snappy-pm/snappy/confine/seccomp"
)

// TestAppArmorSnippetsParse puts every interface's rules, one interface
// at a time so a failure names it, into a real profile and has
// apparmor_parser compile it.
func TestAppArmorSnippetsParse(t *testing.T) {
	if _, err := exec.LookPath("apparmor_parser"); err != nil {
		t.Skip("apparmor_parser is not installed (apt-get install -y apparmor): cannot check snippets")
	}
	conns := allConnections(t)
	var all Snippets
	cases := map[string][]string{}
	for _, i := range builtins() {
		s := i.Snippets(conns[i.Name()])
		cases[i.Name()] = s.AppArmor
		all.Merge(s)
	}
	// Together too: rules of different interfaces must not conflict.
	cases["all"] = all.AppArmor
	for name, snippets := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := apparmor.Input{Tag: "snap.all.app", SnapName: "all", Revision: "3",
				Mode: apparmor.ModeStrict, Snippets: snippets}
			dir := t.TempDir()
			if err := apparmor.Write(dir, in); err != nil {
				t.Fatal(err)
			}
			if err := apparmor.Validate(filepath.Join(dir, in.Tag)); err != nil {
				t.Fatalf("%v\nsnippets:\n%q", err, in.Snippets)
			}
		})
	}
}

// TestSeccompSnippetsCompile compiles the template with every
// interface's rules, one interface at a time and all together.
func TestSeccompSnippetsCompile(t *testing.T) {
	conns := allConnections(t)
	var all Snippets
	cases := map[string][]string{}
	for _, i := range builtins() {
		s := i.Snippets(conns[i.Name()])
		all.Merge(s)
		if len(s.Seccomp) > 0 {
			cases[i.Name()] = s.Seccomp
		}
	}
	cases["all"] = all.Seccomp
	for name, snippets := range cases {
		for _, mode := range []seccomp.Mode{seccomp.Enforce, seccomp.Complain} {
			p := seccomp.Profile{Tag: "snap.all.app", Mode: mode, Snippets: snippets}
			if _, err := seccomp.Compile(p); err != nil {
				t.Errorf("%s (%s): %v", name, mode, err)
			}
		}
	}
}
