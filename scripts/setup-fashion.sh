#!/usr/bin/env bash
# Installs Fashion-MNIST (60,000 + 10,000 images, MNIST's IDX format, gzip) for `nx run bench:fashion`
# from Debian's package `dataset-fashion-mnist`, only when it is missing. Idempotent.
# The package puts the files under /usr/share/datasets/fashion-mnist/.
set -euo pipefail

pkg=dataset-fashion-mnist
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
  echo "setup-fashion: $pkg already installed"
else
  echo "setup-fashion: installing $pkg"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$pkg"
fi
dpkg -L "$pkg" | grep -E 'idx[13]-ubyte' || true
