#!/usr/bin/env bats
# The v1/hybrid layout cache, <root>/.cgroup-layout (src/cgroups/layout_cache.c):
# after the first command, nook takes the controller mounts from it instead of
# reading /proc/self/mountinfo; a cache that is not private to root, is stale
# (its /proc/cgroups key differs) or names a directory that is not the cgroup v1
# mount it was is ignored, the layout discovered again, and the file rewritten.
# Pure v2 hosts never use it (tests/cgroupv2/commands.bats checks that).

load helpers
load cgroup_helpers

setup() {
    cg_unified && skip "the host is cgroup v2: no v1 layout to cache"
    command -v strace >/dev/null || skip "strace is not installed"
    setup_bundle
    CACHE="$NOOK_ROOT/.cgroup-layout"
}

teardown() {
    teardown_bundle
}

# What discovery opens (checked with strace: /proc/cgroups, then
# /proc/self/mountinfo); nook's cache path reads /proc/cgroups only.
MOUNT_TABLES='"/proc/(self/|[0-9]+/)?(mounts|mountinfo)"'

# traced_ps: `nook ps --format json $ID` under strace; $BUNDLE/trace has every
# open. ps reads the container's cgroup, so it needs the layout (state does
# not: on v1 a running init's state comes from /proc alone, pause.bats).
# (LeakSanitizer cannot run under ptrace: the ASan pass checks leaks elsewhere.)
traced_ps() {
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -o "$BUNDLE/trace" -e trace=open,openat,openat2 \
        "$NOOK" --root "$NOOK_ROOT" ps --format json "$ID" >"$BUNDLE/ps.out" 2>"$BUNDLE/ps.err" || {
        cat "$BUNDLE/ps.err"
        return 1
    }
    jq -e 'length >= 1' "$BUNDLE/ps.out" >/dev/null || fail "ps found no process: $(cat "$BUNDLE/ps.out")"
}

opened_mount_table() {
    grep -Eq "$MOUNT_TABLES" "$BUNDLE/trace"
}

# The key line the host has now: subsystem/hierarchy/enabled of /proc/cgroups.
host_key() {
    awk '!/^#/ { printf "%s%s/%s/%s", (n++ ? " " : ""), $1, $2, $4 } END { print "" }' /proc/cgroups
}

# The cache is root's, 0600, one link, a regular file, for this host, and its
# hierarchy lines are the host's v1 mounts with their devices.
assert_cache_good() {
    [ -f "$CACHE" ] && [ ! -L "$CACHE" ] || fail "no regular $CACHE"
    [ "$(stat -c '%a %u %h' "$CACHE")" = "600 0 1" ] || fail "cache is $(stat -c '%a %u %h' "$CACHE")"
    [ "$(sed -n 1p "$CACHE")" = "nook cgroup layout 1" ] || fail "header: $(sed -n 1p "$CACHE")"
    [ "$(sed -n 2p "$CACHE")" = "key $(host_key)" ] || fail "key: $(sed -n 2p "$CACHE") != $(host_key)"
    [ "$(tail -n 1 "$CACHE")" = end ] || fail "no end line"
    local ctrl line
    for ctrl in memory freezer pids; do
        line="$(grep -E "^hier [0-9]+:[0-9]+ /sys/fs/cgroup/$ctrl $ctrl\$" "$CACHE")" ||
            fail "no $ctrl line in: $(cat "$CACHE")"
        [ "${line#hier }" = "$(stat -c '%Hd:%Ld' "/sys/fs/cgroup/$ctrl") /sys/fs/cgroup/$ctrl $ctrl" ] ||
            fail "wrong device: $line"
    done
    ! grep -q unified "$CACHE" || fail "the cgroup2 mount is in the v1 cache"
}

# A started container with the cache written by its create.
started_with_cache() {
    set_probe sleep=60
    create_started || return 1
    assert_cache_good
}

