#!/bin/bash
# Where nook's `delete` and `list` go on cgroup v2, next to crun, on the same
# container states (tests/bench/README.md, "VM delete and list"). Meant for
# the pure v2 VM:
#   /work/shared/vm/run-in-vm --timeout 1200 -- tests/bench/vm-profile.sh
# Knobs: NOOK (build/nook), RUNTIMES ("nook crun"), REPS (3), LIST_N (10),
# OUT (build/bench/vm-profile: perf and strace logs per runtime and step),
# COPY (1: run nook from a copy on /tmp, see vm-ab.sh; 0: from where it is).
set -u
cd "$(dirname "$0")/../.." || exit 1
NOOK=${NOOK:-$PWD/build/nook}
RUNTIMES=${RUNTIMES:-nook crun}
REPS=${REPS:-3}
LIST_N=${LIST_N:-10}
OUT=${OUT:-$PWD/build/bench/vm-profile}
mkdir -p "$OUT"
T=$(mktemp -d /tmp/nkprof.XXXXXX)
EVENTS=task-clock,context-switches,cpu-migrations,page-faults,major-faults
if [ "${COPY:-1}" = 1 ]; then
    cp "$NOOK" "$T/nook" && NOOK=$T/nook
fi

bin() { if [ "$1" = nook ]; then echo "$NOOK"; else echo "$1"; fi; }
rt() { local r=$1; shift; "$(bin "$r")" --root "$T/root-$r" "$@"; }
status() { rt "$1" state "$2" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }
wait_stopped() {
    for _ in $(seq 1 400); do
        [ "$(status "$1" "$2")" = stopped ] && return 0
        sleep 0.05
    done
    echo "$1 $2 did not stop" >&2
}
# perf stat of one command: prints "label: wall ms, task-clock ms, cs"
measure() {
    local label=$1 r=$2 log
    shift 2
    log="$OUT/$label-$r.perf"
    perf stat -x, -e "$EVENTS" -o "$log" -- "$(bin "$r")" --root "$T/root-$r" "$@" >/dev/null 2>>"$OUT/errors.log"
    local rc=$?
    awk -F, -v l="$label" -v r="$r" -v rc=$rc '
        $3 == "task-clock" { tc = $1 }
        $3 == "context-switches" { cs = $1 }
        $3 == "page-faults" { pf = $1 }
        $3 == "major-faults" { mf = $1 }
        END { printf "%-14s %-5s rc=%d task-clock %8.1f ms  cs %5s  faults %5s (major %s)\n", l, r, rc, tc, cs, pf, mf }' "$log"
}

. tests/bench/bundle.sh
bench_bundle "$T" "$NOOK" || exit 1

cleanup() {
    for r in $RUNTIMES; do
        for id in $(rt "$r" list -q 2>/dev/null); do rt "$r" delete -f "$id" >/dev/null 2>&1; done
    done
    rm -rf "$T"
}
trap cleanup EXIT

echo "== delete of a stopped container (create, start /bin/true, wait, delete)"
for i in $(seq 1 "$REPS"); do
    for r in $RUNTIMES; do
        rt "$r" create --bundle "$T/bundle" "d$i" </dev/null >/dev/null 2>&1
        rt "$r" start "d$i"
        wait_stopped "$r" "d$i"
        measure "delete-$i" "$r" delete "d$i"
    done
done
echo "== delete of a created container (delete -f)"
for i in $(seq 1 "$REPS"); do
    for r in $RUNTIMES; do
        rt "$r" create --bundle "$T/bundle" "f$i" </dev/null >/dev/null 2>&1
        measure "delete-f-$i" "$r" delete -f "f$i"
    done
done
echo "== strace of a stopped container's delete (summary and timeline)"
for r in $RUNTIMES; do
    rt "$r" create --bundle "$T/bundle" s1 </dev/null >/dev/null 2>&1
    rt "$r" start s1
    wait_stopped "$r" s1
    strace -f -r -T -o "$OUT/delete-timeline-$r.strace" "$(bin "$r")" --root "$T/root-$r" delete s1
    rt "$r" create --bundle "$T/bundle" s2 </dev/null >/dev/null 2>&1
    rt "$r" start s2
    wait_stopped "$r" s2
    strace -f -c -w -o "$OUT/delete-summary-$r.strace" "$(bin "$r")" --root "$T/root-$r" delete s2
    head -n 20 "$OUT/delete-summary-$r.strace"
done

echo "== list with 1 and $LIST_N running containers"
for r in $RUNTIMES; do
    rt "$r" create --bundle "$T/sleeper" l0 </dev/null >/dev/null 2>&1
    rt "$r" start l0
done
for i in $(seq 1 "$REPS"); do
    for r in $RUNTIMES; do measure "list-1-$i" "$r" list; done
done
for r in $RUNTIMES; do measure "state-run" "$r" state l0; done
for r in $RUNTIMES; do
    strace -f -r -T -o "$OUT/list-1-timeline-$r.strace" "$(bin "$r")" --root "$T/root-$r" list >/dev/null
    for n in $(seq 1 $((LIST_N - 1))); do
        rt "$r" create --bundle "$T/sleeper" "l$n" </dev/null >/dev/null 2>&1
        rt "$r" start "l$n"
    done
done
for i in $(seq 1 "$REPS"); do
    for r in $RUNTIMES; do measure "list-$LIST_N-$i" "$r" list; done
done
for r in $RUNTIMES; do
    strace -f -c -w -o "$OUT/list-$LIST_N-summary-$r.strace" "$(bin "$r")" --root "$T/root-$r" list >/dev/null
    head -n 20 "$OUT/list-$LIST_N-summary-$r.strace"
done
echo "logs in $OUT"
