#!/usr/bin/env bash
# nook under Debian's podman (4.3, conmon), cgroupfs driver, no network.
#
#   tests/podman/run.sh                 # against build/nook (or $NOOK)
#   RUNTIME=runc tests/podman/run.sh    # the same checks against Debian's runc
#   ONLY="run_echo exec" tests/podman/run.sh
#   CORE=1 ...                          # only run, exec, memory limit, pause (the VM subset)
#   SECCOMP=unconfined|default ...      # podman's seccomp profile off/on (default: on
#                                       # when `RUNTIME features` reports seccomp)
#
# Everything podman keeps is private to this run: containers.conf and
# storage.conf (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF), --root/--runroot/
# --tmpdir under a short /tmp path, and a cgroup parent named for this run, so
# cleanup removes exactly what the suite created. The runtime keeps its state
# in its default root (/run/<name>): podman's `container cleanup`, which conmon
# runs when a container exits, does not pass --runtime-flag on.
# Ends with "N passed, M failed"; exits non-zero when a check failed.
set -uo pipefail
source "$(dirname "$0")/../lib/daemons.bash"

resolve_runtime || {
    echo "0 passed, 1 failed"
    exit 1
}
for tool in podman conmon bc; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is not installed (tests/deps/daemons.list; make deps)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

T="$(mktemp -d /tmp/nkp.XXXXXX)"
CG="nkp-${T##*.}"
IMG="localhost/nooktest:latest"
SUITE_START=$SECONDS
# podman's lock segment is host-wide; remove it afterwards only if we made it.
SHM_LOCK_EXISTED=0
[ -e /dev/shm/libpod_lock ] && SHM_LOCK_EXISTED=1
# and so is its blob info cache, written by `podman import`.
CACHE_EXISTED=0
[ -e /var/lib/containers ] && CACHE_EXISTED=1

P() {
    timeout 90 podman --root "$T/r" --runroot "$T/rr" --tmpdir "$T/t" \
        --runtime "$RT_BIN" --cgroup-manager cgroupfs "$@"
}
# Options every container gets: no network, a cgroup parent unique to this run.
RUNO=(--network none --cgroup-parent "/$CG")
# podman applies its default seccomp profile. A runtime whose `features` does
# not report seccomp gets the checks run without it (SECCOMP=unconfined forces
# that, SECCOMP=default forbids it); check seccomp_default_profile always uses it.
if [ -z "${SECCOMP:-}" ]; then
    SECCOMP=default
    [ "$("$RT_BIN" features 2>/dev/null | jq -r '.linux.seccomp.enabled' 2>/dev/null)" = true ] ||
        SECCOMP=unconfined
fi
[ "$SECCOMP" = default ] || RUNO+=(--security-opt "seccomp=$SECCOMP")

cleanup() {
    set +e
    local id
    kill_cgroup_procs "$CG"
    for id in $(P ps -aq 2>/dev/null); do
        P rm -f -t 0 "$id" >/dev/null 2>&1
    done
    P rmi -af >/dev/null 2>&1
    # conmon and the container processes of a check that failed half-way.
    kill_procs_matching "$T/"
    remove_cgroup_trees "$CG"
    unmount_under "$T"
    [ "$SHM_LOCK_EXISTED" = 1 ] || rm -f /dev/shm/libpod_lock
    [ "$CACHE_EXISTED" = 1 ] || rm -rf /var/lib/containers
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$T"/{r,rr,t}
# the runtime's default --root (nook's is /run/nook whatever its file is called)
case "$RT_NAME" in
runc | crun) RT_ROOT="/run/$RT_NAME" ;;
*) RT_ROOT="${RT_ROOT:-/run/nook}" ;;
esac
STORAGE_DRIVER=vfs
mkdir -p "$T/ov"/{l,u,w,m}
if mount -t overlay overlay -o "lowerdir=$T/ov/l,upperdir=$T/ov/u,workdir=$T/ov/w" "$T/ov/m" 2>/dev/null; then
    umount "$T/ov/m"
    STORAGE_DRIVER=overlay
fi
rm -rf "$T/ov"

# podman knows runtimes by file name: nook is not in its built-in
# runtime_supports_json list; this line makes podman pass --log-format json
# --log FILE and read the runtime's error from there (as for runc).
# podman itself runs with nproc 32768 at most.
NOFILE=$(ulimit -Hn)
NPROC=$(ulimit -Hu)
[ "$NPROC" = unlimited ] || [ "$NPROC" -gt 32768 ] && NPROC=32768
[ "$NOFILE" = unlimited ] || [ "$NOFILE" -gt 1048576 ] && NOFILE=1048576
ULIMITS="\"nofile=$NOFILE:$NOFILE\", \"nproc=$NPROC:$NPROC\""
cat >"$T/containers.conf" <<EOF
[containers]
# podman's default nofile and nproc (1048576) exceed the hard limits here, and
# raising a hard limit needs CAP_SYS_RESOURCE.
default_ulimits = [$ULIMITS]
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "nook"]
volume_path = "$T/vol"

