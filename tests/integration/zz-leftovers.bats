#!/usr/bin/env bats
# Runs last (tests/run-all.sh orders it so): the whole suite left nothing behind.
# Under run-all.sh, NOOK_SUITE_LOG lists every bundle this run made ("BUNDLE
# DEVINO ID" per line), so other runs going on at the same time are not blamed;
# run alone, it checks every /tmp/nk.* bundle.

load helpers

# Prints "BUNDLE DEVINO ID" for each bundle to check.
suite_bundles() {
    if [ -n "${NOOK_SUITE_LOG:-}" ] && [ -f "$NOOK_SUITE_LOG" ]; then
        cat "$NOOK_SUITE_LOG"
        return
    fi
    local b
    for b in /tmp/nk.*; do
        [ -d "$b" ] || continue
        echo "$b $(stat -c %d:%i "$b/rootfs" 2>/dev/null || echo -) nk-${b##*/nk.}"
    done
}

@test "no bundle of the suite is still on disk" {
    local bundle devino id left=""
    while read -r bundle devino id; do
        [ -e "$bundle" ] && left+="$bundle "
    done < <(suite_bundles)
    [ -z "$left" ] || fail "bundles left: $left"
}

@test "no mount mentions a bundle of the suite" {
    local bundle devino id left=""
    while read -r bundle devino id; do
        left+="$(mount_lines_mentioning "$bundle")"
    done < <(suite_bundles)
    left+="$(grep -E ' /tmp/nk\.[A-Za-z0-9]{6}(/| )' /proc/self/mountinfo | grep -v -F -f <(suite_bundles | awk '{ print $1 }') || true)"
    [ -z "$left" ] || fail "mounts left:
$left"
}

@test "no process runs in a bundle of the suite" {
    # One pass over /proc for all bundles: "PID ROOT-DEVINO ROOT-LINK CWD-LINK".
    local procs left
    procs="$(cd / && for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = "$BASHPID" ] && continue
        printf '%s %s %s %s\n' "${p#/proc/}" "$(stat -L -c %d:%i "$p/root" 2>/dev/null || echo -)" \
            "$(readlink "$p/root" 2>/dev/null || echo -)" "$(readlink "$p/cwd" 2>/dev/null || echo -)"
    done)"
    left="$(suite_bundles | awk -v procs="$procs" -v self="$(self_and_ancestors | tr '\n' ' ')" '
        BEGIN { n = split(procs, lines, "\n") }
        {
            for (i = 1; i <= n; i++) {
                split(lines[i], f, " ")
                if (index(" " self, " " f[1] " ")) continue
                if ((f[2] == $2 && $2 != "-") || index(f[3], $1 "/") == 1 || index(f[4], $1 "/") == 1 ||
                    f[3] == $1 || f[4] == $1)
                    print "pid " f[1] " in " $1 " (root " f[3] ", cwd " f[4] ")"
            }
        }')"
    [ -z "$left" ] || fail "processes left:
$left"
}

@test "no state root of the suite holds a container" {
    local bundle devino id left=""
    while read -r bundle devino id; do
        [ -d "$bundle/state" ] && [ -n "$(state_entries "$bundle/state")" ] && left+="$bundle/state "
    done < <(suite_bundles)
    [ -z "$left" ] || fail "state left: $left"
}

@test "no cgroup named after a container of the suite" {
    local left
    left="$(find /sys/fs/cgroup -maxdepth 4 -type d -name 'nk-*' 2>/dev/null |
        grep -F -f <(suite_bundles | awk '{ print "/" $3 }') || true)"
    [ -z "$left" ] || fail "cgroups left:
$left"
}
