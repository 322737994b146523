#!/usr/bin/env bash
# Builds Snappy, starts snapd under a throwaway root, installs and runs the
# example snap, and leaves the daemon running for you to try.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	exec sudo -E bash "$0" "$@"
fi
bash scripts/setup.sh >/dev/null
export PATH="/usr/local/go/bin:$PATH"

top=$PWD
mkdir -p bin
# Pure-Go net and os/user keep cgo out of snap (snapd still links
# libseccomp): a confined launch starts snap twice, and cgo costs ~1 ms each.
go build -tags netgo,osusergo -o bin/ ./cmd/snap ./cmd/snapd ./cmd/snap-confine
root=$(mktemp -d /tmp/snappy-demo.XXXXXX)
export SNAPPY_GLOBAL_ROOT=$root
export PATH="$top/bin:$root/snap/bin:$PATH"

nohup snapd >"$root/snapd.log" 2>&1 &
echo $! >"$root/snapd.pid"
for _ in $(seq 100); do
	[ -S "$root/run/snapd.socket" ] && break
	sleep 0.1
done
[ -S "$root/run/snapd.socket" ] || { cat "$root/snapd.log"; exit 1; }

snap pack examples/hello "$root"
snap install --dangerous "$root"/hello-snappy_1.0_all.snap
snap list
snap run hello-snappy from-the-demo

cat <<MSG

snapd is running under $root (pid $(cat "$root/snapd.pid"), log $root/snapd.log).
Try it in this shell:

  export SNAPPY_GLOBAL_ROOT=$root PATH=$top/bin:$root/snap/bin:\$PATH
  snap list
  hello-snappy.env
  snap changes
  snap remove hello-snappy

Stop it and clean up:

  kill \$(cat $root/snapd.pid); sleep 1; for m in \$(grep -o "$root/snap/[^ ]*" /proc/self/mounts); do umount \$m; done; rm -rf $root
MSG