[engine.runtimes]
nook = ["$RT_BIN"]
EOF
cat >"$T/storage.conf" <<EOF
[storage]
driver = "$STORAGE_DRIVER"
graphroot = "$T/r"
runroot = "$T/rr"
EOF
export CONTAINERS_CONF="$T/containers.conf" CONTAINERS_STORAGE_CONF="$T/storage.conf"
# A registries.conf of the host is harmless: nothing here pulls.

make_rootfs_tar "$T/rootfs.tar"
if ! P import -q "$T/rootfs.tar" "$IMG" >"$T/import.log" 2>&1; then
    echo "podman import failed:"
    cat "$T/import.log"
    echo "0 passed, 1 failed"
    exit 1
fi
rm -f "$T/rootfs.tar"
echo "podman $(podman --version | awk '{print $3}'), runtime $RT_BIN, storage $STORAGE_DRIVER, cgroup parent /$CG, seccomp $SECCOMP"

state_of() { # NAME -> running/exited/paused/created
    P inspect -f '{{.State.Status}}' "$1"
}
pid_of() { # NAME
    P inspect -f '{{.State.Pid}}' "$1"
}
state_is() { # NAME STATE
    [ "$(state_of "$1")" = "$2" ]
}
with_tty() {
    local sh="$T/tty.$RANDOM.sh"
    {
        echo '#!/bin/sh'
        printf '%q ' "$@"
        echo
    } >"$sh"
    chmod +x "$sh"
    timeout 90 script -qec "$sh" /dev/null </dev/null
}
# Nothing of container ID is left: runtime state, cgroup, mounts.
no_leftovers() { # FULL-ID
    local what
    [ ! -e "$RT_ROOT/$1" ] || fail "runtime state $RT_ROOT/$1 left"
    what="$(cgroup_dirs_named "$CG/libpod-$1")"
    [ -z "$what" ] || fail "cgroups left: $what"
    what="$(grep -F "$1" /proc/self/mountinfo || true)"
    [ -z "$what" ] || fail "mounts left: $what"
}
full_id() { # NAME; remembers the id for the final leftover check
    P inspect -f '{{.Id}}' "$1" | tee -a "$T/ids"
}

# --- checks -----------------------------------------------------------------

t_run_echo() {
    local out
    out="$(P run --rm "${RUNO[@]}" "$IMG" echo hello from podman)"
    expect_eq "output" "hello from podman" "$out"
}

t_exit_codes() {
    local rc=0
    P run --rm "${RUNO[@]}" "$IMG" sh -c 'exit 7' || rc=$?
    expect_eq "exit status" 7 "$rc"
    rc=0
    P run --rm "${RUNO[@]}" "$IMG" true || rc=$?
    expect_eq "exit status of true" 0 "$rc"
}

# podman maps the runtime's error text: "not found"/"no such file" -> 127,
# "permission denied" -> 126, and shows the runtime's message.
t_error_propagation() {
    local rc=0 out
    out="$(P run --rm "${RUNO[@]}" "$IMG" /no/such/binary 2>&1)" || rc=$?
    echo "podman said: $out"
    expect_eq "exit status for a missing binary" 127 "$rc"
    expect_contains "message" "/no/such/binary" "$out"
    rc=0
    out="$(P run --rm "${RUNO[@]}" "$IMG" /etc/passwd 2>&1)" || rc=$?
    echo "podman said: $out"
    expect_eq "exit status for a non-executable" 126 "$rc"
    expect_contains "message" "ermission denied" "$out"
    [ -z "$(P ps -aq)" ] || fail "containers left: $(P ps -a)"
}

t_tty() {
    local out
    out="$(with_tty podman --root "$T/r" --runroot "$T/rr" --tmpdir "$T/t" --runtime "$RT_BIN" --cgroup-manager cgroupfs \
        run --rm -t "${RUNO[@]}" "$IMG" sh -c 'tty; [ -t 0 ] && echo stdin-tty')"
    echo "output: $out"
    expect_contains "tty" "/dev/pts/" "$out"
    expect_contains "stdin" "stdin-tty" "$out"
}

t_detached() {
    local pid
    P run -d --name d1 "${RUNO[@]}" "$IMG" sleep 1000 >/dev/null
    expect_eq "state" running "$(state_of d1)"
    pid="$(pid_of d1)"
    expect_eq "init cmdline" "sleep 1000 " "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [ -d "$RT_ROOT/$(full_id d1)" ] || fail "no runtime state under $RT_ROOT"
}

