# shellcheck shell=bash
# Sourced by the VM bench scripts (vm-ab.sh, vm-profile.sh): the bench's
# bundle, as bench.py makes it.
# bench_bundle DIR NOOK: DIR/bundle (busybox rootfs, the default `nook spec`
# running /bin/true) and DIR/sleeper (the same rootfs running sleep).
bench_bundle() {
    local dir="$1" nook="$2" a
    mkdir -p "$dir/bundle/rootfs"/{bin,proc,sys,dev,tmp,etc} "$dir/sleeper"
    cp /bin/busybox "$dir/bundle/rootfs/bin/busybox"
    for a in true sleep sh; do ln -s busybox "$dir/bundle/rootfs/bin/$a"; done
    echo "root:x:0:0:root:/root:/bin/sh" >"$dir/bundle/rootfs/etc/passwd"
    (cd "$dir/bundle" && "$nook" spec) || return 1
    jq '.ociVersion = "1.0.2" | .process.terminal = false | .process.args = ["/bin/true"]' \
        "$dir/bundle/config.json" >"$dir/c.json" && mv "$dir/c.json" "$dir/bundle/config.json"
    jq --arg r "$dir/bundle/rootfs" '.process.args = ["/bin/sleep", "100000"] | .root.path = $r' \
        "$dir/bundle/config.json" >"$dir/sleeper/config.json"
}
