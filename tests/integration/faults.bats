#!/usr/bin/env bats
# Fault injection: nook dies (as by SIGKILL) at every NK_FAULT_POINT in turn,
# then `state` and `list` must tell the truth and `delete --force` must leave
# nothing: no process, no mount, no cgroup, no state dir, no open fd.
#
# The points come from the test build itself (`NOOK_FAULT=list build/test/nook`,
# see src/util/fault.h); the first test checks that they match the sources and
# that each has exactly one @test line below (bats 1.8 reads @test lines).
# To add a point: NK_FAULT_POINT("area.what") in src/ and one @test line here.
#
# Each point is reached by running scenarios in turn (each one in the same
# fresh bundle) until the point's name shows up in NOOK_FAULT_LOG:
#   lifecycle  create --pid-file (with oomScoreAdj), start, state, kill CONT,
#              delete --force
#   run        foreground run of a short process
#   slow       create+delete of a user-namespace container that joins a
#              network namespace by path (the spawn path with an
#              intermediate process)
#   exec       run --detach, exec, exec --detach, delete --force

load helpers

FAULT_NOOK="${NOOK_FAULT_BIN:-$REPO_ROOT/build/test/nook}"

setup() {
    # The fault build is one binary: test it once, not again for the ASan
    # pass or against another runtime.
    [[ "$NOOK" == "$REPO_ROOT/build/nook" ]] || skip "fault points are tested with build/test/nook"
    [ -x "$FAULT_NOOK" ] || fail "$FAULT_NOOK is missing: run 'make test-build'" || return 1
    setup_bundle
    FAULT_LOG="$BUNDLE/fault.log"
    MOUNTS_BEFORE="$BUNDLE/mountinfo.before"
    cat /proc/self/mountinfo >"$MOUNTS_BEFORE"
}

teardown() {
    teardown_bundle
}

# nook_f ARGS...: the fault build with NOOK_FAULT=$POINT; never fails the test.
nook_f() {
    NOOK_FAULT="$POINT" NOOK_FAULT_LOG="$FAULT_LOG" "$FAULT_NOOK" --root "$NOOK_ROOT" "$@" \
        </dev/null >>"$BUNDLE/fault.out" 2>&1 || true
}

hit() {
    grep -q -x -F -- "$POINT" "$FAULT_LOG" 2>/dev/null
}

scenario_lifecycle() {
    set_probe sleep=60
    update_config '.process.oomScoreAdj = 100'
    nook_f create --pid-file "$BUNDLE/pid" "$ID"
    hit && return
    nook_f start "$ID"
    hit && return
    nook_f state "$ID"
    hit && return
    nook_f kill "$ID" CONT
    hit && return
    nook_f delete --force "$ID"
}

scenario_exec() {
    set_probe sleep=60
    nook_f run --detach "$ID"
    hit && return
    nook_f exec "$ID" /bin/true
    hit && return
    nook_f exec --detach "$ID" /bin/sleep 60
    hit && return
    nook_f delete --force "$ID"
}

scenario_run() {
    set_probe ids
    nook_f run "$ID"
}

scenario_slow() {
    set_probe sleep=60
    chmod 755 "$BUNDLE"
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.namespaces = ([.linux.namespaces[] | select(.type != "network" and .type != "user")]
            + [{type: "user"}, {type: "network", path: "/proc/self/ns/net"}])
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    nook_f create "$ID"
    hit && return
    nook_f delete --force "$ID"
}

# Processes whose fds point into the bundle (state dir, exec.fifo, rootfs).
fds_inside() {
    find /proc/[0-9]*/fd -maxdepth 1 -lname "$1/*" 2>/dev/null | grep -v "^/proc/$BASHPID/" || true
}

# The container's processes die on their own when nook dies mid-create
# (init's sync socket reaches EOF): give them a moment.
settle() {
    local i
    for i in $(seq 1 40); do
        [ -z "$(procs_inside "$BUNDLE" "$ROOTFS_DEVINO")" ] && return 0
        sleep 0.05
    done
}

