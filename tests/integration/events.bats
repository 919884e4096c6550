#!/usr/bin/env bats
# events: --stats once in runc's shape with numbers from the cgroup files,
# a stream every --interval until the container stops, and OOM notices.

load helpers
load cgcmds

setup() {
    setup_bundle
    add_applets dd
}

teardown() {
    teardown_bundle
}

@test "events --stats: one JSON object in runc's shape, numbers from the cgroup files" {
    update_config '.linux.resources = {"memory": {"limit": 134217728}, "pids": {"limit": 30}}'
    set_args sh -c 'sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 5 '[ "$(cg_procs | wc -l)" -eq 2 ]'
    local acct0 acct1
    acct0="$(cg_read cpuacct cpuacct.usage)"
    run nook events --stats "$ID"
    assert_success
    acct1="$(cg_read cpuacct cpuacct.usage)"
    [ "${#lines[@]}" -eq 1 ]
    echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id'
    echo "$output" | jq -e '.data | has("cpu") and has("memory") and has("pids") and has("blkio") and has("hugetlb")'
    [ "$(echo "$output" | jq .data.memory.usage.limit)" = "$(cg_read memory memory.limit_in_bytes)" ]
    [ "$(echo "$output" | jq .data.memory.usage.limit)" = 134217728 ]
    [ "$(echo "$output" | jq .data.pids.current)" = 2 ]
    [ "$(echo "$output" | jq .data.pids.limit)" = 30 ]
    # cpu usage is cpuacct.usage, read between our two reads
    local total
    total="$(echo "$output" | jq .data.cpu.usage.total)"
    [ "$total" -ge "$acct0" ] && [ "$total" -le "$acct1" ]
    [ "$(echo "$output" | jq '.data.cpu.usage.percpu | length')" = "$(nproc)" ]
    # memory usage is between 0 and the limit, raw carries memory.stat
    [ "$(echo "$output" | jq .data.memory.usage.usage)" -gt 0 ]
    echo "$output" | jq -e '.data.memory.raw | has("cache") and has("rss")'
}

@test "events streams a stats line every --interval and ends when the container stops" {
    set_args sh -c 'sleep 1.5'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run timeout 20 "$NOOK" --root "$NOOK_ROOT" events --interval 200ms "$ID"
    assert_success
    [ "${#lines[@]}" -ge 3 ] || fail "only ${#lines[@]} lines: $output"
    [ "${#lines[@]}" -le 10 ] || fail "${#lines[@]} lines for ~1.5s at 200ms"
    local l
    for l in "${lines[@]}"; do
        echo "$l" | jq -e --arg id "$ID" '.type == "stats" and .id == $id' >/dev/null
    done
}

@test "events reports an OOM kill as {\"type\":\"oom\"}" {
    update_config '.linux.resources = {"memory": {"limit": 33554432}}'
    set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo $? > /tmp/rc; sleep 0.5'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    "$NOOK" --root "$NOOK_ROOT" events --interval 10s "$ID" >"$BUNDLE/events.out" 2>&1 &
    local events_pid=$!
    sleep 0.3
    touch "$ROOTFS/tmp/go"
    wait_for_file "$ROOTFS/tmp/rc" 10
    [ "$(cat "$ROOTFS/tmp/rc")" = 137 ]
    # the stream ends with the container
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$events_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$events_pid" 2>/dev/null && fail "events still running after the container stopped"
    wait "$events_pid" || fail "events failed: $(cat "$BUNDLE/events.out")"
    grep -qx "{\"type\":\"oom\",\"id\":\"$ID\"}" "$BUNDLE/events.out" ||
        fail "no oom event in: $(cat "$BUNDLE/events.out")"
}

@test "events fails clearly: bad interval, stopped or unknown container" {
    set_args true
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_for_status "$ID" stopped
    run nook events --stats "$ID"
    assert_failure
    assert_output "nook: container not running"
    run nook events --interval 0s "$ID"
    assert_failure
    assert_output "nook: --interval must be greater than 0 and at most 24h"
    run nook events --interval soon "$ID"
    assert_failure
    assert_output 'nook: invalid value "soon" for flag -interval: parse error'
    run nook events --interval 5 "$ID"
    assert_failure
    assert_output 'nook: invalid value "5" for flag -interval: missing unit'
    run nook events --stats nk-none
    assert_failure
    assert_output 'nook: container "nk-none" does not exist'
}
