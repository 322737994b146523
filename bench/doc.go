// Package bench holds the whole-system benchmarks of the foundation's
// performance targets (issue 2). They drive the real snap and snapd binaries
// under temporary roots and measure, in the same run, a reference that
// bounds what the operation could cost (direct exec, cp and loop mount,
// an HTTP round trip on the same socket, ...), so that results are ratios
// that mean something on any machine.
//
// They are Benchmark functions only, so `go test ./...` builds this package
// and runs nothing. They need root (loop mounts) and skip otherwise.
// bench/run.sh builds the binaries, runs every benchmark with an iteration
// count that fits in a few minutes, and prints the summary recorded in
// docs/benchmarks.md.
package bench
