#!/usr/bin/env bats
# The container's root: the config's mounts and their options, /dev, pivot_root,
# masked and read-only paths, and the escapes a hostile image tries through
# symlinks (SECURITY.md rules 1-3). Effects are read from inside via nook-probe.

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

# mnt DEST: the (last) mountinfo line, as the probe printed it, whose mount point is DEST.
mnt() {
    printf '%s\n' "$output" | awk -v d="$1" 'index($0, "mount=") == 1 { sub(/^mount=/, ""); if ($5 == d) l = $0 } END { print l }'
}

# mnt_opts DEST: per-mount options (field 6). mnt_fstype DEST: the type after " - ".
mnt_opts() {
    mnt "$1" | awk '{ print $6 }'
}
mnt_fstype() {
    mnt "$1" | awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }'
}
mnt_optional() {
    mnt "$1" | awk '{ s = ""; for (i = 7; i <= NF && $i != "-"; i++) s = s $i " "; print s }'
}

# has_opt LIST OPT: comma-separated LIST contains OPT.
has_opt() {
    [[ ",$1," == *",$2,"* ]] || fail "'$2' not in '$1'"
}

add_mount() { # add_mount DEST TYPE SOURCE OPT...
    local dest="$1" type="$2" src="$3" opts
    shift 3
    opts="$(printf '%s\n' "$@" | jq -R . | jq -cs 'map(select(. != ""))')"
    update_config '.mounts += [{destination: $d, type: $t, source: $s, options: $o}]' \
        --arg d "$dest" --arg t "$type" --arg s "$src" --argjson o "$opts"
}

host_has_cgroup_v1() {
    awk '$5 == "/sys/fs/cgroup/memory" && / - cgroup / { f = 1 } END { exit !f }' /proc/self/mountinfo
}

@test "rootfs: proc, sysfs, tmpfs, devpts, mqueue and cgroup mounts" {
    set_probe mounts
    run nook run "$ID"
    assert_success
    [ "$(mnt_fstype /proc)" = proc ]
    [ "$(mnt_fstype /dev)" = tmpfs ]
    has_opt "$(mnt_opts /dev)" nosuid
    [ "$(mnt_fstype /dev/pts)" = devpts ]
    has_opt "$(mnt_opts /dev/pts)" noexec
    [ "$(mnt_fstype /dev/shm)" = tmpfs ]
    [ "$(mnt_fstype /dev/mqueue)" = mqueue ]
    [ "$(mnt_fstype /sys)" = sysfs ]
    has_opt "$(mnt_opts /sys)" ro
    if host_has_cgroup_v1; then
        [ "$(mnt_fstype /sys/fs/cgroup)" = tmpfs ]
        has_opt "$(mnt_opts /sys/fs/cgroup)" ro
        [ "$(mnt_fstype /sys/fs/cgroup/memory)" = cgroup ]
        has_opt "$(mnt_opts /sys/fs/cgroup/memory)" ro
        [ "$(mnt_fstype /sys/fs/cgroup/systemd)" = cgroup ]
    else
        [ "$(mnt_fstype /sys/fs/cgroup)" = cgroup2 ]
    fi
}

@test "rootfs: cgroup mount without a cgroup namespace binds the container's own cgroups" {
    host_has_cgroup_v1 || skip "needs a v1/hybrid host"
    update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")]'
    set_probe mounts
    run nook run "$ID"
    assert_success
    [ "$(mnt_fstype /sys/fs/cgroup/memory)" = cgroup ]
    has_opt "$(mnt_opts /sys/fs/cgroup/memory)" ro
    [ "$(mnt_fstype /sys/fs/cgroup/pids)" = cgroup ]
}

