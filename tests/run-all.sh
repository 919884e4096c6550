#!/usr/bin/env bash
# Runs nook's test suites and prints one summary; builds nothing (make does).
#
#   tests/run-all.sh [unit|integration|fuzz|daemons|vm|cgroupv2|daemons-vm|all]      (default: all)
#
# bench:       tests/bench/smoke.sh (all mode only): make bench runs, its JSON is valid.
# unit:        every build/tests/test_* binary; each ends with "N passed, M failed".
# integration: every tests/integration/*.bats with `bats --tap`, zz-leftovers.bats last,
#              against $NOOK (default build/nook).
# fuzz:        tests/fuzz/run.sh: every build/fuzz/fuzz_* harness for FUZZ_SECONDS
#              (default 60; 0 skips), one "passed" per harness that ran clean.
# daemons:     tests/containerd/run.sh and tests/podman/run.sh: real containerd and
#              podman driving $NOOK (each ends with "N passed, M failed"). CORE=1
#              runs only their core subset (what `make check-daemons-vm` runs).
# vm:          boots ONE pure cgroup v2 VM (run-in-vm, $NOOK_VM or /work/shared/vm/run-in-vm)
#              and runs `tests/run-all.sh cgroupv2` inside it; its totals add to ours.
#              `all` includes it; NOOK_SKIP_VM=1 leaves it out (reported, not counted).
# cgroupv2:    every tests/cgroupv2/*.bats (only meaningful inside that VM).
# daemons-vm:  boots one VM like vm and runs `CORE=1 tests/run-all.sh daemons` inside (the
#              daemons' core checks on pure cgroup v2, 7-12 min; `all` runs it too).
# With NOOK_ASAN set (make check sets build/asan/nook), both run a second time
# under ASan+UBSan: unit binaries from build/asan-tests, bats against $NOOK_ASAN.
# Prints a line per suite, the output of what failed, and as its LAST line exactly
# "N passed, M failed" (totals; skips are reported per suite, not counted there).
# Exits non-zero when a test failed or a suite could not run.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
REPO_ROOT="$PWD"
MODE="${1:-all}"
case "$MODE" in
unit | integration | fuzz | daemons | vm | cgroupv2 | daemons-vm | all) ;;
*)
    echo "usage: $0 [unit|integration|fuzz|daemons|vm|cgroupv2|daemons-vm|all]" >&2
    exit 2
    ;;
esac

