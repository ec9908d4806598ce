#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet (apt-get update first, only when
# something is missing). Uses sudo when not root. Used by the setup-*.sh scripts.
#   bash scripts/apt-install-missing.sh LABEL PACKAGE...
set -euo pipefail
label=$1
shift
missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "$label: $* already installed"
  exit 0
fi
echo "$label: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
