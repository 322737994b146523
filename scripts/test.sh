#!/usr/bin/env bash
# Runs every test: static checks, unit and privileged integration tests,
# the race detector on the daemon's packages, and the spread tasks.
# It must run as root: the integration tests really mount and confine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	exec sudo -E bash "$0" "$@"
fi
bash scripts/setup.sh
export PATH="/usr/local/go/bin:$PATH"

echo "== gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt would change: $unformatted" >&2
	exit 1
fi
go vet ./...

echo "== go test (as root: loop mounts, namespaces and the spread tasks run for real)"
go test -count=1 -timeout 20m ./...

echo "== go test -race on the daemon's packages"
go test -count=1 -race -timeout 15m ./daemon/... ./confine/... ./interfaces/... ./mount/... ./snap/...
