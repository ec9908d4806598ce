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

# The arm64 build (its NEON kernels, the addon under Bun for linux-aarch64) is tested on this
# x86-64 machine under emulation (scripts/cargo-test.mjs, scripts/arm64-test.mjs, pack-native.mjs
# check): a cross C toolchain to link, qemu's user-mode emulator to run, and Rust's standard
# library for aarch64. Only when apt and rustup are there (CI and the project's Debian machines);
# elsewhere those scripts say the arm64 tests were skipped and why.
if command -v apt-get >/dev/null 2>&1 && command -v rustup >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install-missing.sh" setup-native gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
fi
