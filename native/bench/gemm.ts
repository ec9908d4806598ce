/**
 * gemm GFLOP/s side by side: the js backend and the native addon (float64 and float32, 1 and 2
 * threads) on the training shapes (batch 200) and 1024^3, through the Backend interface, i.e.
 * what the training loop sees, FFI included.
 *
 *   node_modules/.bin/bun native/bench/gemm.ts          (or: node --import tsx native/bench/gemm.ts)
 *   nx run native:bench
 */
import type { Backend, DType, FloatArray } from '../../libs/ffnn/src/backend/backend.ts';
import { jsBackend } from '../../libs/ffnn/src/backend/js.ts';
import { loadNativeBackend } from '../../libs/ffnn/src/backend/native.ts';

interface Case {
  label: string;
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
}

const BATCH = 200;
const CASES: Case[] = [];
for (const [fanIn, fanOut] of [[784, 128], [128, 64], [64, 10], [784, 512], [512, 256]]) {
  CASES.push({ label: `fwd  A*W   ${BATCH}x${fanIn} * ${fanIn}x${fanOut}`, ta: false, tb: false, m: BATCH, n: fanOut, k: fanIn });
  CASES.push({ label: `grad A^T*D ${fanIn}x${BATCH} * ${BATCH}x${fanOut}`, ta: true, tb: false, m: fanIn, n: fanOut, k: BATCH });
  CASES.push({ label: `back D*W^T ${BATCH}x${fanOut} * ${fanOut}x${fanIn}`, ta: false, tb: true, m: BATCH, n: fanIn, k: fanOut });
}
CASES.push({ label: 'square     1024x1024 * 1024x1024', ta: false, tb: false, m: 1024, n: 1024, k: 1024 });

function rand(dtype: DType, n: number, seed: number): FloatArray {
  const x = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

/** Best of 3 samples, each repeating the product for >= `budget` seconds (at least once). */
function gflops(backend: Backend, dtype: DType, c: Case, budget: number): number {
  const a = rand(dtype, c.m * c.k, 1);
  const b = rand(dtype, c.k * c.n, 2);
  const out = rand(dtype, c.m * c.n, 3);
  const run = () => backend.gemm(c.ta, c.tb, c.m, c.n, c.k, 1, a, b, 0, out);
  run();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budget * 1000) {
    run();
    reps++;
  }
  reps = Math.max(reps, 1);
  let best = Infinity;
  for (let s = 0; s < 3; s++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - t) / 1000 / reps);
  }
  return (2 * c.m * c.n * c.k) / best / 1e9;
}

const { backend: native, reason, addon } = loadNativeBackend();
const runtime = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined' ? 'bun' : 'node';
console.log(`gemm GFLOP/s (2mnk / best time) on ${runtime}; native: ${native ? `${addon!.gemmImplementation()}, threads 1 and ${addon!.maxThreads()}` : `not loaded (${reason})`}`);
const cores = addon ? addon.maxThreads() : 1;
const quick = process.argv.includes('--quick');
for (const dtype of ['float64', 'float32'] as DType[]) {
  for (const c of CASES) {
    let row = `${dtype.padEnd(8)} ${c.label.padEnd(36)}`;
    const big = c.m * c.n * c.k > 1e8;
    row += ` js ${gflops(jsBackend, dtype, c, big || quick ? 0.01 : 0.05).toFixed(2).padStart(7)}`;
    if (native && addon) {
      for (const t of [1, cores]) {
        addon.setMaxThreads(t);
        row += ` native/t${t} ${gflops(native, dtype, c, quick ? 0.01 : 0.03).toFixed(2).padStart(7)}`;
      }
      addon.setMaxThreads(0);
    }
    console.log(row);
  }
}