@test "rootfs: without a network namespace /sys is the host's, bound read-only all the way down" {
    update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")]'
    set_probe mounts
    run nook run "$ID"
    assert_success
    [ "$(mnt_fstype /sys)" = sysfs ]
    has_opt "$(mnt_opts /sys)" ro
    local line
    while read -r line; do
        [[ "$line" == mount=* ]] || continue
        set -- ${line#mount=}
        case "$5" in
        /sys/*) has_opt "$6" ro ;;
        esac
    done <<<"$output"
}

@test "rootfs: bind mounts of a directory and a file honour ro, nosuid, nodev, noexec" {
    mkdir "$BUNDLE/vol"
    echo volume-content >"$BUNDLE/vol/f"
    echo file-content >"$BUNDLE/hostfile"
    add_mount /vol bind "$BUNDLE/vol" rbind ro nosuid nodev noexec
    add_mount /etc/bound none "$BUNDLE/hostfile" bind ro
    add_mount /rwvol bind "$BUNDLE/vol" bind
    set_probe mounts cat=/vol/f cat=/etc/bound stat=/etc/bound write=/vol/x:hi write=/etc/bound:x write=/rwvol/y:hi
    run nook run "$ID"
    assert_success
    local o
    o="$(mnt_opts /vol)"
    has_opt "$o" ro
    has_opt "$o" nosuid
    has_opt "$o" nodev
    has_opt "$o" noexec
    has_opt "$(mnt_opts /etc/bound)" ro
    has_opt "$(mnt_opts /rwvol)" rw
    assert_line volume-content
    assert_line file-content
    [[ "$(probe_get stat./etc/bound)" == file:* ]]
    [ "$(printf '%s\n' "$output" | grep -c '^write=EROFS$')" = 2 ]
    assert_line write=ok
    [ -f "$BUNDLE/vol/y" ]
    [ ! -e "$BUNDLE/vol/x" ]
}

@test "rootfs: propagation options are applied to the mount" {
    mkdir "$BUNDLE/vol"
    add_mount /shared bind "$BUNDLE/vol" rbind rshared
    add_mount /private bind "$BUNDLE/vol" rbind rprivate
    add_mount /tmpshared tmpfs tmpfs shared
    set_probe mounts
    run nook run "$ID"
    assert_success
    [[ "$(mnt_optional /shared)" == *shared:* ]]
    [[ "$(mnt_optional /tmpshared)" == *shared:* ]]
    [[ "$(mnt_optional /private)" != *shared:* ]]
    [[ "$(mnt_optional /private)" != *master:* ]]
}

@test "rootfs: rootfsPropagation is applied to / and nothing leaks to the host" {
    local before
    before="$(cat /proc/self/mountinfo)"
    update_config '.linux.rootfsPropagation = "rshared"'
    set_probe mounts
    run nook run "$ID"
    assert_success
    [[ "$(mnt_optional /)" == *shared:* ]]
    # Not assert_host_mounts_unchanged: its `cmp -s` against /proc/self/mountinfo
    # always differs (procfs reports size 0, cmp trusts sizes).
    [ "$(cat /proc/self/mountinfo)" = "$before" ] || fail "host mounts changed"
}

@test "rootfs: default devices are the right nodes and /dev has the standard links" {
    set_probe stat=/dev/null stat=/dev/zero stat=/dev/full stat=/dev/random stat=/dev/urandom stat=/dev/tty
    run nook run "$ID"
    assert_success
    [ "$(probe_get stat./dev/null)" = chr:0666:0:0:1:3 ]
    [ "$(probe_get stat./dev/zero)" = chr:0666:0:0:1:5 ]
    [ "$(probe_get stat./dev/full)" = chr:0666:0:0:1:7 ]
    [ "$(probe_get stat./dev/random)" = chr:0666:0:0:1:8 ]
    [ "$(probe_get stat./dev/urandom)" = chr:0666:0:0:1:9 ]
    [ "$(probe_get stat./dev/tty)" = chr:0666:0:0:5:0 ]
    set_args /bin/sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l=$(ls -l /dev/$l | sed "s/.* -> //")"; done'
    run nook run "$ID"
    assert_success
    assert_line fd=/proc/self/fd
    assert_line stdin=/proc/self/fd/0
    assert_line stdout=/proc/self/fd/1
    assert_line stderr=/proc/self/fd/2
    assert_line ptmx=pts/ptmx
}

@test "rootfs: linux.devices are created with their mode, uid and gid" {
    update_config '.linux.devices = [
            {path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 416, uid: 1000, gid: 1000},
            {path: "/dev/net/tun", type: "c", major: 10, minor: 200, fileMode: 438},
            {path: "/dev/fifo0", type: "p"}]
        | .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rwm"},
            {allow: true, type: "c", major: 10, minor: 200, access: "rwm"}]'
    set_probe stat=/dev/fuse stat=/dev/net/tun stat=/dev/fifo0
    run nook run "$ID"
    assert_success
    [ "$(probe_get stat./dev/fuse)" = chr:0640:1000:1000:10:229 ]
    [ "$(probe_get stat./dev/net/tun)" = chr:0666:0:0:10:200 ]
    [[ "$(probe_get stat./dev/fifo0)" == fifo:0666:0:0:* ]]
}

@test "rootfs: pivot_root leaves the host root unreachable" {
    touch "$BUNDLE/host-only"
    set_probe mounts stat="$BUNDLE/host-only"
    run nook run "$ID"
    assert_success
    [ "$(probe_get "stat.$BUNDLE/host-only")" = missing ]
    [ "$(mnt / | awk '{ print $4 }')" = "$ROOTFS" ]
    [ -z "$(printf '%s\n' "$output" | awk '/^mount=/ && $5 == "/" && $4 == "/"')" ]
}

@test "rootfs: --no-pivot leaves the host root unreachable too" {
    touch "$BUNDLE/host-only"
    set_probe mounts stat="$BUNDLE/host-only" cwd
    run nook run --no-pivot "$ID"
    assert_success
    [ "$(probe_get "stat.$BUNDLE/host-only")" = missing ]
    [ "$(mnt / | awk '{ print $4 }')" = "$ROOTFS" ]
    [ "$(probe_get cwd)" = / ]
}

@test "rootfs: root.readonly makes / read-only but keeps the mounts on it writable" {
    update_config '.root.readonly = true'
    set_probe mounts write=/x:hi write=/dev/shm/y:hi
    run nook run "$ID"
    assert_success
    has_opt "$(mnt_opts /)" ro
    assert_line write=EROFS
    assert_line write=ok
    [ ! -e "$ROOTFS/x" ]
}

@test "rootfs: masked paths: a file reads empty, a directory is an empty read-only tmpfs" {
    echo TOPSECRET >"$ROOTFS/etc/secret"
    mkdir "$ROOTFS/etc/secretdir"
    echo TOPSECRET >"$ROOTFS/etc/secretdir/f"
    update_config '.linux.maskedPaths = ["/etc/secret", "/etc/secretdir", "/does/not/exist"]'
    set_probe mounts cat=/etc/secret stat=/etc/secretdir/f write=/etc/secretdir/g:x
    run nook run "$ID"
    assert_success
    [[ "$output" != *TOPSECRET* ]]
    [ "$(probe_get stat./etc/secretdir/f)" = missing ]
    assert_line write=EROFS
    [ "$(mnt_fstype /etc/secretdir)" = tmpfs ]
    has_opt "$(mnt_opts /etc/secretdir)" ro
}

@test "rootfs: masking refuses a /dev/null that is not the null device (CVE-2025-31133)" {
    echo not-null >"$BUNDLE/fake-null"
    add_mount /dev/null bind "$BUNDLE/fake-null" bind
    echo TOPSECRET >"$ROOTFS/etc/secret"
    update_config '.linux.maskedPaths = ["/etc/secret"]'
    run nook run "$ID"
    assert_failure
    assert_output --partial "is not the null device"
}

@test "rootfs: an image /dev/null symlink is replaced by the real node before masking" {
    # no /dev tmpfs: the image's own /dev is used and is hostile
    update_config '.mounts = [.mounts[] | select(.destination | startswith("/dev") | not)]'
    ln -s /proc/sys/kernel/core_pattern "$ROOTFS/dev/null"
    echo TOPSECRET >"$ROOTFS/etc/secret"
    update_config '.linux.maskedPaths = ["/etc/secret"]'
    set_probe stat=/dev/null cat=/etc/secret
    run nook run "$ID"
    assert_success
    [ "$(probe_get stat./dev/null)" = chr:0666:0:0:1:3 ]
    [[ "$output" != *TOPSECRET* ]]
}

@test "rootfs: a /dev that is a symlink in the image is refused (CVE-2026-41579)" {
    update_config '.mounts = [.mounts[] | select(.destination | startswith("/dev") | not)]'
    mkdir "$BUNDLE/hostdev"
    rmdir "$ROOTFS/dev"
    ln -s "$BUNDLE/hostdev" "$ROOTFS/dev"
    run nook run "$ID"
    assert_failure
    assert_output --partial "symlink"
    [ -z "$(ls -A "$BUNDLE/hostdev")" ]
}

@test "rootfs: init's refusal is what run reports, every time (not the socket it closed)" {
    # init fails at once while nook is still saving state and sending GO:
    # nook's send then finds the socket gone; the reason must still be init's
    rmdir "$ROOTFS/proc"
    ln -s /tmp "$ROOTFS/proc"
    local i out
    for i in $(seq 1 60); do
        out="$(nook run "$ID-$i" 2>&1)" && fail "run $i succeeded"
        [[ "$out" == *"refusing to mount proc"* ]] || fail "run $i: $out"
    done
    assert_no_leftovers
}

@test "rootfs: readonly paths become read-only bind mounts" {
    mkdir -p "$ROOTFS/etc/ro"
    update_config '.linux.readonlyPaths = ["/etc/ro", "/does/not/exist"]'
    set_probe mounts write=/etc/ro/x:hi write=/etc/rw:hi
    run nook run "$ID"
    assert_success
    has_opt "$(mnt_opts /etc/ro)" ro
    assert_line write=EROFS
    assert_line write=ok
}

@test "rootfs: process.cwd is created inside the rootfs" {
    update_config '.process.cwd = "/work/deep/dir"'
    set_probe cwd
    run nook run "$ID"
    assert_success
    [ "$(probe_get cwd)" = /work/deep/dir ]
    [ -d "$ROOTFS/work/deep/dir" ]
}

@test "rootfs: a destination through an image symlink lands inside the rootfs (CVE-2019-18837, CVE-2021-30465)" {
    mkdir "$BUNDLE/escape"
    ln -s "$BUNDLE/escape" "$ROOTFS/abs"
    ln -s ../../../../../../../.."$BUNDLE/escape" "$ROOTFS/rel"
    ln -s "$BUNDLE/victim" "$ROOTFS/etc/filelink"
    echo file-content >"$BUNDLE/hostfile"
    add_mount /abs/sub tmpfs tmpfs
    add_mount /rel/sub2 tmpfs tmpfs
    add_mount /etc/filelink bind "$BUNDLE/hostfile" bind
    set_probe mounts cat=/etc/filelink
    run nook run "$ID"
    assert_success
    assert_line file-content
    [ -z "$(ls -A "$BUNDLE/escape")" ]
    [ ! -e "$BUNDLE/victim" ]
    [ -d "$ROOTFS$BUNDLE/escape/sub" ]
    [ -d "$ROOTFS$BUNDLE/escape/sub2" ]
    [ -f "$ROOTFS$BUNDLE/victim" ]
    [ "$(mnt_fstype "$BUNDLE/escape/sub")" = tmpfs ]
}

@test "rootfs: a /proc that is a symlink in the image is refused (CVE-2019-19921)" {
    rmdir "$ROOTFS/proc"
    ln -s /tmp "$ROOTFS/proc"
    run nook run "$ID"
    assert_failure
    assert_output --partial "refusing to mount proc"
}

# with_submount: $BUNDLE/vol holding a tmpfs at vol/sub, unmounted again by the test.
with_submount() {
    mkdir -p "$BUNDLE/vol/sub"
    mount -t tmpfs nk-sub "$BUNDLE/vol/sub"
}
drop_submount() {
    umount "$BUNDLE/vol/sub"
}

@test "rootfs: rro, rnosuid, rnodev, rnoexec, rnoatime reach every submount (mount_setattr)" {
    with_submount
    add_mount /rvol bind "$BUNDLE/vol" rbind rro rnosuid rnodev rnoexec rnoatime
    add_mount /plain bind "$BUNDLE/vol" rbind ro
    set_probe mounts write=/rvol/sub/x:1
    run nook run "$ID"
    drop_submount
    assert_success
    local d
    for d in /rvol /rvol/sub; do
        has_opt "$(mnt_opts $d)" ro
        has_opt "$(mnt_opts $d)" nosuid
        has_opt "$(mnt_opts $d)" nodev
        has_opt "$(mnt_opts $d)" noexec
        has_opt "$(mnt_opts $d)" noatime
    done
    assert_line write=EROFS
    # the plain "ro" changes only the top mount: that is what rro is for
    has_opt "$(mnt_opts /plain)" ro
    has_opt "$(mnt_opts /plain/sub)" rw
}

@test "rootfs: rrw and ratime undo what an earlier option set, recursively" {
    with_submount
    mount -o remount,bind,ro,noatime "$BUNDLE/vol/sub"
    add_mount /rvol bind "$BUNDLE/vol" rbind rrw ratime
    set_probe mounts write=/rvol/sub/x:1
    run nook run "$ID"
    drop_submount
    assert_success
    has_opt "$(mnt_opts /rvol/sub)" rw
    has_opt "$(mnt_opts /rvol/sub)" relatime
    assert_line write=ok
}

@test "rootfs: tmpcopyup copies the image directory into the tmpfs, which the host never sees" {
    mkdir -p "$ROOTFS/data/sub"
    echo image-content >"$ROOTFS/data/sub/f"
    ln -s /etc/passwd "$ROOTFS/data/link"
    chmod 0750 "$ROOTFS/data"
    chown 1000:1000 "$ROOTFS/data/sub/f"
    add_mount /data tmpfs tmpfs tmpcopyup
    set_probe mounts cat=/data/sub/f stat=/data/link stat=/data stat=/data/sub/f write=/data/new:x
    run nook run "$ID"
    assert_success
    [ "$(mnt_fstype /data)" = tmpfs ]
    assert_line image-content
    [[ "$(probe_get stat./data/link)" == lnk:* ]]
    [[ "$(probe_get stat./data)" == dir:0750:0:0:* ]]
    [[ "$(probe_get stat./data/sub/f)" == file:0644:1000:1000:* ]]
    assert_line write=ok
    [ ! -e "$ROOTFS/data/new" ]
}

@test "rootfs: tmpcopyup on a read-only tmpfs still copies, then is read-only" {
    mkdir -p "$ROOTFS/data"
    echo image-content >"$ROOTFS/data/f"
    add_mount /data tmpfs tmpfs tmpcopyup ro
    set_probe mounts cat=/data/f write=/data/new:x
    run nook run "$ID"
    assert_success
    assert_line image-content
    has_opt "$(mnt_opts /data)" ro
    assert_line write=EROFS
}

@test "rootfs: a mount with uidMappings shows host files with the mapped owner" {
    mkdir "$BUNDLE/vol"
    echo x >"$BUNDLE/vol/f"
    chown 0:0 "$BUNDLE/vol/f"
    add_mount /idm bind "$BUNDLE/vol" rbind
    update_config '.mounts[-1].uidMappings = [{containerID: 0, hostID: 1000, size: 1}]
        | .mounts[-1].gidMappings = [{containerID: 0, hostID: 2000, size: 1}]'
    set_probe mounts stat=/idm/f
    run nook run "$ID"
    assert_success
    [[ "$(probe_get stat./idm/f)" == file:0644:1000:2000:* ]]
    [[ "$(mnt_opts /idm)" == *idmapped* ]]
    # the host's view of the same file is unchanged
    [ "$(stat -c %u:%g "$BUNDLE/vol/f")" = 0:0 ]
}

@test "rootfs: idmap maps a host directory like the container's user namespace" {
    mkdir "$BUNDLE/vol"
    echo x >"$BUNDLE/vol/f"
    chown 0:0 "$BUNDLE/vol/f"
    chmod 755 "$BUNDLE"
    mkdir "$ROOTFS/idm" "$ROOTFS/plainvol"
    add_mount /idm bind "$BUNDLE/vol" bind idmap
    add_mount /plainvol bind "$BUNDLE/vol" bind
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    set_probe stat=/idm/f stat=/plainvol/f
    run nook run "$ID"
    assert_success
    [[ "$(probe_get stat./idm/f)" == file:0644:0:0:* ]]
    [[ "$(probe_get stat./plainvol/f)" == file:0644:65534:65534:* ]]
}

@test "rootfs: bad mount options and idmap requests fail by JSON path and leave nothing" {
    add_mount /data bind "$BUNDLE" rbind tmpcopyup
    run nook run "$ID"
    assert_failure
    assert_output --partial 'mounts['
    assert_output --partial '(/data): option "tmpcopyup" needs a mount of type tmpfs'
    [ ! -e "$ROOTFS/data" ]
    update_config '.mounts[-1] = {destination: "/data", type: "tmpfs", source: "tmpfs", options: ["idmap"]}'
    run nook run "$ID"
    assert_failure
    assert_output --partial '(/data): idmapped mounts (idmap, ridmap, uidMappings) need a bind mount'
    update_config '.mounts[-1] = {destination: "/data", type: "bind", source: "/tmp", options: ["rbind", "idmap"]}'
    run nook run "$ID"
    assert_failure
    assert_output --partial '(/data): "idmap" without uidMappings needs a new user namespace'
    [ ! -e "$ROOTFS/data" ]
}

@test "rootfs: /dev/pts is a new devpts instance with ptmxmode applied" {
    set_args /bin/sh -c '/bin/nook-probe stat=/dev/pts/ptmx mounts; echo "pts=$(ls /dev/pts | tr "\n" " ")"'
    run nook run "$ID"
    assert_success
    [ "$(probe_get stat./dev/pts/ptmx)" = chr:0666:0:0:5:2 ]
    has_opt "$(mnt_opts /dev/pts)" noexec
    local pts_line
    pts_line="$(printf '%s\n' "$output" | awk '/^mount=/ && $6 ~ /./ && $5 == "/dev/pts"')"
    [[ "$pts_line" == *ptmxmode=666* ]] || fail "no ptmxmode: $pts_line"
    # newinstance: none of the host's ptys are visible
    assert_line "pts=ptmx "
}

@test "rootfs: in a user namespace, default and linux.devices nodes are bound from the host" {
    chmod 755 "$BUNDLE"
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.namespaces += [{type: "user"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]'
    set_probe stat=/dev/null stat=/dev/fuse mounts write=/dev/null:x
    run nook run "$ID"
    assert_success
    # the host's nodes, owned by host root, which the namespace sees as nobody
    [ "$(probe_get stat./dev/null)" = chr:0666:65534:65534:1:3 ]
    [[ "$(probe_get stat./dev/fuse)" == chr:*:10:229 ]]
    [ -n "$(mnt /dev/fuse)" ]
    assert_line write=ok
}
