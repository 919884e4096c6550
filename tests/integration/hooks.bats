#!/usr/bin/env bats
# OCI hooks: each kind runs at its point of the lifecycle, in the namespace
# the runtime-spec names, with the state JSON on stdin and exactly its env
# and args; failures and timeouts fail create and leave nothing behind;
# poststart/poststop failures only warn.

load helpers

setup() {
    setup_bundle
    LOG="$BUNDLE/hooks.log"
    # a host hook: records its name, mount namespace, the state it was given
    # and its environment
    cat >"$BUNDLE/hook.sh" <<EOF2
#!/bin/sh
state=\$(cat)
printf '%s mnt=%s status=%s pid=%s id=%s bundle=%s env=%s argc=%s\n' "\$1" "\$(readlink /proc/self/ns/mnt)" \
    "\$(printf '%s' "\$state" | jq -r .status)" "\$(printf '%s' "\$state" | jq -r .pid)" \
    "\$(printf '%s' "\$state" | jq -r .id)" "\$(printf '%s' "\$state" | jq -r .bundle)" \
    "\$(env | grep -v '^PWD=' | sort | tr '\n' ,)" "\$#" >>"$LOG"
exit \${HOOK_EXIT:-0}
EOF2
    chmod +x "$BUNDLE/hook.sh"
    HOST_MNT="$(readlink /proc/self/ns/mnt)"
}

teardown() {
    teardown_bundle
}

# hook KIND [ENV...]: the JSON of one host hook for kind KIND
hook() {
    local kind="$1"
    shift
    jq -cn --arg p "$BUNDLE/hook.sh" --arg k "$kind" '{path: $p, args: ["hook.sh", $k], env: ($ARGS.positional + ["PATH=/usr/bin:/bin"])}' --args "$@"
}

log_line() {
    grep "^$1 " "$LOG" || fail "no $1 hook ran: $(cat "$LOG" 2>/dev/null)"
}

@test "hooks: every kind runs in order, in the right namespace, with the state and its env" {
    update_config '.hooks = {
        prestart: [$pre], createRuntime: [$cr], createContainer: [$cc],
        startContainer: [{path: "/bin/sh", args: ["sh", "-c", "echo startContainer mnt=$(readlink /proc/self/ns/mnt) env=$(env | grep -v ^PWD= | sort | tr \"\\n\" ,) >>/tmp/start.log"], env: ["IN=container"]}],
        poststart: [$ps], poststop: [$pst]}' \
        --argjson pre "$(hook prestart A=1)" --argjson cr "$(hook createRuntime B=2)" \
        --argjson cc "$(hook createContainer C=3)" --argjson ps "$(hook poststart)" \
        --argjson pst "$(hook poststop)"
    set_probe cat=/tmp/start.log
    nook create "$ID" </dev/null >"$BUNDLE/init.out" 2>&1
    local pid cmnt
    pid="$(container_pid "$ID")"
    cmnt="$(readlink "/proc/$pid/ns/mnt")"
    assert_equal "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" "prestart createRuntime createContainer "
    # prestart, createRuntime: the runtime's namespace, state "creating", init's host pid
    local l
    l="$(log_line prestart)"
    [[ "$l" == *"mnt=$HOST_MNT status=creating pid=$pid id=$ID bundle=$BUNDLE "* ]] || fail "prestart: $l"
    [[ "$l" == *"env=A=1,PATH=/usr/bin:/bin,"* ]] || fail "prestart env: $l"
    [[ "$l" == *"argc=1" ]] || fail "prestart args: $l"
    l="$(log_line createRuntime)"
    [[ "$l" == *"mnt=$HOST_MNT status=creating pid=$pid "* ]] || fail "createRuntime: $l"
    [[ "$l" == *"env=B=2,PATH=/usr/bin:/bin,"* ]] || fail "createRuntime env: $l"
    # createContainer: the container's mount namespace
    l="$(log_line createContainer)"
    [[ "$l" == *"mnt=$cmnt status=creating "* ]] || fail "createContainer: $l"
    [ "$cmnt" != "$HOST_MNT" ]
    [[ "$l" == *"env=C=3,PATH=/usr/bin:/bin,"* ]] || fail "createContainer env: $l"

    nook start "$ID"
    wait_for_status "$ID" stopped
    l="$(log_line poststart)"
    [[ "$l" == *"mnt=$HOST_MNT status=running pid=$pid "* ]] || fail "poststart: $l"
    # startContainer: in the container (its path resolved there), before the program
    # (busybox sh adds PATH and SHLVL itself; nothing of nook's environment)
    l="$(cat "$ROOTFS/tmp/start.log")"
    [[ "$l" == "startContainer mnt=$cmnt env=IN=container,"* ]] || fail "startContainer: $l"
    [[ "$l" != *BATS* && "$l" != *NOOK* ]] || fail "startContainer inherited nook's environment: $l"
    # the program ran after the hook: it read what the hook wrote
    grep -qF "startContainer mnt=$cmnt" "$BUNDLE/init.out" || fail "program output: $(cat "$BUNDLE/init.out")"
    [ -z "$(grep poststop "$LOG")" ] || fail "poststop ran before delete"
    nook delete "$ID"
    l="$(log_line poststop)"
    [[ "$l" == *"mnt=$HOST_MNT status=stopped "* ]] || fail "poststop: $l"
    assert_equal "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" "prestart createRuntime createContainer poststart poststop "
}

