#!/usr/bin/env bats
# The core flows (run, create/start, kill, delete, state) with their effects
# asserted from inside (the probe) and outside (/proc, the state root).

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

# A signal sent by the probe to itself only kills it when it is not pid 1 of a
# PID namespace (see nook-probe.c), so these tests run it in the host's.
without_pid_ns() {
    update_config '.linux.namespaces |= map(select(.type != "pid"))'
}

# Runs a detached container with stdio in $BUNDLE/out (a pipe would keep the
# caller waiting for the container's end).
run_detached() {
    nook run -d "$@" "$ID" >"$BUNDLE/out" 2>&1 </dev/null
}

ancestors_of_shell() {
    local p="$BASHPID"
    while [ -n "$p" ] && [ "$p" != 0 ]; do
        p="$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
        [ -n "$p" ] && echo "$p"
    done
}

@test "run prints the container's output and exits 0" {
    set_probe ids hostname pid
    run nook run "$ID"
    assert_success
    assert_line "uid=0"
    assert_line "gid=0"
    assert_line "hostname=$(jq -r .hostname "$BUNDLE/config.json")"
    # A new PID namespace: the probe is its init.
    assert_line "pid=1"
    run nook state "$ID"
    assert_failure
    assert_no_leftovers
}

@test "run exits with the container's exit status" {
    set_probe exit=3
    run nook run "$ID"
    [ "$status" -eq 3 ]
    set_probe exit=0
    run nook run "$ID"
    [ "$status" -eq 0 ]
}

@test "run of a container killed by SIGKILL exits 137" {
    without_pid_ns
    set_probe kill=9
    run nook run "$ID"
    [ "$status" -eq 137 ]
}

@test "run of a container killed by SIGTERM exits 143" {
    without_pid_ns
    set_probe kill=15
    run nook run "$ID"
    [ "$status" -eq 143 ]
}

@test "run --detach returns while the container runs, reparented away from nook" {
    set_probe pause
    run_detached
    wait_for_status "$ID" running
    local pid ppid
    pid="$(container_pid "$ID")"
    pid_alive "$pid"
    ppid="$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")"
    # nook has exited, so the parent is the nearest subreaper above us or pid 1.
    [ "$ppid" = 1 ] || ancestors_of_shell | grep -qx "$ppid" ||
        fail "init $pid has parent $ppid: $(tr '\0' ' ' <"/proc/$ppid/cmdline")"
    [ "$ppid" != "$BASHPID" ]
    nook delete -f "$ID"
    ! pid_alive "$pid" || fail "pid $pid is still alive"
}

@test "run --keep leaves a stopped container that delete removes" {
    set_probe ids
    run nook run --keep "$ID"
    assert_success
    assert_line "uid=0"
    run nook state "$ID"
    assert_success
    [ "$(jq -r .status <<<"$output")" = stopped ]
    [ "$(jq -r .pid <<<"$output")" = 0 ]
    [ "$(jq -r .id <<<"$output")" = "$ID" ]
    [ "$(jq -r .bundle <<<"$output")" = "$BUNDLE" ]
    nook delete "$ID"
    [ ! -e "$NOOK_ROOT/$ID" ]
    run nook state "$ID"
    assert_failure
}

@test "run starts init with its final GO: no exec.fifo unless a startContainer hook reports through it" {
    set_args /bin/true
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" run strace -f -qq -e trace=mknodat -o "$BUNDLE/trace" "$NOOK" --root "$NOOK_ROOT" run "$ID"
    assert_success
    ! grep -q exec.fifo "$BUNDLE/trace" || fail "run made the fifo: $(cat "$BUNDLE/trace")"
    # a startContainer hook's failure reaches `run` through the fifo
    update_config '.hooks.startContainer = [{path: "/bin/false"}]'
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" run strace -f -qq -e trace=mknodat -o "$BUNDLE/trace" "$NOOK" --root "$NOOK_ROOT" run "$ID"
    assert_failure
    grep -q exec.fifo "$BUNDLE/trace"
    [[ "$output" == *startContainer* ]] || fail "no hook error: $output"
    nook delete -f "$ID" 2>/dev/null || true
}

