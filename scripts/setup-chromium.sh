#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium (/usr/bin/chromium) for the report test
# (apps/cli/test/report.test.ts), only when it is missing. Needs root (or sudo) and apt.
#   bash scripts/setup-chromium.sh          install if missing, print the version
#   bash scripts/setup-chromium.sh --check  exit 0 when present, 1 when missing; installs nothing
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  "$CHROMIUM" --version 2>/dev/null || true
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "chromium: not installed at $CHROMIUM (run: bash scripts/setup-chromium.sh)" >&2
  exit 1
fi
bash "$(dirname "$0")/apt-install-missing.sh" setup-chromium chromium
"$CHROMIUM" --version
