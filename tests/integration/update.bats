#!/usr/bin/env bats
# update on this hybrid host (v1 controllers): each runc flag and
# --resources land in the cgroup files, the new limit acts, the merged limits
# are kept for the next update, and bad input changes nothing.

load helpers
load cgcmds

setup() {
    setup_bundle
    add_applets dd
}

teardown() {
    teardown_bundle
}

# A container that waits for /tmp/go, then allocates 64 MiB at once (dd's
# buffer) and records dd's exit status in /tmp/rc.
start_allocator() {
    set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo $? > /tmp/rc; sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
}

@test "update --memory lowers the limit and it acts: a 64 MiB allocation is OOM-killed" {
    start_allocator
    run nook update --memory 32m --memory-swap 32m "$ID"
    assert_success
    assert_output ""
    [ "$(cg_read memory memory.limit_in_bytes)" = 33554432 ]
    touch "$ROOTFS/tmp/go"
    wait_for_file "$ROOTFS/tmp/rc" 10
    [ "$(cat "$ROOTFS/tmp/rc")" = 137 ] || fail "dd exited $(cat "$ROOTFS/tmp/rc"), not killed"
    [ "$(cg_read memory memory.oom_control | awk '$1 == "oom_kill" { print $2 }')" -ge 1 ]
}

@test "raising the limit again lets the same allocation through" {
    update_config '.linux.resources.memory = {"limit": 33554432}'
    start_allocator
    run nook update --memory 256m "$ID"
    assert_success
    [ "$(cg_read memory memory.limit_in_bytes)" = 268435456 ]
    touch "$ROOTFS/tmp/go"
    wait_for_file "$ROOTFS/tmp/rc" 10
    [ "$(cat "$ROOTFS/tmp/rc")" = 0 ]
}

@test "update --pids-limit acts: forks beyond it fail" {
    set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; for i in 1 2 3 4 5 6; do sleep 100 & done; sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook update --pids-limit 4 "$ID"
    assert_success
    [ "$(cg_read pids pids.max)" = 4 ]
    touch "$ROOTFS/tmp/go"
    # the kernel counts the forks it refused
    wait_until 10 '[ "$(cg_read pids pids.events | awk "\$1 == \"max\" { print \$2 }")" -gt 0 ]'
    [ "$(cg_read pids pids.current)" -le 4 ]
}

@test "update --cpu-quota/--cpu-period acts: a busy loop is throttled" {
    set_args sh -c 'while :; do :; done'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook update --cpu-period 100000 --cpu-quota 10000 "$ID"
    assert_success
    [ "$(cg_read cpu cpu.cfs_period_us)" = 100000 ]
    [ "$(cg_read cpu cpu.cfs_quota_us)" = 10000 ]
    local t0 t1
    t0="$(cg_read cpu cpu.stat | awk '$1 == "nr_throttled" { print $2 }')"
    sleep 0.5
    t1="$(cg_read cpu cpu.stat | awk '$1 == "nr_throttled" { print $2 }')"
    [ "$t1" -gt "$t0" ] || fail "not throttled: $t0 -> $t1"
    # a period alone keeps the quota in force (cpu.max needs both on v2)
    run nook update --cpu-period 50000 "$ID"
    assert_success
    [ "$(cg_read cpu cpu.cfs_period_us)" = 50000 ]
    [ "$(cg_read cpu cpu.cfs_quota_us)" = 10000 ]
}

@test "every other runc flag lands in its v1 file" {
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook update --cpu-share 512 --cpu-burst 2000 --cpuset-cpus 0 --cpuset-mems 0 \
        --memory 128m --memory-reservation 64m --memory-swap 256m "$ID"
    assert_success
    [ "$(cg_read cpu cpu.shares)" = 512 ]
    [ "$(cg_read cpu cpu.cfs_burst_us)" = 2000 ]
    [ "$(cg_read cpuset cpuset.cpus)" = 0 ]
    [ "$(cg_read cpuset cpuset.mems)" = 0 ]
    [ "$(cg_read memory memory.limit_in_bytes)" = 134217728 ]
    [ "$(cg_read memory memory.soft_limit_in_bytes)" = 67108864 ]
    [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 268435456 ]
    run nook update --memory-swap -1 --cpu-quota -1 "$ID"
    assert_success
    [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 9223372036854771712 ]
    [ "$(cg_read cpu cpu.cfs_quota_us)" = -1 ]
}