@test "create leaves init blocked before the user process; start runs it" {
    set_probe ready=/tmp/started pause
    nook create "$ID" >"$BUNDLE/out" 2>&1 </dev/null
    run nook state "$ID"
    assert_success
    [ "$(jq -r .status <<<"$output")" = created ]
    local pid
    pid="$(jq -r .pid <<<"$output")"
    [ "$pid" -gt 0 ]
    pid_alive "$pid"
    # Blocked: the probe has not run yet.
    sleep 0.2
    [ ! -e "$ROOTFS/tmp/started" ]

    nook start "$ID"
    wait_for_file "$ROOTFS/tmp/started"
    wait_for_status "$ID" running
    [ "$(container_pid "$ID")" = "$pid" ]
    # The user process replaced init in place.
    [ "$(readlink "/proc/$pid/exe")" = /bin/nook-probe ] ||
        [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == "/bin/nook-probe ready=/tmp/started pause "* ]]
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped
    [ "$(container_pid "$ID")" = 0 ]
    nook delete "$ID"
}

@test "create then start of a short process ends stopped" {
    set_probe exit=0
    nook create "$ID" </dev/null >/dev/null 2>&1
    nook start "$ID"
    wait_for_status "$ID" stopped
    nook delete "$ID"
    [ ! -e "$NOOK_ROOT/$ID" ]
}

@test "create --pid-file writes the bare decimal pid, matching state" {
    set_probe pause
    nook create --pid-file "$BUNDLE/init.pid" "$ID" </dev/null >/dev/null 2>&1
    local pid content
    pid="$(container_pid "$ID")"
    content="$(cat "$BUNDLE/init.pid")"
    [ "$content" = "$pid" ]
    # No trailing newline: containerd parses the whole file with Atoi.
    [ "$(wc -c <"$BUNDLE/init.pid")" -eq "${#pid}" ]
    [[ "$content" =~ ^[1-9][0-9]*$ ]]
}

@test "create --pid-file with a relative path is relative to the caller's cwd" {
    set_probe pause
    mkdir "$BUNDLE/sub"
    cd "$BUNDLE/sub"
    nook create --bundle "$BUNDLE" --pid-file rel.pid "$ID" </dev/null >/dev/null 2>&1
    cd /
    [ "$(cat "$BUNDLE/sub/rel.pid")" = "$(container_pid "$ID")" ]
}

@test "--console-socket without process.terminal is refused like runc, leaving nothing" {
    set_probe pause
    run nook create --console-socket "$BUNDLE/console.sock" "$ID"
    # runc: "cannot use console socket if runc will not detach or allocate tty".
    assert_failure
    assert_output --partial "cannot use console socket"
    run nook state "$ID"
    assert_failure
    assert_no_leftovers
}

@test "run --no-pivot runs the container" {
    set_probe ids stat=/bin/nook-probe
    run nook run --no-pivot "$ID"
    assert_success
    assert_line "uid=0"
    [[ "$(probe_get stat./bin/nook-probe)" == file:* ]]
}

@test "a new session keyring named after the container, or the caller's with --no-new-keyring" {
    # the default seccomp profile refuses keyctl, which the probe reads the keyring with
    update_config 'del(.linux.seccomp)'
    set_probe keyring
    run nook run "$ID"
    assert_success
    [[ "$(probe_get keyring)" == keyring\;*\;_ses."$ID" ]] || fail "keyring: $output"

    local mine
    mine="$("$PROBE" keyring)"
    run nook run --no-new-keyring "$ID"
    assert_success
    [ "keyring=$(probe_get keyring)" = "$mine" ] || fail "expected $mine, got $output"
}

