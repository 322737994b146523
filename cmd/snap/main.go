// Command snap is Snappy's command line: it talks to the daemon over its
// socket, except for "snap run", "snap pack" and "snap info FILE.snap",
// which work alone.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/snappy-pm/snappy/confine/launch"
	"github.com/snappy-pm/snappy/daemon/client"
	"github.com/snappy-pm/snappy/snap/paths"
	"github.com/spf13/cobra"
)

func main() {
	// The launcher re-executes this binary inside the app's namespaces;
	// that stage must run before anything else touches the process.
	if launch.IsStage2() {
		launch.Stage2()
		return
	}
	os.Exit(newApp().run(commandLine(os.Args), os.Stdout, os.Stderr))
}

// commandLine turns the process's argv into snap's arguments. The app
// wrappers in R/snap/bin are symlinks to this binary named NAME or
// NAME.APP: called by such a name, it runs that app.
func commandLine(argv []string) []string {
	if len(argv) == 0 {
		return nil
	}
	if name := filepath.Base(argv[0]); name != "snap" {
		return append([]string{"run", name}, argv[1:]...)
	}
	return argv[1:]
}

// app holds what commands share and what tests replace.
type app struct {
	paths paths.Paths
	// now and loc make the human-readable times of tests reproducible.
	now func() time.Time
	loc *time.Location
	// pollMin and pollMax bound how often a running change is polled.
	pollMin, pollMax time.Duration
	cli              *client.Client
}

func newApp() *app {
	return &app{
		paths: paths.FromEnv(),
		now:   time.Now,
		loc:   time.Local,
		// Most changes finish in tens of milliseconds: poll soon, then
		// back off, so a quick install is not kept waiting for a tick.
		pollMin: 5 * time.Millisecond,
		pollMax: 250 * time.Millisecond,
	}
}

// client connects lazily, so commands that need no daemon never pay for it.
func (a *app) client() *client.Client {
	if a.cli == nil {
		a.cli = client.New(a.paths.Socket())
		a.cli.SetUserAgent("snappy/" + version() + " snap")
	}
	return a.cli
}

// run executes one command line and returns the exit status.
func (a *app) run(args []string, stdout, stderr io.Writer) int {
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(context.Background()); err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return 1
	}
	return 0
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "snap",
		Short: "Install, run and manage snaps",
		// Errors are printed once, snapd's way, by run.
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.AddCommand(
		a.installCmd(), a.removeCmd(), a.listCmd(), a.infoCmd(),
		a.changesCmd(), a.tasksCmd(), a.abortCmd(),
		a.runCmd(), a.packCmd(), a.versionCmd(), a.debugCmd(),
	)
	return root
}