@test "update --resources FILE and - (what containerd sends on stdin)" {
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    echo '{"memory":{"limit":100663296},"cpu":{"shares":300},"pids":{"limit":50}}' >"$BUNDLE/r.json"
    run nook update --resources "$BUNDLE/r.json" "$ID"
    assert_success
    [ "$(cg_read memory memory.limit_in_bytes)" = 100663296 ]
    [ "$(cg_read cpu cpu.shares)" = 300 ]
    [ "$(cg_read pids pids.max)" = 50 ]
    run nook update --resources=- "$ID" <<<'{"pids":{"limit":60},"cpu":{"cpus":"1"}}'
    assert_success
    [ "$(cg_read pids pids.max)" = 60 ]
    [ "$(cg_read cpuset cpuset.cpus)" = 1 ]
    # runc: with --resources every other flag is ignored
    run nook update -r - --pids-limit 7 "$ID" <<<'{"pids":{"limit":70}}'
    assert_success
    [ "$(cg_read pids pids.max)" = 70 ]
}

@test "updates accumulate: the limits in force are kept for the next update and events" {
    update_config '.linux.resources = {"memory": {"limit": 268435456}, "pids": {"limit": 40}}'
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    nook update --cpu-share 256 "$ID"
    nook update --pids-limit 30 "$ID"
    run jq -c '{m: .memory.limit, p: .pids.limit, s: .cpu.shares}' "$NOOK_ROOT/$ID/resources.json"
    assert_output '{"m":268435456,"p":30,"s":256}'
    # swap is computed from the limit in force, not from the flag alone
    run nook update --memory-swap 512m "$ID"
    assert_success
    [ "$(cg_read memory memory.limit_in_bytes)" = 268435456 ]
    [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 536870912 ]
    run nook events --stats "$ID"
    assert_success
    [ "$(echo "$output" | jq .data.memory.usage.limit)" = 268435456 ]
    [ "$(echo "$output" | jq .data.pids.limit)" = 30 ]
}

@test "a new --memory alone keeps the swap headroom: no swap stays no swap" {
    update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook update --memory 256m "$ID"
    assert_success
    [ "$(cg_read memory memory.limit_in_bytes)" = 268435456 ]
    [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 268435456 ]
    nook update --memory 64m --memory-swap 96m "$ID"
    run nook update --memory 16m "$ID"
    assert_success
    [ "$(cg_read memory memory.limit_in_bytes)" = 16777216 ]
    [ "$(cg_read memory memory.memsw.limit_in_bytes)" = 50331648 ]
}

@test "0 leaves a value as it is, as in runc (flags and --resources)" {
    update_config '.linux.resources = {"memory": {"limit": 67108864}, "cpu": {"shares": 512, "quota": 20000, "period": 100000}, "pids": {"limit": 40}}'
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    local before
    before="$(snapshot memory memory.limit_in_bytes; snapshot cpu cpu.shares cpu.cfs_quota_us cpu.cfs_period_us; snapshot pids pids.max)"
    run nook update --memory 0 --cpu-period 0 --cpu-quota 0 --cpu-share 0 --pids-limit 0 "$ID"
    assert_success
    run nook update -r - "$ID" <<<'{"memory":{"limit":0},"cpu":{"period":0},"pids":{"limit":0}}'
    assert_success
    [ "$(snapshot memory memory.limit_in_bytes; snapshot cpu cpu.shares cpu.cfs_quota_us cpu.cfs_period_us; snapshot pids pids.max)" = "$before" ]
    [ "$(cg_read pids pids.max)" = 40 ]
}

@test "memory.checkBeforeUpdate refuses a limit below the current usage" {
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    local before
    before="$(cg_read memory memory.limit_in_bytes)"
    run nook update -r - "$ID" <<<'{"memory":{"limit":4096,"checkBeforeUpdate":true}}'
    assert_failure
    [ "${#lines[@]}" -eq 1 ]
    assert_output --partial "linux.resources.memory.limit: 4096 is below the current usage"
    [ "$(cg_read memory memory.limit_in_bytes)" = "$before" ]
}

