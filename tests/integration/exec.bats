#!/usr/bin/env bats
# `nook exec`: a new process in a running container, set up like its init
# (same namespaces, cgroup, capabilities, seccomp mode, no_new_privs) unless a
# flag says otherwise; every runc flag's effect; exit codes; refusals.

load helpers

setup() {
    setup_bundle
}

teardown() {
    [ -z "${SUBREAPER_PID:-}" ] || kill "$SUBREAPER_PID" 2>/dev/null || true
    teardown_bundle
}

# start_container PROBE-CMD...: a detached container whose init runs the
# probe commands and then sleeps; its output goes to $BUNDLE/init.out.
start_container() {
    set_probe "$@" sleep=120
    nook run -d "$ID" </dev/null >"$BUNDLE/init.out" 2>&1 || fail "run -d failed: $(cat "$BUNDLE/init.out")"
    wait_for_status "$ID" running
    INIT_PID="$(container_pid "$ID")"
}

# init_get KEY: a probe line the container's init printed
init_get() {
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q "^$1=" "$BUNDLE/init.out" && break
        sleep 0.02
    done
    probe_get "$1" "$(cat "$BUNDLE/init.out")"
}

@test "exec: the process is in every namespace of the container's init" {
    start_container
    run nook exec "$ID" /bin/nook-probe ns
    assert_success
    local ns
    for ns in cgroup ipc mnt net pid time user uts; do
        assert_equal "$(probe_get "ns.$ns")" "$(readlink "/proc/$INIT_PID/ns/$ns")"
    done
    # and not merely in the host's: the container has its own mnt/pid/ipc/uts/net
    [ "$(probe_get ns.mnt)" != "$(readlink /proc/self/ns/mnt)" ] || fail "exec stayed in the host's mount namespace"
    [ "$(probe_get ns.pid)" != "$(readlink /proc/self/ns/pid)" ] || fail "exec stayed in the host's pid namespace"
}

@test "exec: joins a user namespace and a time namespace first-class" {
    # the remapped root (host uid 100000) must be able to reach the rootfs
    chmod 755 "$BUNDLE"
    # v1 cgroup hierarchies cannot be mounted from a user namespace
    update_config '.linux.namespaces += [{"type": "user"}, {"type": "time"}]
        | .mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.timeOffsets = {"boottime": {"secs": 86400, "nanosecs": 0}}'
    start_container
    run nook exec "$ID" /bin/nook-probe ns ids
    assert_success
    assert_equal "$(probe_get ns.user)" "$(readlink "/proc/$INIT_PID/ns/user")"
    assert_equal "$(probe_get ns.time)" "$(readlink "/proc/$INIT_PID/ns/time")"
    [ "$(probe_get ns.user)" != "$(readlink /proc/self/ns/user)" ] || fail "no user namespace joined"
    assert_equal "$(probe_get uid)" 0
    run nook exec "$ID" /bin/sh -c 'cat /proc/uptime'
    assert_success
    local up_in up_host
    up_in="${output%%.*}"
    up_host="$(cut -d. -f1 /proc/uptime)"
    [ "$up_in" -ge $((up_host + 86000)) ] || fail "boottime offset not seen by exec: $up_in vs $up_host"
}

@test "exec: same cgroup, capabilities, seccomp mode and no_new_privs as init" {
    update_config '.process.noNewPrivileges = true'
    start_container caps
    run nook exec "$ID" /bin/nook-probe caps cat=/proc/self/cgroup
    assert_success
    local k
    for k in CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp; do
        assert_equal "$(probe_get "$k")" "$(init_get "$k")"
    done
    assert_equal "$(probe_get NoNewPrivs)" 1
    assert_equal "$(nook exec "$ID" /bin/cat /proc/self/cgroup)" "$(cat "/proc/$INIT_PID/cgroup")"
}

@test "exec: the container's seccomp filter and process attributes apply to exec too" {
    # getppid (110) fails with errno 42 under the filter; LINUX32 personality, io class BE 3
    update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
            syscalls: [{names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]}
        | .linux.personality = {domain: "LINUX32"}
        | .process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 3}'
    start_container
    run nook exec "$ID" /bin/nook-probe caps syscall=110 personality ioprio
    assert_success
    assert_equal "$(probe_get Seccomp)" 2
    assert_line "syscall=110 ret=-1 errno=42"
    assert_line personality=0x8
    assert_line ioprio=2:3
}

