# shellcheck shell=bash
#
# Helpers for spread tasks. The runner sources this file before every
# phase (prepare, execute, restore), under `bash -Eeuo pipefail`.
#
# Bash ignores errexit inside a function called from `if`, `!`, `||`, `&&`
# or a command substitution tested by one of those, and tasks call these
# helpers that way all the time (retry, expect_failure...). So every step
# below that can fail checks its own status instead of relying on `set -e`.

: "${SNAPPY_GLOBAL_ROOT:?lib.sh needs SNAPPY_GLOBAL_ROOT; the spread runner sets it}"

SNAPD_LOG=$SNAPPY_GLOBAL_ROOT/snapd.log
SNAPD_PID_FILE=$SNAPPY_GLOBAL_ROOT/snapd.pid
SNAPD_SOCKET=$SNAPPY_GLOBAL_ROOT/run/snapd.socket

# WORK is scratch space for a task's sources and built snaps. It lives
# under the task's root so that it goes away with it, and never in the
# task's directory, which is in the source tree.
WORK=$SNAPPY_GLOBAL_ROOT/work
mkdir -p "$WORK"

# fail MESSAGE...: print and return 1, so that `cond || fail "why"` reads
# well and stops the script.
fail() {
    echo "FAIL: $*" >&2
    return 1
}

# match [-i] REGEX: stdin must have a line matching the extended REGEX;
# otherwise print the whole input, like spread's MATCH.
match() {
    local opt=()
    if [ "${1:-}" = -i ]; then
        opt=(-i)
        shift
    fi
    local input
    input=$(cat)
    if grep -Eq "${opt[@]}" -- "$1" <<<"$input"; then
        return 0
    fi
    {
        echo "error: no line matches /$1/ in:"
        echo "-----"
        printf '%s\n' "$input"
        echo "-----"
    } >&2
    return 1
}

# nomatch [-i] REGEX: stdin must have no line matching REGEX.
nomatch() {
    local opt=()
    if [ "${1:-}" = -i ]; then
        opt=(-i)
        shift
    fi
    local input
    input=$(cat)
    if ! grep -Eq "${opt[@]}" -- "$1" <<<"$input"; then
        return 0
    fi
    {
        echo "error: a line matches /$1/ in:"
        echo "-----"
        printf '%s\n' "$input"
        echo "-----"
    } >&2
    return 1
}

# retry N CMD [ARG...]: run CMD until it succeeds, at most N times,
# $RETRY_WAIT seconds apart (default 0.1). Prints the output of the
# successful attempt, or of the last failed one.
retry() {
    local n=$1 i out=
    shift
    for ((i = 1; i <= n; i++)); do
        if out=$("$@" 2>&1); then
            if [ -n "$out" ]; then printf '%s\n' "$out"; fi
            return 0
        fi
        if [ "$i" -lt "$n" ]; then sleep "${RETRY_WAIT:-0.1}"; fi
    done
    {
        echo "error: '$*' still failed after $n attempts; its last output:"
        printf '%s\n' "$out"
    } >&2
    return 1
}

# expect_failure CMD [ARG...]: CMD must fail. Its combined output goes to
# stdout, to be piped into match.
expect_failure() {
    local out rc=0
    out=$("$@" 2>&1) || rc=$?
    printf '%s\n' "$out"
    if [ "$rc" -eq 0 ]; then
        echo "error: '$*' succeeded but should have failed" >&2
        return 1
    fi
}

# not CMD [ARG...]: CMD must fail. Use it instead of `! CMD`, which bash's
# errexit never stops a script for.
not() {
    if "$@"; then
        echo "error: '$*' succeeded but should not have" >&2
        return 1
    fi
}

# expect_status N CMD [ARG...]: CMD must exit with status N.
expect_status() {
    local want=$1 out rc=0
    shift
    out=$("$@" 2>&1) || rc=$?
    printf '%s\n' "$out"
    if [ "$rc" -ne "$want" ]; then
        echo "error: '$*' exited $rc, want $want" >&2
        return 1
    fi
}

# pid_alive PID: a zombie counts as dead, since its parent may be an init
# that never reaps it.
pid_alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ -n "$stat" ] && [ "${stat:0:1}" != Z ]
}

# wait_pid_gone PID SECONDS
wait_pid_gone() {
    local pid=$1 i
    for ((i = 0; i < $2 * 20; i++)); do
        if ! pid_alive "$pid"; then return 0; fi
        sleep 0.05
    done
    ! pid_alive "$pid"
}

snapd_pid() {
    local pid
    pid=$(cat "$SNAPD_PID_FILE" 2>/dev/null) || return 1
    [ -n "$pid" ] && echo "$pid"
}

