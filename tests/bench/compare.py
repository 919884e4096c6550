#!/usr/bin/env python3
"""Compares two `make bench` results: tests/bench/compare.py OLD.json NEW.json

Per row and runtime: the median wall and CPU of each, and NEW/OLD. The two runs
may come from different load levels (the JSON records the load average); the
nook/crun ratios inside each run are the fairer comparison, so they are shown too.
"""
import json
import sys


def med(row, rt, field):
    st = row.get(rt) if row else None
    return st[field]["median"] if st else None


def fmt(v):
    return "%.2f" % v if v is not None else "-"


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        old = json.load(f)
    with open(sys.argv[2]) as f:
        new = json.load(f)
    print("old: %s (%s, load %s)   new: %s (%s, load %s)" % (
        old["commit"], old["date"], (old.get("loadavg_start") or ["?"])[0],
        new["commit"], new["date"], (new.get("loadavg_start") or ["?"])[0]))
    print("%-12s %-6s %10s %10s %8s   %9s %9s %8s   %10s %10s" % (
        "row", "", "old ms", "new ms", "new/old", "old cpu", "new cpu", "new/old",
        "old n/crun", "new n/crun"))
    for key, nrow in new["rows"].items():
        orow = old["rows"].get(key)
        for rt in ("nook", "crun", "runc", "floor"):
            a, b = med(orow, rt, "wall_ms"), med(nrow, rt, "wall_ms")
            if a is None and b is None:
                continue
            ca, cb = med(orow, rt, "cpu_ms"), med(nrow, rt, "cpu_ms")
            ra = (orow or {}).get("ratios", {}).get("nook/crun") if rt == "nook" else None
            rb = nrow.get("ratios", {}).get("nook/crun") if rt == "nook" else None
            print("%-12s %-6s %10s %10s %8s   %9s %9s %8s   %10s %10s" % (
                key, rt, fmt(a), fmt(b), fmt(b / a) if a and b else "-", fmt(ca), fmt(cb),
                fmt(cb / ca) if ca and cb else "-", fmt(ra), fmt(rb)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
