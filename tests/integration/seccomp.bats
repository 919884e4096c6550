#!/usr/bin/env bats
# linux.seccomp: every action, every operator, several conditions, secondary
# architectures, the notify listener, the default profile of `nook spec`, the
# compiled-filter cache, and bad profiles. The probe makes raw syscalls
# (syscall=NR:ARGS, syscall32= through int $0x80) and prints what came back.
#
# x86_64 numbers used: sched_yield 24 and getppid 110 ignore their arguments,
# so a rule may match on any value without side effects; getpid 39. i386:
# sched_yield 158, getpid 20.

load helpers

setup() {
    [ "$(uname -m)" = x86_64 ] || skip "syscall numbers here are x86_64's"
    setup_bundle
    LISTENER="$REPO_ROOT/build/nook-seccomp-listener"
}

teardown() {
    [ -z "${LPID:-}" ] || kill "$LPID" 2>/dev/null || true
    teardown_bundle
}

# profile JSON [JQ-OPTIONS]: linux.seccomp = JSON (jq syntax).
profile() {
    local json="$1"
    shift
    update_config ".linux.seccomp = $json" "$@"
}

# deny_yield ACTION [EXTRA]: default ALLOW, sched_yield gets ACTION (+ EXTRA fields).
deny_yield() {
    profile "{defaultAction: \"SCMP_ACT_ALLOW\",
        syscalls: [{names: [\"sched_yield\"], action: \"$1\" ${2:+, $2}}]}"
}

status_field() {
    printf '%s\n' "$output" | awk -v k="$1:" '$1 == k { print $2; exit }'
}

# ---- actions -------------------------------------------------------------------

@test "ERRNO with errnoRet: exactly that errno; /proc shows Seccomp: 2 and one filter" {
    deny_yield SCMP_ACT_ERRNO 'errnoRet: 42'
    set_probe syscall=39 syscall=24 cat=/proc/self/status
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
    [[ "$(probe_get syscall)" == "39 ret=1 errno=0" ]]
    [ "$(status_field Seccomp)" = 2 ]
    [ "$(status_field Seccomp_filters)" = 1 ]
    [ "$(status_field NoNewPrivs)" = 1 ]
}

@test "without linux.seccomp there is no filter" {
    update_config 'del(.linux.seccomp)'
    set_probe syscall=24 cat=/proc/self/status
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=0 errno=0"
    [ "$(status_field Seccomp)" = 0 ]
}

@test "ERRNO without errnoRet is EPERM" {
    deny_yield SCMP_ACT_ERRNO
    set_probe syscall=24
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=1"
}

@test "defaultAction ERRNO with defaultErrnoRet answers every syscall the profile does not allow" {
    # the default profile minus sched_yield, with its default errno changed
    update_config '.linux.seccomp.defaultErrnoRet = 77
        | .linux.seccomp.syscalls[0].names -= ["sched_yield"]'
    set_probe syscall=24 syscall=39
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=77"
    assert_line "syscall=39 ret=1 errno=0"
}

@test "TRAP: the process gets SIGSYS for the syscall" {
    deny_yield SCMP_ACT_TRAP
    set_probe syscall=24
    run nook run "$ID"
    assert_success
    assert_line "sigsys=24"
}

@test "KILL, KILL_THREAD and KILL_PROCESS kill the process with SIGSYS" {
    local act
    for act in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS; do
        deny_yield "$act"
        set_probe syscall=39 syscall=24 syscall=39
        run nook run "$ID"
        [ "$status" -eq 159 ] || fail "$act: status $status, expected 128+SIGSYS; $output"
        assert_line "syscall=39 ret=1 errno=0"
        [ "${#lines[@]}" -eq 1 ] || fail "$act: the process went on: $output"
    done
}

@test "LOG and ALLOW let the syscall through" {
    local act
    for act in SCMP_ACT_LOG SCMP_ACT_ALLOW; do
        profile "{defaultAction: \"SCMP_ACT_ERRNO\", defaultErrnoRet: 5,
            syscalls: [{names: [\"sched_yield\"], action: \"$act\"}]}"
        # everything else the probe needs is allowed by a second rule
        update_config '.linux.seccomp.syscalls += [{names: ["execve","brk","arch_prctl","set_tid_address",
            "set_robust_list","rseq","prlimit64","mprotect","readlink","readlinkat","getrandom","uname",
            "newfstatat","fstat","write","exit_group","rt_sigaction","rt_sigprocmask","ioctl","mmap",
            "munmap","close","close_range","fcntl","read","openat"], action: "SCMP_ACT_ALLOW"}]'
        set_probe syscall=24 syscall=39
        run nook run "$ID"
        assert_success
        assert_line "syscall=24 ret=0 errno=0"
        assert_line "syscall=39 ret=-1 errno=5"
    done
}

@test "TRACE without a tracer: ENOSYS, as the kernel defines it" {
    deny_yield SCMP_ACT_TRACE 'errnoRet: 7'
    set_probe syscall=24
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=38"
}

# ---- argument conditions -----------------------------------------------------------

# check_op OP VALUE VALUE2 ALLOWED_ARG DENIED_ARG
check_op() {
    profile "{defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [{names: [\"sched_yield\"],
        action: \"SCMP_ACT_ERRNO\", errnoRet: 42,
        args: [{index: 0, value: $2, valueTwo: $3, op: \"$1\"}]}]}"
    set_probe "syscall=24:$4" "syscall=24:$5"
    run nook run "$ID"
    assert_success
    assert_line "syscall=24:$4 ret=0 errno=0"
    assert_line "syscall=24:$5 ret=-1 errno=42"
}

@test "SCMP_CMP_NE" { check_op SCMP_CMP_NE 5 0 5 6; }
@test "SCMP_CMP_LT" { check_op SCMP_CMP_LT 5 0 5 4; }
@test "SCMP_CMP_LE" { check_op SCMP_CMP_LE 5 0 6 5; }
@test "SCMP_CMP_EQ" { check_op SCMP_CMP_EQ 5 0 6 5; }
@test "SCMP_CMP_GE" { check_op SCMP_CMP_GE 5 0 4 5; }
@test "SCMP_CMP_GT" { check_op SCMP_CMP_GT 5 0 5 6; }
@test "SCMP_CMP_MASKED_EQ: (arg & value) == valueTwo" { check_op SCMP_CMP_MASKED_EQ 240 48 0x40 0x3f; }

@test "conditions on different arguments must all match (AND)" {
    profile '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["sched_yield"],
        action: "SCMP_ACT_ERRNO", errnoRet: 42,
        args: [{index: 0, value: 1, op: "SCMP_CMP_EQ"}, {index: 1, value: 2, op: "SCMP_CMP_EQ"}]}]}'
    set_probe syscall=24:1:2 syscall=24:1:3 syscall=24:0:2
    run nook run "$ID"
    assert_success
    assert_line "syscall=24:1:2 ret=-1 errno=42"
    assert_line "syscall=24:1:3 ret=0 errno=0"
    assert_line "syscall=24:0:2 ret=0 errno=0"
}

@test "conditions on the same argument are alternatives (OR), as with runc" {
    profile '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["sched_yield"],
        action: "SCMP_ACT_ERRNO", errnoRet: 42,
        args: [{index: 0, value: 1, op: "SCMP_CMP_EQ"}, {index: 0, value: 2, op: "SCMP_CMP_EQ"}]}]}'
    set_probe syscall=24:1 syscall=24:2 syscall=24:3
    run nook run "$ID"
    assert_success
    assert_line "syscall=24:1 ret=-1 errno=42"
    assert_line "syscall=24:2 ret=-1 errno=42"
    assert_line "syscall=24:3 ret=0 errno=0"
}