# state and list agree with what is really there.
check_truth() {
    local out status pid listed
    settle
    if out="$(nook state "$ID" 2>&1)"; then
        status="$(jq -r .status <<<"$out")" || fail "state is not JSON: $out" || return 1
        pid="$(jq -r .pid <<<"$out")"
        case "$status" in
        created | running)
            [ "$pid" -gt 0 ] && pid_alive "$pid" ||
                fail "state says $status with pid $pid, which is not alive" || return 1
            ;;
        stopped)
            [ "$pid" = 0 ] || fail "stopped with pid $pid" || return 1
            # a stopped container whose init has died may still have its
            # other processes: only init is promised to be gone
            ;;
        *) fail "state reports status '$status'" || return 1 ;;
        esac
        listed="$(nook list --format json | jq -r --arg id "$ID" '.[]? | select(.id == $id) | .status')"
        [ "$listed" = "$status" ] || fail "list says '$listed', state says '$status'" || return 1
    else
        [[ "$out" == *"does not exist"* || "$out" == *"not fully created"* ]] ||
            fail "state failed unexpectedly: $out" || return 1
        # nothing may run that state cannot tell about
        [ -z "$(procs_inside "$BUNDLE" "$ROOTFS_DEVINO")" ] ||
            fail "state says '$out' but processes run: $(procs_inside "$BUNDLE" "$ROOTFS_DEVINO")" || return 1
        nook list --format json >/dev/null || fail "list failed after the fault" || return 1
    fi
}

check_cleanup() {
    local out
    if ! out="$(nook delete --force "$ID" 2>&1)"; then
        [[ "$out" == *"does not exist"* ]] || fail "delete --force failed: $out" || return 1
    fi
    settle
    assert_no_leftovers || return 1
    local fds
    fds="$(fds_inside "$BUNDLE")"
    [ -z "$fds" ] || fail "fds left open into the bundle: $fds" || return 1
    local added
    added="$(diff <(sort "$MOUNTS_BEFORE") <(sort /proc/self/mountinfo) | grep '^>' | grep -F -- "$BUNDLE" || true)"
    [ -z "$added" ] || fail "mounts added: $added" || return 1
}

fault_case() {
    POINT="$1"
    local sc
    for sc in lifecycle run slow exec; do
        write_default_config
        "scenario_$sc"
        if hit; then
            check_truth || return 1
            check_cleanup || return 1
            return 0
        fi
        # not reached: the final check of the hit sees anything this left
        nook delete --force "$ID" >/dev/null 2>&1 || true
    done
    fail "fault point $POINT was not reached by any scenario; output: $(cat "$BUNDLE/fault.out")"
}

@test "faults: every point in the sources is compiled in and has one test" {
    local listed sources tests
    listed="$(NOOK_FAULT=list "$FAULT_NOOK" | sort)"
    sources="$(grep -rhoE 'NK_FAULT_POINT\("[^"]+"\)' "$REPO_ROOT/src" | sed 's/.*("\(.*\)")/\1/' | sort -u)"
    tests="$(sed -n 's/^@test "faults: \([a-z0-9_.]*\)" { fault_case \1; }$/\1/p' "$BATS_TEST_FILENAME" | sort)"
    [ "$(uniq -d <<<"$listed")" = "" ] || fail "point names used twice: $(uniq -d <<<"$listed")"
    [ "$listed" = "$sources" ] || fail "build and sources differ: $(diff <(echo "$listed") <(echo "$sources"))"
    [ "$listed" = "$tests" ] || fail "points and tests differ: $(diff <(echo "$listed") <(echo "$tests"))"
    [ "$(wc -l <<<"$listed")" -ge 30 ]
}

