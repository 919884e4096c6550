# Shared helpers for tests/integration/*.bats (`load helpers`).
#
# A test usually does:
#   setup()    { setup_bundle; }
#   teardown() { teardown_bundle; }
#   @test "..." { set_probe ids; run nook run "$ID"; assert_success; ... }
#
# Variables set here:
#   NOOK         the runtime under test, absolute (env NOOK, else build/nook of this checkout);
#                NOOK=runc or NOOK=crun work too: nook's CLI is runc-compatible
#   PROBE        build/nook-probe (static; copied into every rootfs as /bin/nook-probe)
#   REPO_ROOT    the checkout these helpers live in
# Set by setup_bundle:
#   BUNDLE       a short fresh directory /tmp/nk.XXXXXX (unix socket paths stay short)
#   ROOTFS       $BUNDLE/rootfs: busybox + applets, /bin/nook-probe, /etc/passwd, /etc/group
#   NOOK_ROOT    $BUNDLE/state, the --root of every `nook` call
#   ID           a container id unique to this test (nk-<suffix of BUNDLE>)
# config.json comes from `$NOOK spec` (falling back to `runc spec` while nook has no
# spec command), with process.terminal=false, root.readonly=false (so a probe can
# leave marks such as ready=/tmp/x in the rootfs) and args ["/bin/nook-probe","ids"].
#
# teardown_bundle force-deletes every container under $NOOK_ROOT, then fails the test
# if anything is left: a process whose root is the rootfs or whose root/cwd is inside
# $BUNDLE, a mount mentioning $BUNDLE, a container dir under $NOOK_ROOT (nook's caches
# there, .seccomp-cache and .cgroup-layout, are no container and stay), a cgroup
# named $ID. It cleans such leftovers up (they belong to this test) before failing,
# so one broken test does not break the next.

HELPERS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HELPERS_DIR/../.." && pwd)"

resolve_runtime() {
    local want="${NOOK:-$REPO_ROOT/build/nook}"
    if [[ "$want" == */* ]]; then
        case "$want" in
        /*) ;;
        *) want="$REPO_ROOT/$want" ;;
        esac
        printf '%s\n' "$want"
    else
        command -v "$want" || printf '%s\n' "$want"
    fi
}
NOOK="$(resolve_runtime)"
PROBE="${PROBE:-$REPO_ROOT/build/nook-probe}"
NOOK_FLAVOR="$(basename "$NOOK")"
export NOOK PROBE REPO_ROOT NOOK_FLAVOR

# bats-support/bats-assert when installed (tests/deps.sh installs them); minimal
# stand-ins otherwise so a test file never depends on them being there.
if ! { bats_load_library bats-support && bats_load_library bats-assert; } 2>/dev/null; then
    fail() {
        printf '%s\n' "${1:-failed}" >&2
        return 1
    }
    assert_success() {
        if [ "$status" -ne 0 ]; then
            fail "expected success, got status $status; output: $output"
        fi
    }
    assert_failure() {
        if [ "$status" -eq 0 ]; then
            fail "expected failure, got status 0; output: $output"
        fi
    }
    assert_equal() {
        if [ "$1" != "$2" ]; then
            fail "expected '$2', got '$1'"
        fi
    }
    assert_output() {
        if [ "$1" = --partial ]; then
            [[ "$output" == *"$2"* ]] || fail "output lacks '$2': $output"
        else
            [ "$output" = "$1" ] || fail "expected output '$1', got '$output'"
        fi
    }
    assert_line() {
        local l
        for l in "${lines[@]}"; do
            [ "$l" = "$1" ] && return 0
        done
        fail "no line '$1' in output: $output"
    }
fi

# nook ARGS...: the runtime under test with this test's state root.
nook() {
    "$NOOK" --root "$NOOK_ROOT" "$@"
}

# The applets tests may use; every one is a symlink to /bin/busybox.
BUSYBOX_APPLETS="sh ls cat echo id mount sleep true false ps grep touch mkdir rm ln env sync kill wc head"

setup_bundle() {
    [ -x "$PROBE" ] || fail "$PROBE is missing: run 'make helper' first" || return 1
    BUNDLE="$(mktemp -d /tmp/nk.XXXXXX)"
    ROOTFS="$BUNDLE/rootfs"
    NOOK_ROOT="$BUNDLE/state"
    ID="nk-${BUNDLE##*/nk.}"
    export BUNDLE ROOTFS NOOK_ROOT ID

    mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc,root,home/user} "$NOOK_ROOT"
    chmod 1777 "$ROOTFS/tmp"
    cp "$(busybox_path)" "$ROOTFS/bin/busybox"
    cp "$PROBE" "$ROOTFS/bin/nook-probe"
    local applet
    for applet in $BUSYBOX_APPLETS; do
        ln -s busybox "$ROOTFS/bin/$applet"
    done
    cat >"$ROOTFS/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
    cat >"$ROOTFS/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
    chown 1000:1000 "$ROOTFS/home/user"
    # dev:ino of the rootfs identifies container processes: their /proc/PID/root
    # reads as "/" from outside once they pivot_root in their own mount namespace.
    ROOTFS_DEVINO="$(stat -c %d:%i "$ROOTFS")"
    export ROOTFS_DEVINO
    [ -z "${NOOK_SUITE_LOG:-}" ] || echo "$BUNDLE $ROOTFS_DEVINO $ID" >>"$NOOK_SUITE_LOG"

    write_default_config || return 1
    # Like runc, commands default to the bundle in the current directory.
    cd "$BUNDLE" || return 1
}

