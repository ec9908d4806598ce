/**
 * The experiment runner behind `ffnn experiment`: the settings each experiment varies, and
 * scikit-learn's side of a run, started as tools/parity/experiment.py in the parity venv on
 * exactly the rows ffnn trains on (raw little-endian files). The report is the CLI's.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FFNNOptions, FfnnError } from '@ffnn/core';
import { camel, ROOT } from './compare.ts';

/** The rows a run trains or tests on (what @ffnn/core/node's dataset readers return). */
export interface Rows {
  X: Float64Array;
  y: Int32Array;
  rows: number;
  cols: number;
}

/** scikit-learn parameters (snake_case) of one experiment setting. */
export type Params = Record<string, unknown>;

/** The network every experiment varies one thing of (scikit-learn parameter names). */
export const BASE: Params = {
  hidden_layer_sizes: [10],
  activation: 'relu',
  solver: 'sgd',
  learning_rate_init: 0.01,
  momentum: 0.9,
  batch_size: 100,
  alpha: 0,
  max_iter: 15,
  tol: 1e-4,
  random_state: 0,
};

/** One setting of an experiment: a label and its parameters. */
export interface Setting {
  label: string;
  params: Params;
}

const rates = [0.1, 0.01, 0.001, 0.0001, 0.00001];
/** The seed report's experiments (depth, width, activation, learning rate, init, regularization), each a list of settings. */
export const EXPERIMENTS: Record<string, { title: string; settings: Setting[] }> = {
  depth: {
    title: 'Depth: hidden layers of 10 units',
    settings: [
      [10, 10],
      [10, 10, 10],
      [10, 10, 10, 10],
    ].map((h) => ({ label: `(${h.join(', ')})`, params: { hidden_layer_sizes: h } })),
  },
  width: { title: 'Width: one hidden layer', settings: [5, 15, 30].map((w) => ({ label: `(${w})`, params: { hidden_layer_sizes: [w] } })) },
  activation: {
    title: 'Activation of the hidden layer',
    settings: [
      { label: 'linear', params: { activation: 'identity' } },
      { label: 'relu', params: { activation: 'relu' } },
      { label: 'sigmoid', params: { activation: 'logistic' } },
      { label: 'tanh', params: { activation: 'tanh' } },
    ],
  },
  'learning-rate': {
    title: 'Learning rate (SGD, momentum 0.9)',
    settings: [0.1, 0.06, 0.006, 0.0009].map((r) => ({ label: String(r), params: { learning_rate_init: r } })),
  },
  init: {
    title: 'Weight initialisation',
    settings: [
      ['normal', 'normal'],
      ['zero', 'zero'],
      ['uniform', 'uniform'],
      ['xavier normal', 'xavierNormal'],
      ['xavier uniform', 'xavierUniform'],
      ['he normal', 'heNormal'],
      ['he uniform', 'heUniform'],
    ].map(([label, init]) => ({ label, params: { init } })),
  },
  regularization: {
    title: 'Regularisation: L1 (l1) and L2 (alpha)',
    settings: [...rates.map((r) => ({ label: `L1 ${r}`, params: { l1: r } })), ...rates.map((r) => ({ label: `L2 ${r}`, params: { alpha: r } }))],
  },
};
/** The experiment names `ffnn experiment` takes. */
export const EXPERIMENT_NAMES = Object.keys(EXPERIMENTS);

/** Absolute tolerances the two columns must meet (float64, same operation order as sklearn). */
export const AGREEMENT = { accuracy: 0, loss: 1e-9, weights: 1e-9 } as const;

/** scikit-learn's side of one setting, as experiment.py reports it. */
export interface SkResult {
  name: string;
  accuracy?: number;
  loss_curve?: number[];
  n_iter?: number;
  coefs?: number[][];
  intercepts?: number[][];
  predict?: number[];
  error?: string;
  seconds: number;
}

/** The parity venv's python; IO_ERROR naming the setup command when it is missing. */
export function venvPython(): string {
  const py = join(ROOT, 'tools', 'parity', '.venv', 'bin', 'python');
  if (!existsSync(py))
    throw new FfnnError('IO_ERROR', `experiment: the scikit-learn venv is missing (${py}); create it with: node tools/parity/setup.mjs`, { file: py });
  return py;
}

/** Little-endian bytes of a typed array (the raw files experiment.py reads with np.fromfile). */
function rawBytes(a: Float64Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Stops the running scikit-learn child, if any. */
let stopRunning = (): void => {};

/** Stops the running scikit-learn child, if any (a signal that stops ffnn stops it too). */
export function stopSklearn(): void {
  stopRunning();
}

/** Starts scikit-learn on every case in a child process, on exactly ffnn's rows; resolves to its parsed output. */
export function runSklearn(
  cases: { name: string; params: Params }[],
  train: Rows,
  test: Rows,
  onCase: (line: string) => void,
): Promise<{ versions: Record<string, string>; results: SkResult[] }> {
  const py = venvPython();
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-experiment-'));
  const file = join(dir, 'cases.json');
  const data = {
    cols: train.cols,
    x_train: join(dir, 'x_train.f64'),
    y_train: join(dir, 'y_train.i32'),
    x_test: join(dir, 'x_test.f64'),
    y_test: join(dir, 'y_test.i32'),
  };
  writeFileSync(data.x_train, rawBytes(train.X));
  writeFileSync(data.y_train, rawBytes(train.y));
  writeFileSync(data.x_test, rawBytes(test.X));
  writeFileSync(data.y_test, rawBytes(test.y));
  writeFileSync(file, JSON.stringify({ data, cases }));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' };
  return new Promise((resolve, reject) => {
    const child = spawn(py, [join(ROOT, 'tools', 'parity', 'experiment.py'), file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // a signal that stops ffnn stops scikit-learn's side too (and its scratch folder goes)
    stopRunning = () => {
      child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    };
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => {
      err += c;
      for (const line of String(c).split('\n')) if (line.startsWith('sklearn ')) onCase(line);
    });
    child.on('error', (e) => reject(new FfnnError('IO_ERROR', `experiment: could not start ${py}: ${e.message}`)));
    child.on('close', (code) => {
      stopRunning = () => {};
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new FfnnError('IO_ERROR', `experiment: tools/parity/experiment.py exited with ${code}:\n${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out));
      } catch (e) {
        reject(new FfnnError('IO_ERROR', `experiment: could not parse experiment.py output (${(e as Error).message})`));
      }
    });
  });
}

/** sklearn parameters to ffnn options (snake_case to camelCase). */
export function ffnnOptions(params: Params): Partial<FFNNOptions> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) o[camel(k)] = v;
  return o as Partial<FFNNOptions>;
}
