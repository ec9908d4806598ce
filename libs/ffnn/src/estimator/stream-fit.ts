/**
 * fitStream: training on data that arrives in batches from an async iterable (a file read a chunk
 * at a time, a network source), so the whole data set never has to be in memory. Each batch of
 * the source is one partialFit call (sklearn's out-of-core pattern: partial_fit over chunks), run
 * by the same training generator, so with the data in memory and no shuffle buffer the weights
 * equal those of a loop of partialFit over the same batches. The model's state follows that loop
 * too: lossCurve gains one entry per batch and nIter is that of the last partialFit; the mean loss
 * of each pass is what onEpoch and onProgress report.
 *
 * An optional shuffle buffer of N rows (seeded by randomState) mixes rows across batches with
 * memory bounded by N rows (tf.data's shuffle: each incoming row takes the place of a random row of
 * the buffer, which goes out). Between steps the loop gives the event loop a turn every
 * `yieldEveryMs`, as fitAsync; an AbortSignal stops it at the end of the current batch of the
 * source (the promise rejects with ABORTED; every batch finished before it is kept, optimizer
 * state included) and closes the source.
 */
import type { DType } from '../backend/backend.ts';
import { describeValue, FfnnError } from '../errors.ts';
import type { TargetInput } from '../labels.ts';
import { type Matrix, type MatrixInput, toMatrix } from '../matrix.ts';
import { RandomState } from '../random.ts';
import type { FitOptions, TrainingSteps } from './training-loop.ts';

/** One batch of a stream: rows of features and their targets (and optionally weights and column names). */
export interface StreamBatch {
  X: MatrixInput;
  /** The rows' targets (null, as a reader gives for a file without labels, is refused when trained on). */
  y: TargetInput | null;
  /** One weight per row (sklearn's sample_weight), or absent. */
  sampleWeight?: ArrayLike<number> | null;
}

type Batches = AsyncIterable<StreamBatch> | Iterable<StreamBatch>;

/**
 * What fitStream reads: an (async) iterable of batches, iterated once per epoch (a reader of
 * @ffnn/core/node opens the file afresh at each iteration), or a function that returns a fresh
 * pass for each epoch (1-based). An async generator object runs once: give a function for epochs > 1.
 */
export type StreamSource = Batches | ((epoch: number) => Batches);

/** Where a stream fit is, after every batch of the source. */
export interface StreamProgress {
  /** The pass under way (1-based) and the number of passes. */
  epoch: number;
  epochs: number;
  /** Batches of the source finished in this pass (after the shuffle buffer, when there is one). */
  batch: number;
  /** Rows trained on in this pass so far, and in the whole call. */
  samples: number;
  totalSamples: number;
  /** The mean loss over this pass's rows so far. */
  loss: number;
  samplesPerSecond: number;
}

/** What onEpoch receives at the end of each pass. */
export interface StreamEpoch {
  epoch: number;
  /** The mean training loss over the pass's rows (each batch's loss weighted by its rows). */
  loss: number;
  samples: number;
  batches: number;
  seconds: number;
}

/** Options of fitStream: passes, shuffle buffer, abort signal and progress callbacks. */
export interface StreamFitOptions {
  /** Passes over the source (default 1). */
  epochs?: number;
  /**
   * Rows held in the shuffle buffer (default 0: rows train in the order of the source). Memory is
   * bounded by this many rows; the order is seeded by the randomState option.
   */
  shuffleBuffer?: number;
  /** Aborting it stops training at the end of the current batch (the promise rejects with ABORTED). */
  signal?: AbortSignal;
  /** Called after every batch of the source. */
  onProgress?: (progress: StreamProgress) => void;
  /** Called after every pass; returning false stops after it. */
  onEpoch?: (epoch: StreamEpoch) => void | boolean;
  /** Most milliseconds of training between two returns to the event loop (default 10). */
  yieldEveryMs?: number;
  /** Names of the columns (a CSV header): stored in the model and checked at predict time. */
  featureNames?: readonly string[];
}

/** A training call on one batch (the estimator's partialFit as a generator of steps). */
export type BatchTrainer = (X: MatrixInput, y: TargetInput, fitOptions: FitOptions) => TrainingSteps;

const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

function wholeNumber(value: unknown, param: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new FfnnError('INVALID_PARAM', `${param}: expected a whole number >= ${min}, got ${describeValue(value)}`, { param });
  }
  return value;
}

function aborted(epoch: number, batch: number): FfnnError {
  return new FfnnError(
    'ABORTED',
    `fitStream: stopped in epoch ${epoch} after ${batch} batch${batch === 1 ? '' : 'es'}; the model keeps every batch trained before the stop`,
    { epoch, batch },
  );
}

/** The rows of a batch's X, without converting it (for progress). */
function rowsOf(X: MatrixInput): number {
  return Array.isArray(X) ? X.length : (X as { rows: number }).rows;
}

