#!/usr/bin/env bash
# numpy's matmul on the benchmark shapes, in a throwaway venv (nothing installed in the repo).
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on these machines; numpy's own OpenBLAS must
# pick its kernels itself, so both are unset for this command only.
set -euo pipefail
venv="${FFNN_NUMPY_VENV:-/tmp/ffnn-numpy-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import numpy, threadpoolctl' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy threadpoolctl
fi
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$venv/bin/python" "$(dirname "$0")/numpy_gemm.py"
