#!/usr/bin/env bats
# process.terminal with --console-socket: the pty master reaches the caller
# (runc's protocol), the container gets the peer as stdio, controlling tty
# and /dev/console.

load helpers

RECVTTY="$REPO_ROOT/build/nook-recvtty"

setup() {
    setup_bundle
    [ -x "$RECVTTY" ] || fail "build/nook-recvtty is missing: make helper"
    SOCK="$BUNDLE/tty.sock"
    update_config '.process.terminal = true'
}

teardown() {
    [ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
    teardown_bundle
}

# start_receiver [INPUT]: a console-socket listener writing to $BUNDLE/tty.out

# create on the console socket, start, and wait until the pty closes
run_on_console() {
    nook create --console-socket "$SOCK" "$ID" </dev/null >/dev/null 2>&1
    nook start "$ID"
    wait_receiver
}

@test "terminal: the pty master is sent over --console-socket; stdio, ctty and /dev/console are the pty" {
    start_receiver
    set_probe fds stat=/dev/console
    run_on_console
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"name=/dev/pts/0"* ]] || fail "pty name: $out"
    [[ "$out" == *"fd.0=/dev/pts/0"* ]] || fail "stdin: $out"
    [[ "$out" == *"fd.1=/dev/pts/0"* ]] || fail "stdout: $out"
    [[ "$out" == *"fd.2=/dev/pts/0"* ]] || fail "stderr: $out"
    # /dev/console is the same pty (char 136:0)
    [[ "$out" == *"stat./dev/console=chr:"*":136:0"* ]] || fail "/dev/console: $out"
    # nothing else of nook's was inherited
    [[ "$out" != *"fd.3="* ]] || fail "leaked fd: $out"
}

@test "terminal: bytes typed into the master reach the process, its output comes back" {
    start_receiver 'echo typed-$((6*7)); tty; exit 7\n'
    set_args /bin/sh
    run_on_console
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"typed-42"* ]] || fail "no command output: $out"
    [[ "$out" == *"/dev/pts/0"* ]] || fail "tty did not answer: $out"
    wait_for_status "$ID" stopped
}

@test "terminal: consoleSize sets the window size" {
    start_receiver
    update_config '.process.consoleSize = {height: 33, width: 101}'
    set_args /bin/sh -c 'stty size'
    run_on_console
    [[ "$(tr -d '\r' <"$BUNDLE/tty.out")" == *"33 101"* ]] || fail "size: $(cat "$BUNDLE/tty.out")"
}

@test "terminal: create with a terminal but no console socket fails like runc, nothing left" {
    run nook create "$ID"
    assert_failure
    assert_output --partial "cannot allocate tty"
    assert_no_leftovers
}

@test "terminal: a console socket without a terminal is refused" {
    update_config '.process.terminal = false'
    run nook create --console-socket "$SOCK" "$ID"
    assert_failure
    assert_output --partial "console socket"
    assert_no_leftovers
}

@test "terminal: an image whose /dev/pts/ptmx would be a symlink cannot redirect the pty (CVE-2025-52565)" {
    start_receiver
    # devpts is mounted over /dev/pts, so the image's own entry never counts;
    # an image-planted /dev/ptmx symlink is replaced by nook's own
    mkdir -p "$ROOTFS/dev"
    ln -sf /proc/sysrq-trigger "$ROOTFS/dev/ptmx"
    ln -s busybox "$ROOTFS/bin/readlink"
    set_args /bin/sh -c 'readlink /dev/ptmx; tty'
    run_on_console
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"/dev/pts/0"* ]] || fail "tty: $out"
    [[ "$out" == *"pts/ptmx"* ]] || fail "/dev/ptmx still points elsewhere: $out"
    [[ "$out" != *"sysrq"* ]] || fail "image symlink kept: $out"
}
