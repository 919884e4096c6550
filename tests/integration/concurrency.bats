#!/usr/bin/env bats
# Many callers at once on one --root, as an orchestrator that retries and
# races does: every command either does its job or fails with runc's error,
# state.json is never seen half-written, and nothing is left afterwards.

load helpers

# long by design (hundreds of containers): more than run-all's 120 s per test
BATS_TEST_TIMEOUT=900

setup() {
    setup_bundle
    CHECKER_PID=""
}

teardown() {
    stop_checker
    teardown_bundle
}

# A background loop that parses every state.json under the root until
# stopped; a file that is not a complete JSON object is recorded in
# $BUNDLE/corrupt. (state.json is replaced by rename, so a reader that opens
# it sees the old or the new file, never a partial one.)
start_checker() {
    : >"$BUNDLE/corrupt"
    : >"$BUNDLE/checked"
    (
        while [ ! -e "$BUNDLE/stop-checker" ]; do
            for f in "$NOOK_ROOT"/*/state.json; do
                [ -e "$f" ] || continue
                content="$(cat "$f" 2>/dev/null)" || continue # removed meanwhile
                if jq -e '.id and .pid != null and .status' <<<"$content" >/dev/null 2>&1; then
                    echo x >>"$BUNDLE/checked"
                else
                    printf '%s: %s\n' "$f" "$content" >>"$BUNDLE/corrupt"
                fi
            done
        done
    ) &
    CHECKER_PID=$!
}

stop_checker() {
    [ -n "${CHECKER_PID:-}" ] || return 0
    touch "$BUNDLE/stop-checker"
    wait "$CHECKER_PID" 2>/dev/null || true
    CHECKER_PID=""
}

assert_never_corrupt() {
    stop_checker
    [ ! -s "$BUNDLE/corrupt" ] || fail "corrupt state.json seen: $(head -c 2000 "$BUNDLE/corrupt")"
    [ -s "$BUNDLE/checked" ] || fail "the checker never saw a state.json"
}

@test "concurrency: 50 parallel runs on one root all succeed, state.json is never corrupt" {
    set_probe sleep=1 exit=7
    start_checker
    local i pids=()
    for i in $(seq 1 50); do
        nook run "$ID-$i" </dev/null >"$BUNDLE/run.$i.out" 2>&1 &
        pids+=($!)
    done
    local failed=0 rc
    for i in $(seq 1 50); do
        rc=0
        wait "${pids[$((i - 1))]}" || rc=$?
        if [ "$rc" -ne 7 ]; then
            echo "# run $i exited $rc: $(cat "$BUNDLE/run.$i.out")" >&3
            failed=$((failed + 1))
        fi
    done
    assert_never_corrupt
    [ "$failed" -eq 0 ] || fail "$failed of 50 runs did not exit with the container's 7"
    # every foreground run removed its own container
    run nook list -q
    assert_success
    assert_output ""
    assert_no_leftovers
}

@test "concurrency: 50 parallel run --detach then parallel delete --force, list always parses" {
    set_probe sleep=60
    start_checker
    local i pids=()
    for i in $(seq 1 50); do
        nook run --detach "$ID-$i" </dev/null >"$BUNDLE/run.$i.out" 2>&1 &
        pids+=($!)
    done
    local failed=0
    for i in $(seq 1 50); do
        wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "# $(cat "$BUNDLE/run.$i.out")" >&3; }
        # list runs while others are still being created
        [ $((i % 10)) -eq 0 ] && { nook list --format json | jq -e 'type == "array"' >/dev/null || fail "list output is not a JSON array"; }
    done
    [ "$failed" -eq 0 ] || fail "$failed of 50 detached runs failed"
    [ "$(nook list -q | wc -l)" -eq 50 ]
    [ "$(nook list --format json | jq '[.[] | select(.status == "running")] | length')" -eq 50 ]
    pids=()
    for i in $(seq 1 50); do
        nook delete --force "$ID-$i" >"$BUNDLE/del.$i.out" 2>&1 &
        pids+=($!)
    done
    for i in $(seq 1 50); do
        wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "# $(cat "$BUNDLE/del.$i.out")" >&3; }
    done
    assert_never_corrupt
    [ "$failed" -eq 0 ] || fail "$failed of 50 deletes failed"
    run nook list -q
    assert_output ""
    assert_no_leftovers
}

@test "concurrency: parallel state, kill, pause, resume and delete on one container" {
    set_probe sleep=60
    nook run --detach "$ID" </dev/null >/dev/null 2>&1
    wait_for_status "$ID" running
    start_checker
    local i pids=() kinds=()
    for i in $(seq 1 40); do
        case $((i % 8)) in
        0 | 1 | 2) nook state "$ID" >"$BUNDLE/op.$i.out" 2>&1 & kinds+=(state) ;;
        3 | 4) nook kill "$ID" CONT >"$BUNDLE/op.$i.out" 2>&1 & kinds+=(kill) ;;
        5) nook pause "$ID" >"$BUNDLE/op.$i.out" 2>&1 & kinds+=(pause) ;;
        6) nook resume "$ID" >"$BUNDLE/op.$i.out" 2>&1 & kinds+=(resume) ;;
        7) [ "$i" -gt 30 ] && { nook delete --force "$ID" >"$BUNDLE/op.$i.out" 2>&1 & kinds+=(delete); } ||
            { nook state "$ID" >"$BUNDLE/op.$i.out" 2>&1 & kinds+=(state); } ;;
        esac
        pids+=($!)
    done
    local rc out bad=0 deleted=0
    for i in $(seq 1 40); do
        rc=0
        wait "${pids[$((i - 1))]}" || rc=$?
        out="$(cat "$BUNDLE/op.$i.out")"
        if [ "$rc" -eq 0 ]; then
            [ "${kinds[$((i - 1))]}" != delete ] || deleted=$((deleted + 1))
            if [ "${kinds[$((i - 1))]}" = state ]; then
                jq -e '.status | IN("running", "paused", "stopped")' <<<"$out" >/dev/null ||
                    { bad=$((bad + 1)); echo "# state printed: $out" >&3; }
            fi
            continue
        fi
        # the failures runc gives for the same races
        case "$out" in
        *"does not exist"* | *"not running"* | *"not paused"* | *"already paused"* | \
            *"is not running"* | *"container not running"* | *"is paused"*) ;;
        *)
            bad=$((bad + 1))
            echo "# ${kinds[$((i - 1))]} failed unexpectedly ($rc): $out" >&3
            ;;
        esac
    done
    assert_never_corrupt
    [ "$bad" -eq 0 ] || fail "$bad commands failed in a way no race explains"
    [ "$deleted" -ge 1 ] || fail "no delete --force succeeded"
    run nook state "$ID"
    assert_failure
    assert_output --partial "does not exist"
    assert_no_leftovers
}

@test "concurrency: create of one id from five callers at once: exactly one wins, every time" {
    set_probe sleep=60
    local round i wins pids
    for round in $(seq 1 10); do
        pids=()
        for i in 1 2 3 4 5; do
            nook create "$ID" </dev/null >"$BUNDLE/c.$i.out" 2>&1 &
            pids+=($!)
        done
        wins=0
        for i in 1 2 3 4 5; do
            if wait "${pids[$((i - 1))]}"; then
                wins=$((wins + 1))
            else
                grep -q -F "container \"$ID\" already exists" "$BUNDLE/c.$i.out" ||
                    fail "round $round: the loser said: $(cat "$BUNDLE/c.$i.out")"
                [ "$(wc -l <"$BUNDLE/c.$i.out")" -eq 1 ] || fail "more than one line: $(cat "$BUNDLE/c.$i.out")"
            fi
        done
        [ "$wins" -eq 1 ] || fail "round $round: $wins creates succeeded"
        [ "$(container_status "$ID")" = created ] || fail "round $round: winner's container is not created"
        pid_alive "$(container_pid "$ID")" || fail "round $round: the winner's init is not alive"
        nook delete --force "$ID"
        assert_no_leftovers
    done
}
