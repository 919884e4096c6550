#!/usr/bin/env bats
# The cgroup commands on pure cgroup v2 (run inside /work/shared/vm/run-in-vm):
# update writes the v2 files and the new limits act, pause/resume use
# cgroup.freeze and cgroup.events, kill --all uses cgroup.kill (also after
# init died), ps lists cgroup.procs, events reads the v2 files and
# memory.events for OOM kills.

load ../integration/helpers
load ../integration/cgcmds

setup() {
    cg_v2 || skip "needs a pure cgroup v2 host (run inside run-in-vm)"
    setup_bundle
    add_applets dd
}

teardown() {
    cg_v2 || return 0
    teardown_bundle
}

v2() {
    cg_read - "$1"
}

kv() { # kv FILE KEY
    v2 "$1" | awk -v k="$2" '$1 == k { print $2 }'
}

@test "v2 pause: cgroup.freeze 1, cgroup.events frozen 1, no progress, state paused; resume thaws" {
    start_counter
    run nook pause "$ID"
    assert_success
    [ "$(v2 cgroup.freeze)" = 1 ]
    [ "$(kv cgroup.events frozen)" = 1 ]
    [ "$(container_status "$ID")" = paused ]
    local before
    before="$(counter)"
    sleep 1
    [ "$(counter)" = "$before" ] || fail "counter moved while paused"
    run nook ps --format json "$ID"
    assert_success
    run nook resume "$ID"
    assert_success
    [ "$(v2 cgroup.freeze)" = 0 ]
    [ "$(kv cgroup.events frozen)" = 0 ]
    [ "$(container_status "$ID")" = running ]
    wait_until 10 '[ "$(counter)" -gt $((before + 2)) ]'
}

@test "v2 kill --all empties the cgroup, also after init died; delete removes it" {
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
    set_args sh -c 'sleep 100 & sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 10 '[ "$(cg_procs | wc -l)" -eq 3 ]'
    run nook ps --format json "$ID"
    assert_success
    [ "$(echo "$output" | jq -r 'join(" ")')" = "$(cg_procs | tr '\n' ' ' | sed 's/ $//')" ]
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped 10
    wait_until 10 '[ "$(cg_procs | wc -l)" -eq 2 ]'
    run nook kill --all "$ID" 9
    assert_success
    wait_until 10 '[ -z "$(cg_procs)" ]'
    [ "$(kv cgroup.events populated)" = 0 ]
    local dir
    dir="$(cg_dir -)"
    run nook delete "$ID"
    assert_success
    [ ! -d "$dir" ] || fail "cgroup $dir left behind"
    assert_no_leftovers
}

@test "v2 delete --force of a paused container leaves nothing" {
    start_counter
    local dir
    dir="$(cg_dir -)"
    nook pause "$ID"
    run nook delete --force "$ID"
    assert_success
    [ ! -d "$dir" ] || fail "cgroup $dir left behind"
    assert_no_leftovers
}

@test "v2: the layout comes from cgroup.controllers: no mount table scan, no layout cache in the state root" {
    command -v strace >/dev/null || skip "strace is not installed"
    start_counter
    nook pause "$ID"
    # LeakSanitizer cannot run under ptrace
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o "$BUNDLE/trace" \
        -e trace=open,openat,openat2 "$NOOK" --root "$NOOK_ROOT" state "$ID" >"$BUNDLE/state.out"
    [ "$(jq -r .status "$BUNDLE/state.out")" = paused ]
    ! grep -Eq '"/proc/(self/|[0-9]+/)?(mounts|mountinfo|cgroups)"' "$BUNDLE/trace" ||
        fail "state scanned: $(grep -E '"/proc/' "$BUNDLE/trace")"
    [ ! -e "$NOOK_ROOT/.cgroup-layout" ] || fail "a v1 layout cache on a v2 host"
    nook resume "$ID"
}

