package snap

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// These are snapd's rules; keeping them identical is what lets snaps built
// for snapd install here and vice versa.
var (
	// Snap names also need a letter and no leading, trailing or doubled
	// hyphen, checked in code: Go's regexp has no look-around.
	snapNameChars = regexp.MustCompile(`^[a-z0-9-]*[a-z][a-z0-9-]*$`)
	// Versions may end in + or ~ (snapd allows it: "1.0+" sorts after
	// "1.0" in Debian version order, which packagers rely on).
	versionRe = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9:.+~-]{0,30}[a-zA-Z0-9+~])?$`)
	appNameRe = regexp.MustCompile(`^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$`)
	// Hook, plug, slot and interface names share one shape.
	hookNameRe  = regexp.MustCompile(`^[a-z](?:-?[a-z0-9])*$`)
	plugNameRe  = hookNameRe
	aliasRe     = regexp.MustCompile(`^[a-zA-Z0-9][-_.a-zA-Z0-9]*$`)
	envKeyRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	archRe      = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	assumesRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)
	supportedHk = []*regexp.Regexp{
		regexp.MustCompile(`^(?:install|remove|configure|default-configure|pre-refresh|post-refresh|check-health)$`),
		// gadget and device hooks
		regexp.MustCompile(`^(?:prepare-device|prepare-serial-request|install-device|fde-setup|gate-auto-refresh)$`),
		regexp.MustCompile(`^(?:prepare|unprepare|connect|disconnect)-(?:plug|slot)-[a-z0-9-]+$`),
		regexp.MustCompile(`^(?:change|save|query|load|observe)-view-.+$`),
	}
)

const (
	nameRule    = "must be 2-40 lowercase letters, digits and hyphens, with at least one letter and no leading, trailing or doubled hyphen"
	appNameRule = "is not a valid app name: use letters, digits and single hyphens, starting and ending with a letter or digit"
	hookRule    = "is not a valid hook name: use lowercase letters, digits and single hyphens, starting with a letter"
	plugRule    = "must be lowercase letters, digits and single hyphens, starting with a letter"
)

// ValidateName checks a snap name.
func ValidateName(name string) error {
	return validateSnapName("name", name)
}

func validateSnapName(field, name string) error {
	if name == "" {
		return invalid(field, "", "is required: "+strings.TrimPrefix(nameRule, "must be "))
	}
	if len(name) < 2 || len(name) > 40 || !snapNameChars.MatchString(name) ||
		name[0] == '-' || name[len(name)-1] == '-' || strings.Contains(name, "--") {
		return invalid(field, name, nameRule)
	}
	return nil
}

// ValidateVersion checks a version: 1-32 characters of letters, digits and
// ":.+~-", starting with a letter or digit and ending with one or "+"/"~".
func ValidateVersion(v string) error {
	if v == "" {
		return invalid("version", "", "is required: 1-32 characters of letters, digits and :.+~-")
	}
	if versionRe.MatchString(v) {
		return nil
	}
	var why []string
	if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return invalid("version", v, "must be printable ASCII without spaces")
	}
	if len(v) > 32 {
		why = append(why, fmt.Sprintf("is %d characters long (at most 32)", len(v)))
	}
	if !isAlnum(v[0]) {
		why = append(why, "must start with a letter or digit")
	}
	if last := v[len(v)-1]; len(v) > 1 && !isAlnum(last) && last != '+' && last != '~' {
		why = append(why, "must end with a letter, a digit, + or ~")
	}
	if bad := strings.Trim(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:.+~-"); bad != "" {
		why = append(why, "may only contain letters, digits and :.+~-")
	}
	if len(why) == 0 {
		why = append(why, "is not a valid version")
	}
	return invalid("version", v, strings.Join(why, "; "))
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// ValidateAppName checks an app name.
func ValidateAppName(n string) error {
	if !appNameRe.MatchString(n) {
		return invalid("apps", n, appNameRule)
	}
	return nil
}

// ValidateHookName checks that a hook name is well formed and is one snapd
// knows: a hook nobody would ever run is a mistake worth reporting.
func ValidateHookName(n string) error {
	if !hookNameRe.MatchString(n) {
		return invalid("hooks", n, hookRule)
	}
	if !IsHookSupported(n) {
		return invalid("hooks", n, "is not a known hook (known: install, remove, configure, pre-refresh, post-refresh, check-health, "+
			"prepare-device, ..., and connect-/disconnect-/prepare-/unprepare-plug-NAME or -slot-NAME)")
	}
	return nil
}

// IsHookSupported reports whether a hook name is one that gets run.
func IsHookSupported(n string) bool {
	for _, re := range supportedHk {
		if re.MatchString(n) {
			return true
		}
	}
	return false
}

// ValidatePlugName checks a plug or slot name (they share snapd's rule).
func ValidatePlugName(n string) error {
	if !plugNameRe.MatchString(n) {
		return invalid("plugs", n, plugRule)
	}
	return nil
}

// ValidateSlotName checks a slot name.
func ValidateSlotName(n string) error {
	if !plugNameRe.MatchString(n) {
		return invalid("slots", n, plugRule)
	}
	return nil
}

// ValidateInterfaceName checks an interface name.
func ValidateInterfaceName(n string) error {
	if !plugNameRe.MatchString(n) {
		return invalid("interface", n, plugRule)
	}
	return nil
}

// ValidateAlias checks an app alias.
func ValidateAlias(a string) error {
	if !aliasRe.MatchString(a) {
		return invalid("aliases", a, "is not a valid alias: use letters, digits, '-', '_' and '.', starting with a letter or digit")
	}
	return nil
}

// ValidateEnvKey checks an environment variable name.
func ValidateEnvKey(k string) error {
	if !envKeyRe.MatchString(k) {
		return invalid("environment", k, "is not a valid variable name: use letters, digits and '_', not starting with a digit")
	}
	return nil
}
