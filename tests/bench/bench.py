#!/usr/bin/env python3
"""`make bench`: nook side by side with crun and runc, and the floor.

Builds one busybox bundle with the default `nook spec` config running /bin/true
(and a copy running `sleep` for exec, list and the detached rows), then drives
build/bench/bench-driver (tests/bench/driver.c) with a plan, INTERLEAVED: each
iteration runs every runtime once, the starting runtime rotating, never one
runtime's series after another's. Each runtime has its own --root under a
private temporary directory; ids are unique (nkb<pid>-...); whatever the bench
created is removed on exit, also on Ctrl-C or an error.

Environment knobs:
  BENCH_N=50            iterations per row
  BENCH_REPS=3          repetitions of the N-containers rows
  BENCH_SIZES=10,50,100 sizes of the create+start-N-detached rows
  BENCH_RUNTIMES="nook crun runc"
  NOOK=build/nook       the nook binary to measure
  NOOK_NOCG_FLAGS="--cgroup-manager=disabled"  global flags that turn nook's cgroup work off
  BENCH_OUT=build/bench where results-<commit>.json goes
  BENCH_STATE_DIR       where the runtimes' --root dirs go (default: /dev/shm when it
                        is a tmpfs, as /run is on real hosts; else the temporary dir)
Prints the table and writes the JSON; exits non-zero when a row could not be
measured at all (not when a target is missed: speed is never a test).
"""
import json
import math
import os
import platform
import shutil
import struct
import signal
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, "build", "bench")
DRIVER = os.path.join(BUILD, "bench-driver")
FLOOR = os.path.join(BUILD, "bench-floor")
RSS_FLOOR = {job: os.path.join(BUILD, "bench-rss-floor-" + job) for job in ("seccomp",)}

N = int(os.environ.get("BENCH_N", "50"))
REPS = int(os.environ.get("BENCH_REPS", "3"))
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "10,50,100").split(",") if x]
RUNTIMES = os.environ.get("BENCH_RUNTIMES", "nook crun runc").split()
NOOK = os.path.abspath(os.environ.get("NOOK", os.path.join(REPO, "build", "nook")))
NOOK_NOCG_FLAGS = os.environ.get("NOOK_NOCG_FLAGS", "--cgroup-manager=disabled").split()
OUT = os.path.abspath(os.environ.get("BENCH_OUT", BUILD))
BUSYBOX = "/bin/busybox"
# every id the bench makes starts with this (cleanup and leak checks match on it)
PREFIX = os.environ.get("BENCH_ID_PREFIX", "nkb%d" % os.getpid())

# The targets of issue 8: (row, what, limit).
TARGETS = {
    "run": ("crun", 0.5),
    "run-nocg": ("floor", 1.5),
    "exec": ("crun", 0.5),
    "create": ("crun", 0.5),
    "start": ("crun", 0.5),
    "state": ("crun", 0.5),
    "kill": ("crun", 0.5),
    "delete": ("crun", 0.5),
    "list-100": ("crun", 0.5),
}
RSS_TARGET_KIB = 2048
# a cgroup2 mount beside the v1 ones: crun then runs in a private mount ns (driver.c "@")
HYBRID = (not os.path.exists("/sys/fs/cgroup/cgroup.controllers")
          and os.path.exists("/sys/fs/cgroup/unified/cgroup.controllers"))


def fs_type(path):
    """The filesystem type of the mount holding path, from /proc/self/mountinfo."""
    best, kind = "", "?"
    real = os.path.realpath(path)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            mnt = left.split()[4]
            if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
                best, kind = mnt, right.split()[0]
    return kind