t_exec() {
    local out rc=0
    out="$(P exec d1 echo exec output)"
    expect_eq "plain exec" "exec output" "$out"
    P exec d1 sh -c 'exit 5' || rc=$?
    expect_eq "exec exit status" 5 "$rc"
    out="$(P exec -u nobody -e FOO=bar -w /tmp d1 sh -c 'echo $(id -u) $FOO $(pwd)')"
    expect_eq "exec -u -e -w" "65534 bar /tmp" "$out"
    out="$(with_tty podman --root "$T/r" --runroot "$T/rr" --tmpdir "$T/t" --runtime "$RT_BIN" --cgroup-manager cgroupfs exec -t d1 tty)"
    expect_contains "exec -t" "/dev/pts/" "$out"
    P exec -d d1 sleep 777 >/dev/null
    retry 10 sh -c "podman --root $T/r --runroot $T/rr top d1 args | grep -q 'sleep 777'" ||
        fail "exec -d process not running: $(P top d1)"
}

t_top() {
    local out
    out="$(P top d1)"
    echo "$out"
    expect_contains "top" "sleep 1000" "$out"
}

t_stats() {
    local out
    out="$(P stats --no-stream --format '{{.PIDs}} {{.MemUsage}}' d1)"
    echo "stats: $out"
    [ "${out%% *}" -ge 1 ] || fail "no pids in stats"
}

t_own_cgroup() {
    local pid id
    pid="$(pid_of d1)"
    id="$(full_id d1)"
    cat "/proc/$pid/cgroup"
    expect_eq "memory cgroup" "/$CG/libpod-$id" "$(memory_cgroup_dir "$pid" | sed 's|^/sys/fs/cgroup\(/memory\)\{0,1\}||')"
}

t_memory_limit() {
    local pid
    P run -d --name m1 --memory 64m "${RUNO[@]}" "$IMG" sleep 1000 >/dev/null
    pid="$(pid_of m1)"
    expect_eq "memory limit" 67108864 "$(memory_limit_of "$pid")"
}

t_update() {
    local pid
    pid="$(pid_of m1)"
    P update --memory 128m m1 >/dev/null
    expect_eq "memory limit after update" 134217728 "$(memory_limit_of "$pid")"
}

t_pause() {
    local pid
    pid="$(pid_of d1)"
    P pause d1 >/dev/null
    expect_eq "state" paused "$(state_of d1)"
    expect_eq "freezer" FROZEN "$(freezer_state_of "$pid")"
    P unpause d1 >/dev/null
    expect_eq "state" running "$(state_of d1)"
    expect_eq "freezer" THAWED "$(freezer_state_of "$pid")"
}

t_kill() {
    local pid id rc=0
    pid="$(pid_of m1)"
    id="$(full_id m1)"
    P kill m1 >/dev/null
    retry 10 state_is m1 exited || fail "state: $(state_of m1)"
    pid_gone "$pid" || fail "init $pid alive"
    expect_eq "exit code" 137 "$(P inspect -f '{{.State.ExitCode}}' m1)"
    P rm m1 >/dev/null
    no_leftovers "$id"
}

# `stop -t 1` on an init that ignores SIGTERM (sleep as pid 1): SIGKILL after 1 s.
t_stop_timeout() {
    local start
    P run -d --name s1 "${RUNO[@]}" "$IMG" sleep 1000 >/dev/null
    start=$SECONDS
    P stop -t 1 s1 >/dev/null
    expect_eq "state" exited "$(state_of s1)"
    expect_eq "exit code" 137 "$(P inspect -f '{{.State.ExitCode}}' s1)"
    [ $((SECONDS - start)) -lt 10 ] || fail "stop took $((SECONDS - start)) s"
    P rm s1 >/dev/null
}

# Plain `stop`: SIGTERM, which this init handles.
t_stop() {
    P run -d --name s2 "${RUNO[@]}" "$IMG" sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done' >/dev/null
    P stop s2 >/dev/null
    expect_eq "state" exited "$(state_of s2)"
    expect_eq "exit code" 42 "$(P inspect -f '{{.State.ExitCode}}' s2)"
    P rm s2 >/dev/null
}

t_create_start_attach() {
    local out rc=0 id
    P create --name c1 "${RUNO[@]}" "$IMG" sh -c 'echo attached output; exit 3' >/dev/null
    expect_eq "state after create" created "$(state_of c1)"
    out="$(P start -a c1)" || rc=$?
    expect_eq "start -a output" "attached output" "$out"
    expect_eq "start -a exit status" 3 "$rc"
    # attach to a running container: it prints a line per input line.
    P create -i --name c2 "${RUNO[@]}" "$IMG" sh -c 'while read l; do echo got $l; done' >/dev/null
    P start c2 >/dev/null
    out="$(printf 'one\n' | timeout 20 podman --root "$T/r" --runroot "$T/rr" --tmpdir "$T/t" \
        --runtime "$RT_BIN" --cgroup-manager cgroupfs attach c2)" || true
    expect_eq "attach" "got one" "$out"
    id="$(full_id c1)"
    P rm -f c1 c2 >/dev/null
    no_leftovers "$id"
}

