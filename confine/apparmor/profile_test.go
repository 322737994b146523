package apparmor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// requireParser skips when Debian's apparmor package is missing: the
// profiles can only be checked by the real parser.
func requireParser(t *testing.T) {
	t.Helper()
	if _, err := parserPath(); err != nil {
		t.Skip("apparmor_parser is not installed (apt-get install -y apparmor): cannot check profiles")
	}
}

// validate writes in's profile and runs the real parser on it.
func validate(t *testing.T, in Input) (string, error) {
	t.Helper()
	dir := t.TempDir()
	if err := Write(dir, in); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, in.Tag)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != Generate(in) {
		t.Error("Write did not store what Generate returns")
	}
	return string(data), Validate(path)
}

// rulesStarting lists the profile's rules (comments aside) that begin with
// one of the given keywords.
func rulesStarting(profile string, keywords ...string) []string {
	var found []string
	for _, line := range strings.Split(profile, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimPrefix(line, "audit ")
		for _, k := range keywords {
			if strings.HasPrefix(line, k+" ") || strings.HasPrefix(line, k+",") {
				found = append(found, line)
			}
		}
	}
	return found
}

var forbidden = []string{"network", "capability", "mount", "umount", "remount", "pivot_root", "ptrace", "change_profile", "dbus"}

func TestGenerateValidates(t *testing.T) {
	requireParser(t)
	for _, tc := range []struct {
		name     string
		in       Input
		contains []string
		lacks    []string
	}{{
		name: "strict app",
		in:   Input{Tag: "snap.hello-world.hello", SnapName: "hello-world", Revision: "x1", Mode: ModeStrict},
		contains: []string{
			`profile "snap.hello-world.hello" flags=(attach_disconnected,mediate_deleted) {`,
			`@{SNAP_NAME}="hello-world"`, `@{SNAP_REVISION}="x1"`,
			"include <abstractions/base>",
			"/snap/@{SNAP_NAME}/@{SNAP_REVISION}/** mrix,",
			"owner @{HOME}/snap/@{SNAP_NAME}/{@{SNAP_REVISION},common}/{,**} wl,",
			"/var/snap/@{SNAP_NAME}/{@{SNAP_REVISION},common}/{,**} wl,",
			"/tmp/** mrwlkix,",
			"deny /etc/{shadow,gshadow}{,-} r,",
			"# Runtime: the host's system directories.",
		},
		lacks: []string{"complain", "From connected interfaces"},
	}, {
		name: "devmode app on a base",
		in:   Input{Tag: "snap.hello.hello", SnapName: "hello", Revision: "27", Base: "core22", Mode: ModeDevMode},
		contains: []string{
			`profile "snap.hello.hello" flags=(attach_disconnected,mediate_deleted,complain) {`,
			"# Runtime: the base snap core22, mounted as /.",
		},
		// Complain mode still enforces deny rules.
		lacks: []string{"deny "},
	}, {
		name: "hook",
		in:   Input{Tag: "snap.hello.hook.configure", SnapName: "hello", Revision: "x2", Mode: ModeStrict},
		contains: []string{
			`profile "snap.hello.hook.configure" flags=(attach_disconnected,mediate_deleted) {`,
		},
	}, {
		name: "with interface snippets",
		in: Input{Tag: "snap.hello.hello", SnapName: "hello", Revision: "x1", Mode: ModeStrict, Snippets: []string{
			"# network\nnetwork inet stream,\nnetwork inet6 stream,\n",
			"/dev/snd/* rw,",
		}},
		contains: []string{"  # From connected interfaces.\n  # network\n  network inet stream,\n  network inet6 stream,\n  /dev/snd/* rw,\n}\n"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			profile, err := validate(t, tc.in)
			if err != nil {
				t.Fatalf("generated profile does not parse: %v\n%s", err, profile)
			}
			for _, s := range tc.contains {
				if !strings.Contains(profile, s) {
					t.Errorf("profile lacks %q", s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(profile, s) {
					t.Errorf("profile has %q", s)
				}
			}
			if len(tc.in.Snippets) == 0 {
				if got := rulesStarting(profile, forbidden...); len(got) > 0 {
					t.Errorf("a profile without interfaces allows %q", got)
				}
			}
		})
	}
}

func TestBrokenSnippetFailsValidate(t *testing.T) {
	requireParser(t)
	for _, snippet := range []string{
		"/dev/snd/* rwzz,",
		"capability fly,",
		"network inet stream", // no comma
	} {
		in := Input{Tag: "snap.hello.hello", SnapName: "hello", Revision: "x1", Mode: ModeStrict, Snippets: []string{snippet}}
		_, err := validate(t, in)
		if err == nil {
			t.Errorf("snippet %q passed", snippet)
			continue
		}
		if !strings.Contains(err.Error(), "AppArmor parser error") {
			t.Errorf("snippet %q: error lacks the parser's message: %v", snippet, err)
		}
		if strings.Contains(err.Error(), "Cache read/write disabled") {
			t.Errorf("error keeps the parser's cache notice: %v", err)
		}
	}
}
