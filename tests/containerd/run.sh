#!/usr/bin/env bash
# nook under a real containerd (Debian's 1.6) through the runc v2 shim.
#
#   tests/containerd/run.sh                 # against build/nook (or $NOOK)
#   RUNTIME=runc tests/containerd/run.sh    # the same checks against Debian's runc
#   ONLY="run_print exec" tests/containerd/run.sh
#   CORE=1 ...                              # only run, exec, memory limit, pause (the VM subset)
#
# Starts its own containerd (private root, state, socket under a short /tmp
# path, CRI plugin off), imports a busybox image built here as an OCI layout
# (no registry needed), and drives it with `ctr` using --runc-binary. The
# containers live in a containerd namespace unique to this run, so their
# cgroups are /<ns>/<id> in each hierarchy: cleanup removes exactly those.
# Ends with "N passed, M failed"; exits non-zero when a check failed.
set -uo pipefail
source "$(dirname "$0")/../lib/daemons.bash"

resolve_runtime || {
    echo "0 passed, 1 failed"
    exit 1
}
for tool in containerd ctr containerd-shim-runc-v2 bc; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is not installed (tests/deps/daemons.list; make deps)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

T="$(mktemp -d /tmp/nkc.XXXXXX)"
NS="nkc-${T##*.}"
IMG="localhost/nooktest:latest"
# every container id a check uses (cleanup removes what is left of each)
CONTAINER_IDS="t-run t-exit t-err t-tty t-d t-mem t-term t-all t-np"
CTD_PID=""
SUITE_START=$SECONDS
# The shim and ctr also use /run/containerd (sockets, fifos, runc/<ns>).
RUN_CTD_EXISTED=0
[ -e /run/containerd ] && RUN_CTD_EXISTED=1

cleanup() {
    set +e
    # What a failed check left running in our cgroups goes first, so that the
    # runtime's delete below finds empty cgroups.
    kill_cgroup_procs "$NS"
    [ -f "$T/stray.pids" ] && xargs -r kill -9 <"$T/stray.pids" 2>/dev/null
    if [ -n "$CTD_PID" ] && pid_alive "$CTD_PID"; then
        local id
        for id in $(C containers ls -q 2>/dev/null); do
            C tasks kill -s SIGKILL "$id" >/dev/null 2>&1
            C tasks delete --force "$id" >/dev/null 2>&1
            C containers delete "$id" >/dev/null 2>&1
        done
        kill -TERM "$CTD_PID"
        retry 10 pid_gone "$CTD_PID" || kill -KILL "$CTD_PID"
        wait "$CTD_PID" 2>/dev/null
    fi
    # Shims started by our containerd carry our socket path in their argv.
    kill_procs_matching "$T/"
    remove_cgroup_trees "$NS"
    rm -rf "/run/containerd/runc/$NS"
    # A shim that had to be killed leaves its socket: /run/containerd/s/sha256(<address>/<ns>/<id>).
    for id in $CONTAINER_IDS; do
        rm -f "/run/containerd/s/$(printf '%s' "$T/c.sock/$NS/$id" | sha256sum | cut -d' ' -f1)"
    done
    [ "$RUN_CTD_EXISTED" = 1 ] || rmdir /run/containerd/{runc,fifo,s} /run/containerd 2>/dev/null
    unmount_under "$T"
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

C() {
    timeout 60 ctr --address "$T/c.sock" --namespace "$NS" "$@"
}

# --- containerd -------------------------------------------------------------

# overlayfs when this filesystem can be a lower/upper dir, else the native snapshotter.
SNAP=native
mkdir -p "$T/ov"/{l,u,w,m}
if mount -t overlay overlay -o "lowerdir=$T/ov/l,upperdir=$T/ov/u,workdir=$T/ov/w" "$T/ov/m" 2>/dev/null; then
    umount "$T/ov/m"
    SNAP=overlayfs
fi
rm -rf "$T/ov"

cat >"$T/config.toml" <<EOF
version = 2
root = "$T/root"
state = "$T/state"
# CRI would want CNI and a sandbox image; the opt plugin would write /opt/containerd.
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$T/c.sock"
[ttrpc]
  address = "$T/c.sock.ttrpc"
EOF

# "runc" on containerd's PATH (inherited by the shims) is the runtime under
# test too, for ctr options that drop --runc-binary (see t_no_pivot).
mkdir -p "$T/bin"
cat >"$T/bin/runc" <<EOF
#!/bin/sh
echo "\$*" >>"$T/argv.log"
exec "$RT_BIN" "\$@"
EOF
chmod +x "$T/bin/runc"
PATH="$T/bin:$PATH" containerd --config "$T/config.toml" --log-level warn >"$T/containerd.log" 2>&1 &
CTD_PID=$!
if ! retry 30 C version >/dev/null 2>&1; then
    echo "containerd did not come up:"
    tail -n 20 "$T/containerd.log"
    echo "0 passed, 1 failed"
    exit 1
fi

# --- the image: an OCI layout holding one busybox layer ----------------------

make_image() {
    local lay="$T/oci" layer cfg man ldig cdig mdig
    mkdir -p "$lay/blobs/sha256"
    make_rootfs_tar "$T/layer.tar"
    ldig="$(sha256sum "$T/layer.tar" | cut -d' ' -f1)"
    mv "$T/layer.tar" "$lay/blobs/sha256/$ldig"
    cfg="$(printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$ldig")"
    cdig="$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)"
    printf '%s' "$cfg" >"$lay/blobs/sha256/$cdig"
    man="$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
        "$cdig" "${#cfg}" "$ldig" "$(stat -c %s "$lay/blobs/sha256/$ldig")")"
    mdig="$(printf '%s' "$man" | sha256sum | cut -d' ' -f1)"
    printf '%s' "$man" >"$lay/blobs/sha256/$mdig"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$lay/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"latest"}}]}' \
        "$mdig" "${#man}" "$IMG" >"$lay/index.json"
    tar -C "$lay" -cf "$T/image.tar" .
    rm -rf "$lay"
    C images import --snapshotter "$SNAP" "$T/image.tar" >/dev/null
}
if ! make_image >"$T/import.log" 2>&1; then
    echo "could not build and import the test image:"
    cat "$T/import.log"
    echo "0 passed, 1 failed"
    exit 1
