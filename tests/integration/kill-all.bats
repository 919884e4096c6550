#!/usr/bin/env bats
# kill --all and delete through the container's cgroup: every process in it
# is signalled, also after init died (containerd's shim sends `kill --all ID 9`
# after init exited), and delete leaves no process and no cgroup behind.

load helpers
load cgcmds

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

# Init shares the host's pid namespace, so its children outlive it.
use_host_pidns() {
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
}

@test "kill --all KILL leaves cgroup.procs empty" {
    set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 3 ]'
    run nook kill --all "$ID" 9
    assert_success
    wait_until 5 '[ -z "$(cg_procs)" ]'
    wait_for_status "$ID" stopped
}

@test "kill --all TERM reaches every process, not only init" {
    use_host_pidns
    # children that report the signal they got
    set_args sh -c 'for i in 1 2; do (trap "echo term >> /tmp/got; exit 0" TERM; sleep 100 & wait) & done; trap "echo init >> /tmp/got; exit 0" TERM; sleep 100 & wait'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -ge 5 ]'
    run nook kill --all "$ID" TERM
    assert_success
    wait_until 5 '[ "$(grep -c . "$ROOTFS/tmp/got" 2>/dev/null)" = 3 ]'
    [ "$(grep -c term "$ROOTFS/tmp/got")" = 2 ]
    nook kill --all "$ID" KILL
    wait_until 5 '[ -z "$(cg_procs)" ]'
}

@test "kill --all after init died still empties the cgroup" {
    use_host_pidns
    set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 3 ]'
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped
    # init is gone, its two children are still in the cgroup
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 2 ]'
    run nook kill --all "$ID" 9
    assert_success
    wait_until 5 '[ -z "$(cg_procs)" ]'
    run nook delete "$ID"
    assert_success
    assert_no_leftovers
}

@test "delete of a stopped container kills what init left in its cgroup" {
    use_host_pidns
    set_args sh -c 'sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 2 ]'
    local left dir
    dir="$(cg_dir pids)"
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped
    left="$(cg_procs)"
    [ -n "$left" ]
    run nook delete "$ID"
    assert_success
    ! pid_alive "$left" || fail "pid $left survived delete"
    [ ! -d "$dir" ] || fail "cgroup $dir left behind"
    assert_no_leftovers
}

@test "delete --force of a running container with children removes its cgroup" {
    set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 3 ]'
    local dir
    dir="$(cg_dir pids)"
    run nook delete --force "$ID"
    assert_success
    [ ! -d "$dir" ] || fail "cgroup $dir left behind"
    assert_no_leftovers
}
