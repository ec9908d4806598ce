/**
 * The pure parts of the training benchmarks: the configurations, the arithmetic (GFLOP/s, medians),
 * the summary of one run, the text table and the JSON report's shape. No I/O here, so the test can
 * check every number without running anything.
 */

/** The three networks of issue 5; the input and output sizes come from the data (784 and 10). */
export const NETS = {
  small: { hiddenLayerSizes: [32, 24, 16], activation: 'logistic' },
  medium: { hiddenLayerSizes: [128, 64], activation: 'relu' },
  large: { hiddenLayerSizes: [512, 256], activation: 'relu' },
} as const;
export type NetName = keyof typeof NETS;

/**
 * The two solvers, with the hyper-parameters both sides get (sklearn names in camelCase).
 * SGD is plain mini-batch SGD: momentum 0, constant learning rate.
 */
export const SOLVERS = {
  sgd: { solver: 'sgd', learningRateInit: 0.1, momentum: 0, nesterovsMomentum: false, learningRate: 'constant' },
  adam: { solver: 'adam', learningRateInit: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
} as const;
export type SolverName = keyof typeof SOLVERS;

/** What runs: ffnn's js backend (float64), the native addon in both dtypes, and scikit-learn. */
export const RUNS = {
  js: { engine: 'ffnn', backend: 'js', dtype: 'float64', label: 'ffnn js f64' },
  native64: { engine: 'ffnn', backend: 'native', dtype: 'float64', label: 'ffnn native f64' },
  native32: { engine: 'ffnn', backend: 'native', dtype: 'float32', label: 'ffnn native f32' },
  sklearn: { engine: 'sklearn', backend: 'numpy', dtype: 'float64', label: 'scikit-learn' },
} as const;
export type RunName = keyof typeof RUNS;

/** Shared by every run: the same seed and these settings make every run start from the same weights. */
export const COMMON = { batchSize: 200, alpha: 1e-4, randomState: 0, shuffle: true, tol: 0 } as const;

/** The options one run gets, in ffnn's names; sklearn_run.py maps them to snake_case. */
export interface RunSpec {
  net: NetName;
  solver: SolverName;
  run: RunName;
  /** BLAS threads (js is always 1: the TypeScript backend is single-threaded). */
  threads: number;
  epochs: number;
  /** Folder with x_train.npy, y_train.npy, x_test.npy, y_test.npy (float64 / int32). */
  dataDir: string;
  options: Record<string, unknown>;
}

/** A child's answer (ffnn-run.ts or sklearn_run.py print exactly this as one JSON line). */
export interface RunOutput {
  epochSeconds: number[];
  lossCurve: number[];
  accuracy: number;
  /** Peak resident set size of the child process, in KiB (VmHWM from /proc/self/status). */
  maxRssKiB: number;
  /** Which BLAS did the work: the addon's gemmImplementation, or numpy's OpenBLAS (threadpoolctl). */
  blas: string;
  threads: number;
}

export interface RunResult extends RunOutput {
  net: NetName;
  solver: SolverName;
  run: RunName;
  layerSizes: number[];
  weights: number;
  trainSamples: number;
  testSamples: number;
  /** Median of the epochs after the first (the warm-up). */
  secondsPerEpoch: number;
  samplesPerSecond: number;
  gflops: number;
  /** secondsPerEpoch / scikit-learn's at the same thread count (js: sklearn's 1-thread figure). */
  ratioToSklearn: number | null;
}

export function buildOptions(net: NetName, solver: SolverName, epochs: number): Record<string, unknown> {
  return {
    ...NETS[net],
    hiddenLayerSizes: [...NETS[net].hiddenLayerSizes],
    ...SOLVERS[solver],
    ...COMMON,
    maxIter: epochs,
    // never stop early: every run does exactly `epochs` epochs
    nIterNoChange: epochs + 1,
    earlyStopping: false,
  };
}

export function layerSizes(net: NetName, nFeatures: number, nClasses: number): number[] {
  return [nFeatures, ...NETS[net].hiddenLayerSizes, nClasses];
}

/** Connection weights (biases not counted): sum of fanIn * fanOut. */
export function countWeights(sizes: readonly number[]): number {
  let w = 0;
  for (let l = 0; l + 1 < sizes.length; l++) w += sizes[l] * sizes[l + 1];
  return w;
}

/**
 * Training GFLOP/s: per sample and weight one multiply-add forward (A W), one for the weight
 * gradient (A^T D) and one for the delta (D W^T): 3 multiply-adds = 6 flops.
 */
export function trainGflops(samples: number, weights: number, seconds: number): number {
  return (6 * samples * weights) / seconds / 1e9;
}

/** gemm GFLOP/s: an m x k by k x n product is m n k multiply-adds. */
export function gemmGflops(m: number, n: number, k: number, seconds: number): number {
  return (2 * m * n * k) / seconds / 1e9;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Seconds per epoch: the median of every epoch after the first (the first one is the warm-up). */
export function secondsPerEpoch(epochSeconds: readonly number[]): number {
  if (epochSeconds.length < 2) throw new Error(`need at least 2 epochs (1 warm-up + timed), got ${epochSeconds.length}`);
  return median(epochSeconds.slice(1));
}

export function summarize(
  spec: Pick<RunSpec, 'net' | 'solver' | 'run'>,
  sizes: number[],
  trainSamples: number,
  testSamples: number,
  out: RunOutput,
): RunResult {
  const weights = countWeights(sizes);
  const s = secondsPerEpoch(out.epochSeconds);
  return {
    net: spec.net,
    solver: spec.solver,
    run: spec.run,
    layerSizes: sizes,
    weights,
    trainSamples,
    testSamples,
    ...out,
    secondsPerEpoch: s,
    samplesPerSecond: trainSamples / s,
    gflops: trainGflops(trainSamples, weights, s),
    ratioToSklearn: null,
  };
}

/** Fills ratioToSklearn: each run against sklearn's run of the same net, solver and thread count. */
export function addRatios(results: RunResult[]): RunResult[] {
  for (const r of results) {
    const ref = results.find((o) => o.run === 'sklearn' && o.net === r.net && o.solver === r.solver && o.threads === r.threads);
    r.ratioToSklearn = ref ? r.secondsPerEpoch / ref.secondsPerEpoch : null;
  }
  return results;
}

// ------------------------------------------------------------------ formatting

export function formatTable(header: string[], rows: string[][], rightAligned: boolean[] = header.map((_, i) => i > 0)): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Significant-figure formatting that stays readable from 0.0012 to 123456. */
export function fmt(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  if (a === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return x.toFixed(Math.min(decimals, 6));
}

export const TRAIN_HEADER = ['net', 'solver', 'run', 'thr', 's/epoch', 'samples/s', 'GFLOP/s', 'test acc', 'loss', 'peak MiB', 'vs sklearn'];

export function netLabel(r: Pick<RunResult, 'layerSizes' | 'net'>): string {
  return `${r.layerSizes.join('-')} ${NETS[r.net].activation}`;
}

export function trainRows(results: readonly RunResult[]): string[][] {
  return results.map((r) => [
    netLabel(r),
    r.solver,
    RUNS[r.run].label,
    String(r.threads),
    fmt(r.secondsPerEpoch),
    fmt(r.samplesPerSecond),
    fmt(r.gflops),
    r.accuracy.toFixed(4),
    r.lossCurve.length ? r.lossCurve[r.lossCurve.length - 1].toFixed(4) : '-',
    (r.maxRssKiB / 1024).toFixed(0),
    r.ratioToSklearn === null ? '-' : `${r.ratioToSklearn.toFixed(2)}x`,
  ]);
}

export function formatTrainTable(results: readonly RunResult[]): string {
  return formatTable(
    TRAIN_HEADER,
    trainRows(results),
    TRAIN_HEADER.map((_, i) => i >= 3),
  );
}

// ------------------------------------------------------------------ the JSON report

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** git commit of the working tree (and how many files were uncommitted). */
  git?: string;
  runtimes: Record<string, string>;
  blas: Record<string, unknown>;
  env: Record<string, string | null>;
  loadAverage: { start: number[]; end?: number[] };
  /** A library in the run (ours or numpy's) runs a generic kernel: its figures are not this CPU's. */
  warnings?: string[];
}

export interface TrainReport {
  kind: 'train';
  dataset: { name: string; source: string; trainSamples: number; testSamples: number; features: number; classes: number };
  createdAt: string;
  settings: {
    epochs: number;
    warmupEpochs: 1;
    threads: number[];
    common: typeof COMMON;
    solvers: typeof SOLVERS;
    nets: typeof NETS;
    timing: Record<string, string>;
  };
  machine: Machine;
  results: RunResult[];
  wallSeconds: number;
}

/** Checks the shape of a report (the test uses it; a reader of old files can too). Returns problems. */
export function reportProblems(r: unknown): string[] {
  const p: string[] = [];
  const o = r as Partial<TrainReport>;
  if (!o || typeof o !== 'object') return ['not an object'];
  if (o.kind !== 'train') p.push('kind: expected "train"');
  if (!o.dataset || typeof o.dataset.trainSamples !== 'number') p.push('dataset.trainSamples: expected a number');
  if (!o.machine || typeof o.machine.cpu !== 'string' || typeof o.machine.cores !== 'number') p.push('machine: expected cpu and cores');
  if (!o.settings || !Array.isArray(o.settings.threads)) p.push('settings.threads: expected an array');
  if (!Array.isArray(o.results)) p.push('results: expected an array');
  else
    o.results.forEach((x, i) => {
      for (const k of ['secondsPerEpoch', 'samplesPerSecond', 'gflops', 'accuracy', 'maxRssKiB', 'threads', 'weights'] as const) {
        if (typeof x[k] !== 'number' || !Number.isFinite(x[k])) p.push(`results[${i}].${k}: expected a finite number, got ${x[k]}`);
      }
      if (!Array.isArray(x.epochSeconds) || x.epochSeconds.length < 2) p.push(`results[${i}].epochSeconds: expected >= 2 epochs`);
      if (!(x.run in RUNS)) p.push(`results[${i}].run: unknown run ${x.run}`);
    });
  return p;
}

// ------------------------------------------------------------------ gemm shapes

export interface GemmCase {
  /** Which product of training this is. */
  kind: 'fwd A*W' | 'grad A^T*D' | 'back D*W^T' | 'square';
  /** The layer (fanIn x fanOut), or '1024^3'. */
  layer: string;
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
  /** False for the input layer's D*W^T: training never computes a delta for the input. */
  inTraining: boolean;
}

/**
 * The products one batch of training runs (network.ts), for every distinct layer of the three
 * nets: forward A W (batch x fanIn by fanIn x fanOut), weight gradient A^T D (fanIn x batch by
 * batch x fanOut) and delta D W^T (batch x fanOut by fanOut x fanIn); then 1024^3.
 */
export function gemmCases(batch = COMMON.batchSize, nFeatures = 784, nClasses = 10): GemmCase[] {
  const cases: GemmCase[] = [];
  const seen = new Set<string>();
  for (const net of Object.keys(NETS) as NetName[]) {
    const sizes = layerSizes(net, nFeatures, nClasses);
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const layer = `${fanIn}x${fanOut}`;
      if (seen.has(layer)) continue;
      seen.add(layer);
      cases.push({ kind: 'fwd A*W', layer, ta: false, tb: false, m: batch, n: fanOut, k: fanIn, inTraining: true });
      cases.push({ kind: 'grad A^T*D', layer, ta: true, tb: false, m: fanIn, n: fanOut, k: batch, inTraining: true });
      cases.push({ kind: 'back D*W^T', layer, ta: false, tb: true, m: batch, n: fanIn, k: fanOut, inTraining: l > 0 });
    }
  }
  cases.push({ kind: 'square', layer: '1024^3', ta: false, tb: false, m: 1024, n: 1024, k: 1024, inTraining: false });
  return cases;
}

export function gemmShape(c: GemmCase): string {
  const a = c.ta ? `(${c.k}x${c.m})^T` : `${c.m}x${c.k}`;
  const b = c.tb ? `(${c.n}x${c.k})^T` : `${c.k}x${c.n}`;
  return `${a} * ${b}`;
}
