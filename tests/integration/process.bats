#!/usr/bin/env bats
# The container process's attributes (src/process/): args and PATH lookup,
# env, cwd, user and groups, umask, rlimits, the five capability sets,
# noNewPrivileges, fd hygiene, HOME. Effects are read by the probe inside.
# Runs against runc too (NOOK=runc) to keep the expectations honest.

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

# caps_mask NAME...: the /proc/PID/status hex of a set holding these caps.
caps_mask() {
    local m=0 n
    for n in "$@"; do
        m=$((m | (1 << $(cap_number "$n"))))
    done
    printf '%016x\n' "$m"
}

cap_number() {
    case "$1" in
    CAP_CHOWN) echo 0 ;;
    CAP_DAC_OVERRIDE) echo 1 ;;
    CAP_FOWNER) echo 3 ;;
    CAP_FSETID) echo 4 ;;
    CAP_KILL) echo 5 ;;
    CAP_SETGID) echo 6 ;;
    CAP_SETUID) echo 7 ;;
    CAP_SETPCAP) echo 8 ;;
    CAP_NET_BIND_SERVICE) echo 10 ;;
    CAP_NET_RAW) echo 13 ;;
    CAP_SYS_CHROOT) echo 18 ;;
    CAP_SYS_ADMIN) echo 21 ;;
    CAP_SYS_RESOURCE) echo 24 ;;
    CAP_MKNOD) echo 27 ;;
    CAP_AUDIT_WRITE) echo 29 ;;
    CAP_SETFCAP) echo 31 ;;
    *) echo "unknown cap $1" >&2 && return 1 ;;
    esac
}

# set_caps SET 'JSON ARRAY': process.capabilities.SET.
set_caps() {
    update_config ".process.capabilities.$1 = $2"
}

assert_caps() {
    assert_line "CapInh=$1"
    assert_line "CapPrm=$2"
    assert_line "CapEff=$3"
    assert_line "CapBnd=$4"
    assert_line "CapAmb=$5"
}

# assert_exec_error NAME TEXT: runc's `exec: "NAME": TEXT` (case-insensitive:
# strerror capitalises; runc's log escapes the quotes).
assert_exec_error() {
    local out="${output,,}" want="${2,,}"
    out="${out//\\\"/\"}"
    [[ "$out" == *"exec: \"$1\": $want"* ]] || fail "no 'exec: \"$1\": $2' in: $output"
}

# ---------- args ----------

@test "args[0] without a slash is found through the container's PATH" {
    update_config '.process.env = ["PATH=/nowhere:/bin"]'
    set_args nook-probe ids
    run nook run "$ID"
    assert_success
    assert_line "uid=0"
}

@test "an unknown command fails like runc's and leaves nothing behind" {
    set_args no-such-command
    run nook run "$ID"
    assert_failure
    assert_exec_error no-such-command 'executable file not found in $PATH'
    run nook state "$ID"
    assert_failure
    assert_no_leftovers
}

@test "a command only in a PATH entry the container's env does not list is not found" {
    update_config '.process.env = ["PATH=/usr/bin"]'
    set_args nook-probe ids
    run nook run "$ID"
    assert_failure
    assert_exec_error nook-probe 'executable file not found in $PATH'
    assert_no_leftovers
}

@test "a relative args[0] is taken from process.cwd" {
    update_config '.process.cwd = "/bin"'
    set_args ./nook-probe cwd
    run nook run "$ID"
    assert_success
    assert_line "cwd=/bin"
}

@test "what a relative PATH entry finds is refused, as Go's LookPath does" {
    update_config '.process.cwd = "/bin" | .process.env = ["PATH=:/nowhere"]'
    set_args nook-probe cwd
    run nook run "$ID"
    assert_failure
    assert_exec_error nook-probe 'cannot run executable found relative to current directory'
    assert_no_leftovers
}

@test "a missing explicit path is reported with the path" {
    set_args /bin/no-such-file
    run nook run "$ID"
    assert_failure
    assert_exec_error /bin/no-such-file 'stat /bin/no-such-file: no such file or directory'
    assert_no_leftovers
}

@test "an explicit path without an exec bit is refused" {
    cp "$ROOTFS/bin/nook-probe" "$ROOTFS/bin/noexec-probe"
    chmod 0644 "$ROOTFS/bin/noexec-probe"
    set_args /bin/noexec-probe ids
    run nook run "$ID"
    assert_failure
    [[ "${output,,}" == *"permission denied"* ]]
    assert_no_leftovers
}

# ---------- env, HOME, cwd ----------