@test "exec: --cgroup runs the process in a sub-cgroup of the container's" {
    start_container
    local line dir subs=()
    # every hierarchy the container's init is in: make the sub-cgroup there
    while IFS=: read -r _ ctrl path; do
        [ -n "$path" ] && [ "$path" != / ] || continue
        if [ -z "$ctrl" ]; then
            dir="/sys/fs/cgroup/unified$path"
            [ -d "$dir" ] || dir="/sys/fs/cgroup$path"
        else
            dir="/sys/fs/cgroup/${ctrl#name=}$path"
        fi
        [ -d "$dir" ] || continue
        mkdir -p "$dir/sub" && subs+=("$dir/sub")
        if [ "$ctrl" = cpuset ]; then
            # a v1 cpuset child takes no task until it has cpus and mems
            cat "$dir/cpuset.cpus" >"$dir/sub/cpuset.cpus"
            cat "$dir/cpuset.mems" >"$dir/sub/cpuset.mems"
        fi
    done <"/proc/$INIT_PID/cgroup"
    [ "${#subs[@]}" -gt 0 ] || skip "the container has no cgroup of its own"
    run nook exec --cgroup sub "$ID" /bin/cat /proc/self/cgroup
    assert_success
    local expected
    expected="$(sed -E 's#^([^:]*:[^:]*:)(/.+)$#\1\2/sub#' "/proc/$INIT_PID/cgroup")"
    assert_equal "$output" "$expected"
}

@test "exec: exit status is the process's, 128+N when killed by signal N" {
    start_container
    run nook exec "$ID" /bin/nook-probe exit=7
    assert_equal "$status" 7
    run nook exec "$ID" /bin/nook-probe exit=0
    assert_equal "$status" 0
    # the exec'd process is not pid 1 of its namespace, so it can die by its own signal
    run nook exec "$ID" /bin/nook-probe kill=15
    assert_equal "$status" 143
    run nook exec "$ID" /bin/nook-probe kill=9
    assert_equal "$status" 137
}

@test "exec: signals sent to nook are forwarded to the process" {
    start_container
    # nook itself in the background, not the `nook` shell function
    "$NOOK" --root "$NOOK_ROOT" exec "$ID" /bin/nook-probe wait-signal=/tmp/ready >"$BUNDLE/exec.out" 2>&1 &
    local nook_pid=$!
    wait_for_file "$ROOTFS/tmp/ready"
    kill -USR1 "$nook_pid"
    local rc=0
    wait "$nook_pid" || rc=$?
    assert_equal "$rc" 0
    assert_equal "$(probe_get signal "$(cat "$BUNDLE/exec.out")")" 10
}

@test "exec: --env appends and overrides, --cwd, --user UID:GID, --additional-gids" {
    update_config '.process.env = ["PATH=/bin", "KEEP=1", "OVER=old"]'
    start_container
    run nook exec --env OVER=new -e ADDED=yes --cwd /tmp --user 1000:1001 --additional-gids 5 -g 7 \
        "$ID" /bin/nook-probe env cwd ids
    assert_success
    assert_line env=KEEP=1
    assert_line env=OVER=new
    assert_line env=ADDED=yes
    ! printf '%s\n' "$output" | grep -qx 'env=OVER=old' || fail "old OVER kept: $output"
    assert_equal "$(probe_get cwd)" /tmp
    assert_equal "$(probe_get uid)" 1000
    assert_equal "$(probe_get gid)" 1001
    assert_equal "$(probe_get groups)" 5,7
    # UID alone: gid 0, as runc does
    run nook exec --user 1000 "$ID" /bin/nook-probe ids
    assert_success
    assert_equal "$(probe_get uid)" 1000
    assert_equal "$(probe_get gid)" 0
}

@test "exec: runs with the config create kept, compacted, not the bundle's as edited since" {
    update_config '.process.env = ["PATH=/bin", "KEPT=create", "SPACED=a  b"]'
    start_container
    local kept="$NOOK_ROOT/$ID/config.json"
    # the same document without the whitespace between tokens, which every
    # exec and delete would lex again; strings keep theirs
    [ "$(jq -S . "$kept")" = "$(jq -S . "$BUNDLE/config.json")" ] || fail "the kept config is another document"
    [ "$(wc -l <"$kept")" -eq 0 ] || fail "the kept config has line breaks"
    [ "$(wc -c <"$kept")" -eq "$(jq -cj . "$BUNDLE/config.json" | wc -c)" ] ||
        fail "kept $(wc -c <"$kept") bytes, compact JSON is $(jq -cj . "$BUNDLE/config.json" | wc -c)"
    update_config '.process.env = ["PATH=/bin", "KEPT=edited"]'
    run nook exec "$ID" /bin/nook-probe env
    assert_success
    assert_line env=KEPT=create
    assert_line "env=SPACED=a  b"
}

