package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestMountAll(t *testing.T) {
	requireRoot(t)
	const n = 20
	root := t.TempDir()
	pairs := make([]Pair, n)
	for i := range pairs {
		img := makeImage(t, map[string]string{"id": fmt.Sprint(i)})
		pairs[i] = Pair{Image: img, Target: filepath.Join(root, fmt.Sprintf("snap%d", i), "1")}
		cleanupMount(t, pairs[i].Target)
	}

	for _, parallel := range []int{0, 3} {
		t.Run(fmt.Sprintf("parallel=%d", parallel), func(t *testing.T) {
			if err := MountAll(pairs, parallel); err != nil {
				t.Fatal(err)
			}
			for i, p := range pairs {
				if got, err := os.ReadFile(filepath.Join(p.Target, "id")); err != nil || string(got) != fmt.Sprint(i) {
					t.Errorf("%s: read %q, %v", p.Target, got, err)
				}
				if devs := loopsFor(t, p.Image); len(devs) != 1 {
					t.Errorf("%s: loop devices %v", p.Image, devs)
				}
			}
			// Unmounting in parallel too: a device freed by one unmount
			// may be reattached by nobody else while another detaches.
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i, p := range pairs {
				wg.Go(func() { errs[i] = Unmount(p.Target) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			for _, p := range pairs {
				assertDetached(t, p.Image)
			}
		})
	}
}

func TestMountAllReportsEachFailure(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	good := makeImage(t, map[string]string{"f": "x"})
	junk := filepath.Join(dir, "junk.snap")
	if err := os.WriteFile(junk, make([]byte, 8192), 0o644); err != nil {
		t.Fatal(err)
	}
	junk = trackImage(t, junk)
	missing := filepath.Join(dir, "missing.snap")
	pairs := []Pair{
		{junk, filepath.Join(dir, "junk")},
		{good, filepath.Join(dir, "good")},
		{missing, filepath.Join(dir, "missing")},
	}
	for _, p := range pairs {
		cleanupMount(t, p.Target)
	}

	err := MountAll(pairs, 0)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{junk, missing} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), good) {
		t.Errorf("error %q names the good image", err)
	}
	if ok, _ := IsMounted(pairs[1].Target); !ok {
		t.Error("the good image was not mounted")
	}
	assertDetached(t, junk)
	if err := Unmount(pairs[1].Target); err != nil {
		t.Fatal(err)
	}
	assertDetached(t, good)
}

func TestMountAllEmpty(t *testing.T) {
	if err := MountAll(nil, 0); err != nil {
		t.Fatal(err)
	}
}