@test "--preserve-fds 2 passes fds 3 and 4, not 5" {
    set_probe fds
    : >"$BUNDLE/three"
    : >"$BUNDLE/four"
    : >"$BUNDLE/five"
    run nook run --preserve-fds 2 "$ID" 3<"$BUNDLE/three" 4<"$BUNDLE/four" 5<"$BUNDLE/five"
    assert_success
    [[ "$(probe_get fd.3)" == *three ]] || fail "fd 3: $output"
    [[ "$(probe_get fd.4)" == *four ]] || fail "fd 4: $output"
    [ -z "$(probe_get fd.5)" ] || fail "fd 5 leaked: $output"
    # Without the flag only stdio reaches the container.
    run nook run "$ID" 3<"$BUNDLE/three"
    assert_success
    [ -z "$(probe_get fd.3)" ] || fail "fd 3 leaked: $output"
}

@test "kill sends SIGTERM by default" {
    set_probe wait-signal=/tmp/ready
    run_detached
    wait_for_file "$ROOTFS/tmp/ready"
    nook kill "$ID"
    wait_for_status "$ID" stopped
    grep -qx "signal=15" "$BUNDLE/out" || fail "$(cat "$BUNDLE/out")"
}

@test "kill accepts signal names, SIG-prefixed names and numbers" {
    set_probe wait-signal=/tmp/ready
    run_detached
    wait_for_file "$ROOTFS/tmp/ready"
    nook kill "$ID" SIGUSR1
    wait_for_status "$ID" stopped
    grep -qx "signal=10" "$BUNDLE/out" || fail "$(cat "$BUNDLE/out")"
    nook delete "$ID"

    rm -f "$ROOTFS/tmp/ready"
    run_detached
    wait_for_file "$ROOTFS/tmp/ready"
    nook kill "$ID" 12
    wait_for_status "$ID" stopped
    grep -qx "signal=12" "$BUNDLE/out" || fail "$(cat "$BUNDLE/out")"
}

@test "kill ID KILL stops a container that ignores SIGTERM" {
    set_probe pause
    run_detached
    wait_for_status "$ID" running
    local pid
    pid="$(container_pid "$ID")"
    # pid 1 of its namespace without a handler: TERM is dropped.
    nook kill "$ID" TERM
    sleep 0.2
    [ "$(container_status "$ID")" = running ]
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped
    ! pid_alive "$pid" || fail "pid $pid is still alive"
}

@test "kill --all signals every process of the container" {
    set_args /bin/sh -c '/bin/nook-probe pause & /bin/nook-probe ready=/tmp/ready pause'
    run_detached
    wait_for_file "$ROOTFS/tmp/ready"
    nook kill --all "$ID" KILL
    wait_for_status "$ID" stopped
    local i
    for i in $(seq 50); do
        [ -z "$(procs_inside "$BUNDLE" "$ROOTFS_DEVINO")" ] && break
        sleep 0.1
    done
    assert_equal "$(procs_inside "$BUNDLE" "$ROOTFS_DEVINO")" ""
}

@test "kill --all ID 9 succeeds after init has exited (containerd's cleanup)" {
    set_probe exit=0
    run_detached
    wait_for_status "$ID" stopped
    run nook kill --all "$ID" 9
    assert_success
}

@test "kill of a stopped container fails with 'container not running'" {
    set_probe exit=0
    run_detached
    wait_for_status "$ID" stopped
    run nook kill "$ID" KILL
    assert_failure
    assert_output --partial "container not running"
}

@test "delete of a running container fails and leaves it running" {
    set_probe pause
    run_detached
    wait_for_status "$ID" running
    run nook delete "$ID"
    assert_failure
    assert_output --partial "cannot delete container $ID that is not stopped: running"
    [ "$(container_status "$ID")" = running ]
}

@test "delete --force kills a running container and removes it" {
    set_probe pause
    run_detached
    wait_for_status "$ID" running
    local pid
    pid="$(container_pid "$ID")"
    nook delete --force "$ID"
    ! pid_alive "$pid" || fail "pid $pid is still alive"
    [ ! -e "$NOOK_ROOT/$ID" ]
    assert_no_leftovers
}

