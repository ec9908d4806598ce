/**
 * GFLOP/s of the matrix products training runs (batch 200 against every layer of the three nets:
 * forward A W, backward A^T D and D W^T) and of 1024^3, per backend and dtype, beside numpy's on
 * the same machine; the ceiling is the machine's best measured matmul (native or numpy, 2 threads).
 *
 *   bun --conditions=@ffnn/source apps/bench/src/gemm.ts [--threads 1,2] [--out FILE]        (nx run bench:gemm)
 *
 * ffnn's products go through the Backend interface, FFI included, as the training loop calls them.
 * The timing mirrors native/bench/numpy_gemm.py's `gflops`, which the numpy side imports: one warm call, as many
 * repetitions as fill 30 ms, best of 5 such samples.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Backend, type DType, type FloatArray, jsBackend, loadNativeBackend } from '@ffnn/core/backend';
import { $ } from 'zx';
import { describeMachine, HERE, hasVenv, machineLines, pythonEnv, ROOT, VENV_PYTHON } from './machine.ts';
import { createProgress } from './progress.ts';
import { fmt, formatTable, type GemmCase, gemmCases, gemmGflops, gemmShape, layerSizes, NETS, type NetName } from './report.ts';

$.verbose = false;
$.quiet = true;

function rand(dtype: DType, n: number, seed: number): FloatArray {
  const x = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

/** GFLOP/s of one product: warm call, reps filling `budget` seconds, best of `samples`. */
export function measureGemm(backend: Backend, dtype: DType, c: Pick<GemmCase, 'ta' | 'tb' | 'm' | 'n' | 'k'>, budget = 0.03, samples = 5): number {
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
  for (let s = 0; s < samples; s++) {
    const t = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, (performance.now() - t) / 1000 / reps);
  }
  return gemmGflops(c.m, c.n, c.k, best);
}

