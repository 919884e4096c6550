#!/bin/bash
# Interleaved per-command figures in the VM through bench-driver: nook's
# delete/list/state next to crun's, on the same container states, plus
# `--version` (the cost of exec'ing the binary alone). Medians of N.
#   /work/shared/vm/run-in-vm -- tests/bench/vm-ab.sh
# Knobs: N (10), NOOKS ("build/nook": several binaries compare A/B), LIST_N (10),
# COPY (1: run each nook from a copy on /tmp, as bench.py does for binaries
# on 9p, whose page cache the VM drops after every exec; 0: run them in place).
set -u
cd "$(dirname "$0")/../.." || exit 1
N=${N:-10}
LIST_N=${LIST_N:-10}
NOOKS=${NOOKS:-$PWD/build/nook}
DRIVER=$PWD/build/bench/bench-driver
T=$(mktemp -d /tmp/nkab.XXXXXX)
. tests/bench/bundle.sh
bench_bundle "$T" "${NOOKS%% *}" || exit 1
# runtimes: name=binary
RTS="crun=/usr/bin/crun"
k=0
for b in $NOOKS; do
    if [ "${COPY:-1}" = 1 ]; then
        mkdir -p "$T/bin$k" && cp "$b" "$T/bin$k/nook" && b=$T/bin$k/nook
    fi
    RTS="$RTS nook$k=$b"
    k=$((k + 1))
done
plan() {
    for i in $(seq 1 "$N"); do
        for r in $RTS; do
            n=${r%%=*} b="${r#*=} --root $T/root-${r%%=*}"
            echo "T version/$n ${r#*=} --version"
            echo "U $b create --bundle $T/bundle d$i"
            echo "T state-created/$n $b state d$i"
            echo "U $b start d$i"
            echo "W stopped $b state d$i"
            echo "T state-stopped/$n $b state d$i"
            echo "T delete/$n $b delete d$i"
            echo "U $b create --bundle $T/bundle f$i"
            echo "T delete-f/$n $b delete -f f$i"
        done
    done
    for r in $RTS; do
        b="${r#*=} --root $T/root-${r%%=*}"
        echo "U $b create --bundle $T/sleeper l0"
        echo "U $b start l0"
    done
    for i in $(seq 1 "$N"); do
        for r in $RTS; do echo "T list-1/${r%%=*} ${r#*=} --root $T/root-${r%%=*} list"; done
    done
    for r in $RTS; do
        b="${r#*=} --root $T/root-${r%%=*}"
        for j in $(seq 1 $((LIST_N - 1))); do
            echo "U $b create --bundle $T/sleeper l$j"
            echo "U $b start l$j"
        done
    done
    for i in $(seq 1 "$N"); do
        for r in $RTS; do echo "T list-$LIST_N/${r%%=*} ${r#*=} --root $T/root-${r%%=*} list"; done
    done
    for r in $RTS; do
        b="${r#*=} --root $T/root-${r%%=*}"
        for j in $(seq 0 $((LIST_N - 1))); do echo "U $b delete -f l$j"; done
    done
}
plan >"$T/plan"
"$DRIVER" --log "$T/driver.log" <"$T/plan" >"$T/results"
python3 - "$T/results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    f = line.split()
    if len(f) < 6:
        continue
    lab, wall, user, sys_, rss, st = f[0], int(f[1]), int(f[2]), int(f[3]), int(f[4]), int(f[5])
    what, rt = lab.split("/")
    rows.setdefault(what, {}).setdefault(rt, []).append((wall / 1e6, (user + sys_) / 1e3, st))
for what, d in rows.items():
    cells = []
    for rt, v in sorted(d.items()):
        ok = [x for x in v if x[2] == 0]
        if not ok:
            cells.append("%s: all failed" % rt)
            continue
        cells.append("%s %7.1f ms cpu %7.1f (n=%d%s)" % (rt, statistics.median(x[0] for x in ok),
                     statistics.median(x[1] for x in ok), len(ok),
                     "" if len(ok) == len(v) else ", %d failed" % (len(v) - len(ok))))
    print("%-14s %s" % (what, " | ".join(cells)))
PY
tail -5 "$T/driver.log"
for r in $RTS; do
    for id in $("${r#*=}" --root "$T/root-${r%%=*}" list -q 2>/dev/null); do
        "${r#*=}" --root "$T/root-${r%%=*}" delete -f "$id" >/dev/null 2>&1
    done
done
rm -rf "$T"
