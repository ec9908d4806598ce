#!/usr/bin/env bash
# Installs what `nx run native:build` needs on a fresh Debian machine: the system OpenBLAS
# (linked through openblas-src's `system` feature) and pkg-config. The Rust toolchain comes from
# rustup and is already present. Idempotent: apt runs only when a package is missing.
set -euo pipefail

missing=()
for pkg in libopenblas-dev pkg-config; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-native: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup-native: libopenblas-dev and pkg-config already installed"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup-native: cargo not found; install Rust with rustup (the build needs rustc and cargo)" >&2
  exit 1
fi
