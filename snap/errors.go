package snap

import "fmt"

// ValidationError is a snap.yaml that breaks a rule. Field is the path of
// the offending field ("apps.hello.command"), Value what it held (empty when
// the value itself is not the point), Rule what it must be.
type ValidationError struct {
	Field, Value, Rule string
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return "invalid snap.yaml: " + e.Rule
	}
	if e.Value == "" {
		return fmt.Sprintf("invalid snap.yaml: field %q: %s", e.Field, e.Rule)
	}
	return fmt.Sprintf("invalid snap.yaml: field %q: %q %s", e.Field, e.Value, e.Rule)
}

func invalid(field, value, rule string, args ...any) *ValidationError {
	if len(args) > 0 {
		rule = fmt.Sprintf(rule, args...)
	}
	return &ValidationError{Field: field, Value: value, Rule: rule}
}
