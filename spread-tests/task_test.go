package spreadtests

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// defaultKillTimeout bounds each phase of a task that sets no kill-timeout;
// it is generous because tasks are meant to take seconds, and a hung daemon
// must not stall the whole `go test` run until its global timeout.
const defaultKillTimeout = 2 * time.Minute

// task is one parsed task.yaml.
type task struct {
	name        string // suite/task, the path of its directory below the tasks root
	dir         string // absolute
	summary     string
	details     string
	env         []envVar // in file order: later values may refer to earlier ones
	prepare     string
	execute     string
	restore     string
	debug       string
	killTimeout time.Duration
}

type envVar struct{ key, value string }

// taskFile is the subset of spread's task.yaml the runner understands.
// Unknown keys are refused rather than ignored, so that a misspelt
// "restore" does not silently leave a system dirty.
type taskFile struct {
	Summary     string    `yaml:"summary"`
	Details     string    `yaml:"details"`
	Environment yaml.Node `yaml:"environment"`
	Prepare     string    `yaml:"prepare"`
	Execute     string    `yaml:"execute"`
	Restore     string    `yaml:"restore"`
	Debug       string    `yaml:"debug"`
	KillTimeout string    `yaml:"kill-timeout"`
}

var envKeyRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reservedEnv are set by the runner; a task overriding them would escape
// the per-task root, or blind the leak checks that look for it.
var reservedEnv = map[string]bool{
	"SNAPPY_GLOBAL_ROOT": true,
	"SPREAD_PATH":        true,
	"SPREAD_TASK":        true,
	"TESTSLIB":           true,
}

// loadTasks finds every task.yaml below root. A broken file is an error
// for the whole run: skipping it would make a task vanish from CI unnoticed.
func loadTasks(root string) ([]*task, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	var tasks []*task
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != "task.yaml" {
			return nil
		}
		dir := filepath.Dir(path)
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return err
		}
		if rel == "." {
			return fmt.Errorf("%s: a task needs its own directory (SUITE/TASK/task.yaml)", path)
		}
		tk, err := parseTask(path)
		if err != nil {
			return err
		}
		tk.name = filepath.ToSlash(rel)
		tk.dir = dir
		tasks = append(tasks, tk)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].name < tasks[j].name })
	return tasks, nil
}

func parseTask(path string) (*task, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	tk, err := parseTaskData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tk, nil
}

func parseTaskData(data []byte) (*task, error) {
	var tf taskFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		return nil, err
	}
	if strings.TrimSpace(tf.Summary) == "" {
		return nil, errors.New("summary is missing")
	}
	if strings.TrimSpace(tf.Execute) == "" {
		return nil, errors.New("execute is missing")
	}
	tk := &task{
		summary:     strings.TrimSpace(tf.Summary),
		details:     tf.Details,
		prepare:     tf.Prepare,
		execute:     tf.Execute,
		restore:     tf.Restore,
		debug:       tf.Debug,
		killTimeout: defaultKillTimeout,
	}
	if tf.KillTimeout != "" {
		d, err := time.ParseDuration(tf.KillTimeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("kill-timeout %q is not a positive duration such as 30s or 5m", tf.KillTimeout)
		}
		tk.killTimeout = d
	}
	env, err := parseEnvironment(&tf.Environment)
	if err != nil {
		return nil, err
	}
	tk.env = env
	return tk, nil
}

// parseEnvironment walks the YAML node itself because a Go map would lose
// the order, and spread lets a value refer to the variables above it.
func parseEnvironment(n *yaml.Node) ([]envVar, error) {
	if n.Kind == 0 || n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: environment must be a map of NAME: value", n.Line)
	}
	var env []envVar
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		switch {
		case strings.Contains(key, "/"):
			return nil, fmt.Errorf("line %d: environment variants (%s) are not supported", k.Line, key)
		case !envKeyRE.MatchString(key):
			return nil, fmt.Errorf("line %d: environment key %q is not a shell variable name", k.Line, key)
		case reservedEnv[key]:
			return nil, fmt.Errorf("line %d: environment key %s is set by the runner", k.Line, key)
		case seen[key]:
			return nil, fmt.Errorf("line %d: environment key %s is repeated", k.Line, key)
		case v.Kind != yaml.ScalarNode:
			return nil, fmt.Errorf("line %d: environment value of %s must be a scalar", v.Line, key)
		}
		seen[key] = true
		value := v.Value
		if v.Tag == "!!null" {
			value = ""
		}
		env = append(env, envVar{key, value})
	}
	return env, nil
}