snapd_running() {
    local pid
    pid=$(snapd_pid) && pid_alive "$pid"
}

# start_snapd: start the daemon in the background, logging to $SNAPD_LOG,
# and return once it answers the API; print its log and fail otherwise.
start_snapd() {
    local pid deadline
    if snapd_running; then
        fail "snapd is already running as pid $(snapd_pid)"
        return 1
    fi
    mkdir -p "$SNAPPY_GLOBAL_ROOT/run" || return 1
    echo "--- spread: starting snapd at $(date +%T.%N)" >>"$SNAPD_LOG"
    snapd >>"$SNAPD_LOG" 2>&1 </dev/null &
    pid=$!
    # Out of the job table, so that killing it does not make bash print a
    # "Killed" line into the task's output.
    disown "$pid"
    echo "$pid" >"$SNAPD_PID_FILE"
    # A socket left by a killed daemon exists before the new one binds, so
    # only an answer to a request proves the new one is ready.
    deadline=$((SECONDS + 10))
    while [ "$SECONDS" -le "$deadline" ]; do
        if ! pid_alive "$pid"; then
            echo "error: snapd (pid $pid) exited while starting; its log:" >&2
            cat "$SNAPD_LOG" >&2
            return 1
        fi
        if [ -S "$SNAPD_SOCKET" ] && timeout 5 snap list >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.05
    done
    echo "error: snapd (pid $pid) did not answer 'snap list' on $SNAPD_SOCKET within 10s; its log:" >&2
    cat "$SNAPD_LOG" >&2
    return 1
}

# stop_snapd: SIGTERM, then SIGKILL after 10s. Fails if snapd was not
# running (it crashed) or needed the SIGKILL (it ignores SIGTERM): both
# are bugs a task should hear about.
stop_snapd() {
    local pid
    if ! pid=$(snapd_pid); then
        fail "stop_snapd: snapd was not started ($SNAPD_PID_FILE is missing)"
        return 1
    fi
    if ! pid_alive "$pid"; then
        rm -f "$SNAPD_PID_FILE"
        fail "stop_snapd: snapd (pid $pid) is no longer running; it must have died"
        return 1
    fi
    kill -TERM "$pid" 2>/dev/null || true
    if wait_pid_gone "$pid" 10; then
        rm -f "$SNAPD_PID_FILE"
        return 0
    fi
    echo "error: snapd (pid $pid) ignored SIGTERM for 10s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" 10; then
        fail "snapd (pid $pid) survived SIGKILL"
        return 1
    fi
    rm -f "$SNAPD_PID_FILE"
    return 1
}

# kill9_snapd: crash the daemon, as a power cut would.
kill9_snapd() {
    local pid
    if ! pid=$(snapd_pid); then
        fail "kill9_snapd: snapd was not started"
        return 1
    fi
    kill -KILL "$pid" 2>/dev/null || true
    if ! wait_pid_gone "$pid" 10; then
        fail "snapd (pid $pid) survived SIGKILL"
        return 1
    fi
    rm -f "$SNAPD_PID_FILE"
}

# make_app DIR APP [STATUS]: write DIR/bin/APP, a script that prints
# "hello from APP", each argument as "arg: ARG", whether $SNAP holds the
# snap, and its environment as "env: NAME=VALUE" lines; then exits STATUS.
make_app() {
    local dir=$1 app=$2 status=${3:-0}
    mkdir -p "$dir/bin" || return 1
    cat >"$dir/bin/$app" <<EOF || return 1
#!/bin/sh
echo "hello from $app"
for a in "\$@"; do echo "arg: \$a"; done
if [ -f "\$SNAP/meta/snap.yaml" ]; then echo "SNAP holds meta/snap.yaml"; fi
env | LC_ALL=C sort | sed 's/^/env: /'
exit $status
EOF
    chmod 0755 "$dir/bin/$app"
}