def local_copy(path, tmp, notes):
    """path itself, or a copy in tmp when path is on 9p (the VM's shared
    worktree): v9fs without cache=loose drops a file's page cache once nothing
    holds it open, so every exec would read the binary again through the
    emulated virtio (measured in the VM: `nook list` 450 ms from the share,
    25 ms from tmpfs, `fincore` 0 pages resident after each run). crun and
    runc come from the cached root; the copy puts nook on the same footing."""
    if fs_type(path) != "9p":
        return path
    copy = os.path.join(tmp, "bin", os.path.basename(path))
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    shutil.copy2(path, copy)
    notes.append("%s is on 9p: measured from a copy on %s" % (os.path.relpath(path, REPO),
                                                               fs_type(copy)))
    return copy


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class Driver:
    """The C driver as a co-process: plan lines in, one result line per T/E."""

    def __init__(self, tmp):
        self.logfile = os.path.join(tmp, "driver.log")
        self.p = subprocess.Popen(
            [DRIVER, "--log", self.logfile],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def result(self, line):
        """Sends a T or E line and returns (label, wall_ms, cpu_ms, rss_kib, status)."""
        self.send(line)
        out = self.p.stdout.readline().split()
        if len(out) != 6:
            raise RuntimeError("bench-driver died (see %s)" % self.logfile)
        wall_ns, user_us, sys_us, rss, status = (int(x) for x in out[1:])
        return out[0], wall_ns / 1e6, (user_us + sys_us) / 1e3, rss, status

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            for l in self.p.stdout:
                if l.startswith("# driver_maxrss_kb"):
                    self.driver_rss = int(l.split()[2])
            self.p.wait()


class Bench:
    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="nook-bench.", dir="/tmp")
        self.samples = {}  # label -> list of (wall_ms, cpu_ms, rss_kib)
        self.failures = {}  # label -> count
        self.live = {}  # runtime -> set of ids that may exist
        self.notes = []
        self.seq = 0
        self.driver = None
        self.rt = {}
        self.exec_ok = {}

    # ---- setup --------------------------------------------------------
    def setup(self):
        self.load_start = [round(x, 2) for x in os.getloadavg()]
        # at the start: the tree may move on while the bench runs
        self.commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                                     capture_output=True, text=True).stdout.strip() or "unknown"
        rootfs = os.path.join(self.tmp, "bundle", "rootfs")
        for d in ("bin", "proc", "sys", "dev", "tmp", "etc"):
            os.makedirs(os.path.join(rootfs, d))
        shutil.copy(BUSYBOX, os.path.join(rootfs, "bin", "busybox"))
        for applet in ("true", "sleep", "sh"):
            os.symlink("busybox", os.path.join(rootfs, "bin", applet))
        with open(os.path.join(rootfs, "etc", "passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\n")
        self.bundle = os.path.join(self.tmp, "bundle")
        subprocess.run([NOOK, "spec"], cwd=self.bundle, check=True)
        with open(os.path.join(self.bundle, "config.json")) as f:
            cfg = json.load(f)
        # crun 1.8.1 refuses ociVersion 1.3.0; nothing in the default config needs more than 1.0.
        cfg["ociVersion"] = "1.0.2"
        cfg["process"]["terminal"] = False
        cfg["process"]["args"] = ["/bin/true"]
        with open(os.path.join(self.bundle, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        self.sleeper = os.path.join(self.tmp, "sleeper")
        os.makedirs(self.sleeper)
        # BENCH_SLEEP_SECONDS lets a caller find (and count) the bench's sleepers
        cfg["process"]["args"] = ["/bin/sleep", os.environ.get("BENCH_SLEEP_SECONDS", "100000")]
        cfg["root"]["path"] = rootfs
        with open(os.path.join(self.sleeper, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        self.rootfs = rootfs

        state_dir = os.environ.get("BENCH_STATE_DIR")
        if not state_dir:
            state_dir = "/dev/shm" if fs_type("/dev/shm") == "tmpfs" else self.tmp
        self.roots_parent = tempfile.mkdtemp(prefix="nook-bench-roots.", dir=state_dir)
        self.state_fs = fs_type(self.roots_parent)
        roots = self.roots_parent
        cmds = {
            "nook": [NOOK],
            "crun": ["@crun"],  # "@": in a private mount ns hiding cgroup2 (driver.c)
            "runc": ["runc"],
        }
        for name in RUNTIMES:
            if name not in cmds:
                raise SystemExit("bench: unknown runtime %s" % name)
            if shutil.which(cmds[name][0].lstrip("@")) is None:
                self.notes.append("%s is not installed: its column is empty (make deps)" % name)
                continue
            self.rt[name] = cmds[name] + ["--root", os.path.join(roots, name)]
            self.live[name] = set()
        if "crun" in self.rt:
            self.rt["crun-nocg"] = ["@crun", "--cgroup-manager=disabled", "--root",
                                    os.path.join(roots, "crun-nocg")]
            self.live["crun-nocg"] = set()
        if "nook" in self.rt:
            self.rt["nook-nocg"] = [NOOK] + NOOK_NOCG_FLAGS + ["--root",
                                                               os.path.join(roots, "nook-nocg")]
            self.live["nook-nocg"] = set()
        self.floor_bpf = self.seccomp_program(cfg)
        self.driver = Driver(self.tmp)

    def seccomp_program(self, cfg):
        """The config's compiled seccomp filter, for the floor to load: one
        untimed `nook run` fills nook's cache (<root>/.seccomp-cache/<key>:
        80-byte header (magic "NKBPF" 0 0 3, key, u64 count, digest), then the
        sock_filter array)."""
        if not cfg["linux"].get("seccomp"):
            return None
        root = tempfile.mkdtemp(prefix="floor-root.", dir=self.tmp)
        cid = "%s-floor-seccomp" % PREFIX
        r = subprocess.run([NOOK, "--root", root, "run", "--bundle", self.bundle, cid],
                           capture_output=True, text=True)
        cache = os.path.join(root, ".seccomp-cache")
        files = os.listdir(cache) if os.path.isdir(cache) else []
        if r.returncode != 0 or len(files) != 1:
            self.notes.append("floor: no seccomp filter (nook run: %s)" % r.stderr.strip())
            return None
        with open(os.path.join(cache, files[0]), "rb") as f:
            data = f.read()
        n = struct.unpack_from("<Q", data, 40)[0]
        if data[:8] != b"NKBPF\0\0\3" or len(data) != 80 + 8 * n:
            self.notes.append("floor: nook's seccomp cache has an unknown format")
            return None
        path = os.path.join(self.tmp, "floor.bpf")
        with open(path, "wb") as f:
            f.write(data[80:])
        shutil.rmtree(root)
        return path

    def new_id(self, rt, what):
        self.seq += 1
        i = "%s-%s-%s-%d" % (PREFIX, rt, what, self.seq)
        self.live[rt].add(i)
        return i

    # ---- plan helpers -------------------------------------------------
    def cmd(self, rt, *args):
        return " ".join(self.rt[rt] + list(args))

    def timed(self, label, command):
        lab, wall, cpu, rss, status = self.driver.result("T %s %s" % (label, command))
        if status != 0:
            self.failures[label] = self.failures.get(label, 0) + 1
        else:
            self.samples.setdefault(label, []).append((wall, cpu, rss))
        return status

    def untimed(self, command):
        self.driver.send("U " + command)

    def wait_stopped(self, rt, cid):
        self.driver.send("W stopped " + self.cmd(rt, "state", cid))

    def delete(self, rt, cid, force=False, label=None):
        args = ["delete"] + (["-f"] if force else []) + [cid]
        status = 0
        if label:
            status = self.timed(label, self.cmd(rt, *args))
        else:
            self.untimed(self.cmd(rt, *args))
        if status == 0:
            self.live[rt].discard(cid)
        return status

    def order(self, names, i):
        names = [n for n in names if n in self.rt or n == "floor"]
        k = i % len(names)
        return names[k:] + names[:k]

    def main_runtimes(self):
        return [n for n in RUNTIMES if n in self.rt]

    # ---- phases -------------------------------------------------------
    def phase_cold(self):
        """The first `run` on each empty root, once: nook's caches (the
        compiled seccomp filter, the v1 cgroup layout) are filled by it; crun
        and runc keep none. Its own row; every other row is steady state."""
        log("cold: the first run on each empty root")
        for rt in self.order(list(self.rt), 0):
            cid = self.new_id(rt, "cold")
            if self.timed("cold/" + rt, self.cmd(rt, "run", "--bundle", self.bundle, cid)):
                self.delete(rt, cid, force=True)
            else:
                self.live[rt].discard(cid)
        # what the cold run's one-off job (libseccomp's compile) takes alone,
        # in the smallest static process doing only it (tests/bench/rss_floor.c):
        # the floor under the cold run's peak RSS while libseccomp does it
        for _ in range(3):
            self.timed("rss-floor/seccomp", "%s %s" % (RSS_FLOOR["seccomp"],
                                                      os.path.join(self.bundle, "config.json")))

    def phase_run(self):
        log("run: %d x %s" % (N, ", ".join(["floor"] + list(self.rt))))
        for i in range(N):
            self.timed("spawn/true", "/bin/true")
            self.timed("spawn/true-privns", "@/bin/true")
            for rt in self.order(["floor"] + list(self.rt), i):
                if rt == "floor":
                    seccomp = "--seccomp %s " % self.floor_bpf if self.floor_bpf else ""
                    self.timed("run/floor", "%s %s%s" % (FLOOR, seccomp, self.rootfs))
                    continue
                cid = self.new_id(rt, "run")
                if self.timed("run/" + rt, self.cmd(rt, "run", "--bundle", self.bundle, cid)):
                    self.delete(rt, cid, force=True)  # a failed run may leave its container
                else:
                    self.live[rt].discard(cid)

    def phase_lifecycle(self):
        log("create, state, start, delete: %d x %s" % (N, ", ".join(self.main_runtimes())))
        for i in range(N):
            for rt in self.order(self.main_runtimes(), i):
                cid = self.new_id(rt, "life")
                self.timed("create/" + rt, self.cmd(rt, "create", "--bundle", self.bundle, cid))
                self.timed("state/" + rt, self.cmd(rt, "state", cid))
                self.timed("start/" + rt, self.cmd(rt, "start", cid))
                self.wait_stopped(rt, cid)
                if self.delete(rt, cid, label="delete/" + rt):
                    self.delete(rt, cid, force=True)
        log("kill: %d x %s" % (N, ", ".join(self.main_runtimes())))
        for i in range(N):
            for rt in self.order(self.main_runtimes(), i):
                cid = self.new_id(rt, "kill")
                self.untimed(self.cmd(rt, "create", "--bundle", self.bundle, cid))
                self.timed("kill/" + rt, self.cmd(rt, "kill", cid, "KILL"))
                self.wait_stopped(rt, cid)
                self.delete(rt, cid, force=True)

    def start_sleepers(self, rt, n, label=None):
        ids = [self.new_id(rt, "sleep") for _ in range(n)]
        if label:
            self.driver.send("B " + label)
        for cid in ids:
            self.untimed(self.cmd(rt, "create", "--bundle", self.sleeper, cid))
            self.untimed(self.cmd(rt, "start", cid))
        if label:
            lab, wall, cpu, rss, status = self.driver.result("E " + label)
            if status != 0:
                self.failures[label] = self.failures.get(label, 0) + 1
            else:
                self.samples.setdefault(label, []).append((wall, cpu, rss))
        return ids

    def stop_all(self, rt, ids):
        for cid in ids:
            self.delete(rt, cid, force=True)

    def phase_exec(self):
        log("exec: %d x %s" % (N, ", ".join(self.main_runtimes())))
        running = {rt: self.start_sleepers(rt, 1)[0] for rt in self.main_runtimes()}
        for rt, cid in running.items():
            self.driver.send("W running " + self.cmd(rt, "state", cid))
            status = self.timed("exec-probe/" + rt, self.cmd(rt, "exec", cid, "/bin/true"))
            self.exec_ok[rt] = status == 0
        self.samples = {k: v for k, v in self.samples.items() if not k.startswith("exec-probe/")}
        self.failures = {k: v for k, v in self.failures.items() if not k.startswith("exec-probe/")}
        if not self.exec_ok.get("nook", True):
            self.notes.append("exec: nook has no exec yet (`nook exec` failed); the row is skipped")
        for i in range(N):
            for rt in self.order(self.main_runtimes(), i):
                if self.exec_ok.get(rt):
                    self.timed("exec/" + rt, self.cmd(rt, "exec", running[rt], "/bin/true"))
        self.cgroup_check(running)
        for rt, cid in running.items():
            self.delete(rt, cid, force=True)

    def cgroup_check(self, running):
        """Whether each runtime put its container in a cgroup of its own."""
        mine = open("/proc/self/cgroup").read()
        self.cgroups = {}
        for rt, cid in running.items():
            try:
                argv = self.rt[rt] + ["state", cid]
                if argv[0].startswith("@"):
                    argv[0] = argv[0][1:]
                    if HYBRID:
                        argv = ["unshare", "-m", "sh", "-c",
                                "mount --make-rprivate / && mount -t tmpfs bench "
                                "/sys/fs/cgroup/unified && exec \"$@\"", "sh"] + argv
                out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
                pid = json.loads(out)["pid"]
                theirs = open("/proc/%d/cgroup" % pid).read()
                self.cgroups[rt] = theirs != mine
            except (subprocess.CalledProcessError, OSError, ValueError, KeyError):
                self.cgroups[rt] = None
        if self.cgroups.get("nook") is False:
            self.notes.append("nook does no cgroup work yet: its `run`/`create` figures are "
                              "WITHOUT cgroups while crun's and runc's are with them")

    def phase_list_and_n(self):
        rts = self.main_runtimes()
        log("list with 1: %d x %s" % (N, ", ".join(rts)))
        one = {rt: self.start_sleepers(rt, 1)[0] for rt in rts}
        for i in range(N):
            for rt in self.order(rts, i):
                self.timed("list-1/" + rt, self.cmd(rt, "list"))
        for rt, cid in one.items():
            self.delete(rt, cid, force=True)
        log("create+start N detached: sizes %s, %d reps" % (SIZES, REPS))
        kept = {}
        for rep in range(REPS):
            for n in SIZES:
                for rt in self.order(rts, rep):
                    ids = self.start_sleepers(rt, n, label="n%d/%s" % (n, rt))
                    if rep == REPS - 1 and n == max(SIZES):
                        kept[rt] = ids
                    else:
                        self.stop_all(rt, ids)
        log("list with %d: %d x %s" % (max(SIZES), N, ", ".join(rts)))
        for i in range(N):
            for rt in self.order(rts, i):
                self.timed("list-%d/%s" % (max(SIZES), rt), self.cmd(rt, "list"))
        for rt, ids in kept.items():
            self.stop_all(rt, ids)

    # ---- cleanup ------------------------------------------------------
    def cleanup(self):
        leftovers = {rt: ids for rt, ids in self.live.items() if ids}
        if self.driver is not None:
            try:
                for rt, ids in leftovers.items():
                    for cid in list(ids):
                        self.delete(rt, cid, force=True)
                self.driver.close()
            except (OSError, RuntimeError, ValueError):
                # the driver is gone: a fresh one for the deletes
                if any(self.live.values()):
                    self.driver = Driver(self.tmp)
                    for rt, ids in self.live.items():
                        for cid in list(ids):
                            self.delete(rt, cid, force=True)
                    self.driver.close()
        # Empty cgroups a runtime left under our ids (never anything else).
        base = "/sys/fs/cgroup"
        for d in [base] + [os.path.join(base, x) for x in os.listdir(base)]:
            try:
                for name in os.listdir(d):
                    if name.startswith(PREFIX + "-"):
                        try:
                            os.rmdir(os.path.join(d, name))
                        except OSError:
                            pass
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)
        if getattr(self, "roots_parent", None):
            shutil.rmtree(self.roots_parent, ignore_errors=True)

    # ---- report -------------------------------------------------------
    def stats(self, label):
        s = self.samples.get(label)
        if not s:
            return None
        walls = sorted(x[0] for x in s)
        cpus = sorted(x[1] for x in s)
        rss = sorted(x[2] for x in s)

        def p90(v):
            return v[max(0, math.ceil(0.9 * len(v)) - 1)]

        return {
            "n": len(s),
            "failed": self.failures.get(label, 0),
            "wall_ms": {"median": round(statistics.median(walls), 3), "p90": round(p90(walls), 3),
                        "min": round(walls[0], 3)},
            "cpu_ms": {"median": round(statistics.median(cpus), 3), "p90": round(p90(cpus), 3)},
            "maxrss_kib": {"median": int(statistics.median(rss)), "max": rss[-1],
                           "samples": [x[2] for x in s]},
        }

    def rows(self):
        big = max(SIZES)
        rows = [
            ("run", "run /bin/true, default spec", {"nook": "run/nook", "crun": "run/crun",
                                                    "runc": "run/runc", "floor": "run/floor"}),
            ("run-nocg", "run, no cgroup work (nook, crun: --cgroup-manager=disabled)",
             {"nook": "run/nook-nocg", "crun": "run/crun-nocg", "floor": "run/floor"}),
        ]
        for op in ("create", "start", "state", "exec", "kill", "delete"):
            rows.append((op, op, {rt: "%s/%s" % (op, rt) for rt in ("nook", "crun", "runc")}))
        rows.append(("list-1", "list, 1 container", {rt: "list-1/" + rt for rt in
                                                     ("nook", "crun", "runc")}))
        rows.append(("list-%d" % big, "list, %d containers" % big,
                     {rt: "list-%d/%s" % (big, rt) for rt in ("nook", "crun", "runc")}))
        for n in SIZES:
            rows.append(("n%d" % n, "create+start %d detached (total)" % n,
                         {rt: "n%d/%s" % (n, rt) for rt in ("nook", "crun", "runc")}))
        rows.append(("run-cold", "the first run on an empty root (1 sample; nook fills its caches)",
                     {rt: "cold/" + rt for rt in ("nook", "crun", "runc")}))
        rows.append(("spawn", "fork+exec /bin/true (measuring floor)", {"floor": "spawn/true"}))
        rows.append(("spawn-privns", "/bin/true through the private-ns helper (= spawn)",
                     {"floor": "spawn/true-privns"}))
        return rows

    def report(self):
        commit = self.commit
        cgmode = "v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else (
            "hybrid (v1 controllers; crun runs with cgroup2 hidden)" if HYBRID else "v1")
        result = {
            "commit": commit,
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "host": {"kernel": platform.release(), "cpus": os.cpu_count(), "cgroups": cgmode,
                     "vm": os.environ.get("CGV2_VM") == "1"},
            "n": N, "reps": REPS, "sizes": SIZES,
            "state_root_fs": getattr(self, "state_fs", None),
            # the machine is shared: a busy one inflates every column alike
            "loadavg_start": getattr(self, "load_start", None),
            "loadavg_end": [round(x, 2) for x in os.getloadavg()],
            "driver_maxrss_kib": getattr(self.driver, "driver_rss", None),
            "cgroup_work": getattr(self, "cgroups", {}),
            "exec_supported": self.exec_ok,
            "notes": self.notes,
            "rows": {},
        }
        lines = []
        hdr = "%-10s %-16s %-16s %-16s %-9s %-9s %-9s %-10s %-18s %-18s %s" % (
            "row", "nook ms (p90)", "crun ms (p90)", "runc ms (p90)", "floor",
            "nook/crun", "nook/runc", "nook/floor", "cpu ms n/c/r", "maxrss KiB n/c/r", "target")
        lines.append(hdr)
        for key, title, labels in self.rows():
            row = {"title": title}
            for rt, label in labels.items():
                row[rt] = self.stats(label)
            med = {rt: (row[rt]["wall_ms"]["median"] if row.get(rt) else None)
                   for rt in ("nook", "crun", "runc", "floor")}
            ratios = {}
            for other in ("crun", "runc", "floor"):
                if med["nook"] and med[other]:
                    ratios["nook/" + other] = round(med["nook"] / med[other], 3)
            row["ratios"] = ratios
            verdict = ""
            if key in TARGETS and row.get("nook"):
                what, limit = TARGETS[key]
                r = ratios.get("nook/" + what)
                if r is not None:
                    verdict = "%s <=%.1fx%s" % ("ok" if r <= limit else "MISS", limit, what)
                if key == "state":
                    verdict += " %s <1ms" % ("ok" if med["nook"] < 1 else "MISS")
            if key == "exec" and not self.exec_ok.get("nook", False):
                verdict = "nook has no exec yet"
            row["target"] = verdict
            result["rows"][key] = row

            def cell(rt):
                st = row.get(rt)
                if not st:
                    return "-"
                return "%.2f (%.2f)" % (st["wall_ms"]["median"], st["wall_ms"]["p90"])

            def trio(field, sub, fmt):
                out = []
                for rt in ("nook", "crun", "runc"):
                    st = row.get(rt)
                    out.append(fmt % st[field][sub] if st else "-")
                return "/".join(out)

            def ratio(k):
                return "%.2f" % ratios[k] if k in ratios else "-"

            floor = "%.2f" % med["floor"] if med["floor"] else "-"
            lines.append("%-10s %-16s %-16s %-16s %-9s %-9s %-9s %-10s %-18s %-18s %s" % (
                key, cell("nook"), cell("crun"), cell("runc"), floor, ratio("nook/crun"),
                ratio("nook/runc"), ratio("nook/floor"), trio("cpu_ms", "median", "%.1f"),
                trio("maxrss_kib", "max", "%d"), verdict))
        # linearity: per-container cost at each size
        lin = {}
        for rt in ("nook", "crun", "runc"):
            per = {}
            for n in SIZES:
                st = result["rows"]["n%d" % n].get(rt)
                if st:
                    per[n] = round(st["wall_ms"]["median"] / n, 3)
            if per:
                lin[rt] = per
        result["per_container_ms"] = lin
        # steady state: the cold first run (its own row) is reported apart
        rss_all = [row["nook"]["maxrss_kib"]["max"] for key, row in result["rows"].items()
                   if row.get("nook") and key != "run-cold"]
        result["nook_peak_rss_kib"] = max(rss_all) if rss_all else None

        print()
        print("nook bench, commit %s, %s, kernel %s, cgroups %s, N=%d, --root on %s, "
              "load %s -> %s" % (commit, result["date"], platform.release(), cgmode, N,
                                 result["state_root_fs"], result["loadavg_start"][0],
                                 result["loadavg_end"][0]))
        print("\n".join(lines))
        print("per container (ms) for create+start N detached, median: " + "; ".join(
            "%s %s" % (rt, " ".join("N=%d:%.2f" % (n, v) for n, v in per.items()))
            for rt, per in lin.items()))
        if result["nook_peak_rss_kib"]:
            cold = result["rows"].get("run-cold", {}).get("nook")
            print("nook peak RSS of any command: %d KiB (target <= %d)%s; the driver's own: %s KiB;"
                  " the cold first run: %s KiB" % (
                      result["nook_peak_rss_kib"], RSS_TARGET_KIB,
                      "" if result["nook_peak_rss_kib"] <= RSS_TARGET_KIB else " MISS",
                      result["driver_maxrss_kib"], cold["maxrss_kib"]["max"] if cold else "-"))
        floors = [(job, self.stats("rss-floor/" + key)) for job, key in
                  (("libseccomp's compile", "seccomp"),)]
        result["rss_floor_kib"] = {job: st["maxrss_kib"]["median"] for job, st in floors if st}
        if result["rss_floor_kib"]:
            print("the cold run's one-off job, alone in a minimal static process "
                  "(median peak RSS): " + ", ".join(
                      "%s %d KiB" % kv for kv in result["rss_floor_kib"].items()))
        print("cgroup of its own per container: %s" % ", ".join(
            "%s=%s" % (k, v) for k, v in result["cgroup_work"].items()))
        for n in self.notes:
            print("note: " + n)
        fails = {k: v for k, v in self.failures.items()}
        if fails:
            print("failed commands (excluded from the figures; see the log): %s" % fails)
            result["failures"] = fails
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, "results-%s.json" % commit)
        with open(path, "w") as f:
            json.dump(result, f, indent=1, sort_keys=True)
        print("json: " + path)
        return result


def main():
    global NOOK, DRIVER, FLOOR, RSS_FLOOR
    for tool in (DRIVER, FLOOR, NOOK, BUSYBOX):
        if not os.access(tool, os.X_OK):
            raise SystemExit("bench: %s is missing (make bench builds it)" % tool)
    b = Bench()

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    ok = False
    try:
        NOOK, DRIVER, FLOOR = (local_copy(p, b.tmp, b.notes) for p in (NOOK, DRIVER, FLOOR))
        RSS_FLOOR = {job: local_copy(p, b.tmp, b.notes) for job, p in RSS_FLOOR.items()}
        b.setup()
        b.phase_cold()
        b.phase_run()
        b.phase_lifecycle()
        b.phase_exec()
        b.phase_list_and_n()
        ok = True
    except KeyboardInterrupt:
        log("interrupted: cleaning up")
    finally:
        logtext = ""
        try:
            with open(os.path.join(b.tmp, "driver.log")) as f:
                logtext = f.read()
        except OSError:
            pass
        b.cleanup()
        if logtext:
            os.makedirs(OUT, exist_ok=True)
            with open(os.path.join(OUT, "driver.log"), "w") as f:
                f.write(logtext)
    if not ok:
        return 1
    res = b.report()
    empty = [k for k, row in res["rows"].items()
             if k != "exec" and row.get("nook") is None and "nook" in b.rt
             and not k.startswith("spawn")]
    if empty:
        log("rows without any nook figure: %s" % ", ".join(empty))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
