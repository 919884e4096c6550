#!/usr/bin/env bats
# The command line as callers see it: runc's flag spellings, help and version,
# error wording and exit codes, --log/--log-format, spec, list, kill, state.

load helpers

setup() {
    setup_bundle
}

teardown() {
    teardown_bundle
}

# nook's own wording (help, version) only makes sense for nook itself.
requires_nook() {
    [ "$NOOK_FLAVOR" = nook ] || skip "nook-specific output ($NOOK_FLAVOR)"
}

RFC3339_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

# create_paused ID: a created (not started) container whose probe would pause
# once started; stdio goes to a file, a pipe would keep `run` waiting.
create_container() {
    nook create "$1" >"$BUNDLE/out.$1" 2>&1 </dev/null
}

LIFECYCLE_COMMANDS="spec create start run state list kill delete"
ALL_COMMANDS="$LIFECYCLE_COMMANDS checkpoint events exec features pause ps restore resume update"

@test "every command has --help and help CMD" {
    requires_nook
    local c
    for c in $ALL_COMMANDS; do
        run nook "$c" --help
        assert_success
        assert_output --partial "nook $c"
        assert_output --partial "USAGE:"
        run nook help "$c"
        assert_success
        assert_output --partial "nook $c"
        run nook "$c" -h
        assert_success
        assert_output --partial "USAGE:"
    done
}

@test "--help and help list every command" {
    requires_nook
    local c
    for args in --help -h help h ""; do
        run "$NOOK" $args
        assert_success
        assert_output --partial "USAGE:"
        for c in $ALL_COMMANDS; do
            echo "$output" | grep -qE "^   $c " || fail "'nook $args' does not list $c"
        done
    done
    run nook help nosuch
    assert_failure
}