/**
 * Runs the stream fit: `trainBatch` is partialFit on one batch; `seed` seeds the shuffle buffer.
 * The source's iterator is closed on every way out (end, error, abort).
 */
export async function runStreamFit(
  owner: object,
  source: StreamSource,
  options: StreamFitOptions,
  seed: number | null,
  trainBatch: BatchTrainer,
): Promise<void> {
  // between two batches no training generator runs, so the estimator's own guard does not see this call
  if (STREAMING.has(owner)) {
    throw new FfnnError('BUSY', 'fitStream: this model is still training (a fitStream call has not finished); await it, or abort it with its signal, first');
  }
  STREAMING.add(owner);
  try {
    await streamFit(source, options ?? {}, seed, trainBatch);
  } finally {
    STREAMING.delete(owner);
  }
}

const STREAMING = new WeakSet<object>();

async function streamFit(source: StreamSource, options: StreamFitOptions, seed: number | null, trainBatch: BatchTrainer): Promise<void> {
  if (options === null || typeof options !== 'object')
    throw new FfnnError('INVALID_PARAM', `fitStream: expected an options object, got ${describeValue(options)}`, { param: 'options' });
  const epochs = wholeNumber(options.epochs, 'epochs', 1, 1);
  const bufferRows = wholeNumber(options.shuffleBuffer, 'shuffleBuffer', 0, 0);
  const budget = options.yieldEveryMs ?? 10;
  if (!(typeof budget === 'number' && budget >= 0 && Number.isFinite(budget))) {
    throw new FfnnError('INVALID_PARAM', `yieldEveryMs: expected a finite number of milliseconds >= 0, got ${describeValue(budget)}`, {
      param: 'yieldEveryMs',
    });
  }
  const { signal, onProgress, onEpoch } = options;
  const fitOptions: FitOptions = options.featureNames ? { featureNames: options.featureNames } : {};
  // one stream for the whole call: every pass is shuffled differently, the call repeatably
  const rng = bufferRows > 0 ? new RandomState(seed ?? crypto.getRandomValues(new Uint32Array(1))[0]) : null;
  const started = performance.now();
  let sliceStart = performance.now();
  let totalSamples = 0;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (signal?.aborted) throw aborted(epoch, 0);
    const epochStarted = performance.now();
    const pass = openPass(source, epoch);
    const batches = rng ? shuffled(pass, bufferRows, rng) : pass;
    const it = (
      Symbol.asyncIterator in batches ? (batches as AsyncIterable<StreamBatch>)[Symbol.asyncIterator]() : (batches as Iterable<StreamBatch>)[Symbol.iterator]()
    ) as AsyncIterator<StreamBatch> | Iterator<StreamBatch>;
    let batch = 0;
    let samples = 0;
    let lossSum = 0;
    let done = false;
    const reading = { pending: false };
    try {
      for (;;) {
        const r = await nextOrAbort(it, signal, epoch, batch, reading);
        if (r.done) break;
        const b = r.value;
        if (!b || typeof b !== 'object' || !('X' in b) || !('y' in b)) {
          throw new FfnnError('INVALID_DATA', `fitStream: batch ${batch + 1} of epoch ${epoch}: expected an object {X, y}, got ${describeValue(b)}`, {
            param: 'source',
            epoch,
            batch: batch + 1,
          });
        }
        const steps = trainBatch(b.X, b.y as TargetInput, b.sampleWeight == null ? fitOptions : { ...fitOptions, sampleWeight: b.sampleWeight });
        let last: { loss: number; samples: number } | null = null;
        for (;;) {
          const s = steps.next();
          if (s.done) break;
          last = s.value;
          if (performance.now() - sliceStart >= budget) {
            await nextTurn();
            sliceStart = performance.now();
          }
        }
        const rows = last ? last.samples : rowsOf(b.X);
        batch++;
        samples += rows;
        totalSamples += rows;
        lossSum += last ? last.loss * last.samples : 0;
        if (onProgress) {
          const seconds = (performance.now() - started) / 1000;
          onProgress({ epoch, epochs, batch, samples, totalSamples, loss: lossSum / samples, samplesPerSecond: seconds > 0 ? totalSamples / seconds : 0 });
        }
        if (signal?.aborted) throw aborted(epoch, batch);
        if (performance.now() - sliceStart >= budget) {
          await nextTurn();
          sliceStart = performance.now();
        }
      }
      done = true;
    } finally {
      // an early way out closes the source (a file reader releases its file descriptor)
      // (not awaited when the abort came while a read was pending: an async generator finishes that
      // read before it can close, and the abort must not wait for it)
      if (!done) {
        const closing = closeQuietly(it);
        if (!reading.pending) await closing;
      }
    }
    if (batch === 0) {
      const hint = epoch > 1 ? '; an async generator runs once: pass a function that opens a fresh pass for each epoch' : '';
      throw new FfnnError('EMPTY_DATA', `fitStream: the source gave no batches in epoch ${epoch}${hint}`, { param: 'source', epoch });
    }
    const stop = onEpoch?.({ epoch, loss: lossSum / samples, samples, batches: batch, seconds: (performance.now() - epochStarted) / 1000 });
    if (stop === false) break;
  }
}