@test "delete --force removes a created container" {
    set_probe pause
    nook create "$ID" </dev/null >/dev/null 2>&1
    local pid
    pid="$(container_pid "$ID")"
    nook delete -f "$ID"
    ! pid_alive "$pid" || fail "pid $pid is still alive"
    [ ! -e "$NOOK_ROOT/$ID" ]
}

@test "state of a container whose process died is stopped with pid 0" {
    set_probe pause
    run_detached
    wait_for_status "$ID" running
    kill -9 "$(container_pid "$ID")"
    wait_for_status "$ID" stopped
    [ "$(container_pid "$ID")" = 0 ]
    nook delete "$ID"
}

# Points the container's state at PID, in nook's or runc's state.json layout.
point_state_at_pid() {
    local f="$NOOK_ROOT/$ID/state.json"
    if jq -e 'has("init_process_pid")' "$f" >/dev/null; then
        jq --argjson p "$1" '.init_process_pid = $p' "$f" >"$f.new"
    else
        jq --argjson p "$1" '.pid = $p' "$f" >"$f.new"
    fi
    mv "$f.new" "$f"
}

# Creates the container, kills its init, and points its state at an unrelated
# live process started later (REUSED_PID): what a reused pid looks like.
fake_pid_reuse() {
    set_probe pause
    nook create "$ID" </dev/null >/dev/null 2>&1
    local pid
    pid="$(container_pid "$ID")"
    kill -9 "$pid"
    for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
    sleep 1000 &
    REUSED_PID=$!
    point_state_at_pid "$REUSED_PID"
}

@test "a state.json pid reused by an unrelated process reads as stopped" {
    fake_pid_reuse
    local other="$REUSED_PID"
    run nook state "$ID"
    kill -9 "$other"
    wait "$other" 2>/dev/null || true
    assert_success
    [ "$(jq -r .status <<<"$output")" = stopped ]
    nook delete "$ID"
}

@test "delete does not signal an unrelated process that reused the pid" {
    fake_pid_reuse
    local other="$REUSED_PID"
    run nook delete -f "$ID"
    local alive=no
    pid_alive "$other" && alive=yes
    kill -9 "$other"
    wait "$other" 2>/dev/null || true
    assert_success
    assert_equal "$alive" yes
}

@test "create of an existing id fails: container \"x\" already exists" {
    set_probe pause
    nook create "$ID" </dev/null >/dev/null 2>&1
    local pid
    pid="$(container_pid "$ID")"
    run nook create "$ID"
    assert_failure
    assert_output --partial "container \"$ID\" already exists"
    # The first container is untouched.
    [ "$(container_pid "$ID")" = "$pid" ]
    [ "$(container_status "$ID")" = created ]
}

@test "commands on a missing id fail: container \"x\" does not exist" {
    local cmd
    for cmd in state start "kill" delete; do
        run nook $cmd nk-missing
        assert_failure
        assert_output --partial 'container "nk-missing" does not exist'
    done
}

@test "delete --force of a missing id succeeds quietly, like runc (podman and the shim rely on it)" {
    run nook delete --force nk-missing
    assert_success
    assert_output ""
    [ ! -e "$NOOK_ROOT/nk-missing" ]
}

@test "start of a running container fails and leaves it running" {
    set_probe pause
    run_detached
    wait_for_status "$ID" running
    run nook start "$ID"
    assert_failure
    assert_output --partial "cannot start an already running container"
    [ "$(container_status "$ID")" = running ]
}

@test "start of a stopped container fails" {
    set_probe exit=0
    nook create "$ID" </dev/null >/dev/null 2>&1
    nook start "$ID"
    wait_for_status "$ID" stopped
    run nook start "$ID"
    assert_failure
    assert_output --partial "cannot start a container that has stopped"
}

@test "list shows containers of this root" {
    set_probe pause
    nook create "$ID" </dev/null >/dev/null 2>&1
    run nook list -q
    assert_success
    assert_equal "$output" "$ID"
    run nook list --format json
    assert_success
    [ "$(jq -r '.[0].id' <<<"$output")" = "$ID" ]
    [ "$(jq -r '.[0].status' <<<"$output")" = created ]
}

