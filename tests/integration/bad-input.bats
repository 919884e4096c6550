#!/usr/bin/env bats
# Bad input must fail cleanly: for every row of bad-input.table, the command
# exits non-zero, prints exactly one line on stderr containing the expected text
# (the JSON path for config errors), and leaves nothing behind.
#
# bats 1.8 finds tests by reading @test lines, so each row has one line below
# (one TAP line per row); the first test checks that rows and tests agree.
# To add a case: add a row to the table and a matching @test line.

load helpers

TABLE="$BATS_TEST_DIRNAME/bad-input.table"

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

table_names() {
    grep -v -E '^[[:space:]]*(#|$)' "$TABLE" | sed 's/ | .*//'
}

# load_row NAME: ROW_ACTION, ROW_CMD, ROW_EXPECT of that row. The action may
# contain " | " (jq pipes), so the command and the text are taken from the end.
load_row() {
    local line rest
    line="$(grep -m 1 -F -- "$1 | " "$TABLE" | grep -m 1 -E "^$1 \| ")" ||
        fail "no row named $1 in $TABLE" || return 1
    rest="${line#"$1 | "}"
    ROW_EXPECT="${rest##* | }"
    rest="${rest% | *}"
    ROW_CMD="${rest##* | }"
    ROW_ACTION="${rest% | *}"
}

# A JSON string ("a b", "") or a bare word.
word_value() {
    if [[ "$1" == \"* ]]; then
        jq -r . <<<"$1"
    else
        printf '%s\n' "$1"
    fi
}

check_row() {
    load_row "$1" || return 1
    local id="$ID" flags=() signal="" created=no
    case "$ROW_ACTION" in
    "@raw"*) printf '%s' "${ROW_ACTION#"@raw "}" >"$BUNDLE/config.json" ;;
    "@no-config") rm -f "$BUNDLE/config.json" ;;
    "@id "*) id="$(word_value "${ROW_ACTION#"@id "}")" ;;
    "@bundle "*) flags+=(--bundle "${ROW_ACTION#"@bundle "}") ;;
    "@rootfs-missing") rm -rf "$ROOTFS" ;;
    "@rootfs-file") rm -rf "$ROOTFS" && echo "not a directory" >"$ROOTFS" ;;
    "@flags "*) read -r -a flags <<<"${ROW_ACTION#"@flags "}" ;;
    "@signal "*) signal="$(word_value "${ROW_ACTION#"@signal "}")" ;;
    "@resources "*) printf '%s' "${ROW_ACTION#"@resources "}" >"$BUNDLE/res.json" ;;
    "@process "*) printf '%s' "${ROW_ACTION#"@process "}" >"$BUNDLE/process.json" ;;
    "@"*) fail "unknown action in row $1: $ROW_ACTION" ;;
    *) update_config "$ROW_ACTION" || fail "row $1: jq filter failed: $ROW_ACTION" ;;
    esac

    case "$ROW_CMD" in
    create | run)
        set -- "$ROW_CMD" "${flags[@]}" "$id"
        ;;
    start | delete | state)
        set -- "$ROW_CMD" "${flags[@]}" "$id"
        ;;
    update)
        set_probe pause
        nook create "$ID" </dev/null >/dev/null 2>&1 || fail "could not create a container to update"
        created=yes
        cp "$NOOK_ROOT/$ID/resources.json" "$BUNDLE/res.before" 2>/dev/null || true
        set -- update --resources "$BUNDLE/res.json" "$id"
        ;;
    exec)
        set_probe pause
        nook create "$ID" </dev/null >/dev/null 2>&1 || fail "could not create a container to exec in"
        created=yes
        if [ -e "$BUNDLE/process.json" ]; then
            set -- exec "${flags[@]}" --process "$BUNDLE/process.json" "$id"
        else
            set -- exec "${flags[@]}" "$id" /bin/true
        fi
        ;;
    kill)
        set_probe pause
        nook create "$ID" </dev/null >/dev/null 2>&1 || fail "could not create a container to kill"
        created=yes
        set -- kill "${flags[@]}" "$id" "$signal"
        ;;
    *) fail "unknown command in row $1: $ROW_CMD" ;;
    esac

    # Files, not bats' `run` pipes: if the command wrongly succeeds, a container
    # would hold a pipe open and the test would wait for it forever.
    local status=0 stderr stderr_lines=()
    nook "$@" </dev/null >"$BUNDLE/cmd.out" 2>"$BUNDLE/cmd.err" || status=$?
    stderr="$(cat "$BUNDLE/cmd.err")"
    mapfile -t stderr_lines <"$BUNDLE/cmd.err"
    [ "$status" -ne 0 ] || fail "'nook $*' succeeded; stdout: $(cat "$BUNDLE/cmd.out")"
    [ "${#stderr_lines[@]}" -eq 1 ] ||
        fail "expected one line on stderr, got ${#stderr_lines[@]}: $stderr"
    [[ "$stderr" == *"$ROW_EXPECT"* ]] ||
        fail "stderr lacks '$ROW_EXPECT': $stderr"

    if [ "$created" = yes ]; then
        # The failed kill changed nothing: the container is still there.
        [ "$(container_status "$ID")" = created ] || fail "container changed by a failed $ROW_CMD"
        # a failed exec left no process in the container: init alone
        [ "$(nook ps --format json "$ID" | jq length)" = 1 ] ||
            fail "processes left in the container: $(nook ps --format json "$ID")"
        if [ "$ROW_CMD" = update ]; then
            if [ -e "$BUNDLE/res.before" ]; then
                cmp -s "$NOOK_ROOT/$ID/resources.json" "$BUNDLE/res.before" ||
                    fail "a failed update changed resources.json"
            else
                [ ! -e "$NOOK_ROOT/$ID/resources.json" ] || fail "a failed update wrote resources.json"
            fi
        fi
        nook delete -f "$ID"
    fi
    assert_no_leftovers
}

