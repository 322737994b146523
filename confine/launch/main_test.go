package launch

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/snappy-pm/snappy/snap"
	"github.com/snappy-pm/snappy/snap/paths"
)

// The test binary plays snap: with runEnv set it resolves NAME.APP under
// a test root and calls Run, as `snap run` will.
const runEnv = "SNAPPY_LAUNCH_TEST_RUN"

type runRequest struct {
	Root, Target, Hook string
	Args               []string
	Shell, DevMode     bool
}

func TestMain(m *testing.M) {
	if IsStage2() {
		Stage2()
	}
	if os.Getenv(startOnlyEnv) != "" {
		os.Exit(0)
	}
	if req := os.Getenv(runEnv); req != "" {
		os.Exit(runAsSnap(req))
	}
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	removeCgroups()
	os.Exit(code)
}

// removeCgroups removes the cgroups the tests' root launches created;
// the namespaces of the last ones may still be on their way out.
func removeCgroups() {
	root := cgroup2Root()
	if root == "" {
		return
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "snap.lt*"))
	for _, d := range dirs {
		for i := 0; i < 100 && os.Remove(d) != nil; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// cleanups run after every test: for what tests share.
var cleanups []func()

func runAsSnap(encoded string) int {
	var req runRequest
	if err := json.Unmarshal([]byte(encoded), &req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 98
	}
	p := paths.New(req.Root)
	name, appName, _ := strings.Cut(req.Target, ".")
	rev, err := os.Readlink(p.CurrentLink(name))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 98
	}
	data, err := os.ReadFile(filepath.Join(p.MountDir(name, rev), "meta", "snap.yaml"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 98
	}
	info, err := snap.ReadInfoYAML(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 98
	}
	info.Revision, _ = snap.ParseRevision(rev)
	s := Spec{Paths: p, Info: info, DevMode: req.DevMode, Args: req.Args, Shell: req.Shell, Env: os.Environ()}
	if req.Hook != "" {
		s.Hook = info.Hooks[req.Hook]
	} else {
		s.App = info.Apps[appName]
	}
	err = Run(s)
	fmt.Fprintf(os.Stderr, "error: %v\n", err)
	return 99
}
