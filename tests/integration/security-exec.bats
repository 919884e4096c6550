#!/usr/bin/env bats
# Attacks on `exec` from inside the container: CVE-2019-5736 (overwrite the
# runtime through /proc/<pid>/exe), CVE-2024-21626 (a leaked host fd as cwd),
# fd leaks, CVE-2022-29162 (inheritable caps from --cap).

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

start_container() {
    set_probe "$@"
    nook run -d "$ID" </dev/null >"$BUNDLE/init.out" 2>&1 || fail "run -d: $(cat "$BUNDLE/init.out")"
    wait_for_status "$ID" running
}

@test "security: a container process holding nook's /proc/<pid>/exe cannot write it (CVE-2019-5736)" {
    # the strongest attacker: root with CAP_SYS_PTRACE, so even a non-dumpable
    # nook process's exe can be opened while it sets the exec'd process up
    update_config '.process.capabilities.bounding += ["CAP_SYS_PTRACE"]
        | .process.capabilities.effective += ["CAP_SYS_PTRACE"]
        | .process.capabilities.permitted += ["CAP_SYS_PTRACE"]'
    local before
    before="$(sha256sum <"$NOOK")"
    start_container exe-attack=60
    # a PATH of many missing directories keeps nook's code running in the
    # container long enough for the attacker to catch it
    local long_path i
    long_path="$(for i in $(seq 1 3000); do printf '/nx%d:' "$i"; done)/bin"
    for ((i = 0; i < 40; i++)); do
        # whether this exec survives the attack does not matter (under ASan the
        # kernel sometimes kills it mid-execve); the binary staying intact does
        nook exec --env "PATH=$long_path" "$ID" true || true
        grep -q '^attack' "$BUNDLE/init.out" && break
    done
    for ((i = 0; i < 100; i++)); do
        grep -q '^attack.open=\|^attack=none' "$BUNDLE/init.out" && break
        sleep 0.05
    done
    local out
    out="$(cat "$BUNDLE/init.out")"
    [[ "$out" == *"attack.exe="* ]] || fail "the attacker never saw a nook process (test ineffective): $out"
    # what it saw is the read-only copy, not the host binary
    local exe
    exe="$(probe_get attack.exe "$out")"
    [[ "$exe" == "/memfd:nook"* || "$exe" == "/$(basename "$NOOK")" ]] ||
        fail "nook ran from its host binary: $out"
    [ "$(probe_get attack.write "$out")" != OK ] || fail "the attacker wrote nook's binary: $out"
    assert_equal "$(sha256sum <"$NOOK")" "$before"
}

# What /proc/<pid>/exe of a nook process is: "overlay-ro" (a read-only
# overlayfs: opening it for writing fails with EROFS), "memfd-sealed" (seal,
# shrink, grow and write seals), or what else it is.
exe_kind() {
    python3 - "/proc/$1/exe" <<'PY'
import errno, fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    seals = fcntl.fcntl(fd, 1034)  # F_GET_SEALS
except OSError:
    seals = -1
if seals >= 0:
    print("memfd-sealed" if seals & 15 == 15 else "memfd-unsealed")
    sys.exit()
st = os.statvfs("/proc/self/fd/%d" % fd)
try:
    os.close(os.open(sys.argv[1], os.O_WRONLY))
    print("writable")
except OSError as e:
    print("overlay-ro" if e.errno == errno.EROFS and st.f_flag & os.ST_RDONLY else
          "open-for-write:" + errno.errorcode[e.errno])
PY
}

# root with overlayfs: the overlay ("lowerdir+" from 6.8, before that the
# one-string "lowerdir", which needs a directory without ':' or ','), else the memfd
expected_exe_kind() {
    local dir
    dir="$(dirname "$(readlink -f "$NOOK")")"
    if [ "$(id -u)" = 0 ] && grep -qw overlay /proc/filesystems && [[ "$dir" != *[:,]* ]]; then
        echo overlay-ro
    else
        echo memfd-sealed
    fi
}

