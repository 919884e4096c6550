#!/usr/bin/env bash
# Soak: SOAK_CYCLES (default 5000) `nook run` cycles on one --root, then
# SOAK_EXECS `nook exec`s into one container when nook has exec. Checks that
# nothing grows: nook's max RSS and open fds, and the host's mounts, cgroups,
# processes and state dirs left by these runs. Prints the figures at start
# and end and, last, "N passed, M failed" (one check each).
#
#   NOOK=build/nook SOAK_CYCLES=200 tests/soak/soak.sh
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
NOOK="${NOOK:-$PWD/build/nook}"
CYCLES="${SOAK_CYCLES:-5000}"
EXECS="${SOAK_EXECS:-$CYCLES}"
PROBE="$PWD/build/nook-probe"

BUNDLE="$(mktemp -d /tmp/nk.soak.XXXXXX)"
ROOT="$BUNDLE/state"
ROOTFS="$BUNDLE/rootfs"
ID="soak-${BUNDLE##*.}"
cleanup() {
    for id in $(ls -A "$ROOT" 2>/dev/null); do "$NOOK" --root "$ROOT" delete --force "$id" >/dev/null 2>&1; done
    rm -rf --one-file-system "$BUNDLE"
}
trap cleanup EXIT

mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc} "$ROOT"
cp /bin/busybox "$ROOTFS/bin/busybox"
cp "$PROBE" "$ROOTFS/bin/nook-probe"
for a in sh sleep true cat; do ln -s busybox "$ROOTFS/bin/$a"; done
(cd "$BUNDLE" && "$NOOK" spec) || exit 2
jq '.process.terminal = false | .process.args = ["/bin/nook-probe", "exit=0"] | del(.process.rlimits)' \
    "$BUNDLE/config.json" >"$BUNDLE/c" && mv "$BUNDLE/c" "$BUNDLE/config.json"
cd "$BUNDLE" || exit 2

