#!/usr/bin/env bash
# Runs every libFuzzer harness in build/fuzz for FUZZ_SECONDS each (default
# 60), starting from tests/fuzz/corpus/<harness>/ (read only: new inputs go
# to a scratch copy). A harness that finds a crash, leak or UB fails; its
# input is kept in build/fuzz/artifacts/ (turn it into a tests/unit test).
# Prints one line per harness (execs, seconds) and, last, "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2

SECONDS_EACH="${FUZZ_SECONDS:-60}"
ARTIFACTS="$PWD/build/fuzz/artifacts"
mkdir -p "$ARTIFACTS"
passed=0
failed=0
shopt -s nullglob
bins=(build/fuzz/fuzz_*)
if [ ${#bins[@]} -eq 0 ]; then
    echo "fuzz: no harnesses in build/fuzz (make fuzz-build)"
    echo "0 passed, 1 failed"
    exit 1
fi
for bin in "${bins[@]}"; do
    [ -x "$bin" ] || continue
    name="$(basename "$bin")"
    work="$(mktemp -d /tmp/nook-fuzz.XXXXXX)"
    log="$work/log"
    seed="tests/fuzz/corpus/$name"
    start=$SECONDS
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb bounds memory
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$bin" -max_total_time="$SECONDS_EACH" \
        -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$ARTIFACTS/$name-" "$work" ${seed:+"$seed"} >"$log" 2>&1
    rc=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    if [ "$rc" -eq 0 ]; then
        printf 'ok   fuzz/%-24s %10s execs in %ss\n' "$name" "${runs:-?}" $((SECONDS - start))
        passed=$((passed + 1))
    else
        printf 'FAIL fuzz/%-24s exit %d after %s execs in %ss\n' "$name" "$rc" "${runs:-?}" $((SECONDS - start))
        grep -E 'ERROR|SUMMARY|artifact|#0 |#1 |#2 |#3 ' "$log" | head -n 30 | sed 's/^/    /'
        failed=$((failed + 1))
    fi
    rm -rf "$work"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
