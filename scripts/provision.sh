#!/usr/bin/env bash
# What the tests need besides npm packages, installed only when missing (each step is idempotent
# and quick when everything is there), so `npm test` works on a fresh machine after `npm install`:
#  - the native addon's build prerequisites (setup-native.sh; the addon itself is built by nx)
#  - the parity tool's Python venv with pinned scikit-learn (setup-python.sh)
#  - Debian's Chromium for the report page test (setup-chromium.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-native.sh
bash scripts/setup-python.sh
bash scripts/setup-chromium.sh
