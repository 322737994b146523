#!/usr/bin/env bash
# Installs what Snappy needs to build and test on Debian 12: run as root.
set -euo pipefail

need_pkgs=(libseccomp-dev squashfs-tools util-linux apparmor bubblewrap xdelta3 snapd gcc git ca-certificates procps)
missing=()
for p in "${need_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	apt-get update -qq
	# Debian's snapd package gives the real `snap` client the tests use to
	# check API compatibility; its service does not start without systemd.
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go: the project needs Go 1.26; Debian 12's golang-go is too old, so use a
# toolchain already on the machine (/usr/local/go on the project's machines).
export PATH="/usr/local/go/bin:$PATH"
if ! command -v go >/dev/null; then
	echo "setup: Go 1.26 is not installed: put it in /usr/local/go (https://go.dev/doc/install)" >&2
	exit 1
fi
go version