@test "v2 update: each flag lands in its v2 file" {
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook update --memory 128m --memory-swap 192m --memory-reservation 64m \
        --cpu-period 100000 --cpu-quota 50000 --cpu-share 1024 --cpu-burst 1000 \
        --cpuset-cpus 0 --pids-limit 33 "$ID"
    assert_success
    [ "$(v2 memory.max)" = 134217728 ]
    [ "$(v2 memory.swap.max)" = 67108864 ] # swap - limit
    [ "$(v2 memory.low)" = 67108864 ]
    [ "$(v2 cpu.max)" = "50000 100000" ]
    [ "$(v2 cpu.weight)" = 100 ]
    [ "$(v2 cpu.max.burst)" = 1000 ]
    [ "$(v2 cpuset.cpus)" = 0 ]
    [ "$(v2 pids.max)" = 33 ]
    # a new limit alone keeps the swap headroom (memory.swap.max untouched)
    run nook update --memory 160m "$ID"
    assert_success
    [ "$(v2 memory.max)" = 167772160 ]
    [ "$(v2 memory.swap.max)" = 67108864 ]
    run nook update --cpu-idle 1 "$ID"
    assert_success
    [ "$(v2 cpu.idle)" = 1 ]
    # the period alone keeps the quota; -1 means max
    run nook update --cpu-period 200000 "$ID"
    assert_success
    [ "$(v2 cpu.max)" = "50000 200000" ]
    run nook update --memory -1 --memory-swap -1 --pids-limit -1 --cpu-quota -1 "$ID"
    assert_success
    [ "$(v2 memory.max)" = max ]
    [ "$(v2 memory.swap.max)" = max ]
    [ "$(v2 pids.max)" = max ]
    [ "$(v2 cpu.max)" = "max 200000" ]
    run nook update -r - "$ID" <<<'{"memory":{"limit":100663296},"unified":{"memory.high":"90000000"}}'
    assert_success
    [ "$(v2 memory.max)" = 100663296 ]
    [ "$(v2 memory.high)" = 89997312 ] || [ "$(v2 memory.high)" = 90000000 ]
}

@test "v2 update: a lowered memory.max acts (OOM kill counted in memory.events), pids.max acts" {
    set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null; echo $? > /tmp/rc; sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    "$NOOK" --root "$NOOK_ROOT" events --interval 60s "$ID" >"$BUNDLE/events.out" 2>&1 &
    local events_pid=$!
    run nook update --memory 32m --memory-swap 32m "$ID"
    assert_success
    [ "$(v2 memory.max)" = 33554432 ]
    [ "$(v2 memory.swap.max)" = 0 ]
    touch "$ROOTFS/tmp/go"
    wait_for_file "$ROOTFS/tmp/rc" 30
    [ "$(cat "$ROOTFS/tmp/rc")" = 137 ]
    [ "$(kv memory.events oom_kill)" -ge 1 ]
    wait_until 10 'grep -qx "{\"type\":\"oom\",\"id\":\"$ID\"}" "$BUNDLE/events.out"'
    kill "$events_pid"
    wait "$events_pid" || true
    run nook update --pids-limit 2 "$ID"
    assert_success
    [ "$(v2 pids.max)" = 2 ]
}

@test "v2 events --stats: numbers from the v2 files" {
    update_config '.linux.resources = {"memory": {"limit": 134217728}, "pids": {"limit": 30}}'
    set_args sh -c 'sleep 100 & exec sleep 100'
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    wait_until 10 '[ "$(cg_procs | wc -l)" -eq 2 ]'
    local u0 u1
    u0="$(kv cpu.stat usage_usec)"
    run nook events --stats "$ID"
    assert_success
    u1="$(kv cpu.stat usage_usec)"
    echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id'
    [ "$(echo "$output" | jq .data.memory.usage.limit)" = 134217728 ]
    [ "$(echo "$output" | jq .data.pids.current)" = 2 ]
    [ "$(echo "$output" | jq .data.pids.limit)" = 30 ]
    local total
    total="$(echo "$output" | jq .data.cpu.usage.total)"
    [ "$total" -ge $((u0 * 1000)) ] && [ "$total" -le $((u1 * 1000)) ]
    echo "$output" | jq -e '.data.memory.raw | has("anon") and has("file")'
}

@test "v2 update bad input: clear one-line error, nothing changed" {
    set_args sleep 100
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    nook update --memory 64m "$ID"
    local before
    before="$(v2 memory.max) $(v2 cpu.max) $(v2 pids.max)"
    run nook update --memory -5 "$ID"
    assert_failure
    assert_output "nook: invalid value for --memory: invalid size: '-5'"
    run nook update --cpu-share 1 --memory 32m "$ID"
    assert_failure
    assert_output "nook: linux.resources.cpu.shares: 1 is not in [2, 262144]: Invalid argument"
    run nook update -r - "$ID" <<<'{"unified":{"../escape":"1"}}'
    assert_failure
    [ "${#lines[@]}" -eq 1 ]
    assert_output --partial "linux.resources.unified"
    [ "$(v2 memory.max) $(v2 cpu.max) $(v2 pids.max)" = "$before" ]
}