@test "security: nook's processes in the container run from a read-only copy of nook" {
    # a created container's init is still nook, waiting for start
    set_probe sleep=60
    nook create "$ID" </dev/null >/dev/null 2>&1
    local pid
    pid="$(container_pid "$ID")"
    [ "$(readlink -f "/proc/$pid/exe")" != "$(readlink -f "$NOOK")" ] ||
        fail "init runs the host binary $(readlink "/proc/$pid/exe")"
    assert_equal "$(exe_kind "$pid")" "$(expected_exe_kind)"
    nook start "$ID"
    # an image whose program is "#!/proc/self/exe" does not get nook's binary
    printf '#!/proc/self/exe\n' >"$ROOTFS/bin/evil"
    chmod +x "$ROOTFS/bin/evil"
    local before
    before="$(sha256sum <"$NOOK")"
    run nook exec "$ID" /bin/evil
    assert_failure
    assert_equal "$(sha256sum <"$NOOK")" "$before"
}

@test "security: exec's processes in the container run from a read-only copy of nook" {
    # the container runs nook's own binary: only a static one starts in the rootfs
    ! readelf -l "$NOOK" | grep -q 'program interpreter' ||
        skip "a dynamically linked nook (ASan) cannot start inside the test rootfs"
    start_container sleep=60
    # an image program "#!/proc/self/exe": the kernel runs what exec's process
    # runs at that moment, nook, which then blocks opening its log, a fifo
    # nobody reads: /proc/<pid>/exe is what the container got
    mkfifo "$ROOTFS/hold"
    printf '#!/proc/self/exe --root\n' >"$ROOTFS/bin/evil"
    chmod +x "$ROOTFS/bin/evil"
    nook exec -d "$ID" /bin/evil --log /hold state x </dev/null >/dev/null 2>&1
    local pid="" i
    for ((i = 0; i < 100; i++)); do
        pid="$(pgrep -f -- '^/proc/self/exe --root /bin/evil --log /hold' | head -1)" && break
        sleep 0.05
    done
    [ -n "$pid" ] || fail "the exec'd nook never appeared"
    [ "$(readlink -f "/proc/$pid/exe")" != "$(readlink -f "$NOOK")" ] ||
        fail "exec's process runs the host binary $(readlink "/proc/$pid/exe")"
    assert_equal "$(exe_kind "$pid")" "$(expected_exe_kind)"
    # nor through its memory mappings of the binary (overlayfs maps the lower
    # file: /proc/<pid>/map_files must still not give a writable host file)
    run python3 - "$pid" "$(readlink "/proc/$pid/exe")" <<'PY'
import os, sys
d = "/proc/%s/map_files" % sys.argv[1]
seen = 0
for e in os.listdir(d):
    if os.readlink(os.path.join(d, e)) != sys.argv[2]:
        continue
    seen += 1
    try:
        os.close(os.open(os.path.join(d, e), os.O_WRONLY))
        print("writable: " + e)
    except OSError:
        pass
print("mappings=%d" % seen)
PY
    assert_success
    [[ "$output" != *writable* ]] || fail "a mapping of nook is writable: $output"
    [[ "$output" != "mappings=0" ]] || fail "no mapping of nook seen (test ineffective)"
    kill -9 "$pid"
}