@test "hooks: a failing createRuntime hook fails create, runs poststop, leaves nothing behind" {
    update_config '.hooks = {createRuntime: [$cr], createContainer: [$cc], poststop: [$pst]}' \
        --argjson cr "$(hook createRuntime HOOK_EXIT=3)" --argjson cc "$(hook createContainer)" \
        --argjson pst "$(hook poststop)"
    run nook create "$ID" </dev/null
    assert_failure
    assert_output --partial "hooks.createRuntime[0]"
    assert_output --partial "exited with status 3"
    [ -z "$(grep createContainer "$LOG")" ] || fail "createContainer ran after a failure"
    log_line poststop >/dev/null
    [ ! -e "$NOOK_ROOT/$ID" ] || fail "state left"
    assert_no_leftovers
}

@test "hooks: failing prestart and createContainer hooks fail create too" {
    local kind
    for kind in prestart createContainer; do
        update_config '.hooks = {($k): [$h]}' --arg k "$kind" --argjson h "$(hook "$kind" HOOK_EXIT=1)"
        run nook create "$ID" </dev/null
        assert_failure
        assert_output --partial "hooks.$kind[0]"
        assert_no_leftovers
    done
}

@test "hooks: a hook past its timeout is killed and fails create" {
    update_config '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}'
    local start=$SECONDS
    run nook create "$ID" </dev/null
    assert_failure
    assert_output --partial "timed out after 1 seconds"
    [ $((SECONDS - start)) -lt 10 ] || fail "the timeout was not enforced"
    assert_no_leftovers
    # the hook itself is gone too
    ! pgrep -f "^sleep 30$" >/dev/null || fail "hook left running"
}

@test "hooks: a failing startContainer hook fails start and stops the container before its program runs" {
    update_config '.hooks = {startContainer: [{path: "/bin/false"}]}'
    set_probe write=/tmp/ran:yes
    nook create "$ID" </dev/null >"$BUNDLE/init.out" 2>&1
    run nook start "$ID"
    assert_failure
    assert_output --partial "hooks.startContainer[0]"
    wait_for_status "$ID" stopped
    [ ! -e "$ROOTFS/tmp/ran" ] || fail "the program ran after a failing startContainer hook"
    grep -q "hooks.startContainer\[0\]" "$BUNDLE/init.out" || fail "no error: $(cat "$BUNDLE/init.out")"
    # a passing one lets start return once the program runs
    nook delete "$ID"
    update_config '.hooks = {startContainer: [{path: "/bin/true"}]}'
    nook create "$ID" </dev/null >"$BUNDLE/init.out" 2>&1
    nook start "$ID"
    wait_for_file "$ROOTFS/tmp/ran"
}

@test "hooks: failing poststart and poststop hooks only warn" {
    update_config '.hooks = {poststart: [$ps, $ok], poststop: [$pst]}' \
        --argjson ps "$(hook poststart HOOK_EXIT=1)" --argjson ok "$(hook poststart-second)" \
        --argjson pst "$(hook poststop HOOK_EXIT=1)"
    set_probe exit=0
    run nook run "$ID" </dev/null
    assert_success
    assert_output --partial "hooks.poststart[0]"
    assert_output --partial "hooks.poststop[0]"
    # the remaining hooks still ran
    log_line poststart-second >/dev/null
    [ ! -e "$NOOK_ROOT/$ID" ] || fail "state left"
}