@test "rules of several syscalls, names unknown to libseccomp skipped like runc" {
    profile '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
        {names: ["nook_no_such_syscall", "sched_yield"], action: "SCMP_ACT_ERRNO", errnoRet: 42},
        {names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 43}]}'
    set_probe syscall=24 syscall=110
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
    assert_line "syscall=110 ret=-1 errno=43"
}

# ---- architectures ---------------------------------------------------------------

@test "a secondary architecture (x86 via int 0x80) is filtered by the same rules" {
    grep -q '^CONFIG_IA32_EMULATION=y' "/boot/config-$(uname -r)" 2>/dev/null ||
        "$PROBE" syscall32=20 | grep -q 'errno=0' || skip "no 32-bit syscall entry"
    profile '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        syscalls: [{names: ["sched_yield"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]}'
    set_probe syscall32=158 syscall32=20 syscall=24
    run nook run "$ID"
    assert_success
    assert_line "syscall32=158 ret=-1 errno=42"
    assert_line "syscall32=20 ret=1 errno=0"
    assert_line "syscall=24 ret=-1 errno=42"
}

@test "an architecture missing from the profile is killed (libseccomp's bad-arch action)" {
    "$PROBE" syscall32=20 | grep -q 'errno=0' || skip "no 32-bit syscall entry"
    profile '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"],
        syscalls: [{names: ["sched_yield"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]}'
    set_probe syscall=39 syscall32=20
    run nook run "$ID"
    [ "$status" -eq 159 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ]
}

# ---- where the filter goes in --------------------------------------------------------

@test "with noNewPrivileges the filter goes in after start, right before execve (read from the host)" {
    deny_yield SCMP_ACT_ERRNO 'errnoRet: 42'
    set_probe pause
    nook create "$ID" >/dev/null 2>&1 </dev/null
    local pid
    pid="$(container_pid "$ID")"
    # init waits for start unfiltered: nothing of nook's own runs under the filter
    run cat "/proc/$pid/status"
    [ "$(status_field Seccomp)" = 0 ]
    nook start "$ID"
    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(readlink "/proc/$pid/exe")" = /bin/nook-probe ] && break
        sleep 0.05
    done
    run cat "/proc/$pid/status"
    [ "$(status_field Seccomp)" = 2 ]
    [ "$(status_field Seccomp_filters)" = 1 ]
    [ "$(status_field NoNewPrivs)" = 1 ]
    nook delete -f "$ID"
}

@test "without noNewPrivileges the filter is loaded while nook still has CAP_SYS_ADMIN" {
    # the default profile: nook's own setup after the load (user switch,
    # capabilities, the start handshake, execve) must get through it
    update_config '.linux.seccomp.syscalls[0].names -= ["sched_yield"]
        | .process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000, additionalGids: [5]}'
    set_probe ids syscall=24 cat=/proc/self/status
    run nook run "$ID"
    assert_success
    assert_line "uid=1000"
    assert_line "groups=5"
    assert_line "syscall=24 ret=-1 errno=38"
    [ "$(status_field Seccomp)" = 2 ]
    [ "$(status_field NoNewPrivs)" = 0 ]
}