busybox_path() {
    # Debian's busybox-static installs the static binary as /bin/busybox.
    local b
    for b in /bin/busybox /usr/bin/busybox; do
        [ -x "$b" ] && echo "$b" && return 0
    done
    echo /bin/busybox
}

write_default_config() {
    rm -f "$BUNDLE/config.json"
    (cd "$BUNDLE" && "$NOOK" spec) >/dev/null 2>&1
    if ! jq -e . "$BUNDLE/config.json" >/dev/null 2>&1; then
        rm -f "$BUNDLE/config.json"
        (cd "$BUNDLE" && runc spec) || fail "neither '$NOOK spec' nor 'runc spec' wrote a config" || return 1
    fi
    update_config '.process.terminal = false
        | .root.readonly = false
        | .process.args = ["/bin/nook-probe", "ids"]'
}

# update_config 'JQ FILTER' [jq options such as --arg k v]: edit $BUNDLE/config.json in place.
update_config() {
    local filter="$1"
    shift
    jq "$@" "$filter" "$BUNDLE/config.json" >"$BUNDLE/config.json.new" &&
        mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

# set_args ARG...: process.args of the container.
set_args() {
    # Not `jq --args`: jq would still take an argument such as -c as its own option.
    local json a
    json="$(for a in "$@"; do jq -n --arg a "$a" '$a'; done | jq -cs .)" || return 1
    update_config '.process.args = $a' --argjson a "$json"
}

# set_probe CMD...: run /bin/nook-probe CMD... in the container.
set_probe() {
    set_args /bin/nook-probe "$@"
}

# probe_get KEY [TEXT]: the value of the first KEY=value line of TEXT (default $output).
probe_get() {
    printf '%s\n' "${2-$output}" | awk -v k="$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }'
}

# container_status ID / container_pid ID: fields of `nook state ID`.
container_status() {
    nook state "$1" 2>/dev/null | jq -r .status
}
container_pid() {
    nook state "$1" 2>/dev/null | jq -r .pid
}

# wait_for_status ID STATUS [SECS=5]
wait_for_status() {
    local id="$1" want="$2" secs="${3:-5}" i got=""
    for ((i = 0; i < secs * 20; i++)); do
        got="$(container_status "$id")"
        [ "$got" = "$want" ] && return 0
        sleep 0.05
    done
    fail "container $id: status '$got' after ${secs}s, expected '$want'"
}

# wait_for_file PATH [SECS=5]
# wait_unix_listening PATH: until a unix socket at PATH listens, not only is
# bound (its file appears between bind and listen). 10 s at most.
wait_unix_listening() {
    local i
    for ((i = 0; i < 500; i++)); do
        awk -v s="$1" '$8 == s && $4 == "00010000" { f = 1 } END { exit !f }' /proc/net/unix && return 0
        sleep 0.02
    done
    fail "no listener on $1"
}

wait_for_file() {
    local path="$1" secs="${2:-5}" i
    for ((i = 0; i < secs * 20; i++)); do
        [ -e "$path" ] && return 0
        sleep 0.05
    done
    fail "$path did not appear within ${secs}s"
}

# wait_until SECS 'CMD': CMD (a shell expression, evaluated afresh each try:
# quote it so a $(...) in it runs every time, not once) succeeds within SECS.
wait_until() {
    local secs="$1" i
    shift
    for ((i = 0; i < secs * 20; i++)); do
        eval "$*" 2>/dev/null && return 0
        sleep 0.05
    done
    fail "not true within ${secs}s: $*"
}

# pid_alive PID: the process exists and is not a zombie.
# strace_joined FILE: an `strace -f` trace with each call that another
# process interrupted ("<unfinished ...>", later "<... NAME resumed>") put
# back on one line, so a call's arguments and result can be matched together.
strace_joined() {
    awk '/ <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, ""); part[$1] = $0; next }
         / <\.\.\. [a-z0-9_]+ resumed>/ { pid = $1; sub(/^[0-9]+ +<\.\.\. [a-z0-9_]+ resumed>/, ""); print part[pid] $0; next }
         { print }' "$1"
}

pid_alive() {
    local state
    state="$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null)" || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# --- leftovers -------------------------------------------------------------------

# This shell and its ancestors (the bats processes running the test): their cwd
# may well be the bundle.
self_and_ancestors() {
    local p="$BASHPID"
    while [ -n "$p" ] && [ "$p" != 0 ]; do
        echo "$p"
        p="$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
    done
}

# Prints "PID KIND PATH" per process (other than this shell and its ancestors)
# whose root is the rootfs with dev:ino DEVINO, or whose root or cwd is inside DIR.
# Runs from / so that its own pipeline does not match.
procs_inside() {
    local dir="$1" devino="$2" skip
    skip=" $(self_and_ancestors | tr '\n' ' ') "
    (
        cd / || exit 1
        {
            [ -z "$devino" ] || stat -L -c '%d:%i %n' /proc/[0-9]*/root 2>/dev/null |
                awk -v d="$devino" '$1 == d { print $2, "root-inode" }'
            find /proc/[0-9]*/root /proc/[0-9]*/cwd -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
                awk -v b="$dir" 'index($2, b "/") == 1 || $2 == b { print $1, $2 }'
        } | awk -v skip="$skip" '{
            split($1, parts, "/"); pid = parts[3]
            if (index(skip, " " pid " ") == 0) print pid, parts[4], $2
        }' | sort -u
    )
}

# Mount points (from /proc/self/mountinfo) at or below DIR, deepest first.
mounts_inside() {
    awk -v b="$1" '{ mp = $5; if (index(mp, b "/") == 1 || mp == b) print mp }' /proc/self/mountinfo |
        sort -r
}

# Any mountinfo line mentioning DIR (as mount point, root or source).
mount_lines_mentioning() {
    grep -F -- "$1" /proc/self/mountinfo || true
}

# cgroup directories named ID (any hierarchy, v1 or v2).
cgroups_named() {
    [ -n "$1" ] || return 0
    find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null || true
}

# collect_leftovers DIR DEVINO STATE_ROOT ID: prints a description of each leftover.
collect_leftovers() {
    local dir="$1" devino="$2" root="$3" id="$4" line
    while read -r line; do
        [ -n "$line" ] && echo "process left: $line ($({ tr '\0' ' ' <"/proc/${line%% *}/cmdline"; } 2>/dev/null))"
    done < <(procs_inside "$dir" "$devino")
    while read -r line; do
        [ -n "$line" ] && echo "mount left: $line"
    done < <(mount_lines_mentioning "$dir")
    if [ -n "$root" ] && [ -d "$root" ]; then
        while read -r line; do
            [ -n "$line" ] && echo "state left: $root/$line"
        done < <(state_entries "$root")
    fi
    while read -r line; do
        [ -n "$line" ] && echo "cgroup left: $line"
    done < <(cgroups_named "$id")
}

# assert_no_leftovers [DIR DEVINO STATE_ROOT ID]: usable mid-test (defaults: this test's bundle).
# What a state root holds besides nook's caches (the compiled seccomp filters,
# the v1 cgroup layout): containers, or their leftovers.
state_entries() {
    ls -A "$1" 2>/dev/null | grep -vx -e '\.seccomp-cache' -e '\.cgroup-layout'
}

assert_no_leftovers() {
    local report
    report="$(collect_leftovers "${1:-$BUNDLE}" "${2-$ROOTFS_DEVINO}" "${3-$NOOK_ROOT}" "${4-$ID}")"
    [ -z "$report" ] || fail "leftovers:
$report"
}

# Removes what collect_leftovers found. Only things inside this test's bundle are
# touched: processes it started (identified by root/cwd) and mounts below it.
force_cleanup() {
    local dir="$1" devino="$2" pid mp i
    for i in 1 2 3; do
        for pid in $(procs_inside "$dir" "$devino" | awk '{ print $1 }'); do
            kill -9 "$pid" 2>/dev/null || true
        done
        [ -z "$(procs_inside "$dir" "$devino")" ] && break
        sleep 0.2
    done
    for i in 1 2 3; do
        for mp in $(mounts_inside "$dir"); do
            umount -l "$mp" 2>/dev/null || true
        done
        [ -z "$(mounts_inside "$dir")" ] && break
    done
}

teardown_bundle() {
    cd / || return 1
    [ -n "${BUNDLE:-}" ] && [ -d "$BUNDLE" ] || return 0
    local id report status=0
    if [ -d "$NOOK_ROOT" ]; then
        for id in $(state_entries "$NOOK_ROOT"); do
            nook delete -f "$id" >/dev/null 2>&1 || true
        done
    fi
    report="$(collect_leftovers "$BUNDLE" "$ROOTFS_DEVINO" "$NOOK_ROOT" "$ID")"
    if [ -n "$report" ]; then
        echo "# teardown: leftovers after 'delete -f':" >&2
        printf '#   %s\n' "${report//$'\n'/$'\n'#   }" >&2
        status=1
        force_cleanup "$BUNDLE" "$ROOTFS_DEVINO"
        local cg
        for cg in $(cgroups_named "$ID"); do
            rmdir "$cg" 2>/dev/null || true
        done
    fi
    # Never rm -rf through a mount that is still there: it could reach the host.
    if [ -n "$(mounts_inside "$BUNDLE")" ]; then
        echo "# teardown: $BUNDLE still has mounts; not removing it" >&2
        return 1
    fi
    rm -rf --one-file-system "$BUNDLE"
    return $status
}

# --- host mounts -----------------------------------------------------------------

record_host_mounts() {
    HOST_MOUNTS_FILE="${BATS_TEST_TMPDIR:-${BATS_TMPDIR:-/tmp}}/host-mounts.$$"
    cat /proc/self/mountinfo >"$HOST_MOUNTS_FILE"
}

assert_host_mounts_unchanged() {
    [ -n "${HOST_MOUNTS_FILE:-}" ] || fail "record_host_mounts was not called" || return 1
    local before after
    before="$(wc -l <"$HOST_MOUNTS_FILE")"
    after="$(wc -l </proc/self/mountinfo)"
    if [ "$before" != "$after" ] || ! cmp -s "$HOST_MOUNTS_FILE" /proc/self/mountinfo; then
        fail "host mounts changed ($before -> $after lines):
$(diff "$HOST_MOUNTS_FILE" /proc/self/mountinfo)"
    fi
}

# A console-socket receiver (build/nook-recvtty) on $SOCK, output in
# $BUNDLE/tty.out: start_receiver [ARGS], then wait_receiver until the pty closes.
start_receiver() {
    "$RECVTTY" "$SOCK" "$@" >"$BUNDLE/tty.out" 2>&1 &
    RECV_PID=$!
    wait_unix_listening "$SOCK"
}

wait_receiver() {
    local i
    for ((i = 0; i < 250; i++)); do
        kill -0 "$RECV_PID" 2>/dev/null || { wait "$RECV_PID"; RECV_PID=; return 0; }
        sleep 0.02
    done
    fail "console output did not end: $(cat "$BUNDLE/tty.out")"
}
