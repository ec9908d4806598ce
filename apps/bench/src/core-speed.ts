/**
 * Speed of the pure TypeScript backend, printed as figures (not a timed test):
 *  - gemm GFLOP/s for 1024 x 1024 x 1024 in float64 and float32
 *  - seconds per epoch of 784-128-64-10 relu, SGD, batch 200, on the 8,000-digit split
 * Run: bun --conditions=@ffnn/source apps/bench/src/core-speed.ts   (or node --conditions=@ffnn/source --import tsx apps/bench/src/core-speed.ts)
 */

import { FFNNClassifier } from '@ffnn/core';
import { jsBackend } from '@ffnn/core/backend';
import { loadMnist } from '@ffnn/core/node';

const runtimes = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
const runtime =
  runtimes.Bun !== undefined ? `bun ${runtimes.Bun.version}` : runtimes.Deno !== undefined ? `deno ${runtimes.Deno.version.deno}` : `node ${process.version}`;
const epochs = Number(process.env.EPOCHS ?? 4);

function gemmGflops(dtype: 'float64' | 'float32', n: number): number {
  const make = (len: number) => (dtype === 'float32' ? new Float32Array(len) : new Float64Array(len));
  const a = make(n * n).map(() => Math.random() - 0.5);
  const b = make(n * n).map(() => Math.random() - 0.5);
  const c = make(n * n);
  jsBackend.gemm(false, false, n, n, n, 1, a, b, 0, c); // warm-up
  const reps = 3;
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) jsBackend.gemm(false, false, n, n, n, 1, a, b, 0, c);
  const s = (performance.now() - t0) / 1000 / reps;
  return (2 * n * n * n) / s / 1e9;
}

console.log(`runtime: ${runtime}`);
for (const dtype of ['float64', 'float32'] as const) console.log(`gemm 1024^3 ${dtype}: ${gemmGflops(dtype, 1024).toFixed(2)} GFLOP/s`);

const { train, test } = loadMnist();
for (const dtype of ['float64', 'float32'] as const) {
  const times: number[] = [];
  const clf = new FFNNClassifier({
    hiddenLayerSizes: [128, 64],
    solver: 'sgd',
    learningRateInit: 0.1,
    momentum: 0.9,
    batchSize: 200,
    maxIter: epochs,
    randomState: 0,
    dtype,
    tol: 0,
    backend: 'js',
    onWarning: () => {},
    onEpoch: (m) => void times.push(m.seconds),
  });
  clf.fit({ rows: train.rows, cols: train.cols, data: train.X }, train.y);
  const sorted = times.slice(1).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const acc = clf.score({ rows: test.rows, cols: test.cols, data: test.X }, test.y);
  console.log(
    `epoch 784-128-64-10 relu sgd b200 ${dtype}: first ${times[0].toFixed(3)} s, median after warm-up ${median.toFixed(3)} s, test acc ${acc.toFixed(4)}`,
  );
}