NOOK="${NOOK:-$REPO_ROOT/build/nook}"
[[ "$NOOK" == */* && "$NOOK" != /* ]] && NOOK="$REPO_ROOT/$NOOK"
export NOOK
# A hung test must not hang CI.
export BATS_TEST_TIMEOUT="${BATS_TEST_TIMEOUT:-120}"

PASSED=0
FAILED=0
SKIPPED=0
LOGDIR="$(mktemp -d /tmp/nook-tests.XXXXXX)"
trap 'rm -rf "$LOGDIR"' EXIT

indent() {
    sed 's/^/    /'
}

# suite_line NAME PASSED FAILED SKIPPED SECONDS [NOTE]
suite_line() {
    local mark=ok
    [ "$3" -eq 0 ] || mark=FAIL
    printf '%-4s %-32s %3d passed, %d failed, %d skipped (%ss)%s\n' \
        "$mark" "$1" "$2" "$3" "$4" "$5" "${6:+  $6}"
}

run_unit() {
    local bin out rc p f start summary
    shopt -s nullglob
    local bins=("${UNIT_DIR:-build/tests}"/test_*)
    shopt -u nullglob
    if [ ${#bins[@]} -eq 0 ]; then
        echo "unit: no build/tests/test_* binaries (tests/unit has none, or 'make check' was not used)"
        return
    fi
    for bin in "${bins[@]}"; do
        [ -x "$bin" ] || continue
        start=$SECONDS
        out="$LOGDIR/$(basename "$bin").log"
        "$bin" >"$out" 2>&1
        rc=$?
        summary="$(tail -n 1 "$out")"
        if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
            p="${BASH_REMATCH[1]}"
            f="${BASH_REMATCH[2]}"
            # A binary that crashed after printing its summary still failed.
            if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
                f=1
            fi
            suite_line "${LABEL:-}unit/$(basename "$bin")" "$p" "$f" 0 $((SECONDS - start)) \
                "$([ "$rc" -ne 0 ] && echo "exit $rc")"
        else
            p=0
            f=1
            suite_line "${LABEL:-}unit/$(basename "$bin")" 0 1 0 $((SECONDS - start)) \
                "did not finish (exit $rc, no summary line)"
        fi
        PASSED=$((PASSED + p))
        FAILED=$((FAILED + f))
        if [ "$f" -ne 0 ]; then
            grep -v -E '^(ok|PASS)( |:)' "$out" | tail -n 60 | indent
        fi
    done
}

# Prints the TAP blocks of failed tests ("not ok" line plus its "#" lines).
tap_failures() {
    awk '
        /^not ok / { show = 1; print; next }
        /^ok / { show = 0; next }
        show { print }
    ' "$1"
}

run_bats_file() {
    local file="$1" name out start plan p f s seen
    name="${LABEL:-}$(basename "$(dirname "$file")")/$(basename "$file" .bats)"
    out="$LOGDIR/$(basename "$file").tap"
    start=$SECONDS
    bats --tap "$file" >"$out" 2>&1
    plan="$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)"
    p="$(grep -c -E '^ok [0-9]+' "$out")"
    s="$(grep -c -E '^ok [0-9]+ .*# skip' "$out")"
    f="$(grep -c -E '^not ok [0-9]+' "$out")"
    p=$((p - s))
    seen=$((p + s + f))
    local note=""
    if [ -z "$plan" ]; then
        note="could not run"
        f=$((f + 1))
    elif [ "$seen" -lt "$plan" ]; then
        note="stopped after $seen of $plan tests"
        f=$((f + plan - seen))
    fi
    suite_line "$name" "$p" "$f" "$s" $((SECONDS - start)) "$note"
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SKIPPED=$((SKIPPED + s))
    if [ -n "$note" ] && [ "$(tap_failures "$out" | wc -l)" -eq 0 ]; then
        tail -n 40 "$out" | indent
    else
        tap_failures "$out" | head -n 400 | indent
    fi
}

run_integration() {
    if ! command -v bats >/dev/null; then
        suite_line integration 0 1 0 0 "bats is not installed (make deps)"
        FAILED=$((FAILED + 1))
        return
    fi
    if [ ! -x "$NOOK" ] && ! command -v "$NOOK" >/dev/null; then
        suite_line integration 0 1 0 0 "runtime $NOOK not found (make)"
        FAILED=$((FAILED + 1))
        return
    fi
    echo "integration: NOOK=$NOOK"
    # Every bundle a test makes is listed here, so zz-leftovers checks exactly this run.
    export NOOK_SUITE_LOG="$LOGDIR/bundles"
    : >"$NOOK_SUITE_LOG"
    local file files=()
    for file in tests/integration/*.bats; do
        [ "$(basename "$file")" = zz-leftovers.bats ] || files+=("$file")
    done
    [ -f tests/integration/zz-leftovers.bats ] && files+=(tests/integration/zz-leftovers.bats)
    for file in "${files[@]}"; do
        run_bats_file "$file"
    done
}

run_fuzz() {
    if [ "${FUZZ_SECONDS:-60}" = 0 ]; then
        echo "fuzz: skipped (FUZZ_SECONDS=0)"
        return
    fi
    local out="$LOGDIR/fuzz.log" start=$SECONDS summary
    FUZZ_SECONDS="${FUZZ_SECONDS:-60}" tests/fuzz/run.sh >"$out" 2>&1
    sed '$d' "$out"
    summary="$(tail -n 1 "$out")"
    if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        PASSED=$((PASSED + BASH_REMATCH[1]))
        FAILED=$((FAILED + BASH_REMATCH[2]))
    else
        suite_line fuzz 0 1 0 $((SECONDS - start)) "did not finish"
        FAILED=$((FAILED + 1))
    fi
}

# tests/bench/smoke.sh: `make bench` runs and writes valid JSON (tiny sizes; no
# speed asserted). Once, against $NOOK.
run_bench_smoke() {
    local out="$LOGDIR/bench-smoke.log" start=$SECONDS p=0 f=1
    NOOK="$NOOK" tests/bench/smoke.sh >"$out" 2>&1
    if [[ "$(tail -n 1 "$out")" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        p="${BASH_REMATCH[1]}"
        f="${BASH_REMATCH[2]}"
    fi
    suite_line "bench/smoke" "$p" "$f" 0 $((SECONDS - start))
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    [ "$f" -eq 0 ] || grep -v '^ok ' "$out" | tail -n 40 | indent
}

# The daemon suites run once, against $NOOK: not again under ASan (containerd's
# shim and conmon run the runtime with their own environment).
run_daemons() {
    local suite name out start summary p f rc
    for suite in tests/containerd/run.sh tests/podman/run.sh; do
        name="daemons/$(basename "$(dirname "$suite")")"
        out="$LOGDIR/$(basename "$(dirname "$suite")").log"
        start=$SECONDS
        bash "$suite" >"$out" 2>&1
        rc=$?
        summary="$(tail -n 1 "$out")"
        if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
            p="${BASH_REMATCH[1]}"
            f="${BASH_REMATCH[2]}"
            [ "$rc" -eq 0 ] || [ "$f" -ne 0 ] || f=1
            suite_line "$name" "$p" "$f" 0 $((SECONDS - start))
        else
            p=0
            f=1
            suite_line "$name" 0 1 0 $((SECONDS - start)) "did not finish (exit $rc, no summary line)"
        fi
        PASSED=$((PASSED + p))
        FAILED=$((FAILED + f))
        if [ "$f" -ne 0 ]; then
            grep -v -E '^ok ' "$out" | tail -n 200 | indent
        fi
    done
}

# Inside the VM: the cgroup v2 suites, against the build of this checkout.
run_cgroupv2() {
    local file
    # everything is 10-20x slower under the VM's software emulation
    export BATS_TEST_TIMEOUT="${NOOK_VM_TEST_TIMEOUT:-600}"
    for file in tests/cgroupv2/*.bats; do
        [ -e "$file" ] && run_bats_file "$file"
    done
}

# On the host: one VM boot for every cgroup v2 suite; the VM's last line
# ("N passed, M failed") adds into our totals.
#   run_vm [INNER-MODE [NAME=VALUE...]]   (default: cgroupv2; daemons-vm: daemons CORE=1)
run_vm() {
    local vm="${NOOK_VM:-/work/shared/vm/run-in-vm}" out start p f inner="${1:-cgroupv2}"
    local label="vm/$inner" envs=("${@:2}")
    if [ "${NOOK_SKIP_VM:-0}" = 1 ]; then
        echo "vm: skipped (NOOK_SKIP_VM=1)"
        return
    fi
    start=$SECONDS
    if [ ! -x "$vm" ]; then
        suite_line "$label" 0 1 0 0 "run-in-vm not found at $vm (set NOOK_VM)"
        FAILED=$((FAILED + 1))
        return
    fi
    # Only this checkout is shared with the VM: a runtime elsewhere is not visible there.
    [[ "$NOOK" != "$REPO_ROOT"/* ]] || envs+=("NOOK=$NOOK")
    [ -z "${RUNTIME:-}" ] || envs+=("RUNTIME=$RUNTIME")
    out="$LOGDIR/vm.log"
    "$vm" --timeout "${NOOK_VM_TIMEOUT:-3000}" -- env "${envs[@]}" tests/run-all.sh "$inner" >"$out" 2>&1
    if [[ "$(tail -n 1 "$out")" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        p="${BASH_REMATCH[1]}"
        f="${BASH_REMATCH[2]}"
        grep -E '^(ok|FAIL) ' "$out" | sed 's/^\(ok\|FAIL\) *\(integration\|cgroupv2\|daemons\)/\1 vm\/\2/' | indent
        suite_line "$label" "$p" "$f" 0 $((SECONDS - start))
        [ "$f" -eq 0 ] || grep -v -E '^(ok|FAIL) ' "$out" | tail -n 80 | indent
    else
        p=0
        f=1
        suite_line "$label" 0 1 0 $((SECONDS - start)) "the VM run did not finish"
        tail -n 40 "$out" | indent
    fi
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
}

START=$SECONDS
case "$MODE" in
unit) run_unit ;;
integration) run_integration ;;
fuzz) run_fuzz ;;
daemons) run_daemons ;;
vm) run_vm ;;
cgroupv2) run_cgroupv2 ;;
daemons-vm) run_vm daemons "CORE=1" ;;
all)
    run_unit
    run_integration
    run_bench_smoke
    run_daemons
    run_vm
    # containerd and podman on cgroup v2 too: the core checks, one more boot
    run_vm daemons "CORE=1"
    run_fuzz
    ;;
esac

# NOOK_ASAN=build/asan/nook: the same suites again under ASan+UBSan (make check
# does this), unit tests from build/asan-tests. Any sanitizer report fails the
# test it happens in: ASan aborts the process, UBSan is built non-recovering.
if [ -n "${NOOK_ASAN:-}" ]; then
    [[ "$NOOK_ASAN" == /* ]] || NOOK_ASAN="$REPO_ROOT/$NOOK_ASAN"
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
    echo "sanitizers: NOOK=$NOOK_ASAN"
    LABEL="asan/"
    case "$MODE" in
    unit | integration | all)
        [ "$MODE" = integration ] || UNIT_DIR=build/asan-tests run_unit
        [ "$MODE" = unit ] || NOOK="$NOOK_ASAN" run_integration
        ;;
    esac
fi

echo "total: $PASSED passed, $FAILED failed, $SKIPPED skipped in $((SECONDS - START))s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
