// Command seccompc compiles seccomp profiles for the launcher's tests, in
// a process of its own: the compiler links libseccomp through cgo, which
// the launcher (and so its test binary, which plays snap) must not.
//
// Usage: seccompc DIR TAG enforce|complain...
package main

import (
	"fmt"
	"os"

	"github.com/snappy-pm/snappy/confine/seccomp"
)

func main() {
	if len(os.Args) < 4 || (len(os.Args)-2)%2 != 0 {
		fmt.Fprintln(os.Stderr, "usage: seccompc DIR TAG MODE [TAG MODE...]")
		os.Exit(2)
	}
	dir := os.Args[1]
	for i := 2; i+1 < len(os.Args); i += 2 {
		mode := seccomp.Enforce
		if os.Args[i+1] == "complain" {
			mode = seccomp.Complain
		}
		if err := seccomp.Write(dir, seccomp.Profile{Tag: os.Args[i], Mode: mode}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
