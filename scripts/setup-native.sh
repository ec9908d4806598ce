#!/usr/bin/env bash
# Checks what `nx run native:build` needs on a fresh machine: only the Rust toolchain (rustc and
# cargo, from rustup). The addon carries its own gemm kernels (the gemm crate and native/src/panel.rs,
# chosen at run time for the CPU) and links no system BLAS, so no apt package is needed.
# (The opt-in cargo feature `openblas`, for comparisons, needs libopenblas-dev and pkg-config:
# install those by hand if you build with it.)
set -euo pipefail

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup-native: cargo not found; install Rust with rustup (the build needs rustc and cargo)" >&2
  exit 1
fi

# `nx run workspace:lint` runs rustfmt and clippy on the crate: add them where rustup manages Rust
if command -v rustup >/dev/null 2>&1; then
  installed=$(rustup component list --installed 2>/dev/null || true)
  for c in rustfmt clippy; do
    grep -q "^$c" <<<"$installed" || rustup component add "$c"
  done
fi
