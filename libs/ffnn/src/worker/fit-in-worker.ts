/**
 * fitInWorker: fit in a worker thread (node:worker_threads, which Node, Bun and Deno all
 * implement), so the calling thread stays free. The worker (worker-main.ts) runs fitAsync, the
 * same steps as fit, and sends the model back as binary model-file bytes; this side rebuilds it
 * with fromBytes (which checks the checksums), so the weights and the loss curve are exactly an
 * in-thread fit's at the same seed.
 *
 * Options that are functions cannot cross to the worker: onWarning and log run here (the worker
 * sends each warning and log line as a message); onEpoch is refused, because it may stop training
 * by returning false, an answer the worker would have to wait for: use onProgress and signal.
 *
 * Abort: aborting `signal` stops training at the end of the current batch; the promise rejects
 * with FfnnError ABORTED whose `details.model` is the estimator at its last completed epoch (what
 * fitAsync leaves in place), or absent when no epoch completed.
 *
 * The returned estimator is what loading the model's bytes gives: weights, lossCurve, nIter, the
 * validation curves, classes and feature names; not the optimizer's state (a warmStart from it
 * restarts the optimizer), not `history`, and its initialCoefs are its final weights.
 */
import { FFNNClassifier } from '../classifier.ts';
import { FfnnError } from '../errors.ts';
import type { AsyncFitOptions } from '../estimator/estimator.ts';
import type { FitOptions } from '../estimator/training-loop.ts';
import type { TargetInput } from '../labels.ts';
import type { MatrixInput } from '../matrix.ts';
import type { FFNNOptions, FfnnWarning } from '../options.ts';
import { FFNNRegressor } from '../regressor.ts';
import type { ErrorMessage, EstimatorKind, FromWorker, StartMessage } from './protocol.ts';
import { type WireData, wireData } from './wire-data.ts';
import { startWorker } from './worker-start.ts';

export type { EstimatorKind } from './protocol.ts';

/** How fitInWorker runs: the estimator kind, an AbortSignal, progress reports, transfer of the input buffers, fit's own options. */
export interface FitInWorkerOptions {
  /** Which estimator to fit (default 'classifier'). */
  kind?: EstimatorKind;
  /** Aborting it stops training at the end of the current batch: the promise rejects with ABORTED (see the module comment). */
  signal?: AbortSignal;
  /** Training progress, sent by the worker: each epoch's last batch, and mid-epoch at most every progressEveryMs. */
  onProgress?: AsyncFitOptions['onProgress'];
  /** Least milliseconds between two mid-epoch progress reports (default 100). */
  progressEveryMs?: number;
  /**
   * Move X's data (and a typed-array y's) to the worker instead of copying it: zero copy, and the
   * caller's ArrayBuffer is detached (length 0) afterwards. Only for a {rows, cols, data} with a
   * Float64Array or Float32Array; other inputs are converted into a new array that always moves.
   */
  transfer?: boolean;
  /** What fit takes besides the data. */
  fitOptions?: FitOptions;
}

/** Options whose functions stay on this side (the worker sends messages instead). */
const LOCAL_CALLBACKS = ['onWarning', 'log'] as const;

/** Fits an FFNNRegressor in a worker thread; resolves to the model with the same weights an in-thread fit gives. */
export function fitInWorker(
  options: Partial<FFNNOptions>,
  X: MatrixInput,
  y: TargetInput,
  run: FitInWorkerOptions & { kind: 'regressor' },
): Promise<FFNNRegressor>;
/** Fits an FFNNClassifier in a worker thread (node:worker_threads); resolves to the model with the same weights an in-thread fit gives. Aborting `signal` rejects with ABORTED, details.model holding the last completed epoch. */
export function fitInWorker(
  options: Partial<FFNNOptions>,
  X: MatrixInput,
  y: TargetInput,
  run?: FitInWorkerOptions & { kind?: 'classifier' },
): Promise<FFNNClassifier>;
/** Fits either estimator in a worker thread, as `run.kind` says. */
export function fitInWorker(options: Partial<FFNNOptions>, X: MatrixInput, y: TargetInput, run?: FitInWorkerOptions): Promise<FFNNClassifier | FFNNRegressor>;
export async function fitInWorker(
  options: Partial<FFNNOptions>,
  X: MatrixInput,
  y: TargetInput,
  run: FitInWorkerOptions = {},
): Promise<FFNNClassifier | FFNNRegressor> {
  const kind = run.kind ?? 'classifier';
  const sent = sendableOptions(kind, options, run);
  const data = wireData(X, y, options, run.transfer === true);
  const start = startMessage(kind, sent, run, data, y);
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = startWorker(Worker);
    const warnings: FfnnWarning[] = [];
    let settled = false;
    const onAbort = () => worker.postMessage({ type: 'abort' });
    // every way out ends the worker, so nothing keeps the process alive
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      run.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      try {
        settle();
      } catch (err) {
        reject(err); // rebuilding the model failed (fromBytes checks it)
      }
    };
    worker.on('message', (message: FromWorker) => {
      try {
        if (message.type === 'progress') {
          const { type: _, ...progress } = message;
          run.onProgress?.(progress);
        } else if (message.type === 'warning') {
          warnings.push(message.warning);
          emitWarning(options, message.warning);
        } else if (message.type === 'log') (options.log ?? console.log)(message.line);
        else if (message.type === 'done') finish(() => resolve(rebuild(kind, message.model, warnings, options)));
        else if (message.type === 'error') finish(() => reject(workerError(kind, message, warnings, options)));
      } catch (err) {
        finish(() => reject(err)); // a callback of the caller's threw: stop training
      }
    });
    worker.on('error', (err: Error) => finish(() => reject(err)));
    worker.on('exit', (code: number) => finish(() => reject(new Error(`fitInWorker: the worker exited (code ${code}) before sending a result`))));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      worker.postMessage(start, data.transfer);
    } catch (err) {
      finish(() => reject(err)); // something in y or fitOptions cannot be cloned
    }
  });
}