@test "bad-input: every table row has exactly one test and the table has 100+ rows" {
    local names tests
    names="$(table_names | sort)"
    tests="$(sed -n 's/^@test "bad-input: \([a-z0-9-]*\)" { check_row \1; }$/\1/p' \
        "$BATS_TEST_FILENAME" | sort)"
    [ "$(sort -u <<<"$names" | wc -l)" -eq "$(wc -l <<<"$names")" ] ||
        fail "duplicate names: $(uniq -d <<<"$names")"
    [ "$names" = "$tests" ] || fail "table and tests differ: $(diff <(echo "$names") <(echo "$tests"))"
    [ "$(wc -l <<<"$names")" -ge 100 ]
}

@test "bad-input: invalid-json" { check_row invalid-json; }
@test "bad-input: truncated-object" { check_row truncated-object; }
@test "bad-input: trailing-garbage" { check_row trailing-garbage; }
@test "bad-input: empty-file" { check_row empty-file; }
@test "bad-input: not-an-object" { check_row not-an-object; }
@test "bad-input: no-config" { check_row no-config; }
@test "bad-input: no-config-run" { check_row no-config-run; }
@test "bad-input: args-empty" { check_row args-empty; }
@test "bad-input: args-empty-run" { check_row args-empty-run; }
@test "bad-input: args-not-array" { check_row args-not-array; }
@test "bad-input: args-element-number" { check_row args-element-number; }
@test "bad-input: cwd-relative" { check_row cwd-relative; }
@test "bad-input: cwd-not-string" { check_row cwd-not-string; }
@test "bad-input: env-not-array" { check_row env-not-array; }
@test "bad-input: env-element-object" { check_row env-element-object; }
@test "bad-input: terminal-string" { check_row terminal-string; }
@test "bad-input: uid-negative" { check_row uid-negative; }
@test "bad-input: uid-too-big" { check_row uid-too-big; }
@test "bad-input: gid-fraction" { check_row gid-fraction; }
@test "bad-input: additional-gid-string" { check_row additional-gid-string; }
@test "bad-input: rlimit-unknown" { check_row rlimit-unknown; }
@test "bad-input: rlimit-soft-above-hard" { check_row rlimit-soft-above-hard; }
@test "bad-input: rlimit-negative" { check_row rlimit-negative; }
@test "bad-input: cap-not-string" { check_row cap-not-string; }
@test "bad-input: caps-not-object" { check_row caps-not-object; }
@test "bad-input: oom-score-too-high" { check_row oom-score-too-high; }
@test "bad-input: process-missing" { check_row process-missing; }
@test "bad-input: root-missing" { check_row root-missing; }
@test "bad-input: root-path-empty" { check_row root-path-empty; }
@test "bad-input: root-readonly-string" { check_row root-readonly-string; }
@test "bad-input: rootfs-missing" { check_row rootfs-missing; }
@test "bad-input: rootfs-is-file" { check_row rootfs-is-file; }
@test "bad-input: oci-version-number" { check_row oci-version-number; }
@test "bad-input: hostname-number" { check_row hostname-number; }
@test "bad-input: hostname-without-uts" { check_row hostname-without-uts; }
@test "bad-input: mounts-not-array" { check_row mounts-not-array; }
@test "bad-input: mount-not-object" { check_row mount-not-object; }
@test "bad-input: mount-destination-relative" { check_row mount-destination-relative; }
@test "bad-input: namespace-unknown" { check_row namespace-unknown; }
@test "bad-input: namespace-path-relative" { check_row namespace-path-relative; }
@test "bad-input: namespaces-not-array" { check_row namespaces-not-array; }
@test "bad-input: namespace-duplicated" { check_row namespace-duplicated; }
@test "bad-input: no-mount-namespace" { check_row no-mount-namespace; }
@test "bad-input: user-ns-without-mappings" { check_row user-ns-without-mappings; }
@test "bad-input: device-type-unknown" { check_row device-type-unknown; }
@test "bad-input: device-path-relative" { check_row device-path-relative; }
@test "bad-input: device-access-bad" { check_row device-access-bad; }
@test "bad-input: propagation-unknown" { check_row propagation-unknown; }
@test "bad-input: masked-paths-not-array" { check_row masked-paths-not-array; }
@test "bad-input: readonly-path-number" { check_row readonly-path-number; }
@test "bad-input: id-dot-dot" { check_row id-dot-dot; }
@test "bad-input: id-with-slash" { check_row id-with-slash; }
@test "bad-input: id-leading-dot" { check_row id-leading-dot; }
@test "bad-input: id-space" { check_row id-space; }
@test "bad-input: id-empty" { check_row id-empty; }
@test "bad-input: id-traversal-state" { check_row id-traversal-state; }
@test "bad-input: id-traversal-delete" { check_row id-traversal-delete; }
@test "bad-input: bundle-missing" { check_row bundle-missing; }
@test "bad-input: unknown-flag" { check_row unknown-flag; }
@test "bad-input: preserve-fds-negative" { check_row preserve-fds-negative; }
@test "bad-input: preserve-fds-word" { check_row preserve-fds-word; }
@test "bad-input: signal-unknown" { check_row signal-unknown; }
@test "bad-input: signal-out-of-range" { check_row signal-out-of-range; }
@test "bad-input: signal-misspelt" { check_row signal-misspelt; }
@test "bad-input: json-null" { check_row json-null; }
@test "bad-input: json-string" { check_row json-string; }
@test "bad-input: json-deep-nesting" { check_row json-deep-nesting; }
@test "bad-input: json-bom" { check_row json-bom; }
@test "bad-input: args-null" { check_row args-null; }
@test "bad-input: user-not-object" { check_row user-not-object; }
@test "bad-input: umask-string" { check_row umask-string; }
@test "bad-input: rlimits-not-array" { check_row rlimits-not-array; }
@test "bad-input: rlimit-missing-type" { check_row rlimit-missing-type; }
@test "bad-input: no-new-privileges-string" { check_row no-new-privileges-string; }
@test "bad-input: console-size-negative" { check_row console-size-negative; }
@test "bad-input: oom-score-too-low" { check_row oom-score-too-low; }
@test "bad-input: apparmor-number" { check_row apparmor-number; }
@test "bad-input: cap-set-not-array" { check_row cap-set-not-array; }
@test "bad-input: env-element-number" { check_row env-element-number; }
@test "bad-input: root-not-object" { check_row root-not-object; }
@test "bad-input: root-path-number" { check_row root-path-number; }
@test "bad-input: mount-type-number" { check_row mount-type-number; }
@test "bad-input: mount-options-not-array" { check_row mount-options-not-array; }
@test "bad-input: mount-option-number" { check_row mount-option-number; }
@test "bad-input: mount-destination-missing" { check_row mount-destination-missing; }
@test "bad-input: mount-source-number" { check_row mount-source-number; }
@test "bad-input: annotations-not-object" { check_row annotations-not-object; }
@test "bad-input: annotation-value-number" { check_row annotation-value-number; }
@test "bad-input: hooks-not-object" { check_row hooks-not-object; }
@test "bad-input: domainname-without-uts" { check_row domainname-without-uts; }
@test "bad-input: linux-not-object" { check_row linux-not-object; }
@test "bad-input: uid-mappings-not-array" { check_row uid-mappings-not-array; }
@test "bad-input: uid-mapping-size-string" { check_row uid-mapping-size-string; }
@test "bad-input: mappings-without-userns" { check_row mappings-without-userns; }
@test "bad-input: sysctl-not-object" { check_row sysctl-not-object; }
@test "bad-input: sysctl-value-number" { check_row sysctl-value-number; }
@test "bad-input: device-major-string" { check_row device-major-string; }
@test "bad-input: device-path-missing" { check_row device-path-missing; }
@test "bad-input: resources-not-object" { check_row resources-not-object; }
@test "bad-input: memory-limit-string" { check_row memory-limit-string; }
@test "bad-input: cpu-shares-negative" { check_row cpu-shares-negative; }
@test "bad-input: pids-limit-string" { check_row pids-limit-string; }
@test "bad-input: cgroups-path-number" { check_row cgroups-path-number; }
@test "bad-input: seccomp-not-object" { check_row seccomp-not-object; }
@test "bad-input: seccomp-default-action-unknown" { check_row seccomp-default-action-unknown; }
@test "bad-input: seccomp-syscalls-not-array" { check_row seccomp-syscalls-not-array; }
@test "bad-input: namespace-type-missing" { check_row namespace-type-missing; }
@test "bad-input: propagation-number" { check_row propagation-number; }
@test "bad-input: readonly-paths-not-array" { check_row readonly-paths-not-array; }
@test "bad-input: id-too-long" { check_row id-too-long; }
@test "bad-input: id-newline" { check_row id-newline; }
@test "bad-input: id-dot" { check_row id-dot; }
@test "bad-input: id-missing-start" { check_row id-missing-start; }
@test "bad-input: id-missing-state" { check_row id-missing-state; }
@test "bad-input: id-missing-delete" { check_row id-missing-delete; }
@test "bad-input: bundle-is-file" { check_row bundle-is-file; }
@test "bad-input: pid-file-dir-missing" { check_row pid-file-dir-missing; }
@test "bad-input: unknown-flag-run" { check_row unknown-flag-run; }
@test "bad-input: unknown-flag-delete" { check_row unknown-flag-delete; }
@test "bad-input: preserve-fds-huge" { check_row preserve-fds-huge; }
@test "bad-input: signal-empty" { check_row signal-empty; }
@test "bad-input: signal-rtmax-overflow" { check_row signal-rtmax-overflow; }
@test "bad-input: signal-zero" { check_row signal-zero; }
@test "bad-input: signal-prefix-only" { check_row signal-prefix-only; }
@test "bad-input: update-not-object" { check_row update-not-object; }
@test "bad-input: update-invalid-json" { check_row update-invalid-json; }
@test "bad-input: update-memory-string" { check_row update-memory-string; }
@test "bad-input: update-cpu-shares-negative" { check_row update-cpu-shares-negative; }
@test "bad-input: update-pids-string" { check_row update-pids-string; }
@test "bad-input: update-device-access" { check_row update-device-access; }
@test "bad-input: update-swap-below-limit" { check_row update-swap-below-limit; }
@test "bad-input: update-blkio-weight-range" { check_row update-blkio-weight-range; }
@test "bad-input: update-cpus-garbage" { check_row update-cpus-garbage; }
@test "bad-input: update-unified-traversal" { check_row update-unified-traversal; }
@test "bad-input: exec-process-invalid-json" { check_row exec-process-invalid-json; }
@test "bad-input: exec-process-not-object" { check_row exec-process-not-object; }
@test "bad-input: exec-process-args-empty" { check_row exec-process-args-empty; }
@test "bad-input: exec-process-args-missing" { check_row exec-process-args-missing; }
@test "bad-input: exec-process-cwd-relative" { check_row exec-process-cwd-relative; }
@test "bad-input: exec-process-uid-negative" { check_row exec-process-uid-negative; }
@test "bad-input: exec-process-env-number" { check_row exec-process-env-number; }
@test "bad-input: exec-process-rlimit-unknown" { check_row exec-process-rlimit-unknown; }
@test "bad-input: exec-process-caps-not-array" { check_row exec-process-caps-not-array; }
@test "bad-input: exec-process-terminal-string" { check_row exec-process-terminal-string; }
@test "bad-input: exec-process-nnp-number" { check_row exec-process-nnp-number; }
@test "bad-input: exec-process-gid-string" { check_row exec-process-gid-string; }
@test "bad-input: exec-process-oom-too-high" { check_row exec-process-oom-too-high; }
@test "bad-input: exec-process-scheduler-unknown" { check_row exec-process-scheduler-unknown; }
@test "bad-input: exec-process-ioprio-unknown" { check_row exec-process-ioprio-unknown; }
@test "bad-input: exec-user-not-number" { check_row exec-user-not-number; }
@test "bad-input: exec-user-bad-gid" { check_row exec-user-bad-gid; }
@test "bad-input: exec-preserve-fds-negative" { check_row exec-preserve-fds-negative; }
@test "bad-input: exec-cwd-relative" { check_row exec-cwd-relative; }
@test "bad-input: exec-cgroup-controller-form" { check_row exec-cgroup-controller-form; }
@test "bad-input: exec-additional-gid-bad" { check_row exec-additional-gid-bad; }
@test "bad-input: exec-unknown-flag" { check_row exec-unknown-flag; }