@test "5 parallel runs on one root all succeed" {
    set_probe ids
    local i pids=() rc=0
    for i in 1 2 3 4 5; do
        nook run "$ID-$i" >"$BUNDLE/par.$i" 2>&1 </dev/null &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || { rc=1; echo "run $((i + 1)) failed: $(cat "$BUNDLE/par.$((i + 1))")"; }
    done
    [ "$rc" -eq 0 ]
    for i in 1 2 3 4 5; do
        grep -qx "uid=0" "$BUNDLE/par.$i"
    done
    [ -z "$(state_entries "$NOOK_ROOT")" ]
}

@test "process.oomScoreAdj is written for init before it runs" {
    # raising is allowed without CAP_SYS_RESOURCE; lowering below 0 is not on this host
    update_config '.process.oomScoreAdj = 617'
    set_probe oom
    run nook run "$ID"
    assert_success
    assert_line "oom_score_adj=617"
}

@test "annotations from config.json are reported by state and list" {
    update_config '.annotations = {"org.example.a": "1", "b": "two words"}'
    set_probe pause
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook state "$ID"
    assert_success
    [ "$(jq -r '.annotations["org.example.a"]' <<<"$output")" = 1 ]
    [ "$(jq -r '.annotations.b' <<<"$output")" = "two words" ]
    run nook list --format json
    [ "$(jq -r '.[0].annotations.b' <<<"$output")" = "two words" ]
    nook delete -f "$ID"
}

@test "list reads each container as state does: every status, big state files, half-made dirs" {
    # annotations of 8 KiB: state.json outgrows list's one-read stack buffer
    update_config '.annotations = {"big": ("x" * 8192)}'
    set_probe pause
    local id
    for id in "$ID-c" "$ID-r" "$ID-p" "$ID-s"; do
        nook create "$id" </dev/null >/dev/null 2>&1
    done
    [ "$(stat -c %s "$NOOK_ROOT/$ID-c/state.json")" -gt 8192 ]
    nook start "$ID-r"
    nook start "$ID-p"
    nook pause "$ID-p"
    nook start "$ID-s"
    kill -KILL "$(container_pid "$ID-s")"
    wait_for_status "$ID-s" stopped
    # a create that died before writing its state, and a stray file
    mkdir "$NOOK_ROOT/$ID-half"
    touch "$NOOK_ROOT/not-a-container"
    run nook list --format json
    assert_success
    local statuses
    statuses="$(jq -r 'map("\(.id)=\(.status)") | sort | join(" ")' <<<"$output")"
    [ "$statuses" = "$ID-c=created $ID-p=paused $ID-r=running $ID-s=stopped" ] || fail "list: $statuses"
    [ "$(jq -r --arg id "$ID-c" '.[] | select(.id == $id) | .annotations.big | length' <<<"$output")" = 8192 ]
    for id in "$ID-c" "$ID-r" "$ID-p" "$ID-s"; do
        [ "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .pid' <<<"$output")" = \
            "$(nook state "$id" | jq -r .pid)" ] || fail "$id: list and state disagree on the pid"
    done
    run nook list
    assert_success
    assert_line --regexp "^$ID-p +[0-9]+ +paused "
    assert_line --regexp "^$ID-s +0 +stopped "
    rmdir "$NOOK_ROOT/$ID-half"
    rm "$NOOK_ROOT/not-a-container"
    nook resume "$ID-p"
    for id in "$ID-c" "$ID-r" "$ID-p" "$ID-s"; do
        nook delete -f "$id"
    done
}

@test "state has no annotations key when the config has none, like runc" {
    update_config 'del(.annotations)'
    set_probe pause
    nook run -d "$ID" </dev/null >/dev/null 2>&1
    run nook state "$ID"
    assert_success
    [ "$(jq 'has("annotations")' <<<"$output")" = false ]
    nook delete -f "$ID"
}
