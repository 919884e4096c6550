#!/usr/bin/env bats
# Escape classes of SECURITY.md, one attack each: the image (or a process
# racing through a shared volume) tries what broke runc, crun or youki; each
# test shows the attack failing AND the host untouched. The exec-side ones
# (CVE-2024-21626, CVE-2022-29162) are in security-exec.bats.

load helpers

RECVTTY="$REPO_ROOT/build/nook-recvtty"

# The host's mount table, minus other tests' /tmp bundles (suites of other
# engineers may run at the same time on this machine).
host_mounts() {
    awk '$5 !~ /^\/tmp\// { $1 = $2 = ""; print }' /proc/self/mountinfo | sort
}

setup() {
    setup_bundle
    HOST_MOUNTS="$(host_mounts)"
    HOST_CORE_PATTERN="$(cat /proc/sys/kernel/core_pattern)"
}

teardown() {
    [ -z "${RACER_PID:-}" ] || { kill "$RACER_PID" 2>/dev/null; wait "$RACER_PID" 2>/dev/null; } || true
    [ -z "${RECV_PID:-}" ] || kill "$RECV_PID" 2>/dev/null || true
    teardown_bundle
}

host_untouched() {
    [ "$(host_mounts)" = "$HOST_MOUNTS" ] ||
        fail "host mounts changed: $(diff <(echo "$HOST_MOUNTS") <(host_mounts))"
    [ -z "$(mount_lines_mentioning "$BUNDLE")" ] || fail "mounts on the bundle: $(mount_lines_mentioning "$BUNDLE")"
    [ "$(cat /proc/sys/kernel/core_pattern)" = "$HOST_CORE_PATTERN" ] ||
        fail "host core_pattern changed"
}

add_mount() { # add_mount DEST TYPE SOURCE OPT...
    local dest="$1" type="$2" src="$3" opts
    shift 3
    opts="$(printf '%s\n' "$@" | jq -R . | jq -cs 'map(select(. != ""))')"
    update_config '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
        --arg d "$dest" --arg t "$type" --arg s "$src" --argjson o "$opts"
}

# the image's own /dev is used (no tmpfs over it): whatever it holds is hostile
no_dev_tmpfs() {
    update_config '.mounts = [.mounts[] | select(.destination != "/dev")]'
}

@test "security: symlinked and .. mount destinations stay inside the rootfs (CVE-2019-18837, CVE-2021-30465)" {
    mkdir "$BUNDLE/escape"
    ln -s "$BUNDLE/escape" "$ROOTFS/abs"
    ln -s ../../../../../../../.."$BUNDLE/escape" "$ROOTFS/rel"
    add_mount /abs/a tmpfs tmpfs
    add_mount /rel/b tmpfs tmpfs
    add_mount "/../../../../..$BUNDLE/escape/c" tmpfs tmpfs
    add_mount /tmp/../../../../..$BUNDLE/escape/d tmpfs tmpfs
    set_probe mounts
    run nook run "$ID"
    assert_success
    # the attack: each of those would have been a host directory
    [ -z "$(ls -A "$BUNDLE/escape")" ]
    for d in a b c d; do
        [ -d "$ROOTFS$BUNDLE/escape/$d" ] || fail "$d was not made inside the rootfs"
    done
    host_untouched
}

@test "security: racing a shared volume cannot make nook create files on the host (CVE-2024-45310)" {
    mkdir "$BUNDLE/vol" "$BUNDLE/victim"
    add_mount /vol bind "$BUNDLE/vol" rbind
    add_mount /vol/a/b/c tmpfs tmpfs
    add_mount /vol/a/file bind /etc/hostname bind
    set_args /bin/true
    # the racer flips vol/a between a directory and symlinks to the host
    (
        set +e
        while :; do
            rm -rf "$BUNDLE/vol/a" 2>/dev/null
            ln -sfn "$BUNDLE/victim" "$BUNDLE/vol/a" 2>/dev/null
            rm -f "$BUNDLE/vol/a" 2>/dev/null
            ln -sfn ../../../../../../.."$BUNDLE/victim" "$BUNDLE/vol/a" 2>/dev/null
            rm -f "$BUNDLE/vol/a" 2>/dev/null
            mkdir "$BUNDLE/vol/a" 2>/dev/null
        done
    ) &
    RACER_PID=$!
    local i ok=0
    for i in $(seq 15); do
        if nook run "$ID-$i" </dev/null >/dev/null 2>&1; then ok=$((ok + 1)); fi
        nook delete -f "$ID-$i" >/dev/null 2>&1 || true
    done
    kill "$RACER_PID" || fail "the racer died early"
    wait "$RACER_PID" 2>/dev/null || true
    RACER_PID=
    echo "# $ok of 15 runs succeeded with the racer going" >&3
    [ -z "$(ls -A "$BUNDLE/victim")" ] || fail "created on the host: $(ls -A "$BUNDLE/victim")"
    host_untouched
}

