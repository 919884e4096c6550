#!/usr/bin/env bats
# Terminals beyond create: `exec -t` over a console socket, and a person at
# a terminal typing into `run -t` / `exec -t` without one (nook wires the pty
# to its own stdio: raw mode, window size and SIGWINCH, restored on exit).
# The interactive ones run nook under script(1), which gives it a real tty.

load helpers

RECVTTY="$REPO_ROOT/build/nook-recvtty"

setup() {
    setup_bundle
    SOCK="$BUNDLE/tty.sock"
}

teardown() {
    [ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
    teardown_bundle
}

start_container() {
    set_probe sleep=120
    nook run -d "$ID" </dev/null >"$BUNDLE/init.out" 2>&1 || fail "run -d: $(cat "$BUNDLE/init.out")"
    wait_for_status "$ID" running
}


# interactive INPUT-SCRIPT CMD...: run CMD under script(1) with rows 33 cols 99;
# INPUT-SCRIPT is a shell snippet whose output is typed (it may sleep)
interactive() {
    local input="$1"
    shift
    printf '%q ' "$@" >"$BUNDLE/cmd"
    run bash -c "($input) | script -qfec 'stty rows 33 cols 99; stty -g >$BUNDLE/stty.before; $(cat "$BUNDLE/cmd"); rc=\$?; stty -g >$BUNDLE/stty.after; exit \$rc' /dev/null"
}

@test "tty: exec -t -d with --console-socket sends a pty master; typed bytes reach the process" {
    start_container
    start_receiver 'echo typed-$((6*7)); tty; exit 5\n'
    nook exec -t -d --console-socket "$SOCK" "$ID" /bin/sh </dev/null >/dev/null 2>&1
    wait_receiver
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"name=/dev/pts/"* ]] || fail "pty name: $out"
    [[ "$out" == *"typed-42"* ]] || fail "no command output: $out"
    # the pty comes from the container's own devpts
    [[ "$out" == *$'\n/dev/pts/'* ]] || fail "tty did not answer: $out"
}

@test "tty: exec -t --console-socket gets only the pty as stdio, nothing of nook's" {
    start_container
    start_receiver
    nook exec -t -d --console-socket "$SOCK" "$ID" /bin/nook-probe fds </dev/null >/dev/null 2>&1
    wait_receiver
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"fd.0=/dev/pts/"* && "$out" == *"fd.2=/dev/pts/"* ]] || fail "stdio: $out"
    [[ "$out" != *"fd.3="* ]] || fail "leaked fd: $out"
}

@test "tty: interactive run -t: typing reaches the shell, size is the caller's, exit status, terminal restored" {
    update_config '.process.terminal = true | .process.args = ["/bin/sh"]'
    interactive "sleep 1; printf 'echo typed-\$((6*7)); stty size; tty\r'; sleep 0.5; printf 'exit 3\r'; sleep 0.5" \
        "$NOOK" --root "$NOOK_ROOT" run "$ID"
    assert_equal "$status" 3
    local out="${output//$'\r'/}"
    [[ "$out" == *"typed-42"* ]] || fail "no command output: $out"
    [[ "$out" == *"33 99"* ]] || fail "window size not passed on: $out"
    [[ "$out" == *$'\n/dev/pts/0'* ]] || fail "not on the container's pty: $out"
    cmp -s "$BUNDLE/stty.before" "$BUNDLE/stty.after" || fail "terminal modes not restored"
    [ ! -e "$NOOK_ROOT/$ID" ] || fail "state left"
}

@test "tty: interactive exec -t: typing reaches the shell, SIGWINCH resizes, terminal restored" {
    start_container
    # the resize comes from inside script's session: stty on its tty makes the
    # kernel send SIGWINCH to nook
    interactive "sleep 1; printf 'stty size\r'; sleep 1; printf 'stty size\r'; sleep 0.5; printf 'exit 4\r'; sleep 0.5" \
        bash -c "(sleep 1.5; stty rows 41 cols 121 </dev/tty) & exec \"\$0\" --root \"\$1\" exec -t \"\$2\" /bin/sh" "$NOOK" "$NOOK_ROOT" "$ID"
    assert_equal "$status" 4
    local out="${output//$'\r'/}"
    [[ "$out" == *"33 99"* ]] || fail "initial window size not passed on: $out"
    [[ "$out" == *"41 121"* ]] || fail "SIGWINCH did not resize the container's pty: $out"
    cmp -s "$BUNDLE/stty.before" "$BUNDLE/stty.after" || fail "terminal modes not restored"
}

@test "tty: run -t without a console socket in the background still fails like runc" {
    update_config '.process.terminal = true'
    run nook run -d "$ID" </dev/null
    assert_failure
    assert_output --partial "cannot allocate tty if nook will detach without setting console socket"
    assert_no_leftovers
}

@test "tty: exec -p with terminal and consoleSize over a console socket sets the window size" {
    start_container
    start_receiver
    echo '{"terminal": true, "consoleSize": {"height": 27, "width": 88}, "args": ["/bin/sh", "-c", "stty size"], "cwd": "/"}' >"$BUNDLE/p.json"
    nook exec -d -p "$BUNDLE/p.json" --console-socket "$SOCK" "$ID" </dev/null >/dev/null 2>&1
    wait_receiver
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"27 88"* ]] || fail "consoleSize not applied: $out"
}
