#!/usr/bin/env bash
# CI entry point for the Python side of the parity harness: creates tools/parity/.venv with the
# scikit-learn/numpy/scipy pinned in tools/parity/requirements.txt (idempotent; see setup.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
node tools/parity/setup.mjs "$@"
