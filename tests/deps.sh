#!/usr/bin/env bash
# Installs what building and testing nook needs (Debian 12). Idempotent and quiet:
# returns at once when everything is there; runs `apt-get update` only when
# something is missing.
set -euo pipefail

PACKAGES=(
    gcc make pkg-config                      # build
    libseccomp-dev libcap-dev libyajl-dev    # seccomp filters, capability sets, config.json
    libcgroup-dev                            # cgroup hierarchy discovery
    bats bats-support bats-assert jq         # integration tests
    busybox-static                           # the test and demo root filesystems
    clang-format                             # make format-check
    libclang-rt-14-dev                       # ASan/UBSan runtime when CC=clang
    iproute2 util-linux procps tmux          # tools the tests call
)

missing=()
for pkg in "${PACKAGES[@]}"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" != installed ]; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#PACKAGES[@]} packages present"
    exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