@test "env is passed exactly, in order" {
    update_config '.process.env = ["PATH=/bin", "A=1", "B=two words", "HOME=/custom", "EMPTY="]'
    set_probe env
    run nook run "$ID"
    assert_success
    [ "$(printf '%s\n' "${lines[@]}" | grep '^env=')" = "env=PATH=/bin
env=A=1
env=B=two words
env=HOME=/custom
env=EMPTY=" ] || fail "env differs: $output"
}

@test "HOME comes from the container's /etc/passwd when env has none" {
    update_config '.process.env = ["PATH=/bin"] | .process.user.uid = 1000 | .process.user.gid = 1000'
    set_probe env
    run nook run "$ID"
    assert_success
    assert_line "env=HOME=/home/user"

    # no passwd entry for the uid: "/"
    update_config '.process.user.uid = 4242'
    run nook run "$ID"
    assert_success
    assert_line "env=HOME=/"
}

@test "cwd is entered; a missing one is created" {
    update_config '.process.cwd = "/tmp"'
    set_probe cwd
    run nook run "$ID"
    assert_success
    assert_line "cwd=/tmp"

    update_config '.process.cwd = "/does/not/exist/yet"'
    run nook run "$ID"
    assert_success
    assert_line "cwd=/does/not/exist/yet"
    [ -d "$ROOTFS/does/not/exist/yet" ]
}

@test "cwd only the target user may enter is entered after the user switch" {
    mkdir -m 0700 "$ROOTFS/private"
    chown 1000:1000 "$ROOTFS/private"
    update_config '.process.cwd = "/private" | .process.user.uid = 1000 | .process.user.gid = 1000'
    set_probe cwd ids
    run nook run "$ID"
    assert_success
    assert_line "cwd=/private"
    assert_line "uid=1000"
}

@test "cwd through a leaked fd never leaves the container root (CVE-2024-21626)" {
    local fd
    for fd in 3 4 5 6 7 8 9 10; do
        update_config '.process.cwd = $c' --arg c "/proc/self/fd/$fd"
        set_probe cwd
        run nook run "$ID"
        if [ "$status" -eq 0 ]; then
            # whatever that fd was, the cwd must be inside the root
            local cwd
            cwd="$(probe_get cwd)"
            [[ "$cwd" == /* ]] || fail "fd $fd: cwd '$cwd' is outside the root"
        fi
        assert_no_leftovers
    done
}

# ---------- user, groups, umask ----------

@test "uid, gid, additionalGids and umask" {
    update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [20, 10], "umask": 63}'
    set_probe ids umask
    run nook run "$ID"
    assert_success
    assert_line "uid=1000"
    assert_line "euid=1000"
    assert_line "gid=1001"
    assert_line "egid=1001"
    assert_line "groups=10,20"
    assert_line "umask=0077"
}

@test "umask defaults to 0022 and groups are cleared" {
    update_config 'del(.process.user.umask) | del(.process.user.additionalGids)'
    set_probe ids umask
    run nook run "$ID"
    assert_success
    assert_line "umask=0022"
    assert_line "groups="
}

# ---------- rlimits ----------

@test "rlimits are applied" {
    update_config '.process.rlimits = [
        {"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
        {"type": "RLIMIT_NPROC", "soft": 300, "hard": 400},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
    set_probe rlimits
    run nook run "$ID"
    assert_success
    assert_line "rlimit.NOFILE=100:200"
    assert_line "rlimit.NPROC=300:400"
    assert_line "rlimit.CORE=0:0"
}

@test "raising a hard rlimit without CAP_SYS_RESOURCE fails naming the rlimit" {
    local hard bnd
    hard="$(ulimit -Hn)"
    [ "$hard" != unlimited ] || skip "RLIMIT_NOFILE hard limit is unlimited here"
    bnd="$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)"
    update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": $h}]' \
        --argjson h "$((hard + 1))"
    set_probe rlimits
    run nook run "$ID"
    if (((0x$bnd >> 24) & 1)); then
        assert_success
        assert_line "rlimit.NOFILE=1024:$((hard + 1))"
    else
        # This host's bounding set lacks CAP_SYS_RESOURCE: EPERM is expected.
        assert_failure
        [[ "${output,,}" == *"rlimit"*"operation not permitted"* ]] ||
            fail "error does not name the rlimit: $output"
        # runc says "rlimit type 7"; nook names it
        [ "$NOOK_FLAVOR" != nook ] || assert_output --partial "setrlimit RLIMIT_NOFILE"
        assert_no_leftovers
    fi
}

# ---------- capabilities ----------

@test "the default spec's capabilities (runc spec): ambient needs inheritable" {
    set_probe caps
    run nook run "$ID"
    assert_success
    local m
    m="$(caps_mask CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE)"
    [ "$m" = 0000000020000420 ]
    # runc's spec lists ambient but no inheritable: nothing can be ambient
    assert_caps 0000000000000000 "$m" "$m" "$m" 0000000000000000
    assert_line "NoNewPrivs=1"
}

@test "docker's default capability set as root" {
    local caps='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW",
        "CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT",
        "CAP_KILL","CAP_AUDIT_WRITE"]'
    update_config ".process.capabilities = {\"bounding\": $caps, \"effective\": $caps, \"permitted\": $caps}"
    set_probe caps
    run nook run "$ID"
    assert_success
    assert_caps 0000000000000000 00000000a80425fb 00000000a80425fb 00000000a80425fb 0000000000000000
}

@test "each capability set for a non-root user, ambient only when also inheritable and permitted" {
    update_config '.process.user.uid = 1000 | .process.user.gid = 1000'
    set_caps bounding '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_NET_RAW"]'
    set_caps permitted '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"]'
    set_caps effective '["CAP_CHOWN"]'
    set_caps inheritable '["CAP_NET_BIND_SERVICE","CAP_KILL","CAP_NET_RAW"]'
    # CAP_NET_RAW is inheritable but not permitted, CAP_CHOWN permitted but
    # not inheritable: neither can be ambient
    set_caps ambient '["CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_CHOWN"]'
    set_probe caps ids
    run nook run "$ID"
    assert_success
    assert_line "uid=1000"
    # after execve a non-root process keeps only what is ambient
    assert_caps "$(caps_mask CAP_NET_BIND_SERVICE CAP_KILL CAP_NET_RAW)" \
        "$(caps_mask CAP_NET_BIND_SERVICE)" "$(caps_mask CAP_NET_BIND_SERVICE)" \
        "$(caps_mask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW)" \
        "$(caps_mask CAP_NET_BIND_SERVICE)"
}

@test "inheritable is never implied by the other sets" {
    local all='["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"]'
    update_config ".process.capabilities = {\"bounding\": $all, \"effective\": $all, \"permitted\": $all, \"ambient\": $all}"
    set_probe caps
    run nook run "$ID"
    assert_success
    assert_line "CapInh=0000000000000000"
    assert_line "CapAmb=0000000000000000"
}

@test "no process.capabilities at all means no capabilities" {
    update_config 'del(.process.capabilities)'
    set_probe caps
    run nook run "$ID"
    assert_success
    assert_caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000 0000000000000000
}

@test "unknown capability names are ignored with a warning naming them" {
    set_caps bounding '["CAP_KILL","CAP_FROM_THE_FUTURE"]'
    set_caps permitted '["CAP_KILL","CAP_FROM_THE_FUTURE"]'
    set_caps effective '["CAP_KILL"]'
    set_probe caps
    nook run "$ID" >"$BUNDLE/out" 2>"$BUNDLE/err"
    grep -qx "CapBnd=$(caps_mask CAP_KILL)" "$BUNDLE/out" || fail "caps: $(cat "$BUNDLE/out")"
    if [ "$NOOK_FLAVOR" = nook ]; then
        # the spec: log a warning, do not fail
        grep -q 'process.capabilities.bounding: ignoring unknown capability CAP_FROM_THE_FUTURE' "$BUNDLE/err" ||
            fail "no warning: $(cat "$BUNDLE/err")"
    fi
}

@test "noNewPrivileges on and off" {
    set_probe caps
    update_config '.process.noNewPrivileges = true'
    run nook run "$ID"
    assert_success
    assert_line "NoNewPrivs=1"

    update_config '.process.noNewPrivileges = false'
    run nook run "$ID"
    assert_success
    assert_line "NoNewPrivs=0"
}

# ---------- fds ----------

@test "only stdio reaches the container, whatever the caller had open" {
    set_probe fds
    exec 5</etc/hostname 7>"$BUNDLE/seven"
    run nook run "$ID"
    exec 5<&- 7>&-
    assert_success
    [ "$(printf '%s\n' "${lines[@]}" | grep '^fd\.' | cut -d= -f1 | tr '\n' ' ')" = "fd.0 fd.1 fd.2 " ] ||
        fail "fds: $output"
}

@test "--preserve-fds passes exactly the extra fds asked for" {
    set_probe fds
    echo hi >"$BUNDLE/three"
    # redirections on the command only: bats itself owns fd 3 of the test shell
    run_with_fds_3_4() {
        nook run --preserve-fds 1 "$ID" 3<"$BUNDLE/three" 4<"$BUNDLE/three"
    }
    run run_with_fds_3_4
    assert_success
    [ "$(printf '%s\n' "${lines[@]}" | grep '^fd\.' | cut -d= -f1 | tr '\n' ' ')" = "fd.0 fd.1 fd.2 fd.3 " ] ||
        fail "fds: $output"
    [[ "$(probe_get fd.3)" == *three ]] || fail "fd 3 is not the preserved file: $output"
}
