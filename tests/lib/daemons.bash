# Shared by tests/containerd/run.sh and tests/podman/run.sh: which runtime to
# drive, a tiny check runner, the busybox root filesystem, and cleanup of only
# what the suite itself created.
#
# Each check is a shell function run in a subshell with `set -e`; state shared
# between checks goes through files in $T. A check passes when it returns 0.
# ONLY="name1 name2" runs just those checks (setup still runs); VERBOSE=1 shows
# the output of passing checks too.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# RUNTIME=nook (default: $NOOK or build/nook), RUNTIME=runc (Debian's runc, the
# reference), or a path to any runc-compatible binary.
resolve_runtime() {
    case "${RUNTIME:-nook}" in
    nook) RT_BIN="${NOOK:-$REPO_ROOT/build/nook}" ;;
    runc) RT_BIN="$(command -v runc)" ;;
    */*) RT_BIN="$RUNTIME" ;;
    *) RT_BIN="$(command -v "$RUNTIME")" ;;
    esac
    [[ "$RT_BIN" == /* ]] || RT_BIN="$REPO_ROOT/$RT_BIN"
    if [ ! -x "$RT_BIN" ]; then
        echo "runtime '${RUNTIME:-nook}' not found (${RT_BIN:-no path}); run make" >&2
        return 1
    fi
    RT_NAME="$(basename "$RT_BIN")"
}

PASSED=0
FAILED=0
FAILED_NAMES=()

# check NAME FUNCTION [ARGS...]
check() {
    local name="$1" rc start
    shift
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $name "* ]]; then
        return 0
    fi
    start=$(date +%s.%N)
    (
        set -e
        "$@"
    ) >"$T/check.out" 2>&1 </dev/null
    rc=$?
    local secs
    secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
    if [ "$rc" -eq 0 ]; then
        PASSED=$((PASSED + 1))
        printf 'ok   %-28s (%ss)\n' "$name" "$secs"
        [ -z "${VERBOSE:-}" ] || sed 's/^/    /' "$T/check.out"
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name")
        printf 'FAIL %-28s (%ss)\n' "$name" "$secs"
        tail -n 40 "$T/check.out" | sed 's/^/    /'
    fi
}

# Assertions print what they saw and fail the check (set -e).
fail() {
    echo "$*"
    return 1
}
expect_eq() { # WHAT EXPECTED ACTUAL
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}
expect_contains() { # WHAT NEEDLE HAYSTACK
    [[ "$3" == *"$2"* ]] || fail "$1: expected to contain '$2', got: $3"
}
expect_not_contains() { # WHAT NEEDLE HAYSTACK
    [[ "$3" != *"$2"* ]] || fail "$1: must not contain '$2', got: $3"
}

# retry SECONDS CMD...: until CMD succeeds (every 0.1 s)
retry() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

pid_alive() {
    [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}
pid_gone() {
    ! pid_alive "$1"
}

# The image's root filesystem as an uncompressed tar: static busybox with a
# symlink per applet, /etc/passwd and /etc/group. Deterministic (fixed mtime,
# sorted, root-owned) so it hashes the same every run.
make_rootfs_tar() { # OUT.tar
    local dir="$T/rootfs-src" applet
    rm -rf "$dir"
    mkdir -p "$dir"/{bin,etc,tmp,proc,sys,dev,root}
    cp /bin/busybox "$dir/bin/busybox"
    for applet in $(/bin/busybox --list); do
        [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
    chmod 1777 "$dir/tmp"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$dir" -cf "$1" .
    rm -rf "$dir"
}

# Memory cgroup directory of a pid: v1 memory controller or the v2 unified tree.
memory_cgroup_dir() { # PID
    local line
    line="$(grep -E '^[0-9]+:memory:' "/proc/$1/cgroup" || true)"
    if [ -n "$line" ]; then
        echo "/sys/fs/cgroup/memory${line#*:memory:}"
    else
        line="$(grep -E '^0::' "/proc/$1/cgroup")"
        echo "/sys/fs/cgroup${line#0::}"
    fi
}
cgroup_v2_only() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}
memory_limit_of() { # PID
    local d
    d="$(memory_cgroup_dir "$1")"
    if [ -f "$d/memory.limit_in_bytes" ]; then
        cat "$d/memory.limit_in_bytes"
    else
        cat "$d/memory.max"
    fi
}
freezer_state_of() { # PID -> FROZEN/THAWED
    local line d
    line="$(grep -E '^[0-9]+:freezer:' "/proc/$1/cgroup" || true)"
    if [ -n "$line" ]; then
        cat "/sys/fs/cgroup/freezer${line#*:freezer:}/freezer.state"
    else
        line="$(grep -E '^0::' "/proc/$1/cgroup")"
        d="/sys/fs/cgroup${line#0::}"
        if [ "$(cat "$d/cgroup.freeze")" = 1 ]; then echo FROZEN; else echo THAWED; fi
    fi
}

# Every cgroup directory named NAME directly under a hierarchy root
# (/sys/fs/cgroup/<ctrl>/NAME, /sys/fs/cgroup/unified/NAME, or on pure v2
# /sys/fs/cgroup/NAME).
cgroup_dirs_named() { # NAME
    local root
    for root in /sys/fs/cgroup /sys/fs/cgroup/*; do
        [ -d "$root/$1" ] && [ -f "$root/cgroup.procs" ] && echo "$root/$1"
    done
    return 0
}

# Removes the cgroup subtrees the suite created (depth first). The caller
# passes only names it made unique to this run; anything still holding a
# process is left alone and reported.
# SIGKILLs every process in those cgroup subtrees (thawing them first: a check
# that failed half-way may have left a frozen container).
kill_cgroup_procs() { # NAME...
    local name dir pid
    for name in "$@"; do
        for dir in $(cgroup_dirs_named "$name"); do
            find "$dir" -name freezer.state -exec sh -c 'echo THAWED >"$1"' _ {} \; 2>/dev/null
            find "$dir" -name cgroup.freeze -exec sh -c 'echo 0 >"$1"' _ {} \; 2>/dev/null
            for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do
                kill -9 "$pid" 2>/dev/null
            done
        done
    done
    return 0
}

remove_cgroup_trees() { # NAME...
    local name dir sub
    kill_cgroup_procs "$@"
    sleep 0.2
    for name in "$@"; do
        for dir in $(cgroup_dirs_named "$name"); do
            while IFS= read -r sub; do
                rmdir "$sub" 2>/dev/null || echo "cleanup: could not remove cgroup $sub" >&2
            done < <(find "$dir" -depth -type d)
        done
    done
}

# Unmounts everything mounted at or below DIR (deepest first).
unmount_under() { # DIR
    local mp
    while IFS= read -r mp; do
        umount -l "$mp" 2>/dev/null || true
    done < <(awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

# Kills (SIGKILL) the processes whose command line contains NEEDLE, which must
# name something unique to this run (its private socket or directory).
kill_procs_matching() { # NEEDLE
    local p cmd
    for p in /proc/[0-9]*; do
        p="${p#/proc/}"
        [ "$p" = "$$" ] && continue
        cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")" || continue
        [[ "$cmd" == *"$1"* ]] && kill -9 "$p" 2>/dev/null
    done
    return 0
}

summary() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
