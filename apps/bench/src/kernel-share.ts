/**
 * Where a training epoch's time goes, kernel by kernel: the native (or wasm) backend wrapped so
 * that every call is timed (performance.now() around it), over a fit on the bundled digits.
 *
 *   bun --conditions=@ffnn/source apps/bench/src/kernel-share.ts [--backend native|wasm] [--net large] [--solver sgd] [--dtype float64] [--threads 1] [--epochs 3]
 *
 * With --backend wasm a kernel's time includes copying its arrays into wasm memory and back.
 *
 * Prints seconds per epoch in each kernel (gemm split by product: forward, weight gradient,
 * delta) and the share outside gemm. The timer adds ~50 ns a call (a few thousand calls an epoch),
 * so the shares are close to, not exactly, those of an untimed epoch.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FFNNClassifier } from '@ffnn/core';
import { type Backend, loadNativeBackend, loadWasmBackendSync } from '@ffnn/core/backend';
import { loadMnist } from '@ffnn/core/node';
import { HERE } from './machine.ts';
import { buildOptions, fmt, formatTable, NETS, type NetName, SOLVERS, type SolverName } from './report.ts';

/** The layer steps (backend.ts), labelled as the product they run and what they fuse into it. */
const FUSED: Record<string, string> = {
  linearForward: 'gemm A*W + bias, f (linearForward)',
  linearBackward: "gemm D*W^T, * f' (linearBackward)",
  weightGradient: 'gemm A^T*D + finish (weightGradient)',
};

/** Wraps every kernel of the loaded backend object in place (options take a backend by name only). */
function timeKernels(backend: Backend, seconds: Map<string, number>): void {
  const out = backend as unknown as Record<string, unknown>;
  for (const [key, fn] of Object.entries(backend)) {
    if (typeof fn !== 'function') continue;
    out[key] = (...args: unknown[]) => {
      // gemm by product: (ta, tb) = (false, false) forward, (true, false) weight gradient, (false, true)
      // delta; the fused layer steps are their product plus the elementwise work done on it per share
      const label = key === 'gemm' ? `gemm ${args[0] ? 'A^T*D' : args[1] ? 'D*W^T' : 'A*W'}` : (FUSED[key] ?? key);
      const t = performance.now();
      const r = (fn as (...a: unknown[]) => unknown)(...args);
      seconds.set(label, (seconds.get(label) ?? 0) + (performance.now() - t) / 1000);
      return r;
    };
  }
}

export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      backend: { type: 'string' },
      net: { type: 'string' },
      solver: { type: 'string' },
      dtype: { type: 'string' },
      threads: { type: 'string' },
      epochs: { type: 'string' },
    },
  });
  const net = (values.net ?? 'large') as NetName;
  const solver = (values.solver ?? 'sgd') as SolverName;
  if (!(net in NETS) || !(solver in SOLVERS)) throw new Error(`--net: one of ${Object.keys(NETS)}; --solver: one of ${Object.keys(SOLVERS)}`);
  const dtype = values.dtype === 'float32' ? 'float32' : 'float64';
  const epochs = Number(values.epochs ?? 3);
  const which = values.backend ?? 'native';
  if (which !== 'native' && which !== 'wasm') throw new Error(`--backend: native or wasm, got ${which}`);
  let backend: Backend;
  let kernel: string;
  if (which === 'wasm') {
    const w = loadWasmBackendSync();
    if (!w.backend) throw new Error(`wasm not loaded: ${w.reason}`);
    backend = w.backend;
    kernel = w.description ?? 'wasm';
  } else {
    const { backend: b, addon, reason } = loadNativeBackend();
    if (!b || !addon) throw new Error(`native not loaded: ${reason}`);
    addon.setMaxThreads(Number(values.threads ?? 1));
    backend = b;
    kernel = addon.gemmKernel().description;
  }
  const { train } = loadMnist();
  const seconds = new Map<string, number>();
  const epochSeconds: number[] = [];
  timeKernels(backend, seconds);
  const clf = new FFNNClassifier({
    ...buildOptions(net, solver, epochs),
    backend: which,
    dtype,
    onWarning: () => {},
    onEpoch: (m: { seconds: number }) => epochSeconds.push(m.seconds),
  } as never);
  clf.fit({ rows: train.rows, cols: train.cols, data: dtype === 'float32' ? Float32Array.from(train.X) : train.X }, train.y);
  const total = epochSeconds.reduce((a, b) => a + b, 0);
  const rows = [...seconds.entries()].sort((a, b) => b[1] - a[1]);
  const gemm = rows.filter(([k]) => k.startsWith('gemm')).reduce((a, [, s]) => a + s, 0);
  console.log(
    `${[784, ...NETS[net].hiddenLayerSizes, 10].join('-')} ${solver} ${which} ${dtype}, ${kernel}; ${epochs} epochs, ${fmt(total / epochs)} s/epoch (timed)`,
  );
  console.log(
    formatTable(
      ['kernel', 's/epoch', 'share'],
      rows.map(([k, s]) => [k, fmt(s / epochs), `${((100 * s) / total).toFixed(1)}%`]),
    ),
  );
  const kernels = [...seconds.values()].reduce((a, b) => a + b, 0);
  const pct = (x: number) => `${((100 * x) / total).toFixed(1)}%`;
  console.log(
    `gemm ${pct(gemm)} of the epoch (with the work fused into it); outside gemm ${pct(total - gemm)}: other kernels ${pct(kernels - gemm)}, between calls (TypeScript: shuffle, loss, bookkeeping) ${pct(total - kernels)}`,
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(HERE, 'kernel-share.ts')) process.exit(main(process.argv.slice(2)));