@test "flags LOG, SPEC_ALLOW and TSYNC are accepted and the filter is loaded" {
    deny_yield SCMP_ACT_ERRNO 'errnoRet: 42'
    update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"]'
    set_probe syscall=24
    run nook run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
}

# ---- notify ------------------------------------------------------------------------

start_listener() {
    SOCK="$BUNDLE/listener.sock"
    OUT="$BUNDLE/listener.json"
    (cd / && exec "$LISTENER" "$SOCK" "$OUT" "$1" >"$BUNDLE/listener.err" 2>&1 3>&-) &
    LPID=$!
    wait_for_file "$SOCK"
}

@test "NOTIFY: the listener gets the fd, metadata and state during create, and its answer reaches the container" {
    start_listener val=4242
    profile '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s, listenerMetadata: "meta one",
        syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"},
                   {names: ["sched_yield"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]}' --arg s "$SOCK"
    set_probe syscall=110 syscall=24 syscall=39
    nook create "$ID" >"$BUNDLE/create.out" 2>&1 </dev/null
    # loaded before READY, so the fd was sent during create; the listener
    # writes what it got on its own time: wait for a whole JSON document
    local i
    for ((i = 0; i < 200; i++)); do
        jq -e . "$OUT" >/dev/null 2>&1 && break
        sleep 0.05
    done
    [ -s "$OUT" ] || fail "listener got nothing during create: $(cat "$BUNDLE/listener.err")"
    local pid
    pid="$(container_pid "$ID")"
    jq -e --arg id "$ID" --argjson pid "$pid" --arg b "$BUNDLE" '
        .ociVersion == "1.3.0" and .fds == ["seccompFd"] and .pid == $pid
        and .metadata == "meta one" and .state.id == $id and .state.pid == $pid
        and .state.status == "creating" and .state.bundle == $b' "$OUT" ||
        fail "listener got: $(cat "$OUT")"
    nook start "$ID"
    wait_for_status "$ID" stopped
    wait "$LPID"
    LPID=
    run nook delete "$ID"
    assert_success
    run cat "$BUNDLE/create.out"
    assert_line "syscall=110 ret=4242 errno=0"
    assert_line "syscall=24 ret=-1 errno=42"
    run cat "$OUT.log"
    assert_line --partial "notified nr=110 arch=0xc000003e"
}

