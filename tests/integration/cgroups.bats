#!/usr/bin/env bats
# linux.resources and linux.cgroupsPath through the v1/hybrid driver (this
# host kind: v1 controllers, cgroup2 with only hugetlb). Every value is read
# back from the cgroup file it must land in; limits are shown to act where
# the controller exists. The pure-v2 twin is tests/cgroupv2/.

load helpers
load cgroup_helpers

setup() {
    cg_unified && skip "the host is cgroup v2: tests/cgroupv2 covers it"
    setup_bundle
}

teardown() {
    teardown_bundle
}

@test "cgroups: init is in /nook/<id> in every hierarchy before create returns; state records it" {
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1
    pid="$(container_pid "$ID")"
    for ctrl in cpu cpuacct cpuset memory devices freezer blkio pids unified; do
        grep -qx "$pid" "$(cg_dir "$ctrl")/cgroup.procs" || fail "init $pid not in $ctrl"
    done
    run jq -r .nook.cgroupPath "$NOOK_ROOT/$ID/state.json"
    assert_output "/nook/$ID"
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroups: every resource lands in its v1 file" {
    major_minor="$(cat /sys/block/*/dev | head -n 1)"
    update_config '
        ($dev | split(":") | map(tonumber)) as [$maj, $min]
        | .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "burst": 1000,
                                  "idle": 0, "cpus": "0", "mems": "0"}
        | .linux.resources.memory = {"limit": 67108864, "reservation": 33554432, "swap": 134217728,
                                     "swappiness": 10}
        | .linux.resources.pids = {"limit": 50}
        | .linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
                                      "throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}]}
' --arg dev "$major_minor"
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1
    assert_equal "$(cg_read cpu cpu.shares)" 512
    assert_equal "$(cg_read cpu cpu.cfs_quota_us)" 50000
    assert_equal "$(cg_read cpu cpu.cfs_period_us)" 100000
    assert_equal "$(cg_read cpu cpu.cfs_burst_us)" 1000
    assert_equal "$(cg_read cpu cpu.idle)" 0
    assert_equal "$(cg_read cpuset cpuset.cpus)" 0
    assert_equal "$(cg_read cpuset cpuset.mems)" 0
    assert_equal "$(cg_read memory memory.limit_in_bytes)" 67108864
    assert_equal "$(cg_read memory memory.soft_limit_in_bytes)" 33554432
    assert_equal "$(cg_read memory memory.memsw.limit_in_bytes)" 134217728
    assert_equal "$(cg_read memory memory.swappiness)" 10
    assert_equal "$(cg_read pids pids.max)" 50
    assert_equal "$(cg_read blkio blkio.throttle.read_bps_device)" "$major_minor 1048576"
    assert_equal "$(cg_read blkio blkio.throttle.write_iops_device)" "$major_minor 100"
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroups: device rules land in devices.list (deny all, then what a container needs)" {
    update_config '.linux.resources.devices = [{"allow": false, "access": "rwm"},
                                              {"allow": true, "type": "c", "major": 1, "minor": 11, "access": "r"}]'
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1
    run cg_read devices devices.list
    assert_line "c 1:11 r"
    assert_line "c 1:3 rwm"
    assert_line "c 136:* rwm"
    refute_line "a *:* rwm"
    nook delete --force "$ID"
}

@test "cgroups: memory limit: a process asking for more is OOM-killed, run exits 137" {
    add_applets dd
    update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
    set_args dd if=/dev/zero of=/dev/null bs=64M count=1
    run nook run --keep "$ID" </dev/null
    assert_equal "$status" 137
    run cg_read memory memory.oom_control
    grep -Eq '^oom_kill [1-9]' <<<"$output" || fail "no oom_kill counted: $output"
    nook delete "$ID"
    assert_no_cgroup
}

@test "cgroups: pids limit stops a fork bomb" {
    update_config '.linux.resources.pids = {"limit": 8}'
    # the bomb runs in a subshell: ash exits when a fork fails
    set_args sh -c '(n=0; while [ $n -lt 30 ]; do sleep 30 & n=$((n + 1)); done); sleep 30'
    create_started
    sleep 1
    current="$(cg_read pids pids.current)"
    [ "$current" -ge 6 ] && [ "$current" -le 8 ] || fail "pids.current $current, limit 8"
    run cg_read pids pids.events
    [[ "$output" =~ ^max\ [1-9] ]] || fail "no fork was refused: $output"
    nook delete --force "$ID"
    assert_no_cgroup
}