@test "security: an image /dev/null symlink to a procfs file is never bound over masked paths (CVE-2025-31133)" {
    no_dev_tmpfs
    ln -s /proc/sys/kernel/core_pattern "$ROOTFS/dev/null"
    update_config '.linux.maskedPaths = ["/proc/timer_list", "/etc/hostname"]'
    echo hostname-secret >"$ROOTFS/etc/hostname"
    set_probe stat=/dev/null cat=/etc/hostname write=/proc/timer_list:/tmp/evil-%p
    run nook run "$ID"
    assert_success
    [ "$(probe_get stat./dev/null)" = chr:0666:0:0:1:3 ]
    [[ "$output" != *hostname-secret* ]]
    host_untouched
    # the same attack through a config-bound /dev whose null nook cannot replace
    mkdir "$BUNDLE/devdir"
    ln -s /proc/sys/kernel/core_pattern "$BUNDLE/devdir/null"
    add_mount /dev bind "$BUNDLE/devdir" rbind
    run nook run "$ID"
    assert_failure
    assert_output --partial "is not the null device"
    host_untouched
}

start_receiver() {
    SOCK="$BUNDLE/tty.sock"
    "$RECVTTY" "$SOCK" >"$BUNDLE/tty.out" 2>&1 &
    RECV_PID=$!
    wait_unix_listening "$SOCK"
}

# run_on_console: create on the console socket, start, wait for the pty to close
run_on_console() {
    nook create --console-socket "$SOCK" "$ID" </dev/null >"$BUNDLE/create.out" 2>&1 || return 1
    nook start "$ID"
    local i
    for ((i = 0; i < 250; i++)); do
        kill -0 "$RECV_PID" 2>/dev/null || { RECV_PID=; return 0; }
        sleep 0.02
    done
    fail "console output did not end"
}

@test "security: an image /dev/console symlink does not steer the console bind mount (CVE-2025-52565)" {
    [ -x "$RECVTTY" ] || fail "build/nook-recvtty is missing: make helper"
    no_dev_tmpfs
    ln -s /proc/sys/kernel/core_pattern "$ROOTFS/dev/console"
    update_config '.process.terminal = true'
    set_probe stat=/dev/console write=/dev/console:written-to-console mounts
    start_receiver
    run_on_console
    local out
    out="$(tr -d '\r' <"$BUNDLE/tty.out")"
    [[ "$out" == *"stat./dev/console=chr:"*":136:"* ]] || fail "/dev/console: $out"
    [[ "$out" != *"/proc/sys/kernel/core_pattern rw"* ]] || fail "pty bound over core_pattern: $out"
    host_untouched
}

@test "security: an image /dev/pts/ptmx symlink is refused as the terminal (CVE-2025-52565)" {
    [ -x "$RECVTTY" ] || fail "build/nook-recvtty is missing: make helper"
    no_dev_tmpfs
    update_config '.mounts = [.mounts[] | select(.destination != "/dev/pts")]'
    mkdir -p "$ROOTFS/dev/pts"
    echo host-file >"$BUNDLE/victim"
    ln -s "$BUNDLE/victim" "$ROOTFS/dev/pts/ptmx"
    update_config '.process.terminal = true'
    start_receiver
    run run_on_console
    assert_failure
    grep -q "/dev/pts/ptmx.*symbolic links" "$BUNDLE/create.out" || fail "$(cat "$BUNDLE/create.out")"
    [ "$(cat "$BUNDLE/victim")" = host-file ]
    host_untouched
}

