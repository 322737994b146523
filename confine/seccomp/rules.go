package seccomp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxArgs is the number of arguments seccomp_data carries.
const maxArgs = 6

// maxExpansion bounds how many rules one line's alternatives may produce, so
// a typo cannot make compilation explode.
const maxExpansion = 64

type compareOp int

const (
	opEqual compareOp = iota
	opNotEqual
	opLess
	opLessOrEqual
	opGreater
	opGreaterOrEqual
	opMaskedEqual
)

type argCheck struct {
	index int
	op    compareOp
	value uint64
	mask  uint64 // opMaskedEqual only
}

// rule is one expanded policy line. where and text are kept so that errors
// found later, at compile time, still point at the line a person wrote.
type rule struct {
	where    string
	text     string
	syscall  string
	deny     bool
	optional bool
	errno    int // explicit "=> ERRNO" of a denial; 0 means the mode decides
	args     []argCheck
}

func (r rule) errorf(format string, a ...any) error {
	return fmt.Errorf("%s: %q: %s", r.where, r.text, fmt.Sprintf(format, a...))
}

// parse reads policy text; origin names it in errors ("template",
// "snippet 2").
func parse(text, origin string) ([]rule, error) {
	var rules []rule
	for i, line := range strings.Split(text, "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		where := fmt.Sprintf("%s, line %d", origin, i+1)
		expanded, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", where, line, err)
		}
		for _, r := range expanded {
			r.where, r.text = where, line
			rules = append(rules, r)
		}
	}
	return rules, nil
}

func parseLine(line string) ([]rule, error) {
	fields := strings.Fields(line)
	var base rule
	if n := len(fields); n >= 2 && fields[n-2] == "=>" {
		errno, err := parseErrno(fields[n-1])
		if err != nil {
			return nil, err
		}
		base.errno = errno
		fields = fields[:n-2]
	}
	if len(fields) == 0 {
		return nil, errors.New("missing system call name")
	}
	name := fields[0]
	for len(name) > 0 && (name[0] == '~' || name[0] == '?') {
		seen := &base.deny
		if name[0] == '?' {
			seen = &base.optional
		}
		if *seen {
			return nil, fmt.Errorf("prefix %q given twice", name[0])
		}
		*seen = true
		name = name[1:]
	}
	if !validSyscallName(name) {
		return nil, fmt.Errorf("invalid system call name %q", name)
	}
	if base.errno != 0 && !base.deny {
		return nil, errors.New(`"=> ERRNO" is only valid on a denial ("~name")`)
	}
	base.syscall = name
	args := fields[1:]
	if len(args) > maxArgs {
		return nil, fmt.Errorf("%d argument checks, at most %d", len(args), maxArgs)
	}
	out := []rule{base}
	for i, tok := range args {
		alts, err := parseAlternatives(i, tok)
		if err != nil {
			return nil, fmt.Errorf("argument %d: %w", i, err)
		}
		if len(alts) == 0 {
			continue
		}
		if len(out)*len(alts) > maxExpansion {
			return nil, fmt.Errorf("alternatives expand to more than %d rules", maxExpansion)
		}
		var next []rule
		for _, r := range out {
			for _, c := range alts {
				r2 := r
				r2.args = append(append([]argCheck(nil), r.args...), c)
				next = append(next, r2)
			}
		}
		out = next
	}
	return out, nil
}

func validSyscallName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range name {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// parseAlternatives returns no checks for "-", which matches anything.
func parseAlternatives(index int, tok string) ([]argCheck, error) {
	if tok == "-" {
		return nil, nil
	}
	var checks []argCheck
	for _, alt := range strings.Split(tok, ",") {
		if alt == "-" {
			return nil, errors.New(`"-" cannot be one of several alternatives`)
		}
		c, err := parseCheck(alt)
		if err != nil {
			return nil, err
		}
		c.index = index
		checks = append(checks, c)
	}
	return checks, nil
}

func parseCheck(tok string) (argCheck, error) {
	var c argCheck
	if strings.HasPrefix(tok, "&") {
		mask, value, ok := strings.Cut(tok[1:], "=")
		if !ok {
			return c, fmt.Errorf("%q: a masked check is &MASK=VALUE", tok)
		}
		var err error
		if c.mask, err = parseValue(mask); err != nil {
			return c, err
		}
		if c.value, err = parseValue(value); err != nil {
			return c, err
		}
		if c.value&^c.mask != 0 {
			return c, fmt.Errorf("%q can never match: the value has bits outside the mask", tok)
		}
		c.op = opMaskedEqual
		return c, nil
	}
	ops := []struct {
		prefix string
		op     compareOp
	}{
		// Two-character prefixes first so "<=" is not read as "<".
		{"<=", opLessOrEqual}, {">=", opGreaterOrEqual},
		{"!", opNotEqual}, {"<", opLess}, {">", opGreater},
	}
	c.op = opEqual
	rest := tok
	for _, o := range ops {
		if strings.HasPrefix(tok, o.prefix) {
			c.op, rest = o.op, tok[len(o.prefix):]
			break
		}
	}
	var err error
	c.value, err = parseValue(rest)
	return c, err
}

// parseValue reads numbers and constants joined by '|'.
func parseValue(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("missing value")
	}
	var v uint64
	for _, part := range strings.Split(s, "|") {
		n, err := parseAtom(part)
		if err != nil {
			return 0, err
		}
		v |= n
	}
	return v, nil
}

func parseAtom(s string) (uint64, error) {
	switch {
	case s == "":
		return 0, errors.New(`empty value around "|"`)
	case s[0] == '-':
		return 0, fmt.Errorf("negative number %q: write the unsigned value (0xffffffff for a 32-bit -1)", s)
	case s[0] >= '0' && s[0] <= '9':
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid number %q", s)
		}
		return n, nil
	}
	if n, ok := constants[s]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("unknown constant %q", s)
}

func parseErrno(s string) (int, error) {
	if n, err := strconv.ParseUint(s, 10, 16); err == nil && n > 0 && n < 4096 {
		return int(n), nil
	}
	if n, ok := errnos[s]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("unknown errno %q", s)
}
