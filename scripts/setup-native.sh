#!/usr/bin/env bash
# Installs what `nx run native:build` needs on a fresh Debian machine: the system OpenBLAS
# (linked through openblas-src's `system` feature) and pkg-config. The Rust toolchain comes from
# rustup and is already present. Idempotent: apt runs only when a package is missing.
set -euo pipefail

bash "$(dirname "$0")/apt-install-missing.sh" setup-native libopenblas-dev pkg-config

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup-native: cargo not found; install Rust with rustup (the build needs rustc and cargo)" >&2
  exit 1
fi
