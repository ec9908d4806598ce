/**
 * Feature names: what each input column means (a CSV header, the keys of object rows). A model
 * fitted with names stores them (scikit-learn's `feature_names_in_`), and data brought to it later
 * with names is matched by name: the same columns in another order are put back in the model's
 * order, and a missing or unknown column is an error naming it. Without this, a CSV whose columns
 * were reordered is scored silently wrong (accuracy 1.0 became 0.667 with exit 0).
 */
import { describeValue, FfnnError } from './errors.ts';

/** Checks that `names` are `nCols` distinct non-empty strings; returns a copy. */
export function checkFeatureNames(names: unknown, nCols: number, param = 'featureNames'): string[] {
  if (!Array.isArray(names))
    throw new FfnnError('INVALID_PARAM', `${param}: expected an array of ${nCols} column names, got ${describeValue(names)}`, { param });
  if (names.length !== nCols) {
    throw new FfnnError('SHAPE_MISMATCH', `${param}: expected ${nCols} column names (one per column of X), got ${names.length}`, {
      param,
      expected: nCols,
      got: names.length,
    });
  }
  const seen = new Set<string>();
  names.forEach((n, j) => {
    if (typeof n !== 'string' || n === '')
      throw new FfnnError('INVALID_PARAM', `${param}[${j}]: expected a non-empty string, got ${describeValue(n)}`, { param });
    if (seen.has(n)) throw new FfnnError('INVALID_PARAM', `${param}: the name "${n}" appears twice`, { param });
    seen.add(n);
  });
  return [...names];
}

/**
 * For data whose columns are named `dataNames`: the data column to read for each of the model's
 * columns, or null when the order is already the model's. Throws naming missing and unknown columns.
 */
export function columnOrder(modelNames: readonly string[], dataNames: readonly string[], param = 'X'): Int32Array | null {
  if (modelNames.length === dataNames.length && modelNames.every((n, j) => n === dataNames[j])) return null;
  const where = new Map(dataNames.map((n, j) => [n, j]));
  const missing = modelNames.filter((n) => !where.has(n));
  const known = new Set(modelNames);
  const unknown = dataNames.filter((n) => !known.has(n));
  if (missing.length || unknown.length) {
    const list = (a: string[]) =>
      a
        .slice(0, 10)
        .map((n) => JSON.stringify(n))
        .join(', ') + (a.length > 10 ? `, ... (${a.length} in all)` : '');
    const parts = [missing.length ? `missing ${list(missing)}` : '', unknown.length ? `not in the model ${list(unknown)}` : ''].filter(Boolean);
    throw new FfnnError('SHAPE_MISMATCH', `${param}: the columns do not match the ones the model was trained on (${parts.join('; ')})`, {
      param,
      missing,
      unknown,
    });
  }
  return Int32Array.from(modelNames, (n) => where.get(n)!);
}

/** Copies the columns of a row-major rows x cols matrix into the given order. */
export function reorderColumns(data: ArrayLike<number>, rows: number, order: Int32Array): Float64Array {
  const cols = order.length;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const src = i * cols;
    for (let j = 0; j < cols; j++) out[src + j] = data[src + order[j]];
  }
  return out;
}
