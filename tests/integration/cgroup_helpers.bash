# Helpers for the cgroup suites: tests/integration/cgroups.bats (v1/hybrid host)
# and tests/cgroupv2/*.bats (pure v2, inside run-in-vm). Load after helpers.

cg_unified() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# cg_dir CTRL [PATH]: the container's cgroup directory for controller CTRL
# (PATH defaults to nook's /nook/$ID).
cg_dir() {
    local path="${2:-/nook/$ID}"
    if cg_unified; then
        echo "/sys/fs/cgroup$path"
    elif [ "$1" = unified ]; then
        echo "/sys/fs/cgroup/unified$path"
    else
        echo "/sys/fs/cgroup/$1$path"
    fi
}

# cg_read CTRL FILE [PATH]
cg_read() {
    cat "$(cg_dir "$1" "${3:-}")/$2"
}

# No directory of this container in any hierarchy.
assert_no_cgroup() {
    local path="${1:-/nook/$ID}" d
    for d in /sys/fs/cgroup/*"$path" /sys/fs/cgroup"$path"; do
        [ ! -e "$d" ] || fail "cgroup left behind: $d"
    done
}

# Add busybox applets the base rootfs lacks.
add_applets() {
    local a
    for a in "$@"; do
        ln -sf busybox "$ROOTFS/bin/$a"
    done
}

# create_bg: create + start with stdio away from bats' pipes.
create_started() {
    nook create "$ID" </dev/null >"$BUNDLE/out" 2>&1 || {
        cat "$BUNDLE/out"
        return 1
    }
    nook start "$ID"
}

# A config that denies every device but those a container needs, plus
# /dev/kmsg (1:11) bound in from the host.
with_kmsg() {
    update_config '.mounts += [{"destination": "/dev/kmsg", "type": "bind", "source": "/dev/kmsg",
                                "options": ["bind"]}]
        | .linux.resources.devices = [{"allow": false, "access": "rwm"}]'
}

# bad_input 'JQ' 'EXPECTED TEXT': create fails with one line naming the field,
# and nothing is left: no state, no cgroup.
bad_input() {
    write_default_config
    update_config "$1"
    run nook create "$ID" </dev/null
    assert_failure
    assert_output --partial "$2"
    [ "${#lines[@]}" -eq 1 ] || fail "more than one line: $output"
    [ ! -e "$NOOK_ROOT/$ID" ] || fail "state left behind"
    assert_no_cgroup
}