@test "NOTIFY without noNewPrivileges, with WAIT_KILLABLE_RECV: the listener's errno answer reaches the container" {
    start_listener errno=13
    profile '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s,
        flags: ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"],
        syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}' --arg s "$SOCK"
    # loaded before the capability change, so the notify fd travels from there
    update_config '.process.noNewPrivileges = false'
    set_probe syscall=110 syscall=39
    run nook run "$ID"
    assert_success
    assert_line "syscall=110 ret=-1 errno=13"
    assert_line "syscall=39 ret=1 errno=0"
}

@test "NOTIFY under run: the listener's return value reaches the container" {
    start_listener val=4242
    profile '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $s,
        syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}' --arg s "$SOCK"
    set_probe syscall=110
    run nook run "$ID"
    assert_success
    assert_line "syscall=110 ret=4242 errno=0"
}

@test "NOTIFY: a listener that is not there fails create and leaves nothing behind" {
    profile '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: "/nonexistent/nook.sock",
        syscalls: [{names: ["getppid"], action: "SCMP_ACT_NOTIFY"}]}'
    run nook run "$ID"
    assert_failure
    assert_output --partial "linux.seccomp.listenerPath: connect to \`/nonexistent/nook.sock\`"
    assert_no_leftovers
}

# ---- the default profile of `nook spec` ------------------------------------------------

@test "nook spec: the default profile blocks keyctl, unshare and namespace clones; a shell works" {
    jq -e '.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO" and .linux.seccomp.defaultErrnoRet == 38' \
        "$BUNDLE/config.json"
    # keyctl(KEYCTL_GET_KEYRING_ID, session), clone(CLONE_NEWUSER|SIGCHLD), unshare(CLONE_NEWUSER),
    # personality(4): not in the profile, so the default ENOSYS
    set_probe syscall=250:0:0xfffffffffffffffd syscall=56:0x10000011 syscall=272:0x10000000 \
        syscall=135:4 cat=/proc/self/status
    run nook run "$ID"
    assert_success
    assert_line "syscall=250:0:0xfffffffffffffffd ret=-1 errno=1"
    assert_line "syscall=56:0x10000011 ret=-1 errno=1"
    assert_line "syscall=272:0x10000000 ret=-1 errno=1"
    assert_line "syscall=135:4 ret=-1 errno=38"
    [ "$(status_field Seccomp)" = 2 ]

    # the same calls succeed without it: the profile made the difference
    update_config 'del(.linux.seccomp)'
    set_probe syscall=250:0:0xfffffffffffffffd syscall=272:0x10000000
    run nook run "$ID"
    assert_success
    assert_line "syscall=272:0x10000000 ret=0 errno=0"
    [[ "$output" != *"syscall=250:0:0xfffffffffffffffd ret=-1"* ]]

    write_default_config
    set_args sh -c 'echo hello | cat; ls /bin/nook-probe; sleep 0.1 & wait; echo done'
    run nook run "$ID"
    assert_success
    assert_line hello
    assert_line /bin/nook-probe
    assert_line done
}

