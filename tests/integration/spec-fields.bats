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
    # v1 with RT group scheduling: a new cgroup has no RT budget, so SCHED_RR
    # needs one in the container's cgroup and its parent (as with runc)
    local rt=/sys/fs/cgroup/cpu/nook/cpu.rt_runtime_us old_rt=
    if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
        mkdir -p /sys/fs/cgroup/cpu/nook
        old_rt="$(cat "$rt")"
        [ "$old_rt" -ge 10000 ] || echo 10000 >"$rt"
        update_config '.linux.resources.cpu = {realtimeRuntime: 10000, realtimePeriod: 1000000}'
    fi
    set_probe sched
    run nook run "$ID"
    # the budget goes back once the container's cgroup is really gone
    local i
    for ((i = 0; i < 50; i++)); do
        [ -z "$old_rt" ] || ! echo "$old_rt" 2>/dev/null >"$rt" || break
        [ -n "$old_rt" ] || break
        sleep 0.1
    done
    assert_success
    [[ "$(probe_get sched)" == 2:0:7:* ]]
    update_config 'del(.linux.resources.cpu)
        | .process.scheduler = {policy: "SCHED_BATCH", nice: 5, flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
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

@test "spec: process.execCPUAffinity.initial is where the runtime (and init, cloned from it) runs" {
    [ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs"
    update_config '.process.execCPUAffinity = {initial: "1", final: "0"}'
    set_probe affinity ready=/tmp/ready sleep=3
    "$NOOK" --root "$NOOK_ROOT" run "$ID" </dev/null >"$BUNDLE/out" 2>&1 &
    local runtime=$!
    wait_for_file "$ROOTFS/tmp/ready" 60
    [ "$(awk '/^Cpus_allowed_list:/ { print $2 }' "/proc/$runtime/status")" = 1 ]
    wait "$runtime"
    grep -qx affinity=0 "$BUNDLE/out" || fail "$(cat "$BUNDLE/out")"
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

@test "spec: linux.sysctl writes net, ipc, mqueue and uts keys in the container's namespaces only" {
    local host_fwd host_shm
    host_fwd="$(cat /proc/sys/net/ipv4/ip_forward)"
    host_shm="$(cat /proc/sys/kernel/shmmax)"
    update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net/ipv4/tcp_keepalive_time": "1234",
        "kernel.shmmax": "123456789", "fs.mqueue.msg_max": "77", "kernel.domainname": "sysctl.test"}'
    set_probe sysctl=net.ipv4.ip_forward sysctl=net.ipv4.tcp_keepalive_time sysctl=kernel.shmmax \
        sysctl=fs.mqueue.msg_max sysctl=kernel.domainname
    run nook run "$ID"
    assert_success
    assert_line sysctl.net.ipv4.ip_forward=1
    assert_line sysctl.net.ipv4.tcp_keepalive_time=1234
    assert_line sysctl.kernel.shmmax=123456789
    assert_line sysctl.fs.mqueue.msg_max=77
    assert_line sysctl.kernel.domainname=sysctl.test
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
    [ "$(cat /proc/sys/kernel/shmmax)" = "$host_shm" ]
}

@test "spec: linux.sysctl works in a user namespace too" {
    chmod 755 "$BUNDLE"
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "80", "kernel.shmmni": "100"}'
    set_probe sysctl=net.ipv4.ip_unprivileged_port_start sysctl=kernel.shmmni
    run nook run "$ID"
    assert_success
    assert_line sysctl.net.ipv4.ip_unprivileged_port_start=80
    assert_line sysctl.kernel.shmmni=100
}

@test "spec: linux.sysctl outside the container's namespaces is refused by name" {
    refused '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]
        | .linux.sysctl = {"net.ipv4.ip_forward": "1"}' \
        'config.json: linux.sysctl.net.ipv4.ip_forward: needs a network namespace'
    write_default_config
    refused '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")]
        | .linux.sysctl = {"kernel.shmmax": "1"}' 'linux.sysctl.kernel.shmmax: needs an ipc namespace'
    write_default_config
    refused '.linux.sysctl = {"kernel.pid_max": "100"}' \
        'linux.sysctl.kernel.pid_max: not in a namespace of the container'
    write_default_config
    refused '.linux.sysctl = {"net/../../kernel/core_pattern": "|/x"}' 'not a valid sysctl name'
    write_default_config
    refused '.linux.sysctl = {"net.ipv4.no_such_key": "1"}' \
        'linux.sysctl.net.ipv4.no_such_key: open `/proc/sys/net/ipv4/no_such_key`'
}

# one end of a veth pair on the host, named after this test's bundle (this
# kernel has no dummy module); the pair dies with the container's namespace
host_dummy() {
    DUMMY="nkd${BUNDLE##*/nk.}"
    ip link add "$DUMMY" type veth peer name "nkp${BUNDLE##*/nk.}"
    ip addr add 10.251.7.1/24 dev "$DUMMY"
    ip addr add fd00:251::7/64 dev "$DUMMY" nodad
}

@test "spec: linux.netDevices moves a host interface in, renamed, with its addresses" {
    host_dummy
    update_config '.linux.netDevices = {($d): {name: "ctr0"}}' --arg d "$DUMMY"
    set_args /bin/busybox ip addr show
    run nook run "$ID"
    ip link del "$DUMMY" 2>/dev/null || true
    assert_success
    [[ "$output" == *": ctr0@"* || "$output" == *": ctr0: "* ]] || fail "no ctr0: $output"
    [[ "$output" == *"inet 10.251.7.1/24"* ]] || fail "no ipv4 address: $output"
    [[ "$output" == *"inet6 fd00:251::7/64"* ]] || fail "no ipv6 address: $output"
    [[ "$output" != *"$DUMMY"* ]]
    # the pair goes away with the container's network namespace; the kernel
    # tears a netns down from a workqueue, so after `run` returns, not at once
    wait_until 10 '! ip link show "nkp${BUNDLE##*/nk.}" >/dev/null 2>&1'
}

@test "spec: linux.netDevices keeps the name when none is given; the host no longer has it" {
    host_dummy
    update_config '.linux.netDevices = {($d): {}}' --arg d "$DUMMY"
    set_args /bin/busybox ip link show "$DUMMY"
    nook create "$ID" </dev/null >/dev/null 2>&1
    run ip link show "$DUMMY"
    assert_failure
    nook start "$ID"
    wait_for_status "$ID" stopped
    nook delete "$ID"
    ip link del "$DUMMY" 2>/dev/null || true
}

@test "spec: bad linux.netDevices fail by JSON path and leave nothing" {
    refused '.linux.netDevices = {"nk-nonexistent0": {}}' \
        'linux.netDevices.nk-nonexistent0: no such interface on the host'
    write_default_config
    refused '.linux.netDevices = {"lo": {name: "a/b"}}' 'linux.netDevices.lo.name: not a valid interface name "a/b"'
    write_default_config
    refused '.linux.netDevices = {"x0": {name: "eth0"}, "x1": {name: "eth0"}}' 'linux.netDevices.x1: name "eth0" is used twice'
    write_default_config
    refused '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]
        | .linux.netDevices = {"lo": {}}' 'linux.netDevices: needs a new network namespace'
}

@test "spec: AppArmor and SELinux labels are refused by name where the host lacks the LSM" {
    if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
        refused '.process.apparmorProfile = "nook-test"' \
            'config.json: process.apparmorProfile: AppArmor is not enabled on this host'
        write_default_config
    fi
    if [ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" != f97cff8c ]; then
        refused '.process.selinuxLabel = "system_u:system_r:container_t:s0"' \
            'config.json: process.selinuxLabel: SELinux is not enabled on this host'
        write_default_config
        refused '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' \
            'config.json: linux.mountLabel: SELinux is not enabled on this host'
        write_default_config
    fi
    # an empty label asks for nothing
    update_config '.process.apparmorProfile = "" | .process.selinuxLabel = ""'
    run nook run "$ID"
    assert_success
}

@test "spec: process.apparmorProfile confines the process with that profile" {
    [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "host without AppArmor"
    command -v apparmor_parser >/dev/null || skip "no apparmor_parser (tests/deps/rootfs.list)"
    # the throwaway VM boots without securityfs; a host is never changed
    if [ ! -d /sys/kernel/security/apparmor ] && [ "${CGV2_VM:-}" = 1 ]; then
        mount -t securityfs securityfs /sys/kernel/security
    fi
    [ -d /sys/kernel/security/apparmor ] || skip "securityfs is not mounted"
    local prof="nook-test-${BUNDLE##*/nk.}"
    printf '%s\n' "profile $prof flags=(attach_disconnected,mediate_deleted) {" \
        '  file,' '  capability,' '  deny /etc/hostname r,' '}' >"$BUNDLE/profile"
    apparmor_parser -r "$BUNDLE/profile"
    echo image-secret >"$ROOTFS/etc/hostname"
    update_config '.process.apparmorProfile = $p' --arg p "$prof"
    set_probe cat=/proc/self/attr/current cat=/etc/hostname
    run nook run "$ID"
    apparmor_parser -R "$BUNDLE/profile" || true
    assert_success
    assert_line "$prof (enforce)"
    [[ "$output" != *image-secret* ]] || fail "the profile was not applied: $output"
}

@test "spec: process.selinuxLabel is the label the process runs with" {
    [ "$(stat -f -c %t /sys/fs/selinux 2>/dev/null)" = f97cff8c ] || skip "host without SELinux"
    local label
    label="$(cat /proc/self/attr/current | tr -d '\0')"
    update_config '.process.selinuxLabel = $l' --arg l "$label"
    set_probe cat=/proc/self/attr/current
    run nook run "$ID"
    assert_success
    [[ "$output" == *"$label"* ]]
}

@test "spec: linux.intelRdt is refused by name" {
    if [ -e /sys/fs/resctrl/schemata ]; then
        refused '.linux.intelRdt = {closID: "nook"}' 'linux.intelRdt: not supported by this version of nook'
    else
        refused '.linux.intelRdt = {closID: "nook"}' \
            'linux.intelRdt: not supported by this version of nook (and this host has no resctrl filesystem mounted)'
    fi
}
