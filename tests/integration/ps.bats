#!/usr/bin/env bats
# ps: --format json is the bare array of the cgroup's pids (containerd's shim
# parses it); the table is host ps(1) output filtered to those pids.

load helpers
load cgcmds

setup() {
    setup_bundle
    set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 3 ]'
}

teardown() {
    teardown_bundle
}

@test "ps --format json prints exactly the cgroup's pids as a bare array" {
    run nook ps --format json "$ID"
    assert_success
    [[ "$output" =~ ^\[[0-9]+(,[0-9]+)*\]$ ]] || fail "not a bare array of ints: $output"
    [ "$(echo "$output" | jq -r 'join(" ")')" = "$(cg_procs | tr '\n' ' ' | sed 's/ $//')" ]
    # init is one of them
    echo "$output" | jq -e --argjson p "$(container_pid "$ID")" 'index($p) != null'
    run nook ps -f json "$ID"
    assert_success
}

@test "ps (table) prints ps -ef's header and one line per container process" {
    run nook ps "$ID"
    assert_success
    [[ "${lines[0]}" == *PID* ]] || fail "no header: ${lines[0]}"
    [ "${#lines[@]}" -eq 4 ]
    local pid
    for pid in $(cg_procs); do
        printf '%s\n' "${lines[@]:1}" | awk -v p="$pid" '$2 == p' | grep -q sleep ||
            fail "pid $pid missing from: $output"
    done
}

@test "ps passes its arguments to ps(1)" {
    run nook ps "$ID" -o pid,comm
    assert_success
    [ "$(echo "${lines[0]}" | awk '{ print $1, $2 }')" = "PID COMMAND" ]
    [ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }' | sort -n | tr '\n' ' ')" = "$(cg_procs | tr '\n' ' ')" ]
    [ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -u)" = sleep ]
}

@test "ps fails clearly: unknown format, ps options with json, no PID column, no container" {
    run nook ps --format xml "$ID"
    assert_failure
    assert_output "nook: invalid format option"
    run nook ps --format json "$ID" -e
    assert_failure
    assert_output "nook: ps options are not supported with --format json"
    run nook ps "$ID" -o comm
    assert_failure
    assert_output "nook: couldn't find PID field in ps output"
    run nook ps --format json nk-none
    assert_failure
    assert_output 'nook: container "nk-none" does not exist'
}

@test "ps --format json of a stopped container with an empty cgroup is []" {
    nook kill --all "$ID" KILL
    wait_for_status "$ID" stopped
    wait_until 5 '[ -z "$(cg_procs)" ]'
    run nook ps --format json "$ID"
    assert_success
    assert_output "[]"
}