our_mounts() { grep -c -F "$BUNDLE" /proc/self/mountinfo; }
host_mounts() { wc -l </proc/self/mountinfo; }
our_cgroups() { find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID*" 2>/dev/null | wc -l; }
host_cgroups() { find /sys/fs/cgroup -type d 2>/dev/null | wc -l; }
our_procs() { stat -L -c '%d:%i' /proc/[0-9]*/root 2>/dev/null | grep -c -x "$(stat -c %d:%i "$ROOTFS")"; }
state_dirs() { ls "$ROOT" | wc -l; } # not dot-entries: the seccomp cache lives there

# maxrss (KB) of one foreground run; its fd count sampled while the container runs
run_once() {
    /usr/bin/time -f '%M' -o "$BUNDLE/rss" "$NOOK" --root "$ROOT" run "$1" </dev/null >/dev/null 2>"$BUNDLE/err" ||
        { echo "run $1 failed: $(cat "$BUNDLE/err")" >&2; return 1; }
    cat "$BUNDLE/rss"
}
fds_of_run() {
    jq '.process.args = ["/bin/nook-probe", "sleep=1"]' config.json >c2 && mv config.json config.saved && mv c2 config.json
    "$NOOK" --root "$ROOT" run "$1" </dev/null >/dev/null 2>&1 &
    local pid=$! n=""
    sleep 0.5
    n="$(ls /proc/$pid/fd 2>/dev/null | wc -l)"
    wait "$pid"
    mv config.saved config.json
    echo "$n"
}

# nook's open fds while a foreground exec waits for its process
fds_of_exec() {
    "$NOOK" --root "$ROOT" exec "$1" /bin/nook-probe sleep=1 </dev/null >/dev/null 2>&1 &
    local pid=$! n=""
    sleep 0.5
    n="$(ls /proc/$pid/fd 2>/dev/null | wc -l)"
    wait "$pid"
    echo "$n"
}

passed=0
failed=0
check() { # NAME START END [SLACK]
    if [ "$3" -le $(($2 + ${4:-0})) ]; then
        printf 'ok   soak/%-22s %s -> %s\n' "$1" "$2" "$3"
        passed=$((passed + 1))
    else
        printf 'FAIL soak/%-22s %s -> %s\n' "$1" "$2" "$3"
        failed=$((failed + 1))
    fi
}

m0=$(our_mounts) hm0=$(host_mounts) c0=$(our_cgroups) hc0=$(host_cgroups) p0=$(our_procs)
fd0=$(fds_of_run "$ID-fd0")
rss_first=0 rss_last=0 errors=0 start=$SECONDS
for i in $(seq 1 "$CYCLES"); do
    rss="$(run_once "$ID-$i")" || { errors=$((errors + 1)); continue; }
    [ "$i" -le 10 ] && [ "$rss" -gt "$rss_first" ] && rss_first=$rss
    [ "$i" -gt $((CYCLES - 10)) ] && [ "$rss" -gt "$rss_last" ] && rss_last=$rss
done
fd1=$(fds_of_run "$ID-fd1")
m1=$(our_mounts) hm1=$(host_mounts) c1=$(our_cgroups) hc1=$(host_cgroups) p1=$(our_procs)
echo "soak: $CYCLES run cycles in $((SECONDS - start))s, $errors failed"
echo "soak: host mounts $hm0 -> $hm1, host cgroups $hc0 -> $hc1 (the whole host: other work moves these)"
check run-errors 0 "$errors"
check nook-maxrss-kb "$rss_first" "$rss_last" $((rss_first / 10))
check nook-fds "$fd0" "$fd1"
check mounts-of-ours "$m0" "$m1"
check cgroups-of-ours "$c0" "$c1"
check processes-of-ours "$p0" "$p1"
check state-dirs 0 "$(state_dirs)"

has_exec() { [[ "$("$NOOK" --root "$ROOT" exec "$ID-none" /bin/true 2>&1)" != *"not implemented"* ]]; }
if has_exec && [ "$EXECS" -gt 0 ]; then
    jq '.process.args = ["/bin/nook-probe", "sleep=100000"]' config.json >c2 && mv c2 config.json
    "$NOOK" --root "$ROOT" run --detach "$ID-x" </dev/null >/dev/null 2>&1
    cpid="$("$NOOK" --root "$ROOT" state "$ID-x" | jq -r .pid)"
    e_rss_first=0 e_rss_last=0 e_errors=0 start=$SECONDS
    m0=$(our_mounts) c0=$(our_cgroups) t0=$(ls /proc/"$cpid"/task | wc -l)
    e_fd0=$(fds_of_exec "$ID-x")
    for i in $(seq 1 "$EXECS"); do
        /usr/bin/time -f '%M' -o "$BUNDLE/rss" "$NOOK" --root "$ROOT" exec "$ID-x" /bin/true \
            </dev/null >/dev/null 2>"$BUNDLE/err" || { e_errors=$((e_errors + 1)); continue; }
        rss="$(cat "$BUNDLE/rss")"
        [ "$i" -le 10 ] && [ "$rss" -gt "$e_rss_first" ] && e_rss_first=$rss
        [ "$i" -gt $((EXECS - 10)) ] && [ "$rss" -gt "$e_rss_last" ] && e_rss_last=$rss
    done
    e_fd1=$(fds_of_exec "$ID-x")
    zombies="$(ps --ppid "$cpid" -o stat= | grep -c '^Z')"
    echo "soak: $EXECS execs in $((SECONDS - start))s, $e_errors failed"
    check exec-errors 0 "$e_errors"
    check exec-maxrss-kb "$e_rss_first" "$e_rss_last" $((e_rss_first / 10))
    check exec-nook-fds "$e_fd0" "$e_fd1"
    check exec-mounts-of-ours "$m0" "$(our_mounts)"
    check exec-cgroups-of-ours "$c0" "$(our_cgroups)"
    check exec-zombies 0 "$zombies"
    "$NOOK" --root "$ROOT" delete --force "$ID-x"
else
    echo "soak: exec cycles skipped (this nook has no exec command)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