# bad ARGS... -> EXPECTED (exact one-line error), nothing changed anywhere
bad_update() {
    local expected="$1" snap_before snap_after res_before res_after
    shift
    snap_before="$(snapshot memory memory.limit_in_bytes memory.soft_limit_in_bytes; snapshot cpu cpu.shares cpu.cfs_quota_us cpu.cfs_period_us; snapshot pids pids.max)"
    res_before="$(cat "$NOOK_ROOT/$ID/resources.json" 2>/dev/null)"
    run nook update "$@"
    [ "$status" -ne 0 ] || fail "update $* succeeded"
    [ "${#lines[@]}" -eq 1 ] || fail "update $*: not one line: $output"
    [ "$output" = "nook: $expected" ] || fail "update $*: got '$output', want 'nook: $expected'"
    snap_after="$(snapshot memory memory.limit_in_bytes memory.soft_limit_in_bytes; snapshot cpu cpu.shares cpu.cfs_quota_us cpu.cfs_period_us; snapshot pids pids.max)"
    [ "$snap_before" = "$snap_after" ] || fail "update $* changed the cgroup: $snap_before -> $snap_after"
    res_after="$(cat "$NOOK_ROOT/$ID/resources.json" 2>/dev/null)"
    [ "$res_before" = "$res_after" ] || fail "update $* changed resources.json"
}

@test "bad input: negative, absurd, malformed, unknown flag: one clear line, nothing changed" {
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    nook update --memory 64m --pids-limit 20 "$ID"
    bad_update "invalid value for --memory: invalid size: '-5'" --memory -5 "$ID"
    bad_update "invalid value for --memory: invalid suffix: 'q'" --memory 5q "$ID"
    bad_update "invalid value for --memory: invalid size: '99999999999999999999': larger than 9223372036854775807 bytes" --memory 99999999999999999999 "$ID"
    bad_update "invalid value for --memory: invalid size: '9000000000t': larger than 9223372036854775807 bytes" --memory 9000000000t "$ID"
    bad_update "invalid value for --memory-reservation: invalid size: 'lots'" --memory-reservation lots "$ID"
    bad_update 'invalid value for --cpu-period: "abc" is not an integer from 0 to 18446744073709551615' --cpu-period abc "$ID"
    bad_update 'invalid value for --cpu-share: "-1" is not an integer from 0 to 18446744073709551615' --cpu-share -1 "$ID"
    bad_update 'invalid value for --blkio-weight: "70000" is not an integer from 0 to 65535' --blkio-weight 70000 "$ID"
    bad_update 'invalid value for --pids-limit: "ten" is not a 64-bit integer' --pids-limit ten "$ID"
    bad_update "linux.resources.cpu.period: 10 is not in [1000, 1000000]: Invalid argument" --cpu-period 10 "$ID"
    bad_update "linux.resources.cpu.shares: 1 is not in [2, 262144]: Invalid argument" --cpu-share 1 --memory 32m "$ID"
    bad_update "flag provided but not defined: -memroy" --memroy 5m "$ID"
    bad_update "--l3-cache-schema: Intel RDT (linux.intelRdt) is not supported by nook" --l3-cache-schema L3:0=f "$ID"
    bad_update '"update" requires exactly 1 argument(s)' --memory 5m
    bad_update 'container "nk-nope" does not exist' --memory 64m nk-nope
    echo '{"memory":{"limit":"big"}}' >"$BUNDLE/bad.json"
    bad_update "resources: memory.limit: must be an integer between -9223372036854775808 and 9223372036854775807" -r "$BUNDLE/bad.json" "$ID"
    echo '{"memory":{"limit":1' >"$BUNDLE/bad.json"
    run nook update -r "$BUNDLE/bad.json" "$ID"
    assert_failure
    [ "${#lines[@]}" -eq 1 ]
    assert_output --partial "nook: resources: "
    echo '{"cpu":{"cpus":"0-99"}}' >"$BUNDLE/bad.json"
    bad_update "linux.resources.cpu.cpus: \"0-99\" is outside the host's \"0-$(($(nproc) - 1))\": Invalid argument" -r "$BUNDLE/bad.json" "$ID"
    bad_update "--resources: open \`$BUNDLE/missing.json\`: No such file or directory" -r "$BUNDLE/missing.json" "$ID"
}

@test "update of a stopped container fails" {
    set_args true
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_for_status "$ID" stopped
    run nook update --memory 64m "$ID"
    assert_failure
    assert_output "nook: container not running"
}
