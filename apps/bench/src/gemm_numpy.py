"""numpy's matmul GFLOP/s for `nx run bench:gemm`, on the shapes apps/bench/src/gemm.ts passes in.

    python gemm_numpy.py '{"cases": [{"m":..,"n":..,"k":..,"ta":false,"tb":true}, ...], "threads": [1, 2]}'

The timing is native/bench/numpy_gemm.py's own `gflops` (one warm call, repetitions for >= 30 ms,
best of 5), imported rather than copied, so the two benchmarks measure numpy the same way.
Prints one JSON line: {"float64": [[t1, t2], ...], "float32": [...], "blas": {...}}.
"""
import json
import os
import sys

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "native", "bench"))
from numpy_gemm import gflops  # noqa: E402


def main():
    req = json.loads(sys.argv[1])
    rng = np.random.default_rng(0)
    out = {}
    for name, dtype in (("float64", np.float64), ("float32", np.float32)):
        rows = []
        for c in req["cases"]:
            # stored shapes as the training loop holds them: A is (m x k) or, transposed, (k x m)
            sa = (c["k"], c["m"]) if c["ta"] else (c["m"], c["k"])
            sb = (c["n"], c["k"]) if c["tb"] else (c["k"], c["n"])
            a = rng.uniform(-0.5, 0.5, sa).astype(dtype)
            b = rng.uniform(-0.5, 0.5, sb).astype(dtype)
            row = []
            for t in req["threads"]:
                with threadpool_limits(limits=t, user_api="blas"):
                    row.append(gflops(a, b, c["ta"], c["tb"]))
            rows.append(row)
            print(f"@case {name} {len(rows)} {len(req['cases'])}", file=sys.stderr, flush=True)
        out[name] = rows
    info = next((i for i in threadpool_info() if "numpy" in (i.get("filepath") or "")), {})
    out["blas"] = {k: info.get(k) for k in ("internal_api", "version", "architecture", "threading_layer")}
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
