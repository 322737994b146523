package snap

import (
	"errors"
	"strings"
	"testing"
)

func errField(err error) string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Field
	}
	return ""
}

type nameCase struct {
	in    string
	valid bool
}

func checkNames(t *testing.T, what string, f func(string) error, field string, cases []nameCase) {
	t.Helper()
	for _, tc := range cases {
		err := f(tc.in)
		if tc.valid && err != nil {
			t.Errorf("%s(%q) = %v, want valid", what, tc.in, err)
		}
		if !tc.valid {
			if err == nil {
				t.Errorf("%s(%q) accepted, want invalid", what, tc.in)
			} else if errField(err) != field {
				t.Errorf("%s(%q) error field = %q (%v), want %q", what, tc.in, errField(err), err, field)
			}
		}
	}
}

func TestValidateName(t *testing.T) {
	checkNames(t, "ValidateName", ValidateName, "name", []nameCase{
		{"hello", true}, {"ab", true}, {"a1", true}, {"1a", true}, {"hello-world", true},
		{"a-b-c-d", true}, {"0ad", true}, {"x264", true}, {strings.Repeat("a", 40), true},
		{"", false}, {"a", false}, {strings.Repeat("a", 41), false}, {"Hello", false},
		{"HELLO", false}, {"hello_world", false}, {"hello.world", false}, {"-hello", false},
		{"hello-", false}, {"hel--lo", false}, {"123", false}, {"1-2", false}, {"--", false},
		{"héllo", false}, {"hello world", false},
	})
	err := ValidateName("Foo")
	want := `invalid snap.yaml: field "name": "Foo" must be 2-40 lowercase letters, digits and hyphens`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message = %v, want prefix %s", err, want)
	}
}

func TestValidateVersion(t *testing.T) {
	checkNames(t, "ValidateVersion", ValidateVersion, "version", []nameCase{
		{"1", true}, {"1.0", true}, {"v1.2.3", true}, {"1.0-beta", true}, {"1:2.3~rc1", true},
		{"1.0+git20240101", true}, {"2.0+", true}, {"2.0~", true}, {"a", true},
		{strings.Repeat("1", 32), true}, {"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9", true},
		{"", false}, {strings.Repeat("1", 33), false}, {"-1", false}, {".1", false}, {"+1", false},
		{"1.", false}, {"1-", false}, {"1:", false}, {"1 0", false}, {"1_0", false},
		{"1/0", false}, {"1.0é", false}, {"1\t0", false}, {"~1", false},
	})
	for in, want := range map[string]string{
		"-1.0":                  "must start with a letter or digit",
		"1.0.":                  "must end with a letter, a digit, + or ~",
		"1@0":                   "may only contain",
		strings.Repeat("9", 40): "at most 32",
		"1 0":                   "printable ASCII",
	} {
		if err := ValidateVersion(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateVersion(%q) = %v, want it to say %q", in, err, want)
		}
	}
}

func TestValidateAppName(t *testing.T) {
	checkNames(t, "ValidateAppName", ValidateAppName, "apps", []nameCase{
		{"hello", true}, {"Hello", true}, {"a", true}, {"1", true}, {"hello-world", true},
		{"HTTP-Server2", true}, {"a-b-c", true},
		{"", false}, {"-a", false}, {"a-", false}, {"a--b", false}, {"a_b", false},
		{"a.b", false}, {"a b", false}, {"a/b", false},
	})
}

func TestValidateHookName(t *testing.T) {
	checkNames(t, "ValidateHookName", ValidateHookName, "hooks", []nameCase{
		{"install", true}, {"remove", true}, {"configure", true}, {"default-configure", true},
		{"pre-refresh", true}, {"post-refresh", true}, {"check-health", true},
		{"prepare-device", true}, {"prepare-serial-request", true}, {"install-device", true},
		{"connect-plug-home", true}, {"disconnect-slot-db", true}, {"prepare-plug-x11", true},
		{"unprepare-slot-my-slot", true}, {"gate-auto-refresh", true},
		{"", false}, {"Install", false}, {"1install", false}, {"install-", false},
		{"pre--refresh", false}, {"in_stall", false}, {"post-install", false}, {"foo", false},
		{"connect-plug-", false}, {"connect-home", false},
	})
}

func TestValidatePlugSlotInterfaceNames(t *testing.T) {
	cases := []nameCase{
		{"network", true}, {"home", true}, {"x11", true}, {"network-bind", true}, {"a", true},
		{"", false}, {"Network", false}, {"1net", false}, {"net-", false}, {"net--work", false},
		{"net_work", false}, {"-net", false},
	}
	checkNames(t, "ValidatePlugName", ValidatePlugName, "plugs", cases)
	checkNames(t, "ValidateSlotName", ValidateSlotName, "slots", cases)
	checkNames(t, "ValidateInterfaceName", ValidateInterfaceName, "interface", cases)
}

func TestValidateAliasAndEnvKey(t *testing.T) {
	checkNames(t, "ValidateAlias", ValidateAlias, "aliases", []nameCase{
		{"foo", true}, {"Foo.bar", true}, {"foo_bar-1", true}, {"1x", true},
		{"", false}, {"-foo", false}, {".foo", false}, {"_foo", false}, {"foo bar", false}, {"foo/bar", false},
	})
	checkNames(t, "ValidateEnvKey", ValidateEnvKey, "environment", []nameCase{
		{"PATH", true}, {"_X", true}, {"my_var2", true}, {"a", true},
		{"", false}, {"1A", false}, {"A-B", false}, {"A B", false}, {"A=B", false}, {"$A", false},
	})
}
