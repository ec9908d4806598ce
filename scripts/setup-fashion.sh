#!/usr/bin/env bash
# Installs Fashion-MNIST (60,000 + 10,000 images, MNIST's IDX format, gzip) for `nx run bench:fashion`
# from Debian's package `dataset-fashion-mnist`, only when it is missing. Idempotent.
# The package puts the files under /usr/share/datasets/fashion-mnist/.
set -euo pipefail
here=$(dirname "$0")
bash "$here/apt-install-missing.sh" setup-fashion dataset-fashion-mnist
dpkg -L dataset-fashion-mnist | grep -E 'idx[13]-ubyte' || true
