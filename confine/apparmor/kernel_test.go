package apparmor

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeKernel points Enabled at files under a temporary directory.
func fakeKernel(t *testing.T, param string, securityfs bool) {
	t.Helper()
	dir := t.TempDir()
	oldParam, oldDir := enabledParam, securityDir
	t.Cleanup(func() { enabledParam, securityDir = oldParam, oldDir })
	enabledParam = filepath.Join(dir, "enabled")
	securityDir = filepath.Join(dir, "apparmor")
	if param != "" {
		if err := os.WriteFile(enabledParam, []byte(param), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if securityfs {
		if err := os.Mkdir(securityDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEnabled(t *testing.T) {
	for _, tc := range []struct {
		name       string
		param      string
		securityfs bool
		want       bool
	}{
		{"enabled", "Y\n", true, true},
		{"disabled at boot", "N\n", true, false},
		{"securityfs not mounted", "Y\n", false, false},
		{"not built in", "", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeKernel(t, tc.param, tc.securityfs)
			if got := Enabled(); got != tc.want {
				t.Errorf("Enabled() = %v, want %v", got, tc.want)
			}
		})
	}
}

// Without AppArmor in the kernel nothing may be loaded or switched to, and
// the launcher must hear so rather than run the app unconfined unawares.
func TestWithoutAppArmor(t *testing.T) {
	fakeKernel(t, "", false)
	if err := ExecTransition("snap.hello.hello"); !errors.Is(err, ErrNotEnabled) {
		t.Errorf("ExecTransition: %v, want ErrNotEnabled", err)
	}
	if err := Load("/nonexistent"); !errors.Is(err, ErrNotEnabled) {
		t.Errorf("Load: %v, want ErrNotEnabled", err)
	}
	if err := ExecTransition("snap.hello.hello\nchangeprofile unconfined"); err == nil || errors.Is(err, ErrNotEnabled) {
		t.Errorf("ExecTransition accepted an invalid tag: %v", err)
	}
}
