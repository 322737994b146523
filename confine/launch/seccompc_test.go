package launch

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

var (
	seccompcOnce sync.Once
	seccompc     string
	seccompcErr  error
)

// compileSeccomp runs the daemon's compiler from a helper binary: it
// links libseccomp through cgo, which the launcher must not, and the test
// binary is the launcher here.
func compileSeccomp(dir string, tagModes ...string) error {
	seccompcOnce.Do(func() {
		out, err := os.MkdirTemp("", "seccompc-")
		if err != nil {
			seccompcErr = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(out) })
		seccompc = filepath.Join(out, "seccompc")
		goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
		cmd := exec.Command(goTool, "build", "-o", seccompc, "./testdata/seccompc")
		if msg, err := cmd.CombinedOutput(); err != nil {
			seccompcErr = fmt.Errorf("building the seccomp compiler: %v\n%s", err, msg)
		}
	})
	if seccompcErr != nil {
		return seccompcErr
	}
	msg, err := exec.Command(seccompc, append([]string{dir}, tagModes...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("seccompc: %v\n%s", err, msg)
	}
	return nil
}