@test "cgroups: a denied device cannot be opened (EPERM), an allowed one can" {
    with_kmsg
    set_args sh -c 'echo "<7>nook cgroups test" >/dev/kmsg && echo written'
    run nook run "$ID" </dev/null
    assert_failure
    assert_output --partial "Operation not permitted"
    update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 1, "minor": 11, "access": "w"}]'
    run nook run "$ID" </dev/null
    assert_success
    assert_output written
}

@test "cgroups: linux.cgroupsPath absolute and relative" {
    set_probe sleep=30
    update_config '.linux.cgroupsPath = $p' --arg p "/nook-test/$ID"
    nook create "$ID" </dev/null >/dev/null 2>&1
    pid="$(container_pid "$ID")"
    grep -qx "$pid" "$(cg_dir pids "/nook-test/$ID")/cgroup.procs"
    nook delete --force "$ID"
    assert_no_cgroup "/nook-test/$ID"
    update_config '.linux.cgroupsPath = $p' --arg p "nook-test/rel-$ID"
    nook create "$ID" </dev/null >/dev/null 2>&1
    pid="$(container_pid "$ID")"
    grep -qx "$pid" "$(cg_dir memory "/nook-test/rel-$ID")/cgroup.procs"
    nook delete --force "$ID"
    assert_no_cgroup "/nook-test/rel-$ID"
    rmdir /sys/fs/cgroup/*/nook-test 2>/dev/null || true
}

@test "cgroups: bad input: negative and absurd values name their JSON path" {
    bad_input '.linux.resources.memory.limit = -5' "linux.resources.memory.limit"
    bad_input '.linux.resources.memory = {"limit": 1048576, "swap": 4096}' "linux.resources.memory.swap"
    bad_input '.linux.resources.memory = {"swappiness": 101}' "linux.resources.memory.swappiness"
    bad_input '.linux.resources.cpu = {"shares": 99999999}' "linux.resources.cpu.shares"
    bad_input '.linux.resources.cpu = {"quota": -3}' "linux.resources.cpu.quota"
    bad_input '.linux.resources.cpu = {"period": 5}' "linux.resources.cpu.period"
    bad_input '.linux.resources.pids = {"limit": -7}' "linux.resources.pids.limit"
    bad_input '.linux.resources.blockIO = {"weight": 5000}' "linux.resources.blockIO.weight"
}

@test "cgroups: resources the host cannot apply fail naming the field, nothing left" {
    # hybrid: hugetlb lives in the cgroup2 tree, whose root does not delegate it here
    bad_input '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]' \
        "linux.resources.hugepageLimits"
    bad_input '.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 3}}' "linux.resources.rdma"
    bad_input '.linux.resources.network = {"classID": 7}' "linux.resources.network"
}

@test "cgroups: bad input: unified keys that escape or do not exist" {
    bad_input '.linux.resources.unified = {"../../cgroup.procs": "1"}' "linux.resources.unified"
    bad_input '.linux.resources.unified = {"memory.no_such_knob": "1"}' \
        "linux.resources.unified.memory.no_such_knob: unknown cgroup file"
    bad_input '.linux.resources.unified = {"cgroup.procs": "1"}' "linux.resources.unified"
}

@test "cgroups: bad input: .. in cgroupsPath, a cpuset outside the host's" {
    bad_input '.linux.cgroupsPath = "/nook/../../escape"' "linux.cgroupsPath"
    bad_input '.linux.cgroupsPath = "a//b"' "linux.cgroupsPath"
    bad_input '.linux.resources.cpu = {"cpus": "0-4095"}' "linux.resources.cpu.cpus: \"0-4095\" is outside the host's"
    bad_input '.linux.resources.cpu = {"mems": "7"}' "linux.resources.cpu.mems"
    bad_input '.linux.resources.cpu = {"cpus": "zero"}' "linux.resources.cpu.cpus"
}

@test "cgroups: an unprivileged caller without limits runs without a cgroup; with limits it fails" {
    chown -R 65534:65534 "$BUNDLE"
    as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups env XDG_RUNTIME_DIR="$BUNDLE" \
            "$NOOK" --root "$NOOK_ROOT" "$@"
    }
    (cd "$BUNDLE" && rm config.json && as_nobody spec --rootless)
    update_config '.process.terminal = false | .process.args = ["/bin/nook-probe", "ids"]'
    chown 65534:65534 "$BUNDLE/config.json"
    run as_nobody run "$ID" </dev/null
    assert_success
    assert_line "uid=0"
    assert_no_cgroup
    update_config '.linux.resources.pids = {"limit": 10}'
    run as_nobody run "$ID" </dev/null
    assert_failure
    assert_output --partial "create cgroup"
    assert_no_cgroup
}

@test "cgroups: --cgroup-manager=disabled runs in the caller's cgroup, makes none, refuses limits" {
    set_probe sleep=30
    "$NOOK" --cgroup-manager=disabled --root "$NOOK_ROOT" create "$ID" </dev/null >/dev/null 2>&1
    pid="$(container_pid "$ID")"
    assert_no_cgroup
    # init shares this shell's cgroup in every hierarchy
    diff "/proc/$$/cgroup" "/proc/$pid/cgroup"
    run jq -r '.nook.cgroupPath // "none"' "$NOOK_ROOT/$ID/state.json"
    assert_output none
    nook delete --force "$ID"
    ! pid_alive "$pid" || fail "pid $pid is still alive"

    update_config '.linux.resources.memory = {"limit": 67108864}'
    run "$NOOK" --cgroup-manager=disabled --root "$NOOK_ROOT" run "$ID"
    assert_failure
    assert_output --partial 'linux.resources: limits set, but cgroups are disabled'
    [ "${#lines[@]}" -eq 1 ]
    [ ! -e "$NOOK_ROOT/$ID" ]
    assert_no_cgroup

    run "$NOOK" --cgroup-manager=bogus --root "$NOOK_ROOT" list
    assert_failure
    assert_output --partial '--cgroup-manager: unknown manager "bogus"'
    run "$NOOK" --cgroup-manager=systemd --root "$NOOK_ROOT" run "$ID"
    assert_failure
    assert_output --partial 'systemd cgroup driver is not supported'
}

@test "cgroups: init moves itself in (writes 0 to each v1 tasks file), also from a new user namespace" {
    set_args /bin/cat /proc/self/cgroup
    # LeakSanitizer cannot run under ptrace (the ASan pass)
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" run strace -f -qq -e trace=execve,write -e signal=none -o "$BUNDLE/trace" \
        "$NOOK" --root "$NOOK_ROOT" run "$ID"
    assert_success
    for ctrl in cpu memory devices freezer pids; do
        assert_line --regexp "^[0-9]+:([a-z_]+,)*$ctrl(,[a-z_]+)*:/nook/$ID\$"
    done
    assert_line "0::/nook/$ID"
    # one "0" per v1 hierarchy, written by init itself (not nook, whose
    # execve is the trace's first line); nobody writes a pid number anywhere
    hiers="$(grep -cE '^[0-9]+:[a-z_,]+:' <<<"$output")"
    nook_pid="$(head -n 1 "$BUNDLE/trace" | awk '{ print $1 }')"
    joins="$(strace_joined "$BUNDLE/trace" | grep -E '^[0-9]+ +write\([0-9]+, "0", 1\) += 1' | grep -vc "^$nook_pid ")"
    [ "$joins" -eq "$hiers" ] || fail "$joins writes of 0 by init for $hiers hierarchies"
    if strace_joined "$BUNDLE/trace" | grep -E 'write\([0-9]+, "[1-9][0-9]*", [0-9]+\) += '; then
        fail "a pid number was written to a cgroup file"
    fi

    # the tasks fds were opened by the runtime: the kernel checks those
    # credentials, so init joins from inside its user namespace too
    chmod 755 "$BUNDLE"
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    set_probe sleep=30
    nook create "$ID" </dev/null >/dev/null 2>&1
    pid="$(container_pid "$ID")"
    [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 100000 ]
    for ctrl in cpu memory devices freezer pids unified; do
        grep -qx "$pid" "$(cg_dir "$ctrl")/cgroup.procs" || fail "userns init $pid not in $ctrl"
    done
    nook delete --force "$ID"
    assert_no_cgroup
}
