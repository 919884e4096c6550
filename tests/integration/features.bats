#!/usr/bin/env bats
# `nook features`: the runtime-spec features document, and that what it
# promises holds (tests/unit/test_mount_options.c checks that every listed
# mount option is one the parser knows).

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

@test "features: a valid document with every field runtime-spec defines" {
    run "$NOOK" features
    assert_success
    echo "$output" | jq -e . >/dev/null
    local j="$output"
    [ "$(jq -r .ociVersionMin <<<"$j")" = 1.0.0 ]
    [ "$(jq -r .ociVersionMax <<<"$j")" = "$("$NOOK" --version | awk '/^spec:/ { print $2 }')" ]
    jq -e '.hooks | type == "array"' <<<"$j" >/dev/null
    jq -e '.mountOptions | index("rro") and index("tmpcopyup") and index("ridmap") and index("rbind")' <<<"$j" >/dev/null
    jq -e '.linux.namespaces == ["cgroup","ipc","mount","network","pid","time","user","uts"]' <<<"$j" >/dev/null
    jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN")' <<<"$j" >/dev/null
    jq -e '.linux.cgroup | has("v1") and has("v2") and has("systemd") and has("systemdUser") and has("rdma")' <<<"$j" >/dev/null
    jq -e '.linux.seccomp.enabled == true and (.linux.seccomp.actions | index("SCMP_ACT_ERRNO"))' <<<"$j" >/dev/null
    jq -e '.linux.apparmor | has("enabled")' <<<"$j" >/dev/null
    jq -e '.linux.selinux | has("enabled")' <<<"$j" >/dev/null
    jq -e '.linux.intelRdt | has("enabled")' <<<"$j" >/dev/null
    jq -e '.linux.mountExtensions.idmap.enabled == true' <<<"$j" >/dev/null
    jq -e '.linux.memoryPolicy.modes | index("MPOL_BIND")' <<<"$j" >/dev/null
    jq -e '.linux.netDevices | has("enabled")' <<<"$j" >/dev/null
    jq -e '.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+\\.[0-9]+")' <<<"$j" >/dev/null
    jq -e '.potentiallyUnsafeConfigAnnotations == []' <<<"$j" >/dev/null
    # the same document with runc's global flags before the command, as shims call it
    run "$NOOK" --root "$NOOK_ROOT" --log /dev/null features
    assert_success
    [ "$(jq -c . <<<"$output")" = "$(jq -c . <<<"$j")" ]
}

@test "features: every namespace listed can be created" {
    chmod 755 "$BUNDLE"
    local ns
    for ns in $("$NOOK" features | jq -r '.linux.namespaces[]'); do
        update_config '.linux.namespaces |= (map(select(.type != $t)) + [{type: $t}])' --arg t "$ns"
    done
    update_config '.mounts = [.mounts[] | select(.type != "cgroup")]
        | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    set_probe ns
    run nook run "$ID"
    assert_success
    for ns in cgroup ipc mnt net pid time user uts; do
        [ -n "$(probe_get "ns.$ns")" ] && [ "$(probe_get "ns.$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "ns $ns not new"
    done
}

@test "features: every memoryPolicy mode and flag listed is accepted" {
    local mode
    for mode in $("$NOOK" features | jq -r '.linux.memoryPolicy.modes[]'); do
        case "$mode" in
        MPOL_DEFAULT | MPOL_LOCAL) update_config '.linux.memoryPolicy = {mode: $m}' --arg m "$mode" ;;
        *) update_config '.linux.memoryPolicy = {mode: $m, nodes: "0"}' --arg m "$mode" ;;
        esac
        set_probe mempolicy
        run nook run "$ID"
        assert_success
    done
}
