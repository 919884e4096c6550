#!/usr/bin/env bats
# pause / resume through the freezer (v1 freezer.state here, cgroup.freeze on
# v2: tests/cgroupv2/commands.bats): the processes stop making progress, the
# state says paused, and resume lets them go on.

load helpers
load cgcmds

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

freezer_state() {
    if cg_v2; then
        cg_read freezer cgroup.freeze
    else
        cg_read freezer freezer.state
    fi
}

@test "pause freezes every process: no progress, state paused, freezer frozen" {
    start_counter
    run nook pause "$ID"
    assert_success
    assert_output ""
    [ "$(container_status "$ID")" = paused ]
    cg_v2 || [ "$(freezer_state)" = FROZEN ]
    # every task of the cgroup is in the v1 refrigerator (a frozen task reads as D)
    local pid n=0
    cg_v2 || for pid in $(cg_procs); do
        grep -q '^State:.D' "/proc/$pid/status" || fail "pid $pid not frozen: $(grep State "/proc/$pid/status")"
        n=$((n + 1))
    done
    cg_v2 || [ "$n" -ge 1 ]
    local before after
    before="$(counter)"
    sleep 0.5
    after="$(counter)"
    [ "$before" = "$after" ] || fail "counter moved while paused: $before -> $after"
}

@test "resume thaws: progress again and state running" {
    start_counter
    nook pause "$ID"
    local frozen
    frozen="$(counter)"
    run nook resume "$ID"
    assert_success
    [ "$(container_status "$ID")" = running ]
    cg_v2 || [ "$(freezer_state)" = THAWED ]
    wait_until 5 '[ "$(counter)" -gt $((frozen + 2)) ]'
}

@test "pause twice, resume a running container, pause a stopped one: runc's errors" {
    start_counter
    nook pause "$ID"
    run nook pause "$ID"
    assert_failure
    assert_output "nook: container already paused"
    nook resume "$ID"
    run nook resume "$ID"
    assert_failure
    assert_output "nook: container not paused"
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped
    run nook pause "$ID"
    assert_failure
    assert_output "nook: container not running"
    run nook pause nk-no-such-container
    assert_failure
    assert_output 'nook: container "nk-no-such-container" does not exist'
}

@test "a created container can be paused and deleted while paused" {
    set_args sh -c 'sleep 100'
    nook create "$ID" </dev/null >/dev/null 2>&1
    run nook pause "$ID"
    assert_success
    [ "$(container_status "$ID")" = paused ]
    nook delete --force "$ID"
    assert_no_leftovers
}

@test "ps and state do not hang on a paused container" {
    start_counter
    nook pause "$ID"
    run timeout 10 "$NOOK" --root "$NOOK_ROOT" ps --format json "$ID"
    assert_success
    [ "$(echo "$output" | jq -r 'sort | join(" ")')" = "$(cg_procs | tr '\n' ' ' | sed 's/ $//')" ]
    run timeout 10 "$NOOK" --root "$NOOK_ROOT" state "$ID"
    assert_success
}

@test "delete --force of a paused container kills it and leaves nothing" {
    start_counter
    local dir
    dir="$(cg_dir freezer)"
    nook pause "$ID"
    run nook delete --force "$ID"
    assert_success
    [ ! -d "$dir" ] || fail "cgroup $dir left behind"
    assert_no_leftovers
}

@test "v1: state and list read freezer.state, and look up the cgroup layout, only for an init the kernel shows frozen (D)" {
    cg_v2 && skip "v2 freezes tasks in an interruptible sleep: cgroup.freeze is always read"
    # init sleeps in pause(): S, never D, until frozen
    set_probe pause
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    traced() {
        # LeakSanitizer cannot run under ptrace (the ASan pass)
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -qq -o "$BUNDLE/trace" \
            -e trace=open,openat,openat2 "$NOOK" --root "$NOOK_ROOT" "$@" >"$BUNDLE/traced.out"
    }
    # running: init sleeps, so its cgroup cannot be FROZEN; nothing is read,
    # and where the freezer is mounted does not matter: no layout lookup
    # (the cache file, /proc/cgroups)
    local pid
    pid="$(container_pid "$ID")"
    wait_until 5 '[ "$(awk "{ print \$3 }" /proc/'"$pid"'/stat)" = S ]'
    traced state "$ID"
    [ "$(jq -r .status "$BUNDLE/traced.out")" = running ]
    ! grep -q freezer.state "$BUNDLE/trace" || fail "state read the freezer of a sleeping init"
    ! grep -Eq '/proc/cgroups|\.cgroup-layout|"/sys/fs/cgroup/freezer"' "$BUNDLE/trace" ||
        fail "state looked up the cgroup layout: $(grep -E 'cgroups|layout|freezer' "$BUNDLE/trace")"
    traced list --format json
    [ "$(jq -r '.[0].status' "$BUNDLE/traced.out")" = running ]
    ! grep -q freezer.state "$BUNDLE/trace" || fail "list read the freezer of a sleeping init"
    ! grep -Eq '/proc/cgroups|\.cgroup-layout|"/sys/fs/cgroup/freezer"' "$BUNDLE/trace" ||
        fail "list looked up the cgroup layout"
    # frozen: init is D, the freezer is read and says so
    nook pause "$ID"
    traced state "$ID"
    [ "$(jq -r .status "$BUNDLE/traced.out")" = paused ]
    grep -q freezer.state "$BUNDLE/trace"
    traced list --format json
    [ "$(jq -r '.[0].status' "$BUNDLE/traced.out")" = paused ]
    nook resume "$ID"
    [ "$(container_status "$ID")" = running ]
}
