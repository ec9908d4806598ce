"""numpy's matmul GFLOP/s on the same shapes as examples/blas.rs and bench/gemm.ts (1 and 2 threads)."""
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

BATCH = 200
LAYERS = [(784, 32), (32, 24), (24, 16), (16, 10), (784, 128), (128, 64), (64, 10), (784, 512), (512, 256), (256, 10)]


def cases():
    for fan_in, fan_out in LAYERS:
        yield f"fwd  A*W   {BATCH}x{fan_in} * {fan_in}x{fan_out}", (BATCH, fan_in), (fan_in, fan_out), False, False
        yield f"grad A^T*D {fan_in}x{BATCH} * {BATCH}x{fan_out}", (BATCH, fan_in), (BATCH, fan_out), True, False
        yield f"back D*W^T {BATCH}x{fan_out} * {fan_out}x{fan_in}", (BATCH, fan_out), (fan_in, fan_out), False, True
    yield "square     1024x1024 * 1024x1024", (1024, 1024), (1024, 1024), False, False


def gflops(a, b, ta, tb):
    x = a.T if ta else a
    y = b.T if tb else b
    out = np.empty((x.shape[0], y.shape[1]), dtype=a.dtype)
    flops = 2.0 * x.shape[0] * x.shape[1] * y.shape[1]
    np.matmul(x, y, out=out)
    t0, reps = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.03:
        np.matmul(x, y, out=out)
        reps += 1
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(reps):
            np.matmul(x, y, out=out)
        best = min(best, (time.perf_counter() - t) / reps)
    return flops / best / 1e9


def main():
    info = threadpool_info()[0]
    print(f"numpy {np.__version__}, {info.get('internal_api')} {info.get('version')} ({info.get('architecture')})")
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        for label, sa, sb, ta, tb in cases():
            a = rng.uniform(-0.5, 0.5, sa).astype(dtype)
            b = rng.uniform(-0.5, 0.5, sb).astype(dtype)
            row = f"{np.dtype(dtype).name:<8} {label:<36}"
            for t in (1, 2):
                with threadpool_limits(limits=t, user_api="blas"):
                    row += f" numpy/t{t} {gflops(a, b, ta, tb):7.2f}"
            print(row, flush=True)


if __name__ == "__main__":
    main()