@test "exec: the config kept is the one create read, though the bundle's changes while create runs" {
    command -v strace >/dev/null || skip "strace is not installed"
    update_config '.process.env = ["PATH=/bin", "WHICH=read"]'
    set_probe sleep=120
    # every mkdir of create waits 0.5 s (the first is the state root's, right
    # after the config is read); config.json is replaced meanwhile
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -qq -o /dev/null \
        -e trace=mkdir,mkdirat -e inject=mkdir,mkdirat:delay_enter=500000 \
        "$NOOK" --root "$NOOK_ROOT" run -d "$ID" </dev/null >"$BUNDLE/run.out" 2>&1 &
    local pid=$!
    sleep 0.25
    update_config '.process.env = ["PATH=/bin", "WHICH=replaced"]'
    wait "$pid" || fail "run -d failed: $(cat "$BUNDLE/run.out")"
    wait_for_status "$ID" running
    run nook exec "$ID" /bin/nook-probe env
    assert_success
    assert_line env=WHICH=read
}

@test "exec: --user is parsed strictly (CVE-2026-30892 class)" {
    start_container
    local bad
    for bad in 1x +1 -1 " 1" 0x1 1: :1 1:2:3 4294967295 99999999999 ""; do
        run nook exec --user "$bad" "$ID" /bin/nook-probe ids
        assert_failure
        assert_output --partial "--user"
    done
    run nook exec --additional-gids 1x "$ID" /bin/nook-probe ids
    assert_failure
    assert_output --partial "--additional-gids"
}

@test "exec: --cap adds to bounding, effective and permitted, never inheritable or ambient" {
    start_container
    run nook exec "$ID" /bin/nook-probe caps
    local inh_before="$(probe_get CapInh)" amb_before="$(probe_get CapAmb)"
    run nook exec --cap CAP_SYS_ADMIN -c CAP_NET_ADMIN "$ID" /bin/nook-probe caps
    assert_success
    local sys_admin=$((1 << 21)) net_admin=$((1 << 12)) k
    for k in CapBnd CapEff CapPrm; do
        [ $((0x$(probe_get $k) & sys_admin)) -ne 0 ] || fail "$k lacks CAP_SYS_ADMIN: $output"
        [ $((0x$(probe_get $k) & net_admin)) -ne 0 ] || fail "$k lacks CAP_NET_ADMIN: $output"
    done
    assert_equal "$(probe_get CapInh)" "$inh_before"
    assert_equal "$(probe_get CapAmb)" "$amb_before"
}

@test "exec: --no-new-privs sets it; without, the container's value" {
    update_config '.process.noNewPrivileges = false'
    start_container
    run nook exec "$ID" /bin/nook-probe caps
    assert_equal "$(probe_get NoNewPrivs)" 0
    run nook exec --no-new-privs "$ID" /bin/nook-probe caps
    assert_equal "$(probe_get NoNewPrivs)" 1
}

@test "exec: --preserve-fds passes fds 3.. and nothing more" {
    start_container
    echo preserved >"$BUNDLE/pf"
    run nook exec --preserve-fds 1 "$ID" /bin/nook-probe fds cat=/proc/self/fd/3 3<"$BUNDLE/pf"
    assert_success
    assert_output --partial preserved
    [ -n "$(probe_get fd.3)" ] || fail "fd 3 not passed: $output"
    [ -z "$(probe_get fd.4)" ] || fail "fd 4 leaked: $output"
    run nook exec "$ID" /bin/nook-probe fds 3<"$BUNDLE/pf"
    assert_success
    [ -z "$(probe_get fd.3)" ] || fail "fd 3 passed without --preserve-fds: $output"
}

