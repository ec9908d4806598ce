#!/usr/bin/env bash
# Installs what the workspace needs on a fresh Debian machine: npm packages (Bun, nx, Deno come
# from npm). Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