@test "security: create and exec switch to the read-only copy without executing nook again" {
    # the in-place switch needs the overlay and CAP_SYS_ADMIN; ASan's build re-executes
    [ "$(expected_exe_kind)" = overlay-ro ] || skip "no read-only overlay copy on this host"
    ! readelf -l "$NOOK" | grep -q 'program interpreter' ||
        skip "ASan's build (dynamic) re-executes instead"
    command -v strace >/dev/null || skip "strace is not installed"
    set_probe sleep=60
    # not -f: init lives on (until start) and would keep strace waiting
    strace -qq -e trace=execve,execveat -e signal=none -o "$BUNDLE/trace" \
        "$NOOK" --root "$NOOK_ROOT" create "$ID" </dev/null >/dev/null 2>&1
    # one execve (strace starting nook), none by nook of itself
    run grep -c 'execve\(at\)\?(' "$BUNDLE/trace"
    assert_output 1
    local pid
    pid="$(container_pid "$ID")"
    assert_equal "$(exe_kind "$pid")" overlay-ro
    # nothing the container can see maps the host binary any more
    run python3 - "$pid" "$(readlink -f "$NOOK")" <<'PY'
import os, sys
d = "/proc/%s/map_files" % sys.argv[1]
print("host-mapped" if any(os.path.realpath(os.path.join(d, e)) == sys.argv[2]
                           for e in os.listdir(d)) else "clean")
PY
    assert_output clean
    nook start "$ID"
    strace -f -qq -e trace=execve,execveat -e signal=none -o "$BUNDLE/trace" \
        "$NOOK" --root "$NOOK_ROOT" exec "$ID" /bin/nook-probe ids >"$BUNDLE/exec.out" 2>&1
    grep -q "^uid=" "$BUNDLE/exec.out" || fail "exec failed: $(cat "$BUNDLE/exec.out")"
    # strace's execve of nook and nook's of the probe, nothing else
    run grep -o 'execve\(at\)\?("[^"]*"' "$BUNDLE/trace"
    assert_output --partial 'execve("/bin/nook-probe"'
    [ "${#lines[@]}" -eq 2 ] || fail "nook executed more than its probe: $output"
}

@test "security: without an overlay of its directory, nook re-executes from a sealed memfd" {
    # nook started from an unsealed memfd has no directory to overlay
    set_probe sleep=60
    python3 -c 'import os, sys
fd = os.memfd_create("nook-unsealed", 0)
os.write(fd, open(sys.argv[1], "rb").read())
os.execv("/proc/self/fd/%d" % fd, ["nook"] + sys.argv[2:])' "$NOOK" --root "$NOOK_ROOT" create \
        --bundle "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
    local pid
    pid="$(container_pid "$ID")"
    [[ "$(readlink "/proc/$pid/exe")" == "/memfd:nook (deleted)" ]] ||
        fail "init runs $(readlink "/proc/$pid/exe")"
    assert_equal "$(exe_kind "$pid")" memfd-sealed
}

@test "security: the exec'd process sees only fds 0-2, also with --log and a console of nook's" {
    start_container sleep=60
    run nook --log "$BUNDLE/log.json" --log-format json exec "$ID" /bin/nook-probe fds
    assert_success
    [ -n "$(probe_get fd.2)" ] || fail "no stderr: $output"
    [ -z "$(probe_get fd.3)" ] || fail "leaked fd 3: $output"
    [ "$(printf '%s\n' "$output" | grep -c '^fd\.')" = 3 ] || fail "unexpected fds: $output"
}

@test "security: --cwd /proc/self/fd/N onto a host directory fails (CVE-2024-21626)" {
    start_container sleep=60
    local n
    for n in 3 4 5 6 7 8 9; do
        run nook exec --cwd "/proc/self/fd/$n" "$ID" /bin/nook-probe cwd
        assert_failure
        [[ "$output" != *"cwd=/"* ]] || fail "fd $n gave a cwd: $output"
    done
    # a host directory handed over on purpose with --preserve-fds: chdir works
    # through the magic link, and the cwd check refuses it
    run nook exec --preserve-fds 1 --cwd /proc/self/fd/3 "$ID" /bin/nook-probe cwd 3</
    assert_failure
    assert_output --partial "outside of container mount namespace root"
    [[ "$output" != *"cwd="* ]] || fail "the process ran: $output"
}

@test "security: process.cwd in --process pointing at a magic link is refused too" {
    start_container sleep=60
    echo '{"args": ["/bin/nook-probe", "cwd"], "cwd": "/proc/self/fd/3"}' >"$BUNDLE/p.json"
    run nook exec --preserve-fds 1 -p "$BUNDLE/p.json" "$ID" 3</
    assert_failure
    [[ "$output" != *"cwd="* ]] || fail "the process ran: $output"
}

@test "security: exec --cap never adds inheritable or ambient capabilities (CVE-2022-29162)" {
    start_container sleep=60
    run nook exec --user 1000:1000 --cap CAP_DAC_OVERRIDE --cap CAP_SYS_ADMIN "$ID" /bin/nook-probe caps
    assert_success
    assert_equal "$(probe_get CapInh)" 0000000000000000
    assert_equal "$(probe_get CapAmb)" 0000000000000000
}
