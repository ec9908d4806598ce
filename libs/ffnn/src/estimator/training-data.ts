/**
 * The rows one call trains on: the early-stopping split (sklearn's train_test_split, drawn from
 * the same stream after the init draws), the caller's own validation data, and the batch size.
 */
import type { DType, FloatArray } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import type { TargetInput } from '../labels.ts';
import { allocate, type Matrix, type MatrixInput, toMatrix } from '../matrix.ts';
import type { Network } from '../network.ts';
import type { FfnnWarning } from '../options.ts';
import type { RandomState } from '../random.ts';
import { trainValidationSplit } from '../split.ts';

/** Encoded rows: X is rows x nFeatures, Y rows x nOutputs, both row-major in the model's dtype. */
export interface EncodedRows {
  X: FloatArray;
  Y: FloatArray;
  rows: number;
  /** The rows' sample weights, or null (all 1). */
  W: FloatArray | null;
}

export interface TrainingData {
  train: EncodedRows;
  /** The early-stopping validation rows (scored every epoch), or null. */
  earlyStopping: EncodedRows | null;
  /** fit's `validationData`, encoded, or null. */
  extra: EncodedRows | null;
}

/** Casts encoded targets (always computed in float64) to the model's dtype. */
export const inDtype = (y: Float64Array, dtype: DType): FloatArray => (dtype === 'float32' ? Float32Array.from(y) : y);

function take(net: Network, src: FloatArray, cols: number, rows: Int32Array): FloatArray {
  const out = allocate(net.dtype, rows.length * cols);
  net.backend.gatherRows(cols, src, rows, 0, rows.length, out);
  return out;
}

/**
 * Splits off the early-stopping validation rows when asked. `stratify`: split on the single
 * encoded column, as sklearn does for binary classifiers only.
 */
export function splitForEarlyStopping(
  net: Network,
  X: Matrix,
  Y: FloatArray,
  split: { validationFraction: number; stratify: boolean; classes?: readonly (string | number)[] } | null,
  rng: RandomState,
  W: FloatArray | null = null,
): { train: EncodedRows; validation: EncodedRows | null } {
  if (!split) return { train: { X: X.data, Y, rows: X.rows, W }, validation: null };
  const nOut = net.nOutputs;
  // the weights follow their rows (sklearn passes them to train_test_split; the split's draws do not depend on them)
  const s = trainValidationSplit(X.rows, Y, split.stratify, split.validationFraction, rng, split.classes);
  const rowsOf = (rows: Int32Array): EncodedRows => ({
    X: take(net, X.data, X.cols, rows),
    Y: take(net, Y, nOut, rows),
    rows: rows.length,
    W: W ? take(net, W, 1, rows) : null,
  });
  return { train: rowsOf(s.train), validation: rowsOf(s.validation) };
}

/** fit's `validationData`, checked against the training columns and encoded like the targets. */
export function encodeValidationData(
  data: { X: MatrixInput; y: TargetInput },
  nFeatures: number,
  dtype: DType,
  featureNames: readonly string[] | null,
  encode: (y: TargetInput, param: string) => Float64Array,
): EncodedRows {
  const vx = toMatrix(data.X, dtype, 'validationData.X', featureNames ?? undefined);
  if (vx.cols !== nFeatures) {
    throw new FfnnError('SHAPE_MISMATCH', `validationData.X: expected ${nFeatures} features, got ${vx.cols}`, {
      param: 'validationData.X',
      expected: nFeatures,
      got: vx.cols,
    });
  }
  if (data.y.length !== vx.rows) {
    throw new FfnnError('SHAPE_MISMATCH', `validationData.y: expected ${vx.rows} targets, got ${data.y.length}`, { param: 'validationData.y' });
  }
  return { X: vx.data, Y: inDtype(encode(data.y, 'validationData.y'), dtype), rows: vx.rows, W: null };
}

/** sklearn's _check_sample_weight: one finite number per row (null: every row weighs 1), in the model's dtype. */
export function checkSampleWeight(w: ArrayLike<number> | null | undefined, rows: number, dtype: DType, param = 'sampleWeight'): FloatArray | null {
  if (w === undefined || w === null) return null;
  if (!(Array.isArray(w) || (ArrayBuffer.isView(w) && !(w instanceof DataView)))) {
    throw new FfnnError('INVALID_PARAM', `${param}: expected an array of numbers (one weight per row), got ${typeof w}`, { param });
  }
  if (w.length !== rows)
    throw new FfnnError('SHAPE_MISMATCH', `${param}: expected ${rows} weights (one per row of X), got ${w.length}`, { param, expected: rows, got: w.length });
  const out = allocate(dtype, rows);
  for (let i = 0; i < rows; i++) {
    const v = w[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new FfnnError('INVALID_DATA', `${param}: expected finite numbers, got ${v} at index ${i}`, { param, index: i });
    out[i] = v;
  }
  // every loss and gradient is divided by the weights' sum: a zero sum is 0/0, which would surface
  // as a misleading "training diverged" in epoch 1
  let sum = 0;
  for (let i = 0; i < rows; i++) sum += out[i];
  if (sum === 0) throw new FfnnError('INVALID_DATA', `${param}: the weights sum to 0, so no row counts; give at least one row a non-zero weight`, { param });
  return out;
}

/** sklearn's batch size: 'auto' is min(200, n); a whole number is clipped to [1, n], with a warning when above n. */
export function resolveBatchSize(batchSize: 'auto' | number, nTrain: number, warn: (w: FfnnWarning) => void): number {
  if (batchSize === 'auto') return Math.min(200, nTrain);
  if (batchSize > nTrain) warn({ code: 'BATCH_SIZE_CLIPPED', message: `batchSize ${batchSize} is larger than the ${nTrain} training rows; using ${nTrain}` });
  return Math.min(Math.max(batchSize, 1), nTrain);
}