t_restart() {
    local pid1 pid2
    P run -d --name r1 "${RUNO[@]}" "$IMG" sleep 1000 >/dev/null
    pid1="$(pid_of r1)"
    P restart -t 0 r1 >/dev/null
    expect_eq "state" running "$(state_of r1)"
    pid2="$(pid_of r1)"
    [ "$pid1" != "$pid2" ] || fail "same pid after restart"
    pid_gone "$pid1" || fail "old init $pid1 alive"
    pid_alive "$pid2" || fail "new init $pid2 not running"
}

t_rm() {
    local id
    id="$(full_id r1)"
    P stop -t 0 r1 >/dev/null
    P rm r1 >/dev/null
    ! P inspect r1 >/dev/null 2>&1 || fail "r1 still exists"
    no_leftovers "$id"
}

t_rm_force_running() {
    local pid id
    pid="$(pid_of d1)"
    id="$(full_id d1)"
    local out
    out="$(P rm -f -t 0 d1 2>&1)" || true
    ! P inspect d1 >/dev/null 2>&1 || fail "d1 still exists; podman rm said: $out"
    retry 5 pid_gone "$pid" || fail "init $pid alive"
    no_leftovers "$id"
}

t_no_leftover_cgroups() {
    local left
    [ -z "$(P ps -aq)" ] || fail "containers left: $(P ps -a)"
    left="$(for d in $(cgroup_dirs_named "$CG"); do find "$d" -mindepth 1 -type d -name 'libpod-*'; done)"
    [ -z "$left" ] || fail "container cgroups left: $left"
    for id in $(cat "$T/ids"); do
        [ ! -e "$RT_ROOT/$id" ] || fail "runtime state left: $RT_ROOT/$id"
    done
}

# podman's default seccomp profile (what every user gets) reaches the runtime,
# which installs it: the container's process runs in seccomp filter mode.
t_seccomp_default_profile() {
    local out
    out="$(P run --rm --network none --cgroup-parent "/$CG" "$IMG" grep Seccomp: /proc/self/status)"
    echo "$out"
    expect_eq "seccomp mode" "Seccomp:	2" "$out"
}

# README's podman snippet is the config this suite runs with.
t_readme_snippet() {
    local snippet
    snippet="$(awk '/<!-- podman-snippet -->/ { on = 1; next } on && /^```toml/ { next } on && /^```/ { exit } on' "$REPO_ROOT/README.md")"
    [ -n "$snippet" ] || fail "README has no <!-- podman-snippet --> block"
    echo "$snippet" | grep -q 'runtime_supports_json = \[.*"nook"' || fail "no runtime_supports_json with nook"
    echo "$snippet" | grep -q '^nook = \["/usr/local/bin/nook"\]' || fail "no [engine.runtimes] nook entry"
    # The same file with our paths must run a container with --runtime nook.
    echo "$snippet" | sed "s|/usr/local/bin/nook|$RT_BIN|" >"$T/readme.conf"
    cat >>"$T/readme.conf" <<EOF
[containers]
default_ulimits = [$ULIMITS]
log_driver = "k8s-file"
EOF
    [ "$RT_NAME" = nook ] || return 0
    local out
    out="$(CONTAINERS_CONF="$T/readme.conf" timeout 60 podman --root "$T/r" --runroot "$T/rr" --tmpdir "$T/t" \
        --runtime nook --cgroup-manager cgroupfs \
        run --rm "${RUNO[@]}" "$IMG" echo via the README config)"
    expect_eq "output" "via the README config" "$out"
}

if [ -n "${CORE:-}" ]; then
    ONLY="${ONLY:-run_echo detached exec memory_limit pause}"
fi
check run_echo t_run_echo
check exit_codes t_exit_codes
check error_propagation t_error_propagation
check tty t_tty
check detached t_detached
check exec t_exec
check top t_top
check stats t_stats
check own_cgroup t_own_cgroup
check memory_limit t_memory_limit
check update t_update
check pause t_pause
check kill t_kill
check stop_timeout t_stop_timeout
check stop t_stop
check create_start_attach t_create_start_attach
check restart t_restart
check rm t_rm
check rm_force_running t_rm_force_running
check no_leftover_cgroups t_no_leftover_cgroups
check seccomp_default_profile t_seccomp_default_profile
check readme_snippet t_readme_snippet

echo "podman suite ($RT_NAME): $((SECONDS - SUITE_START))s"
summary