# make_snap DIR NAME VERSION [CONFINEMENT] [EXTRA_YAML]: write a snap's
# source tree with one app, NAME, running bin/NAME (see make_app).
# EXTRA_YAML is appended after the apps map: indent it by two spaces to add
# apps, or not at all to add top-level keys.
make_snap() {
    if [ $# -lt 3 ]; then
        fail "usage: make_snap DIR NAME VERSION [CONFINEMENT] [EXTRA_YAML]"
        return 1
    fi
    local dir=$1 name=$2 version=$3 confinement=${4:-strict} extra=${5:-}
    mkdir -p "$dir/meta" || return 1
    cat >"$dir/meta/snap.yaml" <<EOF || return 1
name: $name
version: '$version'
summary: Spread test snap $name
description: A snap made by Snappy's spread tests.
grade: devel
confinement: $confinement
apps:
  $name:
    command: bin/$name
EOF
    if [ -n "$extra" ]; then
        printf '%s\n' "$extra" >>"$dir/meta/snap.yaml" || return 1
    fi
    make_app "$dir" "$name"
}

# pack_snap DIR OUTDIR: build DIR with `snap pack` and print the path of
# the .snap it made in OUTDIR.
pack_snap() {
    local dir=$1 out=$2 tmp made
    mkdir -p "$out" || return 1
    # Packing into an empty directory is how we learn the file's name
    # without second-guessing the naming rule that main/pack checks.
    tmp=$(mktemp -d "$out/.pack.XXXXXX") || return 1
    if ! snap pack "$dir" "$tmp" >&2; then
        rm -rf "$tmp"
        fail "snap pack $dir failed"
        return 1
    fi
    made=("$tmp"/*.snap)
    if [ "${#made[@]}" -ne 1 ] || [ ! -f "${made[0]}" ]; then
        ls -la "$tmp" >&2
        rm -rf "$tmp"
        fail "snap pack $dir did not leave exactly one .snap"
        return 1
    fi
    mv "${made[0]}" "$out/" || return 1
    rmdir "$tmp"
    echo "$out/${made[0]##*/}"
}

# mksquashfs_snap DIR OUT: build a snap without snap pack, the way other
# tools do, and print OUT.
mksquashfs_snap() {
    mksquashfs "$1" "$2" -noappend -comp xz -all-root -no-xattrs -no-fragments -no-progress >/dev/null || return 1
    echo "$2"
}

# mounts_under DIR: mount points at or below DIR, one a line.
mounts_under() {
    findmnt -rn -o TARGET | sed 's/\\x20/ /g' | awk -v d="$1" '$0 == d || index($0, d "/") == 1'
}

# is_mounted PATH: PATH itself is a mount point.
is_mounted() {
    findmnt -n --mountpoint "$1" >/dev/null
}

# assert_snap_mounted NAME REV: R/snap/NAME/REV is a read-only squashfs.
assert_snap_mounted() {
    local dir=$SNAPPY_GLOBAL_ROOT/snap/$1/$2 info
    if ! info=$(findmnt -n -o FSTYPE,OPTIONS --mountpoint "$dir"); then
        fail "$dir is not mounted"
        return 1
    fi
    case "$info" in
    squashfs\ ro,* | squashfs\ *,ro,* | squashfs\ *,ro) ;;
    *)
        fail "$dir is mounted as '$info', want a read-only squashfs"
        return 1
        ;;
    esac
}

# loops_under DIR [autoclear]: "DEVICE FILE" for each loop device bound to
# a file below DIR (only those set to autoclear, if asked). Reads sysfs
# because a leaked device's file may be deleted already, which
# `losetup -j FILE` cannot ask about.
loops_under() {
    local f sys backing
    for f in /sys/block/loop*/loop/backing_file; do
        [ -r "$f" ] || continue
        backing=$(cat "$f" 2>/dev/null) || continue
        backing=${backing% (deleted)}
        sys=${f%/loop/backing_file}
        if [ "${2:-}" = autoclear ] && [ "$(cat "$sys/loop/autoclear" 2>/dev/null)" != 1 ]; then
            continue
        fi
        case "$backing" in
        "$1" | "$1"/*)
            echo "/dev/${sys##*/} $backing"
            ;;
        esac
    done
}

# detach_loops_under DIR: detach every loop device bound to a file below DIR.
detach_loops_under() {
    local rc=0 dev file
    while read -r dev file; do
        [ -n "$dev" ] || continue
        losetup -d "$dev" || {
            echo "error: cannot detach $dev (bound to $file)" >&2
            rc=1
        }
    done < <(loops_under "$1")
    return "$rc"
}

