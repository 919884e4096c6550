#!/usr/bin/env bats
# linux.resources on a pure cgroup v2 host. Runs INSIDE the VM
# (/work/shared/vm/run-in-vm, via `tests/run-all.sh vm`): every value is read
# back from the v2 file it must land in, and limits are shown to act.

load ../integration/helpers
load ../integration/cgroup_helpers

setup() {
    cg_unified || skip "not a cgroup v2 host (run inside run-in-vm)"
    setup_bundle
}

teardown() {
    teardown_bundle
}

@test "cgroupv2: init is cloned into /nook/<id>; its cgroup namespace is rooted there" {
    update_config '.linux.namespaces |= map(select(.type != "cgroup")) + [{"type": "cgroup"}]'
    set_args sh -c 'cat /proc/self/cgroup; sleep 30'
    nook create "$ID" </dev/null >"$BUNDLE/out" 2>&1
    pid="$(container_pid "$ID")"
    grep -qx "$pid" "$(cg_dir x)/cgroup.procs"
    run jq -r .nook.cgroupPath "$NOOK_ROOT/$ID/state.json"
    assert_output "/nook/$ID"
    nook start "$ID"
    sleep 0.5
    run cat "$BUNDLE/out"
    assert_output "0::/"
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroupv2: every resource lands in its v2 file" {
    update_config '
          .linux.resources.cpu = {"shares": 1024, "quota": 20000, "period": 100000, "burst": 1000,
                                  "idle": 0, "cpus": "0", "mems": "0"}
        | .linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 100663296}
        | .linux.resources.pids = {"limit": 50}
        | .linux.resources.blockIO = {"weight": 500}
        | .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]
        | .linux.resources.unified = {"memory.high": "60000000"}'
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1
    assert_equal "$(cg_read x cpu.weight)" 100
    assert_equal "$(cg_read x cpu.max)" "20000 100000"
    assert_equal "$(cg_read x cpu.max.burst)" 1000
    assert_equal "$(cg_read x cpu.idle)" 0
    assert_equal "$(cg_read x cpuset.cpus)" 0
    assert_equal "$(cg_read x cpuset.mems)" 0
    assert_equal "$(cg_read x memory.max)" 67108864
    assert_equal "$(cg_read x memory.low)" 33554432
    assert_equal "$(cg_read x memory.swap.max)" 33554432
    assert_equal "$(cg_read x memory.high)" 59998208
    assert_equal "$(cg_read x pids.max)" 50
    assert_equal "$(cg_read x hugetlb.2MB.max)" 4194304
    assert_equal "$(cg_read x hugetlb.2MB.rsvd.max)" 4194304
    if [ -e "$(cg_dir x)/io.weight" ]; then
        assert_equal "$(cg_read x io.weight)" "default 4950"
    fi
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroupv2: blockIO throttles land in io.max for their device; cpu.idle 1" {
    # a loop device gives the throttles a real block device to name
    modprobe loop 2>/dev/null || true
    truncate -s 16M "$BUNDLE/disk"
    local dev maj min
    dev="$(losetup -f --show "$BUNDLE/disk")"
    maj=$((0x$(stat -c %t "$dev")))
    min=$((0x$(stat -c %T "$dev")))
    update_config '.linux.resources.blockIO = {
            "throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
            "throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}]}
        | .linux.resources.cpu = {"idle": 1}' --argjson maj "$maj" --argjson min "$min"
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1 || { losetup -d "$dev"; fail "create failed"; }
    local io idle
    io="$(grep "^$maj:$min " "$(cg_dir x)/io.max" || true)"
    idle="$(cg_read x cpu.idle)"
    nook delete --force "$ID"
    losetup -d "$dev"
    assert_equal "$io" "$maj:$min rbps=1048576 wbps=max riops=max wiops=100"
    assert_equal "$idle" 1
    assert_no_cgroup
}