fi

echo "containerd $(containerd --version | awk '{print $3}'), runtime $RT_BIN, snapshotter $SNAP, namespace $NS"

RUNF=(--runtime io.containerd.runc.v2 --runc-binary "$RT_BIN" --runc-root "$T/runc" --snapshotter "$SNAP")

task_status() { # ID -> RUNNING/PAUSED/STOPPED/...
    C tasks ls | awk -v id="$1" '$1 == id { print $3 }'
}
task_pid() { # ID
    C tasks ls | awk -v id="$1" '$1 == id { print $2 }'
}
status_is() { # ID STATUS
    [ "$(task_status "$1")" = "$2" ]
}

# Nothing of container ID is left: no runtime state, no shim bundle, no
# cgroup, no mount.
no_leftovers() { # ID
    local what
    [ ! -e "$T/runc/$NS/$1" ] || fail "runtime state $T/runc/$NS/$1 is left: $(ls -la "$T/runc/$NS/$1")"
    what="$(cgroup_dirs_named "$NS/$1")"
    [ -z "$what" ] || fail "cgroups left: $what"
    [ ! -e "$T/state/io.containerd.runtime.v2.task/$NS/$1" ] || fail "shim bundle left"
    what="$(grep -F "/$NS/$1/" /proc/self/mountinfo || true)"
    [ -z "$what" ] || fail "mounts left: $what"
    ! C containers ls -q | grep -qx "$1" || fail "container $1 still listed"
}

# Runs CMD... under a pseudo-terminal (ctr -t needs one on its stdin).
with_tty() {
    local sh="$T/tty.$RANDOM.sh"
    {
        echo '#!/bin/sh'
        printf '%q ' "$@"
        echo
    } >"$sh"
    chmod +x "$sh"
    timeout 60 script -qec "$sh" /dev/null </dev/null
}

# --- checks -----------------------------------------------------------------

t_run_print() {
    local out
    out="$(C run --rm "${RUNF[@]}" "$IMG" t-run echo hello from the container)"
    expect_eq "output" "hello from the container" "$out"
    no_leftovers t-run
}

t_exit_code() {
    local rc=0
    C run --rm "${RUNF[@]}" "$IMG" t-exit sh -c 'exit 7' || rc=$?
    expect_eq "exit status" 7 "$rc"
    no_leftovers t-exit
}

# The runtime's own error text reaches the user through --log-format json.
t_runtime_error() {
    local rc=0 out
    out="$(C run --rm "${RUNF[@]}" "$IMG" t-err /no/such/binary 2>&1)" || rc=$?
    echo "ctr said: $out"
    [ "$rc" -ne 0 ] || fail "ctr run succeeded"
    expect_contains "message" "OCI runtime" "$out"
    expect_contains "message" "/no/such/binary" "$out"
    expect_not_contains "message" "unable to retrieve OCI runtime error" "$out"
    C containers delete t-err >/dev/null 2>&1 || true
    no_leftovers t-err
}

