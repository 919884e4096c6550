#!/usr/bin/env bats
# A foreground `run` stands for the container: signals sent to nook reach the
# container's process, nook exits with the container's status (128+N for a
# death by signal N), reaps what gets reparented to it, and SIGKILLing nook
# leaves the container running, as runc 1.1 does (then delete --force cleans).
# (lifecycle.bats covers exit codes of containers killed with `nook kill`.)

load helpers

setup() {
    setup_bundle
    RUN_PID=""
}

teardown() {
    [ -z "$RUN_PID" ] || kill -9 "$RUN_PID" 2>/dev/null || true
    teardown_bundle
}

# start_run: `nook run $ID` in the background (not through a subshell, so
# RUN_PID is nook itself), output in $BUNDLE/run.out.
start_run() {
    "$NOOK" --root "$NOOK_ROOT" run "$ID" </dev/null >"$BUNDLE/run.out" 2>&1 &
    RUN_PID=$!
}

wait_run() {
    local rc=0
    wait "$RUN_PID" || rc=$?
    RUN_PID=""
    RUN_STATUS=$rc
}

@test "signals: TERM, HUP, INT, USR1, USR2 and WINCH sent to a foreground run reach the container" {
    local sig num
    for sig in TERM HUP INT USR1 USR2 WINCH; do
        num="$(kill -l "$sig")"
        rm -f "$ROOTFS/tmp/ready"
        set_probe wait-signal=/tmp/ready
        start_run
        wait_for_file "$ROOTFS/tmp/ready" 10
        kill -s "$sig" "$RUN_PID"
        wait_run
        [ "$RUN_STATUS" -eq 0 ] || fail "$sig: run exited $RUN_STATUS: $(cat "$BUNDLE/run.out")"
        grep -q -x "signal=$num" "$BUNDLE/run.out" || fail "$sig: container saw: $(cat "$BUNDLE/run.out")"
        run nook state "$ID"
        assert_failure # run removed its container
    done
    assert_no_leftovers
}

@test "signals: a container killed by a forwarded signal makes run exit 128+N" {
    # outside a new pid namespace the probe is not pid 1: default actions apply
    update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
    local sig num
    for sig in TERM USR1 KILL; do
        num="$(kill -l "$sig")"
        set_probe write=/tmp/ready:1 sleep=60
        rm -f "$ROOTFS/tmp/ready"
        start_run
        wait_for_file "$ROOTFS/tmp/ready" 10
        if [ "$sig" = KILL ]; then
            # SIGKILL cannot be forwarded: nook kill sends it to the container
            nook kill "$ID" KILL
        else
            kill -s "$sig" "$RUN_PID"
        fi
        wait_run
        [ "$RUN_STATUS" -eq $((128 + num)) ] || fail "$sig: run exited $RUN_STATUS, expected $((128 + num))"
    done
    assert_no_leftovers
}

@test "signals: run reaps orphans reparented to it (child subreaper): no zombie under nook" {
    # without a pid namespace, orphans of the container come back to nook
    update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
    set_args /bin/sh -c '(sleep 0.3 &) ; (sleep 0.3 &) ; touch /tmp/ready; sleep 3; exit 5'
    start_run
    wait_for_file "$ROOTFS/tmp/ready" 10
    sleep 1.5
    # the two sleeps were reparented to nook and have exited by now
    local zombies
    zombies="$(ps --ppid "$RUN_PID" -o pid=,stat= | awk '$2 ~ /^Z/' || true)"
    [ -z "$zombies" ] || fail "zombie children of nook run: $zombies"
    wait_run
    [ "$RUN_STATUS" -eq 5 ] || fail "run exited $RUN_STATUS: $(cat "$BUNDLE/run.out")"
    assert_no_leftovers
}

@test "signals: SIGKILL of a foreground run leaves the container running (like runc); delete --force removes it" {
    set_probe write=/tmp/ready:1 sleep=60
    start_run
    wait_for_file "$ROOTFS/tmp/ready" 10
    local pid
    pid="$(container_pid "$ID")"
    kill -9 "$RUN_PID"
    wait_run
    [ "$RUN_STATUS" -eq 137 ]
    sleep 0.3
    pid_alive "$pid" || fail "the container died with nook"
    [ "$(container_status "$ID")" = running ]
    run nook list -q
    assert_output "$ID"
    nook delete --force "$ID"
    ! pid_alive "$pid" || fail "pid $pid is still alive"
    assert_no_leftovers
}

@test "signals: SIGTERM to nook during create of a foreground run does not leave a half-made container" {
    # TERM arrives while init may still be setting up: either the container
    # runs and gets the signal, or the create fails; nothing is left either way
    set_probe wait-signal=/tmp/ready
    local i
    for i in 1 2 3 4 5; do
        rm -f "$ROOTFS/tmp/ready"
        start_run
        sleep "0.0$i"
        kill -TERM "$RUN_PID" 2>/dev/null || true
        # a TERM blocked before the container could receive it is delivered
        # when it is ready; if it was lost, stop the container by hand
        for _ in $(seq 1 40); do
            kill -0 "$RUN_PID" 2>/dev/null || break
            # (run may exit between the two checks: a failed kill is fine)
            if [ -e "$ROOTFS/tmp/ready" ]; then kill -TERM "$RUN_PID" 2>/dev/null || true; fi
            sleep 0.05
        done
        wait_run
        run nook state "$ID"
        assert_failure
        assert_no_leftovers
    done
}