@test "cgroupv2: shares map through the quadratic curve; -1 and limit==swap like runc" {
    update_config '.linux.resources.cpu = {"shares": 2}
        | .linux.resources.memory = {"limit": 33554432, "swap": 33554432}
        | .linux.resources.pids = {"limit": -1}'
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1
    assert_equal "$(cg_read x cpu.weight)" 1
    assert_equal "$(cg_read x memory.swap.max)" 0
    assert_equal "$(cg_read x pids.max)" max
    nook delete --force "$ID"
    update_config '.linux.resources.cpu = {"shares": 262144}
        | .linux.resources.memory = {"limit": -1}'
    nook create "$ID" </dev/null >/dev/null 2>&1
    assert_equal "$(cg_read x cpu.weight)" 10000
    assert_equal "$(cg_read x memory.max)" max
    assert_equal "$(cg_read x memory.swap.max)" max
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroupv2: memory.max: a process asking for more is OOM-killed, memory.events counts it, run exits 137" {
    add_applets dd
    update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
    set_args dd if=/dev/zero of=/dev/null bs=64M count=1
    run nook run --keep "$ID" </dev/null
    assert_equal "$status" 137
    run cg_read x memory.events
    [[ "$output" =~ oom_kill\ [1-9] ]] || fail "oom_kill did not grow: $output"
    nook delete "$ID"
    assert_no_cgroup
}

@test "cgroupv2: a busy loop under cpu.max 20000 100000 uses 20% +-5% of a CPU" {
    update_config '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
    set_args sh -c 'while :; do :; done'
    create_started
    u0="$(awk '$1 == "usage_usec" { print $2 }' "$(cg_dir x)/cpu.stat")"
    t0="$(date +%s%N)"
    sleep 4
    u1="$(awk '$1 == "usage_usec" { print $2 }' "$(cg_dir x)/cpu.stat")"
    t1="$(date +%s%N)"
    pct=$(((u1 - u0) * 100000 / ((t1 - t0) / 1000) / 1000))
    echo "# cpu use ${pct}%" >&3
    [ "$pct" -ge 15 ] && [ "$pct" -le 25 ] || fail "busy loop used ${pct}% of a CPU"
    run cg_read x cpu.stat
    [[ "$output" =~ nr_throttled\ [1-9] ]] || fail "never throttled: $output"
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroupv2: a fork bomb stops at pids.max" {
    update_config '.linux.resources.pids = {"limit": 8}'
    set_args sh -c '(n=0; while [ $n -lt 30 ]; do sleep 30 & n=$((n + 1)); done); sleep 30'
    create_started
    sleep 2
    current="$(cg_read x pids.current)"
    [ "$current" -ge 6 ] && [ "$current" -le 8 ] || fail "pids.current $current, limit 8"
    run cg_read x pids.events
    [[ "$output" =~ max\ [1-9] ]] || fail "no fork was refused: $output"
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroupv2: the eBPF device filter: a denied device is EPERM, an allowed one opens" {
    with_kmsg
    set_args sh -c 'echo "<7>nook cgroupv2 test" >/dev/kmsg && echo written'
    run nook run "$ID" </dev/null
    assert_failure
    assert_output --partial "Operation not permitted"
    update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
    run nook run "$ID" </dev/null
    assert_success
    assert_output written
}

@test "cgroupv2: bad input names the field and leaves nothing" {
    bad_input '.linux.resources.cpu = {"realtimeRuntime": 1000}' "linux.resources.cpu.realtimeRuntime"
    bad_input '.linux.resources.memory = {"swappiness": 10}' "linux.resources.memory.swappiness"
    bad_input '.linux.resources.unified = {"memory.no_such_knob": "1"}' \
        "linux.resources.unified.memory.no_such_knob: unknown cgroup file"
    bad_input '.linux.resources.unified = {"../cgroup.procs": "1"}' "linux.resources.unified"
    bad_input '.linux.cgroupsPath = "../escape"' "linux.cgroupsPath"
    bad_input '.linux.resources.cpu = {"cpus": "0-4095"}' "linux.resources.cpu.cpus"
    bad_input '.linux.resources.memory.limit = -5' "linux.resources.memory.limit"
}