interface GemmRow {
  dtype: DType;
  case: GemmCase;
  js: number;
  native: Record<string, number>;
  numpy: Record<string, number>;
  /** The machine's best measured product of this shape: native or numpy, any thread count up to the largest. */
  ceiling: number;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { threads: { type: 'string' }, out: { type: 'string' } } });
  const threads = (values.threads ?? '1,2').split(',').map(Number);
  const top = Math.max(...threads);
  const wallStart = performance.now();
  const cases = gemmCases();
  const { machine } = await describeMachine(threads);
  for (const l of machineLines(machine)) console.log(l);
  const { backend: native, addon, reason } = loadNativeBackend();
  if (!native) console.log(`note: native not loaded: ${reason} (build it with: npx nx run native:build)`);

  const progress = createProgress('bench:gemm', 2 * cases.length + 1);
  let done = 0;
  // numpy first, in one child process (both dtypes, every thread count)
  let numpy: { float64: number[][]; float32: number[][] } | null = null;
  if (hasVenv()) {
    progress.update('numpy');
    const proc = $({ env: pythonEnv(top), nothrow: true })`${VENV_PYTHON} ${join(HERE, 'gemm_numpy.py')} ${JSON.stringify({ cases, threads })}`;
    proc.stderr.on('data', (d: Buffer) => {
      const m = /@case (\S+) (\d+) (\d+)/.exec(String(d));
      if (m) progress.update(`numpy ${m[1]} ${m[2]}/${m[3]}`);
    });
    const r = await proc;
    if (r.exitCode === 0) numpy = JSON.parse(r.stdout.trim().split('\n').pop()!);
    else console.log(`note: numpy failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  } else console.log('note: numpy skipped: tools/parity/.venv is missing (node tools/parity/setup.mjs)');
  progress.done(++done, 'numpy');

  const rows: GemmRow[] = [];
  for (const dtype of ['float64', 'float32'] as DType[]) {
    cases.forEach((c, i) => {
      progress.update(`${dtype} ${c.kind} ${c.layer}`);
      const row: GemmRow = { dtype, case: c, js: measureGemm(jsBackend, dtype, c), native: {}, numpy: {}, ceiling: NaN };
      if (native && addon) {
        for (const t of threads) {
          addon.setMaxThreads(t);
          row.native[`t${t}`] = measureGemm(native, dtype, c);
        }
        addon.setMaxThreads(0);
      }
      threads.forEach((t, j) => {
        if (numpy) row.numpy[`t${t}`] = numpy[dtype][i][j];
      });
      const measured = [...Object.values(row.native), ...Object.values(row.numpy)].filter(Number.isFinite);
      row.ceiling = measured.length ? Math.max(...measured) : NaN;
      rows.push(row);
      progress.done(
        ++done,
        `${dtype} ${c.kind} ${c.layer}: js ${fmt(row.js)} native ${Object.values(row.native)
          .map((x) => fmt(x))
          .join('/')} GFLOP/s`,
      );
    });
  }
  progress.end();
  machine.loadAverage.end = loadavg().map((x) => Math.round(x * 100) / 100);

  const header = [
    'dtype',
    'product',
    'layer',
    'shape',
    'js',
    ...threads.map((t) => `native t${t}`),
    ...threads.map((t) => `numpy t${t}`),
    'ceiling',
    'js/ceil',
    'native/ceil',
  ];
  const table = rows.map((r) => [
    r.dtype,
    r.case.kind + (r.case.inTraining || r.case.kind === 'square' ? '' : ' *'),
    r.case.layer,
    gemmShape(r.case),
    fmt(r.js),
    ...threads.map((t) => fmt(r.native[`t${t}`])),
    ...threads.map((t) => fmt(r.numpy[`t${t}`])),
    fmt(r.ceiling),
    `${((100 * r.js) / r.ceiling).toFixed(0)}%`,
    Object.keys(r.native).length ? `${((100 * Math.max(...Object.values(r.native))) / r.ceiling).toFixed(0)}%` : '-',
  ]);
  console.log('');
  console.log(
    formatTable(
      header,
      table,
      header.map((_, i) => i >= 4),
    ),
  );
  console.log('');
  console.log(`GFLOP/s = 2 m n k / best time (warm call, reps >= 30 ms, best of 5); ffnn through its Backend interface (FFI included), numpy via np.matmul`);
  console.log(
    `ceiling = the best measured product of that shape on this machine: native or numpy, at 1 to ${top} threads; native/ceil uses native's best thread count`,
  );
  console.log(`* computed by the benchmark only: training never needs the input layer's delta D*W^T`);
  for (const dtype of ['float64', 'float32'] as DType[]) {
    const sq = rows.find((r) => r.dtype === dtype && r.case.kind === 'square')!;
    const who =
      [...Object.entries(sq.native).map(([t, g]) => [`native ${t}`, g] as const), ...Object.entries(sq.numpy).map(([t, g]) => [`numpy ${t}`, g] as const)].sort(
        (a, b) => b[1] - a[1],
      )[0]?.[0] ?? '-';
    console.log(`machine ceiling ${dtype} (best measured 1024^3 matmul): ${fmt(sq.ceiling)} GFLOP/s (${who})`);
  }
  // One batch of training runs every product of its net once: its gemm GFLOP/s is the total flops
  // over the summed times (each product at its measured rate), against the machine ceiling above (best 1024^3 matmul).
  const peaks: Record<string, number> = {};
  for (const dtype of ['float64', 'float32'] as DType[]) {
    const sq = rows.find((r) => r.dtype === dtype && r.case.kind === 'square')!;
    peaks[dtype] = sq.ceiling;
  }
  const mixes: { net: string; dtype: DType; threads: string; gflops: number; ofPeak: number }[] = [];
  for (const net of Object.keys(NETS) as NetName[]) {
    const sizes = layerSizes(net, 784, 10);
    for (const dtype of ['float64', 'float32'] as DType[]) {
      for (const t of threads) {
        let flops = 0;
        let seconds = 0;
        for (let l = 0; l + 1 < sizes.length; l++) {
          const layer = `${sizes[l]}x${sizes[l + 1]}`;
          for (const r of rows.filter((x) => x.dtype === dtype && x.case.layer === layer && (x.case.kind !== 'back D*W^T' || l > 0))) {
            const g = r.native[`t${t}`];
            const f = 2 * r.case.m * r.case.n * r.case.k;
            flops += f;
            seconds += f / (g * 1e9);
          }
        }
        const gflops = flops / seconds / 1e9;
        mixes.push({ net: sizes.join('-'), dtype, threads: `t${t}`, gflops, ofPeak: gflops / peaks[dtype] });
      }
    }
  }
  if (native) {
    console.log('');
    console.log('training products of one batch (every product of the net once, at the measured rates), native:');
    console.log(
      formatTable(
        ['net', 'dtype', 'threads', 'GFLOP/s', `of ${top}-thread peak`],
        mixes.map((x) => [x.net, x.dtype, x.threads, fmt(x.gflops), `${(100 * x.ofPeak).toFixed(0)}%`]),
        [false, false, false, true, true],
      ),
    );
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  console.log(`load average at end: ${machine.loadAverage.end.join(' ')}; wall time ${wallSeconds.toFixed(0)} s`);

  const createdAt = new Date().toISOString();
  const report = {
    kind: 'gemm',
    createdAt,
    threads,
    method: 'GFLOP/s = 2mnk / best time; warm call, reps >= 30 ms, best of 5',
    machine,
    numpy: numpy ? { ...(numpy as object) } : null,
    rows,
    peaks,
    trainingMix: mixes,
    wallSeconds,
  };
  delete (report.numpy as Record<string, unknown> | null)?.float64;
  delete (report.numpy as Record<string, unknown> | null)?.float32;
  const out = values.out ? resolve(values.out) : join(ROOT, 'bench-results', `gemm-${createdAt.replace(/[:.]/g, '-')}.json`);
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`report: ${relative(process.cwd(), out)}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(HERE, 'gemm.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`bench:gemm: ${(err as Error).stack}`);
      process.exit(2);
    },
  );
}
