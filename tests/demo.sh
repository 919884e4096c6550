#!/usr/bin/env bash
# `make demo`: build a busybox bundle, run one container with nook, show what it
# saw and that nothing was left behind. Safe to run again and again.
set -euo pipefail

cd "$(dirname "$0")/.."
NOOK="$PWD/build/nook"
BUNDLE="$PWD/build/demo-bundle"
ROOT="$PWD/build/demo-root"
ID="demo-$$"
BUSYBOX=/bin/busybox

[ -x "$NOOK" ] || { echo "demo: $NOOK is missing; run make" >&2; exit 1; }
[ -x "$BUSYBOX" ] || { echo "demo: $BUSYBOX is missing; run make deps (busybox-static)" >&2; exit 1; }

# The bundle: a root filesystem holding only a static busybox, and config.json.
rm -rf "$BUNDLE"
mkdir -p "$BUNDLE/rootfs"/{bin,proc,sys,dev,tmp,etc} "$ROOT"
cp "$BUSYBOX" "$BUNDLE/rootfs/bin/busybox"
for applet in $("$BUSYBOX" --list); do
    [ -e "$BUNDLE/rootfs/bin/$applet" ] || ln -s busybox "$BUNDLE/rootfs/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$BUNDLE/rootfs/etc/passwd"
echo "root:x:0:" >"$BUNDLE/rootfs/etc/group"

# What the container prints; host values come in through the environment.
cat >"$BUNDLE/rootfs/bin/what-i-see" <<'EOF'
#!/bin/sh
echo "  hostname      $(hostname)"
echo "  user          $(id)"
echo "  pid 1         $(tr '\0' ' ' </proc/1/cmdline)(this script: pid $$)"
echo "  processes     $(ls /proc | grep -c '^[0-9]') visible, counting this listing (host: $HOST_PROCS)"
echo "  mounts        $(wc -l </proc/self/mountinfo) (host: $HOST_MOUNTS)"
echo "  capabilities  $(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status) effective (host: $HOST_CAPS)"
echo "  root fs       $(awk '$5 == "/" { split($6, o, ","); print (o[1] == "ro" ? "read-only" : "read-write") }' /proc/self/mountinfo)"
for ns in cgroup ipc mnt net pid time user uts; do
    mine=$(readlink /proc/self/ns/$ns)
    host=$(echo "$HOST_NS" | tr ' ' '\n' | grep "^$ns:")
    if [ "$mine" = "$host" ]; then how="shared with the host"; else how="new"; fi
    printf '  ns %-10s %s\n' "$ns" "$how"
done
EOF
chmod 755 "$BUNDLE/rootfs/bin/what-i-see"

(cd "$BUNDLE" && "$NOOK" spec)
host_ns=""
for ns in cgroup ipc mnt net pid time user uts; do
    host_ns+="$(readlink /proc/self/ns/$ns) "
done
jq --arg ns "$host_ns" \
    --arg mounts "$(wc -l </proc/self/mountinfo)" \
    --arg procs "$(ls /proc | grep -c '^[0-9]')" \
    --arg caps "$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)" \
    '.process.terminal = false
     | .process.args = ["/bin/what-i-see"]
     | .process.env += ["HOST_NS=" + $ns, "HOST_MOUNTS=" + $mounts, "HOST_PROCS=" + $procs, "HOST_CAPS=" + $caps]' \
    "$BUNDLE/config.json" >"$BUNDLE/config.json.new"
mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"

echo "demo: $NOOK --root build/demo-root run --bundle build/demo-bundle $ID"
status=0
"$NOOK" --root "$ROOT" run --bundle "$BUNDLE" "$ID" </dev/null || status=$?
echo "demo: the container exited with status $status"

# Part two: quotas. 50% of one CPU and 64 MiB, then watch the kernel hold them.
CG_ID="$ID-limits"
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    cg() { echo "/sys/fs/cgroup/nook/$CG_ID"; }
    cpu_usec() { awk '$1 == "usage_usec" { print $2 }' "$(cg)/cpu.stat"; }
    throttled() { awk '$1 == "nr_throttled" { t = $2 } $1 == "nr_periods" { p = $2 } END { print t " of " p }' "$(cg)/cpu.stat"; }
    oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$(cg)/memory.events"; }
    layout="cgroup v2"
else
    cg() { echo "/sys/fs/cgroup/$1/nook/$CG_ID"; }
    cpu_usec() { echo $(($(cat "$(cg cpuacct)/cpuacct.usage") / 1000)); }
    throttled() { awk '$1 == "nr_throttled" { t = $2 } $1 == "nr_periods" { p = $2 } END { print t " of " p }' "$(cg cpu)/cpu.stat"; }
    oom_kills() { awk '$1 == "oom_kill" { print $2 }' "$(cg memory)/memory.oom_control"; }
    layout="cgroup v1 (hybrid host)"
fi
limits='.linux.resources.cpu = {"quota": 50000, "period": 100000}
    | .linux.resources.memory = {"limit": 67108864, "swap": 67108864}'
jq "$limits | .process.args = [\"sh\", \"-c\", \"while :; do :; done\"]" \
    "$BUNDLE/config.json" >"$BUNDLE/limits.json"
cp "$BUNDLE/config.json" "$BUNDLE/config.json.saved"
cp "$BUNDLE/limits.json" "$BUNDLE/config.json"
echo
echo "demo: limits on $layout: cpu quota 50000/100000 us (50% of one CPU), memory 64 MiB"
"$NOOK" --root "$ROOT" run --detach --bundle "$BUNDLE" "$CG_ID" </dev/null >/dev/null 2>&1
u0=$(cpu_usec)
t0=$(date +%s%N)
sleep 3
u1=$(cpu_usec)
t1=$(date +%s%N)
echo "  a busy loop ran 3 s: it used $(((u1 - u0) * 100000 / ((t1 - t0) / 1000) / 1000))% of a CPU; throttled in $(throttled) periods (cpu.stat)"
"$NOOK" --root "$ROOT" delete --force "$CG_ID"
jq "$limits | .process.args = [\"dd\", \"if=/dev/zero\", \"of=/dev/null\", \"bs=128M\", \"count=1\"]" \
    "$BUNDLE/config.json.saved" >"$BUNDLE/config.json"
oom_status=0
"$NOOK" --root "$ROOT" run --keep --bundle "$BUNDLE" "$CG_ID" </dev/null >/dev/null 2>&1 || oom_status=$?
echo "  dd asked for a 128 MiB buffer: it exited with $oom_status (137 = SIGKILL), oom_kill count $(oom_kills)"
"$NOOK" --root "$ROOT" delete "$CG_ID"
mv "$BUNDLE/config.json.saved" "$BUNDLE/config.json"
if [ "$oom_status" -ne 137 ]; then
    echo "demo: FAILED: the 64 MiB limit did not stop dd" >&2
    exit 1
fi
echo "demo: the cgroup is gone: $(ls -d "$(cg memory)" 2>/dev/null || echo "no $(cg memory)")"

left="$("$NOOK" --root "$ROOT" list -q)"
if [ -n "$left" ]; then
    echo "demo: FAILED: containers left behind: $left" >&2
    exit 1
fi
echo "demo: 'nook list' is empty: the container was deleted after it exited"
exit "$status"
