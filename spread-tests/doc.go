// Package spreadtests holds Snappy's whole-system tests: tasks in spread's
// task.yaml format (summary, environment, prepare, execute, restore) that
// drive the built snap and snapd binaries under a temporary root. The
// runner is a Go test so that `go test ./...` runs them wherever CI does;
// see README.md for the task format and the helpers in lib/lib.sh.
package spreadtests