@test "exec: --process FILE runs an OCI process object" {
    start_container
    cat >"$BUNDLE/process.json" <<'JSON'
{"args": ["/bin/nook-probe", "env", "cwd", "ids", "exit=3"], "env": ["FROM=file"], "cwd": "/etc",
 "user": {"uid": 1000, "gid": 1000, "additionalGids": [9]}}
JSON
    run nook exec --process "$BUNDLE/process.json" "$ID"
    assert_equal "$status" 3
    assert_line env=FROM=file
    assert_equal "$(probe_get cwd)" /etc
    assert_equal "$(probe_get uid)" 1000
    assert_equal "$(probe_get groups)" 9
    echo '{"args": []}' >"$BUNDLE/bad.json"
    run nook exec -p "$BUNDLE/bad.json" "$ID"
    assert_failure
    assert_output --partial "process.json"
}

@test "exec: --detach --pid-file returns at once; the process goes to the caller's subreaper" {
    start_container
    # a subreaper standing in for containerd's shim
    python3 -c '
import ctypes, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
time.sleep(30)' "$NOOK" --root "$NOOK_ROOT" exec -d --pid-file "$BUNDLE/exec.pid" "$ID" /bin/nook-probe sleep=30 &
    SUBREAPER_PID=$!
    wait_for_file "$BUNDLE/exec.pid"
    local pid
    pid="$(cat "$BUNDLE/exec.pid")"
    [[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file: '$pid'"
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")" = "$SUBREAPER_PID" ] && break
        sleep 0.05
    done
    assert_equal "$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")" "$SUBREAPER_PID"
    assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$INIT_PID/ns/pid")"
    kill "$SUBREAPER_PID"
    SUBREAPER_PID=
}

@test "exec: into a stopped or missing container fails with runc's wording" {
    set_probe exit=0
    nook create "$ID" </dev/null >/dev/null 2>&1
    nook start "$ID"
    wait_for_status "$ID" stopped
    run nook exec "$ID" /bin/true
    assert_failure
    assert_output --partial "cannot exec in a stopped container"
    run nook exec nosuch /bin/true
    assert_failure
    assert_output --partial 'container "nosuch" does not exist'
}

@test "exec: into a paused container fails; --ignore-paused overrides" {
    start_container
    run nook pause "$ID"
    [ "$status" -eq 0 ] || skip "nook pause is not available yet: $output"
    run nook exec "$ID" /bin/true
    assert_failure
    assert_output --partial "cannot exec in a paused container (use --ignore-paused to override)"
    # the process joins the frozen cgroup: it starts once the container resumes
    "$NOOK" --root "$NOOK_ROOT" exec -d --ignore-paused "$ID" /bin/nook-probe ready=/tmp/unpaused </dev/null >/dev/null 2>&1 &
    local exec_pid=$!
    sleep 1
    [ ! -e "$ROOTFS/tmp/unpaused" ] || fail "the process ran in a frozen container"
    nook resume "$ID"
    wait_for_file "$ROOTFS/tmp/unpaused"
    wait "$exec_pid"
}

@test "exec: bad requests fail naming the problem and leave no process behind" {
    start_container
    run nook exec --cwd relative "$ID" /bin/true
    assert_failure
    assert_output --partial "--cwd"
    run nook exec --cwd /no/such/dir "$ID" /bin/true
    assert_failure
    assert_output --partial "/no/such/dir"
    run nook exec "$ID" /bin/no-such-binary
    assert_failure
    assert_output --partial "no-such-binary"
    run nook exec "$ID"
    assert_failure
    assert_output --partial 'requires a minimum of 2 argument(s)'
    run nook exec --env NOEQUALS "$ID" /bin/true
    assert_failure
    assert_output --partial "--env"
    run nook exec --cgroup no-such-sub "$ID" /bin/true
    assert_failure
    assert_output --partial "no-such-sub"
    run nook exec --cgroup memory:sub "$ID" /bin/true
    assert_failure
    assert_output --partial "--cgroup"
    run nook exec --tty --detach "$ID" /bin/true
    assert_failure
    assert_output --partial "cannot allocate tty if nook will detach without setting console socket"
    run nook exec --console-socket "$BUNDLE/x.sock" "$ID" /bin/true
    assert_failure
    assert_output --partial "cannot use console socket"
    # only init is left in the container's pid namespace
    local ns n=0 p
    ns="$(readlink "/proc/$INIT_PID/ns/pid")"
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && n=$((n + 1))
    done
    assert_equal "$n" 1
}

@test "exec: --no-subreaper is accepted and changes nothing, like runc" {
    start_container
    run nook exec --no-subreaper "$ID" /bin/nook-probe pid
    assert_success
    [ -n "$(probe_get pid)" ] || fail "no output: $output"
}
