#!/usr/bin/env bash
# Installs what building and testing nook needs (Debian 12). Idempotent and quiet:
# returns at once when everything is there; runs `apt-get update` only when
# something is missing.
set -euo pipefail

# Each area lists its packages in tests/deps/<area>.list (one file per area, so
# areas added in parallel never edit the same lines).
mapfile -t PACKAGES < <(sed -e 's/#.*//' "$(dirname "$0")"/deps/*.list | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)

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
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