/** The options that go to the worker; refuses what cannot cross (function options) and a bad kind or progressEveryMs. */
function sendableOptions(kind: EstimatorKind, options: Partial<FFNNOptions>, run: FitInWorkerOptions): Partial<FFNNOptions> {
  if (kind !== 'classifier' && kind !== 'regressor') {
    throw new FfnnError('INVALID_PARAM', `kind: expected 'classifier' or 'regressor', got ${JSON.stringify(kind)}`, { param: 'kind' });
  }
  const everyMs = run.progressEveryMs ?? 100;
  if (!(typeof everyMs === 'number' && everyMs >= 0 && Number.isFinite(everyMs))) {
    throw new FfnnError('INVALID_PARAM', `progressEveryMs: expected a finite number of milliseconds >= 0, got ${everyMs}`, { param: 'progressEveryMs' });
  }
  if (run.onProgress !== undefined && typeof run.onProgress !== 'function') {
    throw new FfnnError('INVALID_PARAM', 'onProgress: expected a function', { param: 'onProgress' });
  }
  const sent: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options ?? {})) {
    if ((LOCAL_CALLBACKS as readonly string[]).includes(name)) continue;
    if (name === 'onEpoch' && typeof value === 'function') {
      throw new FfnnError(
        'INVALID_PARAM',
        "onEpoch: fitInWorker cannot call it (it runs in the worker and may stop training by returning false); use fitInWorker's onProgress and signal",
        {
          param: 'onEpoch',
        },
      );
    }
    if (typeof value === 'function') throw new FfnnError('INVALID_PARAM', `${name}: a function cannot be sent to the worker`, { param: name });
    sent[name] = value;
  }
  return sent as Partial<FFNNOptions>;
}

/** The one job the worker runs. Object rows' keys become featureNames unless given, as fit does. */
function startMessage(kind: EstimatorKind, options: Partial<FFNNOptions>, run: FitInWorkerOptions, data: WireData, y: TargetInput): StartMessage {
  const { validationData, sampleWeight } = run.fitOptions ?? {};
  const featureNames = run.fitOptions?.featureNames ?? data.featureNames;
  return {
    type: 'start',
    kind,
    options,
    X: data.X,
    y,
    fitOptions: { ...(validationData ? { validationData } : {}), ...(featureNames ? { featureNames } : {}), ...(sampleWeight != null ? { sampleWeight } : {}) },
    progressEveryMs: run.progressEveryMs ?? 100,
    progress: typeof run.onProgress === 'function',
    aborted: run.signal?.aborted === true,
  };
}

/** What an in-thread fit does with a warning: onWarning when given, else the console. */
function emitWarning(options: Partial<FFNNOptions>, warning: FfnnWarning): void {
  if (options.onWarning) options.onWarning(warning);
  else console.warn(`ffnn: ${warning.message}`);
}

/**
 * The estimator from the worker's bytes, with the warnings of its fit and the caller's own options
 * (the callbacks the worker could not have, and values the file format does not keep as given).
 */
function rebuild(kind: EstimatorKind, bytes: Uint8Array, warnings: FfnnWarning[], options: Partial<FFNNOptions>): FFNNClassifier | FFNNRegressor {
  const est = kind === 'regressor' ? FFNNRegressor.fromBytes(bytes) : FFNNClassifier.fromBytes(bytes);
  est.warnings = warnings;
  return est.setOptions(options);
}

/** The worker's error as the caller would have got it in-thread: the same code, message and details. */
function workerError(kind: EstimatorKind, m: ErrorMessage, warnings: FfnnWarning[], options: Partial<FFNNOptions>): Error {
  if (m.code === null) {
    const err = new Error(m.message);
    err.name = m.name;
    return err;
  }
  const model = m.model ? rebuild(kind, m.model, warnings, options) : null;
  return new FfnnError(m.code, m.message, model ? { ...m.details, model } : m.details);
}
