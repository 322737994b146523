package bench

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// snapOpts say what goes into a test snap besides bin/true and the app
// named like the snap that runs it.
type snapOpts struct {
	// random is the size of a file of random bytes, which squashfs cannot
	// compress, so the .snap is about that size.
	random int
	// probe adds the app NAME.probe that prints "probe-ran", to check that
	// a launcher really reached the app.
	probe bool
	// classic makes an unconfined snap: snap run execs its app itself.
	classic bool
}

var (
	snapsMu sync.Mutex
	snaps   = map[string]string{}
)

// testSnap builds the snap NAME once per process, in the scratch dir.
func testSnap(b *testing.B, name string, opts snapOpts) string {
	b.Helper()
	key := fmt.Sprintf("%s-%d-%t-%t", name, opts.random, opts.probe, opts.classic)
	snapsMu.Lock()
	defer snapsMu.Unlock()
	if path, ok := snaps[key]; ok {
		return path
	}
	path, err := buildSnap(scratch(b), key, name, opts)
	if err != nil {
		b.Fatal(err)
	}
	snaps[key] = path
	return path
}

// manySnaps builds n small snaps named bench-s000…, once per process,
// as many at a time as there are CPUs.
func manySnaps(b *testing.B, n int) []string {
	b.Helper()
	dir := scratch(b)
	files := make([]string, n)
	errs := make([]error, n)
	todo := make(chan int)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for i := range todo {
				name := fmt.Sprintf("bench-s%03d", i)
				files[i] = filepath.Join(dir, name+".snap")
				if _, err := os.Stat(files[i]); err == nil {
					continue
				}
				files[i], errs[i] = buildSnap(dir, name, name, snapOpts{})
			}
		})
	}
	for i := range n {
		todo <- i
	}
	close(todo)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return files
}

func buildSnap(dir, file, name string, opts snapOpts) (string, error) {
	src := filepath.Join(dir, "src-"+file)
	defer os.RemoveAll(src)
	confinement := "devmode"
	if opts.classic {
		confinement = "classic"
	}
	yaml := fmt.Sprintf("name: %s\nversion: 1.0\nsummary: s\nconfinement: %s\napps:\n  %s:\n    command: bin/true\n", name, confinement, name)
	if opts.probe {
		yaml += "  probe:\n    command: bin/echo probe-ran\n"
	}
	if err := os.MkdirAll(filepath.Join(src, "meta"), 0o755); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(src, "bin"), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "meta", "snap.yaml"), []byte(yaml), 0o644); err != nil {
		return "", err
	}
	bins := []string{"true"}
	if opts.probe {
		bins = append(bins, "echo")
	}
	for _, bin := range bins {
		if err := copyFile("/bin/"+bin, filepath.Join(src, "bin", bin), 0o755); err != nil {
			return "", err
		}
	}
	if opts.random > 0 {
		f, err := os.Create(filepath.Join(src, "data"))
		if err != nil {
			return "", err
		}
		_, err = io.CopyN(f, rand.Reader, int64(opts.random))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", err
		}
	}
	out := filepath.Join(dir, file+".snap")
	cmd := exec.Command("mksquashfs", src, out, "-noappend", "-comp", "xz", "-all-root", "-no-xattrs", "-no-fragments", "-no-progress")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("mksquashfs %s: %v\n%s", name, err, strings.TrimSpace(string(msg)))
	}
	return out, nil
}

func copyFile(from, to string, mode os.FileMode) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, mode)
}
