/**
 * The rows one call trains on: the early-stopping split (sklearn's train_test_split, drawn from
 * the same stream after the init draws), the caller's own validation data, and the batch size.
 */
import type { DType, FloatArray } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import type { TargetInput } from '../labels.ts';
import { type Matrix, type MatrixInput, allocate, toMatrix } from '../matrix.ts';
import type { Network } from '../network.ts';
import type { FfnnWarning } from '../options.ts';
import type { RandomState } from '../random.ts';
import { trainValidationSplit } from '../split.ts';

/** Encoded rows: X is rows x nFeatures, Y rows x nOutputs, both row-major in the model's dtype. */
export interface EncodedRows {
  X: FloatArray;
  Y: FloatArray;
  rows: number;
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
): { train: EncodedRows; validation: EncodedRows | null } {
  if (!split) return { train: { X: X.data, Y, rows: X.rows }, validation: null };
  const nOut = net.nOutputs;
  const s = trainValidationSplit(X.rows, Y, split.stratify, split.validationFraction, rng, split.classes);
  return {
    train: { X: take(net, X.data, X.cols, s.train), Y: take(net, Y, nOut, s.train), rows: s.train.length },
    validation: { X: take(net, X.data, X.cols, s.validation), Y: take(net, Y, nOut, s.validation), rows: s.validation.length },
  };
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
    throw new FfnnError('SHAPE_MISMATCH', `validationData.X: expected ${nFeatures} features, got ${vx.cols}`, { param: 'validationData.X', expected: nFeatures, got: vx.cols });
  }
  if (data.y.length !== vx.rows) {
    throw new FfnnError('SHAPE_MISMATCH', `validationData.y: expected ${vx.rows} targets, got ${data.y.length}`, { param: 'validationData.y' });
  }
  return { X: vx.data, Y: inDtype(encode(data.y, 'validationData.y'), dtype), rows: vx.rows };
}

/** sklearn's batch size: 'auto' is min(200, n); a whole number is clipped to [1, n], with a warning when above n. */
export function resolveBatchSize(batchSize: 'auto' | number, nTrain: number, warn: (w: FfnnWarning) => void): number {
  if (batchSize === 'auto') return Math.min(200, nTrain);
  if (batchSize > nTrain) warn({ code: 'BATCH_SIZE_CLIPPED', message: `batchSize ${batchSize} is larger than the ${nTrain} training rows; using ${nTrain}` });
  return Math.min(Math.max(batchSize, 1), nTrain);
}
