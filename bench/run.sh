#!/usr/bin/env bash
# Runs the foundation benchmarks (issue 2) against freshly built binaries,
# with iteration counts that keep the whole run to a few minutes, and prints
# the machine, each benchmark's log and the summary table that
# docs/benchmarks.md records.
#
#   sudo bash bench/run.sh            # everything
#   sudo bash bench/run.sh SnapRun    # the benchmarks whose name matches
set -euo pipefail

cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "bench/run.sh: needs root: the daemon loop-mounts snaps" >&2
	exit 1
fi
only=${1:-.}

work=$(mktemp -d /tmp/snappy-bench-run.XXXXXX)
work=$(readlink -f "$work")

# The benchmarks clean up after themselves. This is for when they cannot
# (interrupted, timed out): everything they made is under $work, so that is
# what gets stopped, unmounted, detached and removed, and nothing else.
cleanup() {
	local sig pid exe mp f dev
	for sig in TERM KILL; do
		for exe in /proc/[0-9]*/exe; do
			pid=${exe#/proc/}
			pid=${pid%/exe}
			[ "$pid" = $$ ] && continue
			case "$(readlink "$exe" 2>/dev/null)" in
			"$work"/*) kill -"$sig" "$pid" 2>/dev/null || true ;;
			esac
		done
		[ "$sig" = TERM ] && sleep 1
	done
	# Deepest mount points first.
	awk -v w="$work/" 'index($5, w) == 1 { print gsub("/", "/", $5), $5 }' /proc/self/mountinfo |
		sort -rn | cut -d' ' -f2- | while read -r mp; do
		umount "$mp" 2>/dev/null || umount -l "$mp" || true
	done
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		case "$(cat "$f" 2>/dev/null)" in
		"$work"/*)
			dev=/dev/$(basename "$(dirname "$(dirname "$f")")")
			losetup -d "$dev" || true
			;;
		esac
	done
	if grep -q " $work/" /proc/self/mountinfo; then
		echo "bench/run.sh: $work is still mounted somewhere; left in place" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/bin" "$work/tmp"
go build -tags netgo,osusergo -o "$work/bin/" ./cmd/snap ./cmd/snapd ./cmd/snap-confine ./bench/refserver

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- cmd daemon mount snap go.mod go.sum 2>/dev/null)" ]; then
	rev="$rev + uncommitted changes"
fi
{
	echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), kernel $(uname -r)"
	echo "memory:  $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "tree:    $rev, $(go version | cut -d' ' -f3)"
	echo "storage: $(df -T "$work" | awk 'NR == 2 { print $2 " on " $1 }')"
} | tee "$work/machine.txt"
echo

# name:benchtime. Iterations are what the medians and percentiles are of.
benchmarks=(
	InstallRemove20MB:20x
	Upload20MB:20x
	SnapRun:1000x
	GetSnaps200:1000x
	InstallMany20:5x
	Restart200:5x
	IdleRSS:3x
)
status=0
for entry in "${benchmarks[@]}"; do
	name=${entry%%:*}
	[[ $name =~ $only ]] || continue
	echo "=== $name (-benchtime ${entry#*:})"
	TMPDIR="$work/tmp" SNAPPY_BENCH_BIN="$work/bin" \
		go test -run '^$' -bench "^Benchmark$name\$" -benchtime "${entry#*:}" \
		-count 1 -v -timeout 20m ./bench/ 2>&1 | tee -a "$work/out.txt" | grep -v '^\(goos\|goarch\|pkg\|cpu\|PASS\|ok \)' ||
		true
	if ! grep -q "^Benchmark$name-[0-9]*[[:space:]]" "$work/out.txt"; then
		echo "bench/run.sh: Benchmark$name did not complete" >&2
		status=1
	fi
	echo
done

echo "=== summary"
cat "$work/machine.txt"
echo
echo "| metric | result | reference in the same run | ratio | target | met? |"
echo "| --- | --- | --- | --- | --- | --- |"
sed -n 's/^.*SUMMARY \(| .*\)$/\1/p' "$work/out.txt"
exit $status