@test "faults: release builds have no fault points" {
    ! grep -q -a 'create.after_state_dir' "$REPO_ROOT/build/nook" || fail 'the release binary has fault points'
    run env NOOK_FAULT=list "$REPO_ROOT/build/nook" --version
    assert_success
    assert_output --partial "nook version"
}

@test "faults: cgroup.after_mkdir" { fault_case cgroup.after_mkdir; }
@test "faults: create.after_cgroup" { fault_case create.after_cgroup; }
@test "faults: create.after_fifo" { fault_case create.after_fifo; }
@test "faults: create.after_oom_score" { fault_case create.after_oom_score; }
@test "faults: create.after_ready" { fault_case create.after_ready; }
@test "faults: create.after_spawn" { fault_case create.after_spawn; }
@test "faults: create.after_state_dir" { fault_case create.after_state_dir; }
@test "faults: create.after_state_save" { fault_case create.after_state_save; }
@test "faults: create.before_pid_file" { fault_case create.before_pid_file; }
@test "faults: create.before_state_dir" { fault_case create.before_state_dir; }
@test "faults: create.before_state_save" { fault_case create.before_state_save; }
@test "faults: create.done" { fault_case create.done; }
@test "faults: delete.after_cgroup_destroy" { fault_case delete.after_cgroup_destroy; }
@test "faults: delete.after_lock" { fault_case delete.after_lock; }
@test "faults: delete.after_signal" { fault_case delete.after_signal; }
@test "faults: delete.before_remove" { fault_case delete.before_remove; }
@test "faults: exec.after_clone" { fault_case exec.after_clone; }
@test "faults: exec.after_spawn" { fault_case exec.after_spawn; }
@test "faults: exec.child.after_join" { fault_case exec.child.after_join; }
@test "faults: exec.child.after_pid" { fault_case exec.child.after_pid; }
@test "faults: fs.atomic.before_rename" { fault_case fs.atomic.before_rename; }
@test "faults: init.after_go" { fault_case init.after_go; }
@test "faults: init.after_keyring" { fault_case init.after_keyring; }
@test "faults: init.after_process_setup" { fault_case init.after_process_setup; }
@test "faults: init.after_ready" { fault_case init.after_ready; }
@test "faults: init.after_rootfs_finalize" { fault_case init.after_rootfs_finalize; }
@test "faults: init.after_rootfs_prepare" { fault_case init.after_rootfs_prepare; }
@test "faults: init.after_setsid" { fault_case init.after_setsid; }
@test "faults: init.after_start" { fault_case init.after_start; }
@test "faults: init.before_go" { fault_case init.before_go; }
@test "faults: kill.before_signal" { fault_case kill.before_signal; }
@test "faults: rootfs.after_bind" { fault_case rootfs.after_bind; }
@test "faults: rootfs.after_pivot" { fault_case rootfs.after_pivot; }
@test "faults: run.after_start" { fault_case run.after_start; }
@test "faults: run.after_wait" { fault_case run.after_wait; }
@test "faults: spawn.after_clone" { fault_case spawn.after_clone; }
@test "faults: spawn.after_intermediate_clone" { fault_case spawn.after_intermediate_clone; }
@test "faults: spawn.before_go" { fault_case spawn.before_go; }
@test "faults: spawn.intermediate.after_fork" { fault_case spawn.intermediate.after_fork; }
@test "faults: spawn.intermediate.after_unshare" { fault_case spawn.intermediate.after_unshare; }
@test "faults: spawn.intermediate.after_userns" { fault_case spawn.intermediate.after_userns; }
@test "faults: spawn.slow.after_pid" { fault_case spawn.slow.after_pid; }
@test "faults: spawn.slow.before_idmap" { fault_case spawn.slow.before_idmap; }
@test "faults: start.after_fifo_write" { fault_case start.after_fifo_write; }
@test "faults: start.before_fifo_write" { fault_case start.before_fifo_write; }
@test "faults: state.remove.before_rmdir" { fault_case state.remove.before_rmdir; }