t_tty() {
    local out
    out="$(with_tty ctr --address "$T/c.sock" --namespace "$NS" run --rm -t "${RUNF[@]}" "$IMG" t-tty \
        sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-ttys')"
    echo "output: $out"
    expect_contains "tty" "/dev/pts/" "$out"
    expect_contains "stdin+stdout" "both-ttys" "$out"
    no_leftovers t-tty
}

t_detached() {
    local pid
    C run -d "${RUNF[@]}" "$IMG" t-d sleep 1000 >/dev/null
    retry 10 status_is t-d RUNNING || fail "status: $(task_status t-d)"
    pid="$(task_pid t-d)"
    echo "$pid" >"$T/t-d.pid"
    expect_eq "init cmdline" "sleep 1000 " "$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ] || fail "init shares our pid namespace"
    [ -d "$T/runc/$NS/t-d" ] || fail "no runtime state under --runc-root $T/runc/$NS"
    [ ! -s "$T/argv.log" ] || fail "the shim ran \"runc\" from PATH, not --runc-binary: $(cat "$T/argv.log")"
}

t_exec() {
    local rc=0 out
    out="$(C tasks exec --exec-id e1 t-d sh -c 'echo out of exec; exit 3')" || rc=$?
    expect_eq "exec output" "out of exec" "$out"
    expect_eq "exec exit status" 3 "$rc"
}

t_exec_cgroup() {
    local out mine init
    out="$(C tasks exec --exec-id e2 t-d sh -c 'cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup')"
    mine="$(echo "$out" | sed '/^---$/,$d')"
    init="$(echo "$out" | sed '1,/^---$/d')"
    [ -n "$mine" ] || fail "no cgroup output: $out"
    expect_eq "exec's cgroups vs init's" "$init" "$mine"
}

t_exec_tty() {
    local out
    out="$(with_tty ctr --address "$T/c.sock" --namespace "$NS" tasks exec -t --exec-id e3 t-d \
        sh -c 'tty; [ -t 0 ] && echo stdin-tty')"
    echo "output: $out"
    expect_contains "tty" "/dev/pts/" "$out"
    expect_contains "stdin" "stdin-tty" "$out"
}

t_ps() {
    local pid out
    pid="$(cat "$T/t-d.pid")"
    out="$(C tasks ps t-d)"
    echo "$out"
    echo "$out" | awk 'NR > 1 { print $1 }' | grep -qx "$pid" || fail "init pid $pid not listed"
}

t_pause_resume() {
    local pid out
    pid="$(cat "$T/t-d.pid")"
    C tasks pause t-d
    expect_eq "status" PAUSED "$(task_status t-d)"
    expect_eq "freezer" FROZEN "$(freezer_state_of "$pid")"
    # ps must answer while the container is frozen.
    out="$(C tasks ps t-d)"
    echo "$out" | awk 'NR > 1 { print $1 }' | grep -qx "$pid" || fail "ps while paused: $out"
    C tasks resume t-d
    expect_eq "status" RUNNING "$(task_status t-d)"
    expect_eq "freezer" THAWED "$(freezer_state_of "$pid")"
}

t_metrics() {
    local out n
    out="$(C tasks metrics t-d)"
    echo "$out"
    n="$(echo "$out" | awk '$1 == "pids.current" { print $2 }')"
    [ -n "$n" ] && [ "$n" -ge 1 ] || fail "pids.current missing or 0"
}

t_memory_limit() {
    local pid
    C run -d --memory-limit 67108864 "${RUNF[@]}" "$IMG" t-mem sleep 1000 >/dev/null
    retry 10 status_is t-mem RUNNING || fail "status: $(task_status t-mem)"
    pid="$(task_pid t-mem)"
    echo "$pid" >"$T/t-mem.pid"
    echo "memory cgroup: $(memory_cgroup_dir "$pid")"
    expect_eq "memory limit" 67108864 "$(memory_limit_of "$pid")"
}

# containerd's Tasks.Update (ctr 1.6 has no `task update`).
t_update() {
    local pid
    pid="$(cat "$T/t-mem.pid")"
    /usr/bin/python3 "$REPO_ROOT/tests/containerd/update.py" "$T/c.sock" "$NS" t-mem \
        '{"memory":{"limit":134217728}}'
    expect_eq "memory limit after update" 134217728 "$(memory_limit_of "$pid")"
    C tasks kill -s SIGKILL t-mem
    retry 10 status_is t-mem STOPPED
    C tasks delete t-mem >/dev/null
    C containers delete t-mem
    no_leftovers t-mem
}

