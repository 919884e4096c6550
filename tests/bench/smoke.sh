#!/usr/bin/env bash
# make check's smoke test of `make bench`: tiny sizes, so it only proves the bench
# runs, measures every nook row, writes valid JSON and leaves nothing behind.
# Speed is never asserted here (make bench measures it). Last line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
NOOK="${NOOK:-$PWD/build/nook}"
OUT="$(mktemp -d /tmp/nook-bench-smoke.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT
PREFIX="nkbsmoke$$"
PASSED=0
FAILED=0
check() {
    if [ "$2" = 0 ]; then
        PASSED=$((PASSED + 1))
        echo "ok - $1"
    else
        FAILED=$((FAILED + 1))
        echo "not ok - $1"
    fi
}

SLEEP="7$$"
BENCH_N=2 BENCH_REPS=1 BENCH_SIZES=2 BENCH_OUT="$OUT" BENCH_ID_PREFIX="$PREFIX" NOOK="$NOOK" \
    BENCH_SLEEP_SECONDS="$SLEEP" BENCH_STATE_DIR="$OUT" \
    python3 tests/bench/bench.py >"$OUT/bench.log" 2>&1
rc=$?
check "make bench runs to the end" "$rc"
[ "$rc" = 0 ] || tail -n 20 "$OUT/bench.log"

json="$(ls "$OUT"/results-*.json 2>/dev/null | head -n 1)"
jq -e . "$json" >/dev/null 2>&1
check "it writes a valid results-<commit>.json" $?
for row in run run-nocg create start state kill delete list-1 list-2 n2; do
    jq -e --arg r "$row" '.rows[$r].nook.wall_ms.median > 0 and .rows[$r].nook.maxrss_kib.max > 0' \
        "$json" >/dev/null 2>&1
    check "row $row has a nook median and peak RSS" $?
done
jq -e '.rows.run.floor.wall_ms.median > 0' "$json" >/dev/null 2>&1
check "the floor program ran" $?
jq -e '[.notes[] | select(startswith("floor:"))] == []' "$json" >/dev/null 2>&1
check "the floor loaded the config's seccomp filter (nook's compiled program)" $?
jq -e '.rss_floor_kib["libseccomp'"'"'s compile"] > 0' "$json" >/dev/null 2>&1
check "the cold path's RSS floor (tests/bench/rss_floor.c) was measured" $?

left=0
for d in /sys/fs/cgroup/$PREFIX-* /sys/fs/cgroup/*/$PREFIX-*; do
    [ -e "$d" ] && left=1 && echo "    left behind: $d"
done
grep -q "$PREFIX" /proc/self/mountinfo && left=1 && echo "    left behind: a mount"
pgrep -f "sleep $SLEEP" >/dev/null && left=1 && echo "    left behind: a container process"
[ -z "$(ls -d "$OUT"/nook-bench-roots.* 2>/dev/null)" ] || { left=1; echo "    left behind: state roots"; }
check "nothing left behind (cgroups, mounts, processes with the bench's ids)" "$left"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
