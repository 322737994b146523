package paths

import "testing"

func TestLayoutUnderRoot(t *testing.T) {
	p := New("/tmp/r/")
	cases := map[string]string{
		p.MountDir("hello", "x1"):        "/tmp/r/snap/hello/x1",
		p.CurrentLink("hello"):           "/tmp/r/snap/hello/current",
		p.BinDir():                       "/tmp/r/snap/bin",
		p.BlobPath("hello", "x2"):        "/tmp/r/var/lib/snapd/snaps/hello_x2.snap",
		p.DataDir("hello", "x1"):         "/tmp/r/var/snap/hello/x1",
		p.CommonDataDir("hello"):         "/tmp/r/var/snap/hello/common",
		p.DataCurrentLink("hello"):       "/tmp/r/var/snap/hello/current",
		p.Socket():                       "/tmp/r/run/snapd.socket",
		p.StateDB():                      "/tmp/r/var/lib/snapd/state.db",
		UserDataDir("/home/u", "a", "3"): "/home/u/snap/a/3",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestDefaultRoot(t *testing.T) {
	t.Setenv(RootEnv, "")
	if got := FromEnv().Socket(); got != "/run/snapd.socket" {
		t.Fatalf("default socket %q", got)
	}
}