t_sigterm() {
    local bg rc=0
    C run --rm "${RUNF[@]}" "$IMG" t-term \
        sh -c 'trap "exit 42" TERM; echo ready; while :; do sleep 0.1; done' >"$T/term.out" &
    bg=$!
    retry 20 sh -c "grep -q ready $T/term.out || ! kill -0 $bg" || true
    grep -q ready "$T/term.out" || fail "container did not start: $(cat "$T/term.out")"
    C tasks kill t-term
    wait "$bg" || rc=$?
    expect_eq "exit status after SIGTERM" 42 "$rc"
    no_leftovers t-term
}

t_sigkill() {
    local pid
    pid="$(cat "$T/t-d.pid")"
    C tasks kill -s SIGKILL t-d
    retry 10 status_is t-d STOPPED || fail "status: $(task_status t-d)"
    retry 5 pid_gone "$pid" || fail "init $pid still alive"
}

# With the host pid namespace, the shim runs `kill --all <id> 9` once init has
# exited: the orphan init left behind must die before the task is deleted.
t_kill_all_after_exit() {
    local stray
    C run -d --with-ns "pid:/proc/$$/ns/pid" "${RUNF[@]}" "$IMG" t-all \
        sh -c 'sleep 1000 & echo $! >/tmp/stray; while [ ! -e /tmp/go ]; do sleep 0.1; done' >/dev/null
    # (quietly: every failed try prints; the last one below shows why)
    retry 10 C tasks exec --exec-id e1 t-all test -s /tmp/stray 2>/dev/null ||
        C tasks exec --exec-id e1 t-all test -s /tmp/stray
    stray="$(C tasks exec --exec-id e2 t-all cat /tmp/stray)"
    echo "$stray" >>"$T/stray.pids"
    pid_alive "$stray" || fail "stray $stray not running"
    C tasks exec --exec-id e3 t-all touch /tmp/go
    retry 10 status_is t-all STOPPED || fail "init did not exit: $(task_status t-all)"
    retry 10 pid_gone "$stray" || fail "process $stray outlived init: kill --all did not reach it"
    C tasks delete t-all >/dev/null
    C containers delete t-all
    no_leftovers t-all
}

t_delete() {
    C tasks delete t-d >/dev/null
    C containers delete t-d
    no_leftovers t-d
}

# The shim passes --no-pivot to create. ctr 1.6 sends --no-pivot as task
# options that replace the container's (BinaryName is lost), so the shim runs
# "runc" from containerd's PATH: $T/bin/runc, which logs its argv and runs the
# runtime under test.
t_no_pivot() {
    local out
    : >"$T/argv.log"
    out="$(C run --rm --no-pivot "${RUNF[@]}" "$IMG" t-np sh -c 'echo no-pivot ok; ls /')"
    echo "$out"
    expect_contains "output" "no-pivot ok" "$out"
    grep -E ' create .*--no-pivot' "$T/argv.log" || fail "create got no --no-pivot: $(cat "$T/argv.log")"
    no_leftovers t-np
}

# README's CRI snippet (runtime_type, BinaryName, SystemdCgroup) is what
# containerd reads back.
t_readme_cri_snippet() {
    local snippet out
    snippet="$(awk '/<!-- containerd-cri-snippet -->/ { on = 1; next } on && /^```toml/ { next } on && /^```/ { exit } on' "$REPO_ROOT/README.md")"
    [ -n "$snippet" ] || fail "README has no <!-- containerd-cri-snippet --> block"
    printf 'version = 2\n%s\n' "$snippet" | sed "s|/usr/local/bin/nook|$RT_BIN|" >"$T/cri.toml"
    out="$(containerd --config "$T/cri.toml" config dump)"
    echo "$out" | grep -A6 'runtimes.nook]' || fail "no runtimes.nook in: $out"
    echo "$out" | grep -q "runtime_type = \"io.containerd.runc.v2\"" || fail "runtime_type"
    echo "$out" | grep -q "BinaryName = \"$RT_BIN\"" || fail "BinaryName"
    echo "$out" | grep -q "SystemdCgroup = false" || fail "SystemdCgroup"
}

if [ -n "${CORE:-}" ]; then
    ONLY="${ONLY:-run_print detached exec memory_limit pause_resume}"
fi
check run_print t_run_print
check exit_code t_exit_code
check runtime_error t_runtime_error
check tty t_tty
check detached t_detached
check exec t_exec
check exec_cgroup t_exec_cgroup
check exec_tty t_exec_tty
check ps t_ps
check pause_resume t_pause_resume
check metrics t_metrics
check memory_limit t_memory_limit
check update t_update
check sigterm t_sigterm
check sigkill t_sigkill
check kill_all_after_exit t_kill_all_after_exit
check delete t_delete
check no_pivot t_no_pivot
check readme_cri_snippet t_readme_cri_snippet

echo "containerd suite ($RT_NAME): $((SECONDS - SUITE_START))s"
summary
