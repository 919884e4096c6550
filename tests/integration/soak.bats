#!/usr/bin/env bats
# The short soak of make check: SOAK_CHECK_CYCLES (default 200) run cycles and
# as many execs (once nook has exec) with nook's RSS and fds and our mounts,
# cgroups, processes and state dirs flat. `make soak` runs 5,000 of each.

load helpers

# long by design (hundreds of containers): more than run-all's 120 s per test
BATS_TEST_TIMEOUT=900

@test "soak: 200 run cycles (and execs) leave RSS, fds, mounts, cgroups and state flat" {
    # one binary's behaviour over time: not repeated for the ASan pass
    [[ "$NOOK" == "$REPO_ROOT/build/nook" ]] || skip "the soak runs against build/nook"
    local n="${SOAK_CHECK_CYCLES:-200}"
    run env NOOK="$NOOK" SOAK_CYCLES="$n" SOAK_EXECS="$n" "$REPO_ROOT/tests/soak/soak.sh"
    echo "$output" | sed 's/^/# /' >&3
    assert_success
    assert_line --partial "0 failed"
}