function openPass(source: StreamSource, epoch: number): Batches {
  const pass = typeof source === 'function' ? source(epoch) : source;
  if (pass === null || typeof pass !== 'object' || !(Symbol.asyncIterator in pass || Symbol.iterator in pass)) {
    throw new FfnnError('INVALID_PARAM', `source: expected an async iterable of {X, y} batches or a function returning one, got ${describeValue(pass)}`, {
      param: 'source',
    });
  }
  return pass;
}

/** The iterator's next batch, or ABORTED as soon as the signal aborts while waiting for it. */
async function nextOrAbort(
  it: AsyncIterator<StreamBatch> | Iterator<StreamBatch>,
  signal: AbortSignal | undefined,
  epoch: number,
  batch: number,
  reading: { pending: boolean },
): Promise<IteratorResult<StreamBatch>> {
  if (signal?.aborted) throw aborted(epoch, batch);
  const next = it.next();
  if (!signal || !(next instanceof Promise)) return next;
  let onAbort: () => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      reading.pending = true;
      reject(aborted(epoch, batch));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([next, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    next.catch(() => {}); // a read that fails after the abort is not an unhandled rejection
  }
}

async function closeQuietly(it: AsyncIterator<StreamBatch> | Iterator<StreamBatch>): Promise<void> {
  try {
    await it.return?.();
  } catch {
    /* the error that brought us here is the one to report */
  }
}

/**
 * The rows of `batches` through a shuffle buffer of `size` rows: the buffer fills first; then each
 * incoming row replaces a row drawn uniformly from the buffer, which goes out; at the end the rest
 * of the buffer goes out in a random order. Batches out have the rows of the first batch in. Memory:
 * the buffer and one batch out, whatever the stream's length.
 */
export async function* shuffled(batches: Batches, size: number, rng: RandomState): AsyncGenerator<StreamBatch, void, undefined> {
  let dtype: DType | null = null;
  let cols = 0;
  let buf: Matrix['data'] | null = null;
  const bufY: unknown[] = new Array(size);
  let filled = 0;
  let outRows = 0;
  let outX: Matrix['data'] | null = null;
  let outY: unknown[] = [];
  const emit = function* (from: number): Generator<StreamBatch> {
    outX!.set(buf!.subarray(from * cols, (from + 1) * cols), outY.length * cols);
    outY.push(bufY[from]);
    if (outY.length === outRows) {
      yield { X: { rows: outRows, cols, data: outX! }, y: outY as TargetInput };
      // a new array each time: the consumer may keep the batch it was given
      outX = dtype === 'float32' ? new Float32Array(outRows * cols) : new Float64Array(outRows * cols);
      outY = [];
    }
  };
  for await (const b of batches as AsyncIterable<StreamBatch>) {
    if (b?.sampleWeight != null) {
      throw new FfnnError(
        'INVALID_PARAM',
        'shuffleBuffer: batches with sampleWeight are not shuffled (the weights would not follow their rows); drop shuffleBuffer or the weights',
        { param: 'shuffleBuffer' },
      );
    }
    const first: DType = (b.X as { data?: unknown })?.data instanceof Float32Array ? 'float32' : 'float64';
    const X = toMatrix(b.X, dtype ?? first, 'X');
    const y = b.y as ArrayLike<unknown>;
    if (!y || typeof y.length !== 'number' || y.length !== X.rows) {
      throw new FfnnError('SHAPE_MISMATCH', `y: expected ${X.rows} targets (one per row of X), got ${describeValue(y)}`, { param: 'y' });
    }
    if (buf === null) {
      dtype = first;
      cols = X.cols;
      outRows = X.rows;
      buf = dtype === 'float32' ? new Float32Array(size * cols) : new Float64Array(size * cols);
      outX = dtype === 'float32' ? new Float32Array(outRows * cols) : new Float64Array(outRows * cols);
    } else if (X.cols !== cols) {
      throw new FfnnError('SHAPE_MISMATCH', `X: every batch needs ${cols} features (as the first), got ${X.cols}`, { param: 'X', expected: cols, got: X.cols });
    }
    for (let r = 0; r < X.rows; r++) {
      const row = X.data.subarray(r * cols, (r + 1) * cols);
      if (filled < size) {
        buf.set(row, filled * cols);
        bufY[filled++] = y[r];
        continue;
      }
      const j = rng.interval(size - 1);
      yield* emit(j);
      buf.set(row, j * cols);
      bufY[j] = y[r];
    }
  }
  if (buf === null) return;
  const rest = rng.permutation(filled);
  for (let i = 0; i < filled; i++) yield* emit(rest[i]);
  if (outY.length > 0) yield { X: { rows: outY.length, cols, data: outX!.subarray(0, outY.length * cols) }, y: outY as TargetInput };
}
