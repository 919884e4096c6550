#!/usr/bin/env bats
# Out of space, fds, pids, or a read-only rootfs: each gives one clear error
# line and leaves nothing (state dir, process, mount, cgroup).

load helpers

setup() {
    setup_bundle
    TEST_CG=""
    TINY=""
}

teardown() {
    if [ -n "$TINY" ]; then
        "$NOOK" --root "$TINY/state" delete --force "$ID" >/dev/null 2>&1 || true
        umount "$TINY" 2>/dev/null || umount -l "$TINY" 2>/dev/null || true
    fi
    if [ -n "$TEST_CG" ] && [ -d "$TEST_CG" ]; then
        rmdir "$TEST_CG" 2>/dev/null || true
    fi
    umount "$BUNDLE/ro" 2>/dev/null || true
    teardown_bundle
}

# expect_one_line_error TEXT: the last command (bats `run`) failed with one
# line on stderr+stdout containing TEXT.
expect_one_line_error() {
    [ "$status" -ne 0 ] || fail "succeeded: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "expected one line, got: $output"
    [[ "$output" == *"$1"* ]] || fail "error lacks '$1': $output"
}

@test "exhaustion: a full state root (256k tmpfs) fails create with ENOSPC and leaves no container dir" {
    TINY="$BUNDLE/tiny"
    mkdir -p "$TINY"
    mount -t tmpfs -o size=256k tmpfs "$TINY"
    mkdir "$TINY/state"
    # fill every block
    dd if=/dev/zero of="$TINY/fill" bs=4k 2>/dev/null || true
    set_probe sleep=60
    run "$NOOK" --root "$TINY/state" create "$ID" </dev/null
    expect_one_line_error "No space left on device"
    [ -z "$(ls "$TINY/state")" ] || fail "left in the state root: $(ls "$TINY/state")"
    assert_no_leftovers "$ROOTFS" "$ROOTFS_DEVINO" "$TINY/state" "$ID"
    # with space again, the same root works
    rm "$TINY/fill"
    "$NOOK" --root "$TINY/state" create "$ID" </dev/null >/dev/null 2>&1
    [ "$("$NOOK" --root "$TINY/state" state "$ID" | jq -r .status)" = created ]
    "$NOOK" --root "$TINY/state" delete --force "$ID"
    [ -z "$(ls "$TINY/state")" ]
}

@test "exhaustion: a state root out of inodes fails create cleanly" {
    TINY="$BUNDLE/tiny"
    mkdir -p "$TINY"
    mount -t tmpfs -o size=1m,nr_inodes=3 tmpfs "$TINY"
    mkdir "$TINY/state"
    local i=0
    while touch "$TINY/f$i" 2>/dev/null; do i=$((i + 1)); done
    run "$NOOK" --root "$TINY/state" create "$ID" </dev/null
    expect_one_line_error "No space left on device"
    [ -z "$(ls "$TINY/state")" ]
    assert_no_leftovers "$ROOTFS" "$ROOTFS_DEVINO" "$TINY/state" "$ID"
}

@test "exhaustion: RLIMIT_NOFILE 20 is enough to run; 10 gives a clear EMFILE error and nothing left" {
    update_config 'del(.process.rlimits)'
    set_probe fds
    run bash -c 'ulimit -n 20 && exec "$0" --root "$1" run "$2" </dev/null' "$NOOK" "$NOOK_ROOT" "$ID"
    assert_success
    assert_no_leftovers
    local n
    for n in 10 8; do
        run bash -c 'ulimit -n "$3" && exec "$0" --root "$1" run "$2" </dev/null' "$NOOK" "$NOOK_ROOT" "$ID" "$n"
        expect_one_line_error "Too many open files"
        assert_no_leftovers
    done
}

@test "exhaustion: an rlimit above the caller's hard limit is refused naming process.rlimits" {
    update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: 1024}]'
    run bash -c 'ulimit -n 20 && exec "$0" --root "$1" run "$2" </dev/null' "$NOOK" "$NOOK_ROOT" "$ID"
    expect_one_line_error "process.rlimits[0]: setrlimit RLIMIT_NOFILE: Operation not permitted"
    assert_no_leftovers
}

@test "exhaustion: the caller's pids cgroup at its limit: create fails with EAGAIN, nothing left" {
    [ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
    # our own pids cgroup, limited to what the shell that runs nook already uses
    TEST_CG="/sys/fs/cgroup/pids/nook-exhaustion-${ID}"
    # (ASan build) LeakSanitizer needs a thread at exit, which the limit forbids
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    mkdir "$TEST_CG"
    set_probe sleep=60
    run bash -c 'echo $$ >"$3/cgroup.procs" && echo 1 >"$3/pids.max" &&
        exec "$0" --root "$1" create "$2" </dev/null' "$NOOK" "$NOOK_ROOT" "$ID" "$TEST_CG"
    expect_one_line_error "Resource temporarily unavailable"
    [ "$(cat "$TEST_CG/pids.events" | awk '{print $2}')" -ge 1 ] || fail "the pids limit was never hit"
    assert_no_leftovers
    rmdir "$TEST_CG"
    TEST_CG=""
}

@test "exhaustion: a read-only rootfs runs when its mount points exist" {
    mkdir "$BUNDLE/ro"
    mount --bind "$ROOTFS" "$BUNDLE/ro"
    mount -o remount,bind,ro "$BUNDLE/ro"
    update_config '.root.path = "ro"'
    set_probe mounts
    run nook run "$ID" </dev/null
    assert_success
    umount "$BUNDLE/ro"
    assert_no_leftovers
}

@test "exhaustion: a read-only rootfs without a mount point gives a clear error naming the mount" {
    mkdir "$BUNDLE/ro"
    mount --bind "$ROOTFS" "$BUNDLE/ro"
    mount -o remount,bind,ro "$BUNDLE/ro"
    update_config '.root.path = "ro" | .mounts += [{destination: "/no-such-dir", type: "tmpfs", source: "tmpfs"}]'
    run nook run "$ID" </dev/null
    expect_one_line_error "Read-only file system"
    [[ "$output" == *"mounts["* ]] || fail "the error does not name the mount: $output"
    umount "$BUNDLE/ro"
    assert_no_leftovers
}
