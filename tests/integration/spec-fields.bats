#!/usr/bin/env bats
# The runtime-spec fields beyond mounts and namespaces: personality, scheduler,
# ioPriority, execCPUAffinity, memoryPolicy, sysctl, netDevices, LSM labels,
# intelRdt. Each effect is read back from inside the container by nook-probe;
# each bad input fails naming its JSON path and leaves nothing behind.

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

# refused JQ_FILTER TEXT: the config edit makes create fail with TEXT, nothing left.
refused() {
    update_config "$1"
    # to a file: an init that got as far as waiting must not hold bats' pipe
    status=0
    nook create --bundle "$BUNDLE" "$ID" </dev/null >"$BUNDLE/create.out" 2>&1 || status=$?
    output="$(cat "$BUNDLE/create.out")"
    mapfile -t lines <"$BUNDLE/create.out"
    assert_failure
    assert_output --partial "$2"
    [ "${#lines[@]}" -eq 1 ] || fail "expected one line, got: $output"
    assert_no_leftovers
}

@test "spec: linux.personality LINUX32 is the process's execution domain" {
    update_config '.linux.personality = {domain: "LINUX32"}'
    set_args /bin/sh -c '/bin/nook-probe personality; uname -m'
    run nook run "$ID"
    assert_success
    assert_line personality=0x8
    [ "$(uname -m)" != x86_64 ] || assert_line i686
    update_config '.linux.personality = {domain: "LINUX"}'
    set_probe personality
    run nook run "$ID"
    assert_success
    assert_line personality=0x0
}

@test "spec: process.scheduler sets policy, priority and nice (sched_getattr)" {
    update_config '.process.scheduler = {policy: "SCHED_RR", priority: 7}'
    set_probe sched
    run nook run "$ID"
    assert_success
    [[ "$(probe_get sched)" == 2:0:7:* ]]
    update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 5, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
    run nook run "$ID"
    assert_success
    [[ "$(probe_get sched)" == 3:5:0:1:* ]]
}

@test "spec: process.ioPriority is the process's io class and level (ioprio_get)" {
    update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
    set_probe ioprio
    run nook run "$ID"
    assert_success
    assert_line ioprio=3:0
    update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
    run nook run "$ID"
    assert_success
    assert_line ioprio=2:6
}

@test "spec: process.execCPUAffinity.final is the affinity of what runs" {
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
    update_config '.process.execCPUAffinity = {initial: "0", final: "1"}'
    set_probe affinity
    run nook run "$ID"
    assert_success
    assert_line affinity=1
    update_config '.process.execCPUAffinity = {final: "0"}'
    run nook run "$ID"
    assert_success
    assert_line affinity=0
}

@test "spec: process.execCPUAffinity.initial alone leaves the process on every CPU" {
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
    update_config '.process.execCPUAffinity = {initial: "1"}'
    set_probe affinity
    run nook run "$ID"
    assert_success
    [ "$(probe_get affinity)" = "$(seq -s, 0 $(($(nproc) - 1)))" ]
}

@test "spec: linux.memoryPolicy is the process's NUMA policy (get_mempolicy)" {
    update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0"}'
    set_probe mempolicy
    run nook run "$ID"
    assert_success
    assert_line mempolicy=2:1
    update_config '.linux.memoryPolicy = {mode: "MPOL_PREFERRED", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
    run nook run "$ID"
    assert_success
    [[ "$(probe_get mempolicy)" == $((1 | 1 << 15)):1 ]]
}

@test "spec: bad personality, scheduler, affinity and memory policy fail by JSON path" {
    refused '.linux.personality = {domain: "LINUX", flags: ["X"]}' 'linux.personality.flags: unknown flag "X"'
    write_default_config
    refused '.process.execCPUAffinity = {initial: "0-"}' 'process.execCPUAffinity.initial: bad list "0-"'
    write_default_config
    refused '.process.execCPUAffinity = {final: "5000"}' 'process.execCPUAffinity.final: 5000 is out of range'
    write_default_config
    refused '.linux.memoryPolicy = {mode: "MPOL_BIND"}' 'linux.memoryPolicy.nodes: required by MPOL_BIND'
    write_default_config
    refused '.linux.memoryPolicy = {mode: "MPOL_LOCAL", nodes: "0"}' 'linux.memoryPolicy.nodes: must be empty'
    write_default_config
    refused '.process.scheduler = {policy: "SCHED_FIFO", priority: 1000}' 'process.scheduler: sched_setattr(SCHED_FIFO)'
    write_default_config
    refused '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "63"}' 'linux.memoryPolicy: set_mempolicy(MPOL_BIND, 63)'
}
