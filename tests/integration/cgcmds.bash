# Helpers for the cgroup command suites (update, pause, ps, events; and
# tests/cgroupv2/commands.bats in the VM). Load after helpers:
#   load helpers     (or ../integration/helpers)
#   load cgcmds      (or ../integration/cgcmds)
#
# They find a container's cgroup from nook.cgroupPath in its state.json and
# work on a pure cgroup v2 host (the VM) as on this hybrid host (v1 controllers).

# cg_v2: the host is pure cgroup v2.
cg_v2() {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
}

# cg_path [ID]: the container's cgroup path ("/nook/<id>").
cg_path() {
    jq -r '.nook.cgroupPath // empty' "$NOOK_ROOT/${1:-$ID}/state.json"
}

# cg_dir CTRL [ID]: the container's cgroup directory for v1 controller CTRL
# (the one cgroup directory on v2).
cg_dir() {
    local path
    path="$(cg_path "${2:-$ID}")" || return 1
    [ -n "$path" ] || fail "no nook.cgroupPath in state.json" || return 1
    if cg_v2; then
        echo "/sys/fs/cgroup$path"
    else
        echo "/sys/fs/cgroup/$1$path"
    fi
}

# cg_read CTRL FILE [ID]
cg_read() {
    cat "$(cg_dir "$1" "${3:-$ID}")/$2"
}

# cg_procs [ID]: sorted pids in the container's cgroup (freezer on v1, which
# nook lists; pids hierarchy as a second opinion is the same set).
cg_procs() {
    sort -n "$(cg_dir pids "${1:-$ID}")/cgroup.procs"
}

# start_counter [ID]: a detached container whose shell writes an increasing
# counter to /tmp/count every 50 ms (and runs a child each time).
start_counter() {
    set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done'
    nook run -d "${1:-$ID}" </dev/null >/dev/null 2>&1 || fail "run -d failed" || return 1
    wait_for_file "$ROOTFS/tmp/count"
}

counter() {
    cat "$ROOTFS/tmp/count"
}

# add_applets NAME...: more busybox applets in the rootfs (dd for allocating).
add_applets() {
    local a
    for a in "$@"; do
        ln -sf busybox "$ROOTFS/bin/$a"
    done
}

# snapshot CTRL FILE...: "file=value" lines, to show an update changed nothing.
snapshot() {
    local ctrl="$1" f dir
    shift
    dir="$(cg_dir "$ctrl")"
    for f in "$@"; do
        echo "$f=$(cat "$dir/$f" 2>/dev/null)"
    done
}
