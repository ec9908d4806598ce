#!/usr/bin/env bash
# Installs what the workspace needs on a fresh Debian machine, idempotently:
#  - npm packages (Bun, Deno, nx, uvu, zx and the rest come from npm; lockfile pinned)
#  - Debian's OpenBLAS and pkg-config for the native addon (Rust comes from rustup)
#  - the parity tool's Python venv with pinned scikit-learn (tools/parity/requirements.txt)
#  - Debian's Chromium, for the test that renders the HTML report headless
# The native addon itself is built by nx (native:build), which the test targets depend on.
set -euo pipefail
cd "$(dirname "$0")/.."
# onnxruntime-node ships its CPU binaries in the package; its install script would try a download
export ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip
npm ci --no-audit --no-fund
bash scripts/provision.sh
