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

left="$("$NOOK" --root "$ROOT" list -q)"
if [ -n "$left" ]; then
    echo "demo: FAILED: containers left behind: $left" >&2
    exit 1
fi
echo "demo: 'nook list' is empty: the container was deleted after it exited"
exit "$status"