@test "security: a fake /proc cannot redirect sysctl writes (CVE-2019-16884, CVE-2019-19921, CVE-2025-52881)" {
    mkdir -p "$BUNDLE/fakeproc/sys/kernel" "$ROOTFS/realproc"
    echo fake >"$BUNDLE/fakeproc/sys/kernel/shmmax"
    ln -s /proc/sys/kernel/core_pattern "$BUNDLE/fakeproc/sys/kernel/shmmni"
    # a volume over /proc, as an image VOLUME would make it
    add_mount /proc bind "$BUNDLE/fakeproc" rbind
    add_mount /realproc proc proc
    update_config '.linux.sysctl = {"kernel.shmmax": "424242", "kernel.shmmni": "1234"}
        | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
    set_probe cat=/realproc/sys/kernel/shmmax cat=/realproc/sys/kernel/shmmni
    run nook run "$ID"
    assert_success
    assert_line 424242
    assert_line 1234
    [ "$(cat "$BUNDLE/fakeproc/sys/kernel/shmmax")" = fake ]
    host_untouched
}

@test "security: a fake /proc cannot steer masking or read-only mounts made after pivot_root (CVE-2025-52881)" {
    # every /proc/self/fd/N of the fake points at the secret
    mkdir -p "$BUNDLE/fakeproc/self/fd" "$ROOTFS/etc/ro"
    echo TOPSECRET >"$ROOTFS/etc/secret"
    local n
    for n in $(seq 0 40); do ln -s /etc/secret "$BUNDLE/fakeproc/self/fd/$n"; done
    add_mount /proc bind "$BUNDLE/fakeproc" rbind
    update_config '.linux.maskedPaths = ["/etc/secret"] | .linux.readonlyPaths = ["/etc/ro"]'
    set_probe cat=/etc/secret write=/etc/ro/x:1 write=/etc/y:1
    run nook run "$ID"
    assert_success
    [[ "$output" != *TOPSECRET* ]] || fail "the secret was not masked: $output"
    assert_line write=EROFS
    assert_line write=ok
    [ "$(readlink "$BUNDLE/fakeproc/self/fd/3")" = /etc/secret ]
    host_untouched
}

@test "security: a /proc that is a symlink in the image is refused (CVE-2019-19921, CVE-2023-28642)" {
    mkdir -p "$BUNDLE/fakeproc/sys/kernel"
    echo fake >"$BUNDLE/fakeproc/sys/kernel/shmmax"
    rmdir "$ROOTFS/proc"
    ln -s "$BUNDLE/fakeproc" "$ROOTFS/proc"
    update_config '.linux.sysctl = {"kernel.shmmax": "424242"}'
    run nook run "$ID"
    assert_failure
    assert_output --partial "refusing to mount proc on \`/proc\`: it is a symlink"
    [ "$(cat "$BUNDLE/fakeproc/sys/kernel/shmmax")" = fake ]
    [ "$(ls -A "$BUNDLE/fakeproc")" = sys ]
    host_untouched
}

@test "security: setgroups and id maps are written by the runtime, never through the container's /proc" {
    chmod 755 "$BUNDLE"
    mkdir -p "$BUNDLE/fakeproc/self"
    echo allow >"$BUNDLE/fakeproc/self/setgroups"
    add_mount /proc bind "$BUNDLE/fakeproc" rbind
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
    set_probe ids
    run nook run "$ID"
    assert_success
    [ "$(probe_get uid)" = 0 ]
    [ "$(cat "$BUNDLE/fakeproc/self/setgroups")" = allow ]
    [ "$(ls -A "$BUNDLE/fakeproc/self")" = setgroups ]
    host_untouched
}

@test "security: an image whose /dev is a symlink to the host gets nothing made there (CVE-2026-41579)" {
    mkdir "$BUNDLE/hostdev"
    rmdir "$ROOTFS/dev"
    ln -s "$BUNDLE/hostdev" "$ROOTFS/dev"
    # with a /dev tmpfs in the config: the tmpfs lands inside the rootfs, and
    # nook still refuses to populate a /dev that is a symlink
    run nook run "$ID"
    assert_failure
    assert_output --partial "refusing to set up \`/dev\`: it is a symlink"
    [ -z "$(ls -A "$BUNDLE/hostdev")" ]
    host_untouched
    no_dev_tmpfs
    run nook run "$ID"
    assert_failure
    assert_output --partial "refusing to set up \`/dev\`: it is a symlink"
    [ -z "$(ls -A "$BUNDLE/hostdev")" ]
    host_untouched
}