# cleanup_root: for restore. Stops snapd, unmounts the installed snaps and
# anything else the task mounted below the root, and detaches their loop
# devices. Keeps going after a failure so that as much as possible is
# released, and then fails.
cleanup_root() {
    local rc=0 d m
    if snapd_running; then
        stop_snapd || rc=1
    fi
    for d in "$SNAPPY_GLOBAL_ROOT"/snap/*/*; do
        if [ ! -L "$d" ] && is_mounted "$d"; then
            umount "$d" || {
                echo "error: cannot unmount $d" >&2
                rc=1
            }
        fi
    done
    while read -r m; do
        [ -n "$m" ] || continue
        umount "$m" || {
            echo "error: cannot unmount $m" >&2
            rc=1
        }
    done < <(mounts_under "$SNAPPY_GLOBAL_ROOT" | sort -r)
    # A device set to autoclear is released by the kernel as the unmount
    # completes; detaching it ourselves would race that.
    local i
    for ((i = 0; i < 20; i++)); do
        [ -n "$(loops_under "$SNAPPY_GLOBAL_ROOT" autoclear)" ] || break
        sleep 0.05
    done
    detach_loops_under "$SNAPPY_GLOBAL_ROOT" || rc=1
    return "$rc"
}

# --- the state of one snap, for tasks that check consistency ---

# snap_listed NAME: `snap list` has a row for NAME.
snap_listed() {
    local out
    out=$(snap list 2>&1) || return 1
    awk -v n="$1" 'NR > 1 && $1 == n { found = 1 } END { exit !found }' <<<"$out"
}

# snap_state NAME REV: print "installed" when every trace of an installed
# REV is there, "absent" when none is, and fail naming the leftovers when
# the snap is half there.
snap_state() {
    local name=$1 rev=$2 R=$SNAPPY_GLOBAL_ROOT
    local have=() missing=()
    local blob=$R/var/lib/snapd/snaps/${name}_$rev.snap
    if snap_listed "$name"; then have+=("listed by snap list"); else missing+=("listed by snap list"); fi
    if is_mounted "$R/snap/$name/$rev"; then have+=("mounted at $R/snap/$name/$rev"); else missing+=("mounted at $R/snap/$name/$rev"); fi
    if [ "$(readlink "$R/snap/$name/current" 2>/dev/null)" = "$rev" ]; then have+=("current -> $rev"); else missing+=("current -> $rev"); fi
    if [ -f "$blob" ]; then have+=("blob $blob"); else missing+=("blob $blob"); fi
    if [ -e "$R/snap/bin/$name" ] || [ -L "$R/snap/bin/$name" ]; then have+=("wrapper $R/snap/bin/$name"); else missing+=("wrapper $R/snap/bin/$name"); fi
    if [ "${#missing[@]}" -eq 0 ]; then
        echo installed
        return 0
    fi
    # Absent means nothing at all: an empty R/snap/NAME is a leftover too.
    if [ "${#have[@]}" -eq 0 ] && [ ! -e "$R/snap/$name" ] && [ -z "$(mounts_under "$R/snap/$name")" ] &&
        [ -z "$(loops_under "$R/var/lib/snapd/snaps/${name}_$rev.snap")" ]; then
        echo absent
        return 0
    fi
    {
        echo "error: snap $name is half installed"
        if [ "${#have[@]}" -gt 0 ]; then printf '  has:     %s\n' "${have[@]}"; fi
        if [ -e "$R/snap/$name" ]; then echo "  $R/snap/$name holds: $(ls -A "$R/snap/$name" | tr '\n' ' ')"; fi
        printf '  lacks:   %s\n' "${missing[@]}"
        echo "  mounts:  $(mounts_under "$R/snap/$name" | tr '\n' ' ')"
        echo "  loops:   $(loops_under "$R/var/lib/snapd/snaps" | tr '\n' ' ')"
    } >&2
    return 1
}

# change_status ID: the Status column of change ID in `snap changes`.
change_status() {
    local out
    out=$(snap changes 2>&1) || {
        printf '%s\n' "$out" >&2
        return 1
    }
    awk -v id="$1" 'NR > 1 && $1 == id { print $2; found = 1 } END { exit !found }' <<<"$out"
}

# wait_change ID [SECONDS]: wait until change ID is ready (Done, Undone,
# Error or Hold) and print its status.
wait_change() {
    local id=$1 deadline=$((SECONDS + ${2:-30})) status=
    while [ "$SECONDS" -le "$deadline" ]; do
        if status=$(change_status "$id" 2>/dev/null); then
            case "$status" in
            Done | Undone | Error | Hold)
                echo "$status"
                return 0
                ;;
            esac
        fi
        sleep 0.1
    done
    echo "error: change $id is not ready after ${2:-30}s (status '${status}'):" >&2
    snap changes >&2 || true
    snap tasks "$id" >&2 || true
    return 1
}

# wait_changes_ready [SECONDS]: wait until no change is in progress.
wait_changes_ready() {
    local deadline=$((SECONDS + ${1:-30})) out
    while [ "$SECONDS" -le "$deadline" ]; do
        # With no changes at all, snapd's client says so and may exit 1.
        out=$(snap changes 2>&1) || true
        if ! awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $2 !~ /^(Done|Undone|Error|Hold)$/ { busy = 1 } END { exit !busy }' <<<"$out"; then
            return 0
        fi
        sleep 0.1
    done
    echo "error: changes still in progress after ${1:-30}s:" >&2
    printf '%s\n' "$out" >&2
    return 1
}
