// Command snap-confine is the launcher's stage 2 on its own: the program
// `snap run` re-executes inside an app's new namespaces. It links only
// confine/launch, so it starts in a fraction of the time the whole snap
// CLI takes, and a launch starts it every time. It is not setuid and does
// nothing when run by hand.
package main

import (
	"fmt"
	"os"

	"github.com/snappy-pm/snappy/confine/launch"
)

func main() {
	if !launch.IsStage2() {
		fmt.Fprintln(os.Stderr, "snap-confine is started by `snap run`, not by hand")
		os.Exit(2)
	}
	launch.Stage2()
}
