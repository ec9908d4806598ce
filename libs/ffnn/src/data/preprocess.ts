/** Small preprocessing helpers: scaling, standardisation and one-hot encoding over typed arrays. */
import { FfnnError } from '../errors.ts';

/** x / divisor for every value (e.g. 255 for raw pixel bytes). */
export function normalize(x: ArrayLike<number>, divisor = 255): Float64Array {
  if (!(divisor > 0)) throw new FfnnError('INVALID_PARAM', `normalize: divisor must be > 0, got ${divisor}`, { param: 'divisor' });
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] / divisor;
  return out;
}

/** Per-feature mean and standard deviation fitted on training rows, applied to any rows. */
export interface Standardizer {
  mean: Float64Array;
  std: Float64Array;
  /** Standardises rows with the fitted mean and std: (x - mean) / std. */
  transform(x: ArrayLike<number>): Float64Array;
}

/** Column means and standard deviations of a rows x cols matrix; constant columns keep std 1. */
export function fitStandardizer(x: ArrayLike<number>, rows: number, cols: number): Standardizer {
  if (x.length !== rows * cols) throw new FfnnError('SHAPE_MISMATCH', `standardize: expected ${rows * cols} values, got ${x.length}`);
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += x[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) std[j] += (x[i * cols + j] - mean[j]) ** 2;
  for (let j = 0; j < cols; j++) std[j] = Math.sqrt(std[j] / rows) || 1;
  return {
    mean,
    std,
    transform(data) {
      if (data.length % cols !== 0) throw new FfnnError('SHAPE_MISMATCH', `standardize: expected rows of ${cols} values, got ${data.length} values`);
      const out = new Float64Array(data.length);
      for (let k = 0; k < data.length; k++) out[k] = (data[k] - mean[k % cols]) / std[k % cols];
      return out;
    },
  };
}

/** Labels 0..k-1 to a rows x k one-hot matrix. */
export function oneHot(labels: ArrayLike<number>, k: number): Float64Array {
  const out = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new FfnnError('INVALID_DATA', `oneHot: label ${c} at index ${i} is not in 0..${k - 1}`);
    out[i * k + c] = 1;
  }
  return out;
}
