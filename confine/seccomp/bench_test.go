package seccomp

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/snappy-pm/snappy/confine/seccomp/load"
)

// BenchmarkCompile is install-time work: parsing the template and building
// and exporting both libseccomp filters.
func BenchmarkCompile(b *testing.B) {
	p := Profile{Tag: "snap.bench.app", Snippets: []string{"socket AF_INET\nsocket AF_INET6\n"}}
	for b.Loop() {
		if _, err := Compile(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyFile is the launcher's cost: read TAG.bin, set
// no_new_privs, install the filter. Filters stack up on a thread, so every
// iteration uses a fresh thread that dies with its goroutine; apply-ns/op is
// ApplyFile alone, ns/op includes starting and ending the thread.
func BenchmarkApplyFile(b *testing.B) {
	if _, err := load.Supported(); err != nil {
		b.Skip(err)
	}
	dir := b.TempDir()
	p := Profile{Tag: "snap.bench.app"}
	if err := Write(dir, p); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, p.Tag+".bin")
	var applying time.Duration
	for b.Loop() {
		done := make(chan error)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with us
			start := time.Now()
			err := load.ApplyFile(path)
			applying += time.Since(start)
			done <- err
		}()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(applying.Nanoseconds())/float64(b.N), "apply-ns/op")
}