@test "cgroup layout: create caches the layout; ps then reads no mount table" {
    started_with_cache
    traced_ps
    ! opened_mount_table || fail "ps with a valid cache opened: $(grep -E "$MOUNT_TABLES" "$BUNDLE/trace")"
    grep -q '"/proc/cgroups"' "$BUNDLE/trace" || fail "the key was not checked"
    grep -q "\"$CACHE\"" "$BUNDLE/trace" || fail "the cache was not read"
    # the control: without the cache, ps discovers through the mount table (so
    # the check above can see discovery), and writes the cache again
    rm "$CACHE"
    traced_ps
    opened_mount_table || fail "discovery no longer opens a mount table: fix MOUNT_TABLES"
    assert_cache_good
}

@test "cgroup layout: freezer and memory pointed at a tmp directory are ignored; pause and delete use the real cgroup" {
    started_with_cache
    local fake="$BUNDLE/fakecg" dev
    mkdir -p "$fake/freezer/nook/$ID" "$fake/memory/nook/$ID"
    echo THAWED >"$fake/freezer/nook/$ID/freezer.state"
    # lines that pass every check but the filesystem type: the device numbers are
    # those of the directories themselves (two of them: one mount per line)
    dev="$(stat -c '%Hd:%Ld' "$fake")"
    sed -i -E "s|^hier [0-9:]+ /sys/fs/cgroup/freezer freezer\$|hier $dev $fake/freezer freezer|
               s|^hier [0-9:]+ /sys/fs/cgroup/memory memory\$|hier $dev $fake/memory memory|" "$CACHE"
    grep -q "$fake/freezer freezer" "$CACHE" && grep -q "$fake/memory memory" "$CACHE"

    run nook pause "$ID"
    assert_success
    [ "$(cg_read freezer freezer.state)" = FROZEN ] || fail "real freezer: $(cg_read freezer freezer.state)"
    [ "$(cat "$fake/freezer/nook/$ID/freezer.state")" = THAWED ] || fail "nook wrote into the fake hierarchy"
    assert_cache_good
    run nook resume "$ID"
    assert_success
    [ "$(cg_read freezer freezer.state)" = THAWED ]

    # again for delete: it must remove the real memory cgroup, not the fake one
    sed -i -E "s|^hier [0-9:]+ /sys/fs/cgroup/memory memory\$|hier $dev $fake/memory memory|" "$CACHE"
    grep -q "$fake/memory memory" "$CACHE"
    run nook delete --force "$ID"
    assert_success
    [ -d "$fake/memory/nook/$ID" ] || fail "delete removed the fake directory"
    assert_no_cgroup
    assert_cache_good
}

@test "cgroup layout: a cache with mode 0666 is ignored and rewritten 0600" {
    started_with_cache
    chmod 0666 "$CACHE"
    traced_ps
    opened_mount_table || fail "a 0666 cache was believed"
    assert_cache_good
    traced_ps
    ! opened_mount_table || fail "the rewritten cache was not used"
}

@test "cgroup layout: a symlink in the cache's place is not followed, and is replaced" {
    started_with_cache
    cp -p "$CACHE" "$BUNDLE/elsewhere"
    ln -sf "$BUNDLE/elsewhere" "$CACHE"
    traced_ps
    opened_mount_table || fail "a symlinked cache was believed"
    assert_cache_good
    [ "$(stat -c '%a %u %h' "$BUNDLE/elsewhere")" = "600 0 1" ]
}

@test "cgroup layout: a saved key that is not the host's triggers rediscovery" {
    started_with_cache
    # as if memory had been remounted as another hierarchy since the cache was written
    sed -i -E '2s| memory/[0-9]+/| memory/999/|' "$CACHE"
    grep -q ' memory/999/' "$CACHE"
    traced_ps
    opened_mount_table || fail "a stale key was believed"
    assert_cache_good
    traced_ps
    ! opened_mount_table || fail "the rewritten cache was not used"
}

@test "cgroup layout: garbage in the cache is ignored; every command still finds the cgroup" {
    started_with_cache
    printf 'nook cgroup layout 1\nkey %s\nhier 0:0 /sys/fs/cgroup/memory\n' "$(host_key)" >"$CACHE"
    chmod 0600 "$CACHE"
    run nook ps "$ID"
    assert_success
    [ "${#lines[@]}" -ge 2 ] || fail "ps found no process: $output"
    assert_cache_good
    run nook kill "$ID" KILL
    assert_success
    wait_for_status "$ID" stopped
    run nook delete "$ID"
    assert_success
    assert_no_cgroup
}
