// Command snapd is the Snappy daemon: it serves the snapd REST API on
// R/run/snapd.socket (R = $SNAPPY_GLOBAL_ROOT, default /).
package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/sirupsen/logrus"

	"github.com/snappy-pm/snappy/daemon"
	"github.com/snappy-pm/snappy/daemon/snapmgr"
	"github.com/snappy-pm/snappy/snap/paths"
)

const usage = `Usage: snapd

Runs the Snappy daemon in the foreground, serving the snapd REST API on
$SNAPPY_GLOBAL_ROOT/run/snapd.socket (SNAPPY_GLOBAL_ROOT defaults to /).
Logs go to stderr; SNAPD_DEBUG=1 logs more. SIGTERM or SIGINT stops it.
`

func main() {
	// snapd takes no arguments: refuse them rather than start on "/" by
	// surprise when someone only asked for help.
	if len(os.Args) > 1 {
		if a := os.Args[1]; a == "-h" || a == "--help" || a == "help" {
			fmt.Print(usage)
			return
		}
		fmt.Fprintf(os.Stderr, "error: snapd takes no arguments (got %q)\n%s", os.Args[1:], usage)
		os.Exit(2)
	}
	log := logrus.New()
	log.SetOutput(os.Stderr)
	log.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	if os.Getenv("SNAPD_DEBUG") == "1" {
		log.SetLevel(logrus.DebugLevel)
	}
	if err := run(log); err != nil {
		log.Error(err)
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(log *logrus.Logger) error {
	opts := daemon.Options{
		Paths: paths.FromEnv(),
		Log:   log,
		Manager: snapmgr.Options{
			SnapBinary: snapBinary(),
		},
	}
	// Fault injection is for the crash and undo tests only, and needs an
	// explicit opt-in so a stray variable cannot break a real system.
	if os.Getenv("SNAPPY_TESTING") == "1" {
		opts.Manager.FailTask = os.Getenv("SNAPPY_TESTING_FAIL_TASK")
		opts.Manager.CrashTask = os.Getenv("SNAPPY_TESTING_CRASH_TASK")
	}
	d, err := daemon.New(opts)
	if err != nil {
		return err
	}
	if err := d.Start(); err != nil {
		d.Stop()
		return err
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	sig := <-sigs
	log.Infof("%s received, stopping", sig)
	return d.Stop()
}

// snapBinary is what app wrappers point at: the snap CLI installed beside
// this daemon, or the system's.
func snapBinary() string {
	if exe, err := os.Executable(); err == nil {
		cand := filepath.Join(filepath.Dir(exe), "snap")
		if fi, err := os.Stat(cand); err == nil && fi.Mode().IsRegular() {
			return cand
		}
	}
	return "/usr/bin/snap"
}
