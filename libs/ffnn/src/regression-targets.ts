/**
 * A regressor's targets (sklearn's MLPRegressor): a 1-D array of numbers (one output) or a matrix
 * (one column per output), checked finite, and the R² score (sklearn's r2_score, uniform average
 * over outputs).
 */
import type { FloatArray } from './backend/backend.ts';
import { describeValue, FfnnError } from './errors.ts';
import type { TargetEncoding, TargetInput } from './labels.ts';
import { checkMatrixSize } from './matrix.ts';

const isRow = (r: unknown): r is ArrayLike<number> => Array.isArray(r) || (ArrayBuffer.isView(r) && !(r instanceof DataView));

function checkTargetArray(y: unknown, param: string): asserts y is ArrayLike<unknown> {
  if (Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView))) return;
  throw new FfnnError('INVALID_PARAM', `${param}: expected an array of numbers or a matrix of them (one column per output), got ${describeValue(y)}`, {
    param,
  });
}

/** The shape of regression targets: how many outputs, and whether y was a matrix. */
export function fitRegressionTargets(y: TargetInput): TargetEncoding {
  checkTargetArray(y, 'y');
  if (y.length === 0) throw new FfnnError('EMPTY_DATA', 'y: expected at least one target, got 0', { param: 'y' });
  const first = (y as ArrayLike<unknown>)[0];
  const nOutputs = isRow(first) ? first.length : 1;
  if (nOutputs === 0) throw new FfnnError('EMPTY_DATA', 'y: the target matrix has rows of length 0', { param: 'y' });
  return { kind: 'continuous', classes: [], nOutputs };
}

/** Targets as a rows x nOutputs float64 matrix; every value a finite number. */
export function encodeRegressionTargets(enc: TargetEncoding, y: TargetInput, param = 'y'): Float64Array {
  checkTargetArray(y, param);
  const n = y.length;
  const k = enc.nOutputs;
  checkMatrixSize(n, k, param, param);
  const out = new Float64Array(n * k);
  const cell = (v: unknown, i: number, j: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new FfnnError('INVALID_DATA', `${param}: expected finite numbers, got ${describeValue(v)} at row ${i}${k > 1 ? `, column ${j}` : ''}`, {
        param,
        row: i,
        col: j,
      });
    }
    out[i * k + j] = v;
  };
  for (let i = 0; i < n; i++) {
    const row = (y as ArrayLike<unknown>)[i];
    if (isRow(row)) {
      if (row.length !== k) {
        throw new FfnnError('SHAPE_MISMATCH', `${param}: expected ${k} target column${k === 1 ? '' : 's'} per row, got ${row.length} in row ${i}`, {
          param,
          row: i,
          expected: k,
          got: row.length,
        });
      }
      for (let j = 0; j < k; j++) cell(row[j], i, j);
    } else if (k === 1) cell(row, i, 0);
    else
      throw new FfnnError('SHAPE_MISMATCH', `${param}: expected rows of ${k} targets, got ${describeValue(row)} in row ${i}`, { param, row: i, expected: k });
  }
  return out;
}

/**
 * R² = 1 - SS_res / SS_tot per output (sums weighted by `w` when given), averaged over outputs (sklearn's r2_score with
 * force_finite: a constant column scores 1 when predicted exactly, else 0). NaN when a
 * prediction is not finite (sklearn >= 1.6) or there are fewer than 2 rows (sklearn warns and
 * returns NaN too).
 */
export function r2Score(out: FloatArray, y: FloatArray, rows: number, nOut: number, w?: ArrayLike<number> | null): number {
  if (rows < 2) return NaN;
  for (let i = 0; i < rows * nOut; i++) if (!Number.isFinite(out[i])) return NaN;
  // with sample weights every sum is weighted and the mean is the weighted mean
  const weight = w ? (r: number) => w[r] : () => 1;
  let wSum = 0;
  for (let r = 0; r < rows; r++) wSum += weight(r);
  let total = 0;
  for (let j = 0; j < nOut; j++) {
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += weight(r) * y[r * nOut + j];
    mean /= wSum;
    let res = 0;
    let tot = 0;
    for (let r = 0; r < rows; r++) {
      const d = y[r * nOut + j] - out[r * nOut + j];
      const c = y[r * nOut + j] - mean;
      res += weight(r) * d * d;
      tot += weight(r) * c * c;
    }
    total += tot !== 0 ? (res !== 0 ? 1 - res / tot : 1) : res !== 0 ? 0 : 1;
  }
  return total / nOut;
}
