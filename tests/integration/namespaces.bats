#!/usr/bin/env bats
# Namespaces: each new one is really new, joined ones are really shared,
# user namespaces map ids, time namespaces shift clocks.

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

host_ns() {
    readlink "/proc/self/ns/$1"
}

# ns_add TYPE [PATH]: add (or replace) a namespace entry.
ns_add() {
    if [ -n "${2:-}" ]; then
        update_config '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t, path: $p}])' --arg t "$1" --arg p "$2"
    else
        update_config '.linux.namespaces = ([.linux.namespaces[] | select(.type != $t)] + [{type: $t}])' --arg t "$1"
    fi
}

ns_del() {
    update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != $t)]' --arg t "$1"
}

# Start a long-lived container $1 from the current config; echoes nothing, sets PID_<name>.
start_paused_container() {
    local id="$1"
    set_probe pause
    nook run -d "$id" >/dev/null 2>&1 </dev/null || return 1
    wait_for_status "$id" running
}

@test "namespaces: the default spec's namespaces are all new" {
    ns_add cgroup
    set_probe ns pid
    run nook run "$ID"
    assert_success
    [ "$(probe_get pid)" = 1 ]
    local t
    for t in pid net ipc uts mnt cgroup; do
        local inside
        inside="$(probe_get "ns.$t")"
        [ -n "$inside" ] || fail "no ns.$t in: $output"
        [ "$inside" != "$(host_ns "$t")" ] || fail "$t namespace is the host's: $inside"
    done
    # not asked for: the host's
    [ "$(probe_get ns.user)" = "$(host_ns user)" ]
    [ "$(probe_get ns.time)" = "$(host_ns time)" ]
}

@test "namespaces: without a pid or network namespace the host's are used" {
    ns_del pid
    ns_del network
    set_probe ns pid
    run nook run "$ID"
    assert_success
    [ "$(probe_get ns.pid)" = "$(host_ns pid)" ]
    [ "$(probe_get ns.net)" = "$(host_ns net)" ]
    [ "$(probe_get pid)" != 1 ]
}

@test "namespaces: cgroup namespace roots /proc/self/cgroup at /" {
    ns_add cgroup
    set_args /bin/cat /proc/self/cgroup
    run nook run "$ID"
    assert_success
    # every hierarchy's path is the namespace root
    while IFS= read -r line; do
        [ "${line##*:}" = / ] || fail "cgroup path not rooted: $line"
    done <<<"$output"
}

@test "namespaces: hostname and domainname land in the new uts namespace" {
    update_config '.hostname = "nook-host" | .domainname = "nook.example"'
    set_probe hostname ns
    run nook run "$ID"
    assert_success
    [ "$(probe_get hostname)" = nook-host ]
    [ "$(probe_get domainname)" = nook.example ]
    [ "$(hostname)" != nook-host ]
}

@test "namespaces: hostname without a uts namespace is refused, naming the field" {
    ns_del uts
    update_config '.hostname = "x"'
    run nook run "$ID"
    assert_failure
    assert_output --partial "hostname"
    [ "${#lines[@]}" -eq 1 ]
    assert_no_leftovers
}

@test "namespaces: a mount namespace is required" {
    ns_del mount
    run nook run "$ID"
    assert_failure
    assert_output --partial "linux.namespaces"
    assert_no_leftovers
}

userns_config() {
    # the remapped root (host uid 100000) must be able to reach the rootfs
    chmod 755 "$BUNDLE"
    ns_add user
    # v1 cgroup hierarchies cannot be mounted from a user namespace
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

@test "namespaces: user namespace maps ids (uid 0 inside is 100000 outside)" {
    userns_config
    start_paused_container "$ID"
    local pid
    pid="$(container_pid "$ID")"
    [ "$(awk '{print $1, $2, $3}' "/proc/$pid/uid_map")" = "0 100000 65536" ]
    [ "$(awk '{print $1, $2, $3}' "/proc/$pid/gid_map")" = "0 100000 65536" ]
    [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 100000 ]
    [ "$(readlink "/proc/$pid/ns/user")" != "$(host_ns user)" ]
    nook delete -f "$ID"
}

@test "namespaces: inside a user namespace the process is root with a working rootfs" {
    userns_config
    set_probe ids ns mounts
    run nook run "$ID"
    assert_success
    [ "$(probe_get uid)" = 0 ]
    [ "$(probe_get gid)" = 0 ]
    [ "$(probe_get ns.user)" != "$(host_ns user)" ]
    assert_output --partial " /proc rw"
}

@test "namespaces: uid mappings without a user namespace are refused" {
    update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 10}]'
    run nook run "$ID"
    assert_failure
    assert_output --partial "linux.uidMappings"
    assert_no_leftovers
}

@test "namespaces: time namespace applies boottime offset" {
    ns_add time
    update_config '.linux.timeOffsets = {boottime: {secs: 86400000, nanosecs: 0}, monotonic: {secs: 3600, nanosecs: 0}}'
    set_args /bin/cat /proc/uptime
    run nook run "$ID"
    assert_success
    local up
    up="${output%%.*}"
    [ "$up" -ge 86400000 ] || fail "uptime inside is $output"
    # host uptime is untouched
    [ "$(cut -d. -f1 /proc/uptime)" -lt 86400000 ]
}

@test "namespaces: a time namespace without offsets is new" {
    ns_add time
    set_probe ns
    run nook run "$ID"
    assert_success
    [ "$(probe_get ns.time)" != "$(host_ns time)" ]
}

@test "namespaces: joining another container's net, ipc, uts and pid namespaces by path" {
    local a="$ID-a"
    start_paused_container "$a"
    local apid
    apid="$(container_pid "$a")"
    for t in network ipc uts pid; do
        local f="$t"
        [ "$t" = network ] && f=net
        ns_add "$t" "/proc/$apid/ns/$f"
    done
    # a joined uts namespace is not ours to rename
    update_config 'del(.hostname)'
    set_probe ns pid
    run nook run "$ID"
    assert_success
    local t
    for t in net ipc uts pid; do
        [ "$(probe_get "ns.$t")" = "$(readlink "/proc/$apid/ns/$t")" ] || fail "$t not joined: $output"
    done
    # the joiner is not pid 1 in the shared pid namespace
    [ "$(probe_get pid)" != 1 ]
    nook delete -f "$a"
}

@test "namespaces: joining a user namespace by path" {
    userns_config
    local a="$ID-a"
    start_paused_container "$a"
    local apid
    apid="$(container_pid "$a")"
    ns_add user "/proc/$apid/ns/user"
    update_config 'del(.linux.uidMappings) | del(.linux.gidMappings)'
    set_probe ns ids
    run nook run "$ID"
    assert_success
    [ "$(probe_get ns.user)" = "$(readlink "/proc/$apid/ns/user")" ]
    [ "$(probe_get uid)" = 0 ]
    nook delete -f "$a"
}

@test "namespaces: a namespace path that does not exist fails naming it, nothing left" {
    ns_add network /proc/999999999/ns/net
    run nook run "$ID"
    assert_failure
    assert_output --partial "linux.namespaces"
    assert_output --partial "/proc/999999999/ns/net"
    [ "${#lines[@]}" -eq 1 ]
    assert_no_leftovers
}
