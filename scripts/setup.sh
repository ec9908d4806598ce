#!/usr/bin/env bash
# Installs what the workspace needs on a fresh Debian machine, idempotently:
#  - npm packages (Bun, Deno, nx, uvu, zx and the rest come from npm; lockfile pinned)
#  - the parity tool's Python venv with pinned scikit-learn (tools/parity/requirements.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
bash scripts/setup-python.sh
