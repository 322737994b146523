package seccomp

import (
	_ "embed"
	"fmt"
	"strings"
)

// Mode says what happens to a call the policy does not allow.
type Mode int

const (
	// Enforce makes such calls fail with EPERM (strict confinement). It is
	// the zero value so that a forgotten mode confines.
	Enforce Mode = iota
	// Complain lets them through and has the kernel log them (devmode).
	Complain
)

func (m Mode) String() string {
	switch m {
	case Enforce:
		return "enforce"
	case Complain:
		return "complain"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// Profile is the seccomp policy of one app or hook.
type Profile struct {
	Tag      string   // snap.NAME.APP or snap.NAME.hook.HOOK
	Mode     Mode     // what happens to calls the policy does not allow
	Snippets []string // rules from connected interfaces, in the template's syntax
}

//go:embed template.rules
var template string

// Template returns the default policy every profile starts from.
func Template() string { return template }

// Source returns the policy text of p: the template followed by the
// snippets, each under a marker line so a reader of TAG.src sees which
// interface rule came from where.
func Source(p Profile) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# seccomp profile %s, mode %s\n", p.Tag, p.Mode)
	b.WriteString(template)
	for i, s := range p.Snippets {
		fmt.Fprintf(&b, "\n# --- snippet %d ---\n%s", i+1, s)
		if !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// rules parses the template and the snippets separately so that an error
// names the snippet and its own line numbers, which is what the interface
// author wrote.
func (p Profile) rules() ([]rule, error) {
	if p.Mode != Enforce && p.Mode != Complain {
		return nil, fmt.Errorf("seccomp profile %s: unknown mode %d", p.Tag, int(p.Mode))
	}
	rules, err := parse(template, "template")
	if err != nil {
		return nil, fmt.Errorf("seccomp profile %s: %w", p.Tag, err)
	}
	for i, s := range p.Snippets {
		more, err := parse(s, fmt.Sprintf("snippet %d", i+1))
		if err != nil {
			return nil, fmt.Errorf("seccomp profile %s: %w", p.Tag, err)
		}
		rules = append(rules, more...)
	}
	return rules, nil
}