# ---- the compiled-filter cache -------------------------------------------------------

@test "cache: the compiled filter is stored root-only under the state root and reused" {
    deny_yield SCMP_ACT_ERRNO 'errnoRet: 42'
    set_probe syscall=24
    run nook run "$ID"
    assert_success
    [ "$(stat -c %a "$NOOK_ROOT/.seccomp-cache")" = 700 ]
    local f
    f="$(ls "$NOOK_ROOT/.seccomp-cache")"
    [ "$(echo "$f" | wc -l)" -eq 1 ]
    [ "$(stat -c '%a %u' "$NOOK_ROOT/.seccomp-cache/$f")" = "600 0" ]
    local before
    before="$(stat -c %Y.%i "$NOOK_ROOT/.seccomp-cache/$f")"
    run nook --debug run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
    assert_output --partial "BPF instructions from the cache"
    [ "$(stat -c %Y.%i "$NOOK_ROOT/.seccomp-cache/$f")" = "$before" ]
}

@test "cache: the first container on a root that does not exist yet fills the cache" {
    deny_yield SCMP_ACT_ERRNO 'errnoRet: 42'
    set_probe syscall=24
    local root="$BUNDLE/new/root"
    [ ! -e "$BUNDLE/new" ]
    run "$NOOK" --root "$root" run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
    [ "$(stat -c %a "$root")" = 700 ]
    [ "$(ls "$root/.seccomp-cache" | wc -l)" -eq 1 ]
    run "$NOOK" --root "$root" --debug run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
    assert_output --partial "BPF instructions from the cache"
}

# run_hwm ROOT ID: starts a foreground `run` of the bundle on ROOT, waits
# for the container, and sets HWM to that nook's peak RSS (KiB) while it
# waits on it; then deletes the container.
run_hwm() {
    local root="$1" id="$2" pid
    "$NOOK" --root "$root" run "$id" </dev/null >"$BUNDLE/run-$id.out" 2>&1 &
    pid=$!
    wait_until 5 '[ "$("$NOOK" --root "'"$root"'" state "'"$id"'" 2>/dev/null | jq -r .status)" = running ]'
    HWM="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")"
    "$NOOK" --root "$root" delete -f "$id"
    wait "$pid" || true
}

@test "cache: a new root's seccomp compile runs in a child; nook stays small" {
    # the ASan build links libasan, which names its entry point
    grep -qa __asan_init "$NOOK" && skip "ASan's own memory hides the difference"
    set_probe pause
    local root="$BUNDLE/fresh" cold
    run_hwm "$root" "$ID"
    cold="$HWM"
    # both caches were filled on this first run
    [ "$(ls "$root/.seccomp-cache" | wc -l)" -eq 1 ]
    [ -f "$root/.cgroup-layout" ]
    # libseccomp's rule database (~0.45 MiB of heap) and its code never
    # reached the nook that waits on the container: its high-water mark is
    # that of a run on the now warm root (1.4-1.6 MiB here), give or take the
    # kernel's batched RSS counters; compiled in nook itself it was ~0.4 MiB
    # more
    run_hwm "$root" "$ID-warm"
    [ "$cold" -le $((HWM + 160)) ] || fail "the first run peaked at $cold KiB, a warm one at $HWM"
}