@test "--version and -v" {
    requires_nook
    for v in --version -v; do
        run "$NOOK" "$v"
        assert_success
        [ "${lines[0]}" = "nook version 0.1.0" ]
        [[ "${lines[1]}" =~ ^commit:\ .+ ]]
        [ "${lines[2]}" = "spec: 1.3.0" ]
        [[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
    done
}

@test "unknown command, unknown flag and wrong argument counts fail like runc" {
    run nook nosuchcmd
    assert_failure
    run nook --bogus list
    [ "$status" -eq 1 ]
    assert_output --partial "flag provided but not defined: -bogus"
    run nook list --bogus
    [ "$status" -eq 1 ]
    assert_output --partial "flag provided but not defined: -bogus"
    run nook start
    [ "$status" -eq 1 ]
    assert_output --partial '"start" requires exactly 1 argument(s)'
    run nook state a b
    assert_output --partial '"state" requires exactly 1 argument(s)'
    run nook kill
    assert_output --partial '"kill" requires a minimum of 1 argument(s)'
    run nook kill a b c
    assert_output --partial '"kill" requires a maximum of 2 argument(s)'
    run nook list extra
    assert_output --partial '"list" requires exactly 0 argument(s)'
    run nook list --format
    assert_output --partial "flag needs an argument: -format"
    run nook list --quiet=maybe
    assert_output --partial 'invalid boolean value "maybe" for -quiet'
}

@test "errors are printed once, prefixed nook:" {
    requires_nook
    run nook state nosuch
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [ "$output" = 'nook: container "nosuch" does not exist' ]
    run nook nosuchcmd
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    assert_output --partial 'nook: unknown command "nosuchcmd"'
}

@test "commands of later work are listed and fail clearly" {
    requires_nook
    local c n=0
    run nook help
    for c in $(echo "$output" | awk '/\(not implemented yet\)$/ { print $1 }'); do
        n=$((n + 1))
        run nook "$c" "$ID"
        [ "$status" -eq 1 ]
        [ "$output" = "nook: \"$c\" is not implemented in this version of nook (see spec/FEATURES.md)" ]
    done
    echo "# $n commands not implemented yet" >&3
}

@test "flag spellings: --flag value, --flag=value, -flag value, short aliases, bool=false" {
    local out
    for args in "--format json" "--format=json" "-format json" "-format=json" "-f json" "-f=json"; do
        run nook list $args
        assert_success
        echo "$output" | jq -e 'type == "array" or type == "null"' >/dev/null ||
            fail "list $args: not JSON: $output"
    done
    for args in "--root $NOOK_ROOT" "--root=$NOOK_ROOT" "-root $NOOK_ROOT" "-root=$NOOK_ROOT"; do
        run "$NOOK" $args list -q
        assert_success
        [ -z "$output" ]
    done
    create_container "$ID"
    run nook list --quiet=false
    assert_success
    [ "${#lines[@]}" -eq 2 ]
    run nook list -q=true
    [ "$output" = "$ID" ]
    # Flags after the id are still the command's, as with runc.
    run nook delete "$ID" --force
    assert_success
    run nook state "$ID"
    assert_failure
}

@test "--rootless takes true/false/auto or nothing" {
    for args in "--rootless" "--rootless=true" "--rootless false" "--rootless=auto" "-rootless auto"; do
        run "$NOOK" --root "$NOOK_ROOT" $args list -q
        assert_success
    done
    run "$NOOK" --root "$NOOK_ROOT" --criu /nonexistent list -q
    assert_success
}

@test "--log with --log-format json: one valid object a line, appended" {
    local log="$BUNDLE/log.json" line n=0
    echo '{"level":"info","msg":"from an earlier call","time":"2026-01-01T00:00:00Z"}' >"$log"
    run "$NOOK" --root "$NOOK_ROOT" --log "$log" --log-format json state nosuch
    [ "$status" -eq 1 ]
    assert_output --partial 'container "nosuch" does not exist'
    run "$NOOK" --root "$NOOK_ROOT" --log "$log" --log-format=json kill nosuch $'\xff"\\\t'
    [ "$status" -eq 1 ]
    run "$NOOK" --root "$NOOK_ROOT" --log "$log" --log-format json --debug list
    assert_success
    while IFS= read -r line; do
        n=$((n + 1))
        echo "$line" | jq -e 'has("level") and has("msg") and has("time")' >/dev/null ||
            fail "line $n is not a log object: $line"
        local t
        t="$(echo "$line" | jq -r .time)"
        [[ "$t" =~ $RFC3339_RE ]] || fail "line $n: time '$t' is not RFC 3339"
        date -d "$t" >/dev/null || fail "line $n: time '$t' does not parse"
    done <"$log"
    [ "$n" -ge 4 ]
    # The shim takes the last error's msg.
    [ "$(jq -sr 'map(select(.level == "error")) | .[0].msg' "$log")" = 'container "nosuch" does not exist' ]
    jq -se 'map(select(.level == "error")) | length == 2' "$log"
    jq -se 'map(select(.level == "debug")) | length >= 1' "$log"
    # Every line decodes as a stream too (what Go's json.Decoder does).
    python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"): json.loads(l)' "$log"
}

@test "--log text format and --debug lines" {
    local log="$BUNDLE/log.txt"
    run "$NOOK" --root "$NOOK_ROOT" --log "$log" state nosuch
    [ "$status" -eq 1 ]
    grep -E '^time="[^"]+" level=error msg="container \\"nosuch\\" does not exist"$' "$log"
    run nook --debug list
    assert_success
    assert_output --partial "level=debug"
    run nook list
    [[ "$output" != *level=debug* ]]
    run "$NOOK" --root "$NOOK_ROOT" --debug --log "$log" list -q
    assert_success
    [ -z "$output" ]
    grep -q 'level=debug' "$log"
    run "$NOOK" --log-format xml list
    assert_failure
}

@test "--systemd-cgroup: create and run refuse with a clear error" {
    local cmd
    for cmd in create run; do
        run "$NOOK" --root "$NOOK_ROOT" --systemd-cgroup "$cmd" "$ID"
        [ "$status" -eq 1 ]
        assert_output --partial "systemd cgroup driver is not supported by nook yet, run without --systemd-cgroup"
    done
    run "$NOOK" --root "$NOOK_ROOT" --systemd-cgroup list -q
    assert_success
}

@test "spec matches runc's default spec field by field" {
    command -v runc >/dev/null || skip "runc not installed"
    mkdir "$BUNDLE/a" "$BUNDLE/b"
    (cd "$BUNDLE/a" && runc spec)
    run nook spec --bundle "$BUNDLE/b"
    assert_success
    local a="$BUNDLE/a/config.json" b="$BUNDLE/b/config.json" f
    jq -e . "$b" >/dev/null
    # runc 1.2 stopped putting ambient capabilities in its default spec: either is fine.
    for f in '.process | del(.capabilities.ambient)' .root .hostname .mounts .linux.resources \
        .linux.readonlyPaths; do
        [ "$(jq -S -c "$f" "$a")" = "$(jq -S -c "$f" "$b")" ] ||
            fail "spec $f differs: runc $(jq -S -c "$f" "$a") nook $(jq -S -c "$f" "$b")"
    done
    jq -e --argjson runc "$(jq -c .process.capabilities "$a")" \
        '.process.capabilities.ambient | . == null or . == $runc.ambient' "$b" >/dev/null
    # Newer runc versions add to these; every entry of this runc's must be there.
    for f in '.linux.namespaces | map(.type)' .linux.maskedPaths; do
        jq -e --argjson want "$(jq -c "$f" "$a")" "($f) as \$have | \$want - \$have == []" "$b" >/dev/null ||
            fail "spec $f lacks runc's entries: runc $(jq -c "$f" "$a") nook $(jq -c "$f" "$b")"
    done
    [[ "$(jq -r .ociVersion "$b")" =~ ^1\. ]]
}

@test "spec: -b, --rootless, and an existing config.json" {
    mkdir "$BUNDLE/r"
    run nook spec -b "$BUNDLE/r" --rootless
    assert_success
    jq -e '.linux.namespaces | map(.type) | index("user") != null' "$BUNDLE/r/config.json"
    jq -e --argjson u "$(id -u)" '.linux.uidMappings[0] | .hostID == $u and .containerID == 0' "$BUNDLE/r/config.json"
    jq -e --argjson g "$(id -g)" '.linux.gidMappings[0] | .hostID == $g' "$BUNDLE/r/config.json"
    # The bundle from setup already has one (and commands run from the bundle).
    local before
    before="$(sha256sum config.json)"
    run nook spec
    [ "$status" -eq 1 ]
    assert_output --partial "File config.json exists. Remove it first"
    [ "$(sha256sum config.json)" = "$before" ]
    run nook spec -b "$BUNDLE/nonexistent"
    assert_failure
}

# Checks the tabwriter layout: each column starts where its header does.
assert_table_aligned() {
    local header="${lines[0]}" col start i row
    for col in PID STATUS BUNDLE CREATED OWNER; do
        start="${header%%"$col"*}"
        start="${#start}"
        for ((i = 1; i < ${#lines[@]}; i++)); do
            row="${lines[i]}"
            [ "${row:start-1:1}" = " " ] && [ "${row:start:1}" != " " ] ||
                fail "column $col not at $start in: $row"
        done
    done
}

@test "list: table, json and quiet with 0, 1 and 2 containers" {
    set_probe pause
    run nook list
    assert_success
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
    run nook list --format json
    assert_success
    [ "$(echo "$output" | jq 'length')" = 0 ]
    run nook list -q
    [ -z "$output" ]

    create_container "$ID"
    run nook list
    assert_success
    [ "${#lines[@]}" -eq 2 ]
    local pid
    pid="$(container_pid "$ID")"
    read -r f_id f_pid f_status f_bundle f_created f_owner <<<"${lines[1]}"
    [ "$f_id" = "$ID" ]
    [ "$f_pid" = "$pid" ]
    [ "$f_status" = created ]
    [ "$f_bundle" = "$BUNDLE" ]
    [[ "$f_created" =~ $RFC3339_RE ]]
    [ "$f_owner" = "$(id -un)" ] || fail "owner '$f_owner' in: ${lines[1]}"
    assert_table_aligned

    create_container "$ID-second-and-longer"
    nook start "$ID-second-and-longer"
    wait_for_status "$ID-second-and-longer" running
    run nook list
    [ "${#lines[@]}" -eq 3 ]
    assert_table_aligned
    run nook list -f json
    assert_success
    [ "$(echo "$output" | jq 'length')" = 2 ]
    [ "$(echo "$output" | jq -r --arg id "$ID-second-and-longer" '.[] | select(.id == $id) | .status')" = running ]
    echo "$output" | jq -e 'all(.[]; has("ociVersion") and has("pid") and has("bundle") and has("created"))'
    run nook list --quiet
    [ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "$ID $ID-second-and-longer " ]
    run nook list --format yaml
    [ "$status" -eq 1 ]
    assert_output --partial "invalid format option"
    nook delete -f "$ID-second-and-longer"
    nook delete "$ID"
}

# kill_case SIGNAL WANT: a running wait-signal probe gets SIGNAL and reports WANT.
kill_case() {
    local id="$ID-k$1" arg="$1" want="$2"
    id="${id//[^a-zA-Z0-9-]/_}"
    set_probe wait-signal=/tmp/ready."$id"
    create_container "$id"
    nook start "$id"
    wait_for_file "$ROOTFS/tmp/ready.$id"
    run nook kill "$id" "$arg"
    assert_success
    wait_for_status "$id" stopped
    grep -qx "signal=$want" "$BUNDLE/out.$id" || fail "kill $arg: got $(cat "$BUNDLE/out.$id")"
    nook delete "$id"
}

@test "kill accepts names with and without SIG, any case, and numbers" {
    kill_case USR1 10
    kill_case SIGUSR2 12
    kill_case sighup 1
    kill_case int 2
    kill_case 15 15
    kill_case RTMIN+1 "$(($(kill -l RTMIN) + 1))"
}

@test "kill defaults to SIGTERM and rejects unknown signals" {
    set_probe wait-signal=/tmp/ready
    create_container "$ID"
    nook start "$ID"
    wait_for_file "$ROOTFS/tmp/ready"
    local s
    for s in FOO SIGFOO 0 65 -9 ""; do
        run nook kill "$ID" "$s"
        [ "$status" -eq 1 ]
        assert_output --partial "unknown signal \"$s\""
    done
    [ "$(container_status "$ID")" = running ]
    run nook kill "$ID"
    assert_success
    wait_for_status "$ID" stopped
    grep -qx "signal=15" "$BUNDLE/out.$ID"
    nook delete "$ID"
}

@test "state: runc's fields and nothing private" {
    set_probe pause
    create_container "$ID"
    run nook state "$ID"
    assert_success
    local s="$output"
    echo "$s" | jq -e --arg id "$ID" --arg b "$BUNDLE" '
        .id == $id and .status == "created" and (.pid | type == "number") and .pid > 0
        and .bundle == $b and .rootfs == ($b + "/rootfs") and (.ociVersion | type == "string")
        and has("owner") and has("created")'
    [[ "$(echo "$s" | jq -r .created)" =~ $RFC3339_RE ]]
    echo "$s" | jq -e 'has("nook") | not'
    # Pretty-printed like runc's.
    [ "${#lines[@]}" -gt 3 ]
    nook start "$ID"
    wait_for_status "$ID" running
    nook kill "$ID" KILL
    wait_for_status "$ID" stopped
    run nook state "$ID"
    echo "$output" | jq -e '.status == "stopped" and .pid == 0'
    nook delete "$ID"
}

@test "errors worded like runc: does not exist, already exists, not running" {
    run nook state nosuch
    [ "$status" -eq 1 ]
    assert_output --partial 'container "nosuch" does not exist'
    run nook start nosuch
    assert_output --partial 'container "nosuch" does not exist'
    run nook kill nosuch KILL
    assert_output --partial 'container "nosuch" does not exist'
    run nook delete nosuch
    assert_output --partial 'container "nosuch" does not exist'

    set_probe exit=0
    create_container "$ID"
    run nook create "$ID"
    [ "$status" -eq 1 ]
    assert_output --partial "container \"$ID\" already exists"
    nook start "$ID"
    wait_for_status "$ID" stopped
    run nook kill "$ID" KILL
    [ "$status" -eq 1 ]
    assert_output --partial "container not running"
    nook delete "$ID"
}

@test "run exits with the container's status and --keep keeps it" {
    set_probe exit=7
    run nook run --keep "$ID"
    [ "$status" -eq 7 ]
    [ "$(container_status "$ID")" = stopped ]
    nook delete "$ID"
    run nook run -no-subreaper "$ID"
    [ "$status" -eq 7 ]
    run nook state "$ID"
    assert_failure
}

@test "create and run take relative --bundle and --pid-file" {
    set_probe pause
    cd "$BUNDLE/rootfs"
    nook create --bundle .. --pid-file ../init.pid "$ID" >"$BUNDLE/out" 2>&1 </dev/null
    [ -f "$BUNDLE/init.pid" ]
    [ "$(cat "$BUNDLE/init.pid")" = "$(container_pid "$ID")" ]
    [ "$(nook state "$ID" | jq -r .bundle)" = "$BUNDLE" ]
    cd "$BUNDLE"
    nook delete -f "$ID"
}

@test "make install PREFIX=... installs a working nook" {
    [ "$NOOK_FLAVOR" = nook ] || skip "installs this checkout's nook"
    run make -s -C "$REPO_ROOT" install PREFIX="$BUNDLE/prefix"
    assert_success
    [ -x "$BUNDLE/prefix/bin/nook" ]
    run "$BUNDLE/prefix/bin/nook" --version
    assert_success
    assert_line --partial "nook version"
    run make -s -C "$REPO_ROOT" uninstall PREFIX="$BUNDLE/prefix"
    [ ! -e "$BUNDLE/prefix/bin/nook" ]
}
