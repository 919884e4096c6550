#!/usr/bin/env bats
# valgrind memcheck on the CLI paths that run in the nook process itself (no
# container code): spec, state, list, kill, start/create/run error paths,
# delete. Any memcheck error or definite/indirect leak fails the test.
# build/nook is static-pie, where memcheck cannot see malloc: the test runs
# build/test/nook, the same code linked dynamically (its fault points are
# inert without NOOK_FAULT).

load helpers

setup() {
    [[ "$NOOK" == "$REPO_ROOT/build/nook" ]] || skip "memcheck runs build/nook (the ASan pass has its own checker)"
    command -v valgrind >/dev/null || skip "valgrind is not installed"
    VG_NOOK="$REPO_ROOT/build/test/nook"
    [ -x "$VG_NOOK" ] || fail "$VG_NOOK is missing: run 'make test-build'" || return 1
    setup_bundle
}

teardown() {
    teardown_bundle
}

# vg [--fail] ARGS...: nook under memcheck; the command's own exit status
# must be 0 (or non-zero with --fail); memcheck must report nothing.
vg() {
    local want=ok
    if [ "$1" = --fail ]; then
        want=fail
        shift
    fi
    local rc=0
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --log-file="$BUNDLE/vg.log" \
        "$VG_NOOK" --root "$NOOK_ROOT" "$@" </dev/null >"$BUNDLE/vg.out" 2>&1 || rc=$?
    # "--PID--" lines are valgrind's own notes (pidfd_open is unknown to
    # valgrind 3.19: nook falls back to kill()); "==PID==" lines are reports
    [ "$rc" -ne 99 ] && ! grep -q '^==' "$BUNDLE/vg.log" ||
        fail "memcheck on 'nook $*':
$(cat "$BUNDLE/vg.log")"
    if [ "$want" = ok ]; then
        [ "$rc" -eq 0 ] || fail "'nook $*' exited $rc: $(cat "$BUNDLE/vg.out")"
    else
        [ "$rc" -ne 0 ] || fail "'nook $*' succeeded"
    fi
}

@test "valgrind: spec, --version, --help, list of an empty root" {
    rm -f "$BUNDLE/config.json"
    vg spec
    jq -e .ociVersion "$BUNDLE/config.json" >/dev/null
    vg --version
    vg --help
    vg list
    vg list --format json
}

@test "valgrind: state, list, kill, start error and delete of a created container" {
    set_probe sleep=60
    nook create "$ID" </dev/null >/dev/null 2>&1
    vg state "$ID"
    vg list
    vg list --format json
    vg list -q
    vg kill "$ID" CONT
    vg --fail start "$ID-missing"
    vg --fail delete "$ID-missing"
    vg delete --force "$ID"
    assert_no_leftovers
}

@test "valgrind: create error paths (bad JSON, bad fields, bad ids, bad flags)" {
    vg --fail create "bad/id"
    vg --fail create --bogus "$ID"
    vg --fail create --bundle /nonexistent "$ID"
    echo '{"ociVersion": ' >"$BUNDLE/config.json"
    vg --fail create "$ID"
    echo '[]' >"$BUNDLE/config.json"
    vg --fail create "$ID"
    write_default_config
    update_config '.process.args = []'
    vg --fail create "$ID"
    write_default_config
    update_config '.mounts[0].destination = "proc" | .linux.namespaces[0].type = "foo"'
    vg --fail run "$ID"
    write_default_config
    update_config '.process.rlimits = [{type: "RLIMIT_FOO", soft: 1, hard: 1}]'
    vg --fail create "$ID"
    write_default_config
    update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_FOO"}'
    vg --fail create "$ID"
    vg --fail kill "$ID" SIGFOO
    vg --fail state "$ID"
    assert_no_leftovers
}

@test "valgrind: state and delete of a container whose process died" {
    set_probe exit=0
    nook create "$ID" </dev/null >/dev/null 2>&1
    nook start "$ID"
    wait_for_status "$ID" stopped
    vg state "$ID"
    vg delete "$ID"
    assert_no_leftovers
}