@test "cache: a tampered cache file is rejected and the filter is still right" {
    deny_yield SCMP_ACT_ERRNO 'errnoRet: 42'
    set_probe syscall=24
    run nook run "$ID"
    assert_success
    local f
    f="$NOOK_ROOT/.seccomp-cache/$(ls "$NOOK_ROOT/.seccomp-cache")"
    # turn every "return" into RET ALLOW (0x7fff0000): a filter that allows all
    python3 - "$f" <<'PY'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
hdr = 8 + 32 + 8 + 32
for off in range(hdr, len(b), 8):
    code, jt, jf, k = struct.unpack_from('<HBBI', b, off)
    if code == 0x06:
        struct.pack_into('<HBBI', b, off, code, jt, jf, 0x7fff0000)
open(p, 'wb').write(bytes(b))
PY
    run nook --debug run "$ID"
    assert_success
    assert_line "syscall=24 ret=-1 errno=42"
    assert_output --partial "BPF instructions compiled"
    # a cache file others could write is not trusted either
    chmod 0666 "$f"
    run nook run "$ID"
    assert_line "syscall=24 ret=-1 errno=42"
    # nor a symlink in its place
    rm -f "$f"
    ln -s /etc/passwd "$f"
    run nook run "$ID"
    assert_line "syscall=24 ret=-1 errno=42"
}

# ---- bad profiles ---------------------------------------------------------------------

# bad_profile JQ-EXPR EXPECTED-ERROR
bad_profile() {
    update_config "$1"
    run nook run "$ID"
    assert_failure
    [ "${#lines[@]}" -eq 1 ] || fail "expected one line: $output"
    assert_output --partial "$2"
    assert_no_leftovers
}

@test "bad: unknown action" {
    bad_profile '.linux.seccomp.syscalls[0].action = "SCMP_ACT_MAYBE"' \
        'linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_MAYBE"'
}

@test "bad: unknown default action" {
    bad_profile '.linux.seccomp.defaultAction = "ALLOW"' 'linux.seccomp.defaultAction: unknown action "ALLOW"'
}

@test "bad: unknown architecture" {
    bad_profile '.linux.seccomp.architectures = ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"]' \
        'linux.seccomp.architectures[1]'
}

@test "bad: an architecture this libseccomp lacks" {
    update_config '.linux.seccomp.architectures = ["SCMP_ARCH_LOONGARCH64"]'
    run nook run "$ID"
    [ "$status" -ne 0 ] || skip "this libseccomp knows loongarch64"
    bad_profile '.linux.seccomp.architectures = ["SCMP_ARCH_LOONGARCH64"]' \
        'linux.seccomp.architectures[0]: SCMP_ARCH_LOONGARCH64 is not supported by libseccomp'
}

@test "bad: unknown operator" {
    bad_profile '.linux.seccomp.syscalls[0].args = [{index: 0, value: 1, op: "SCMP_CMP_ABOUT"}]' \
        'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_ABOUT"'
}

@test "bad: errnoRet without ERRNO" {
    bad_profile '.linux.seccomp.syscalls[0].errnoRet = 5' \
        'linux.seccomp.syscalls[0].errnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW'
}

@test "bad: defaultErrnoRet without ERRNO" {
    bad_profile '.linux.seccomp.defaultAction = "SCMP_ACT_ALLOW"' \
        'linux.seccomp.defaultErrnoRet: only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE'
}

@test "bad: unknown flag" {
    bad_profile '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_FAST"]' 'linux.seccomp.flags[0]'
}

@test "bad: NOTIFY as the default action, NOTIFY without listenerPath" {
    bad_profile '.linux.seccomp.defaultAction = "SCMP_ACT_NOTIFY" | del(.linux.seccomp.defaultErrnoRet)' \
        'linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'
    write_default_config
    bad_profile '.linux.seccomp.syscalls[0].action = "SCMP_ACT_NOTIFY"' \
        'linux.seccomp.listenerPath: is required with SCMP_ACT_NOTIFY'
}

# ---- features ------------------------------------------------------------------------

@test "features: the seccomp object lists what the tests above prove works" {
    run "$NOOK" features
    assert_success
    printf '%s' "$output" | jq -e '.linux.seccomp
        | .enabled == true
        and (.actions | length) == 9 and (.operators | length) == 7
        and (["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"] - .archs) == []
        and (.supportedFlags - .knownFlags) == []
        and (.knownFlags | length) == 4' >/dev/null || fail "features: $output"
}
