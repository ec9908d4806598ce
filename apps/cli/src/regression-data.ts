/**
 * A regression's CSV: every column read as a strict decimal number (so a bad target is reported
 * like a bad feature, with file:line:column), then the target columns split off. Targets become
 * one number per row (one output) or a row of numbers (several), as FFNNRegressor takes them.
 */
import { FfnnError } from '@ffnn/core';
import { readCsvFile } from '@ffnn/core/node';
import { mustExist, type SourceSpec, type Table, withFlag } from './data-source.ts';

/** No header cell is empty (the reader refuses one), so this names no column: every column is a feature. */
const NO_LABEL = '';

/**
 * Reads a CSV for a regression. `targets` are the target column names; with `needTargets` false
 * (predict) a file may lack them, and any that are present are dropped from the features.
 */
export function readRegressionCsv(
  path: string,
  name: string,
  o: { targets: readonly string[]; needTargets: boolean; maxBytes?: number; targetFlag: string },
): Table {
  const d = readCsvFile(path, { labelColumn: NO_LABEL, requireLabel: false, maxBytes: o.maxBytes });
  const index = new Map(d.featureNames.map((n, j) => [n, j]));
  const missing = o.targets.filter((t) => !index.has(t));
  if (o.needTargets && missing.length) {
    const columns = d.featureNames.slice(0, 12).join(', ') + (d.featureNames.length > 12 ? ', ...' : '');
    throw new FfnnError(
      'INVALID_DATA',
      `${path}: no target column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the header (columns: ${columns}); name the targets with ${o.targetFlag}`,
      {
        file: path,
        missing,
      },
    );
  }
  const targetIdx = o.targets.filter((t) => index.has(t)).map((t) => index.get(t)!);
  const isTarget = new Set(targetIdx);
  const featureIdx = d.featureNames.map((_, j) => j).filter((j) => !isTarget.has(j));
  if (featureIdx.length === 0)
    throw new FfnnError('INVALID_DATA', `${path}: no feature columns besides the target column${targetIdx.length > 1 ? 's' : ''}`, { file: path });
  const cols = featureIdx.length;
  const X = new Float64Array(d.rows * cols);
  for (let r = 0; r < d.rows; r++) for (let j = 0; j < cols; j++) X[r * cols + j] = d.X[r * d.cols + featureIdx[j]];
  let y: number[] | number[][] | null = null;
  if (o.needTargets) {
    const at = (r: number, j: number) => d.X[r * d.cols + targetIdx[j]];
    y =
      targetIdx.length === 1 ? Array.from({ length: d.rows }, (_, r) => at(r, 0)) : Array.from({ length: d.rows }, (_, r) => targetIdx.map((_, j) => at(r, j)));
  }
  return { X, y, rows: d.rows, cols, name, featureNames: featureIdx.map((j) => d.featureNames[j]) };
}

/** A regression table's targets as a rows x k matrix (row-major). */
export function targetMatrix(t: Table): { data: Float64Array; k: number } {
  const y = t.y as number[] | number[][] | null;
  if (!y) throw new FfnnError('INVALID_DATA', `${t.name}: no targets`, {});
  const k = Array.isArray(y[0]) ? (y[0] as number[]).length : 1;
  const data = new Float64Array(t.rows * k);
  for (let r = 0; r < t.rows; r++) {
    const row = y[r];
    if (Array.isArray(row)) data.set(row, r * k);
    else data[r] = row;
  }
  return { data, k };
}

/** What train, predict and evaluate read for a regression: a csv:FILE source, errors naming the flag. */
export function loadRegressionSource(
  spec: SourceSpec,
  o: { targets: readonly string[]; needTargets: boolean; maxBytes?: number; targetFlag: string },
  flag = 'data',
): Table {
  return withFlag(flag, () => {
    mustExist(spec, flag);
    return readRegressionCsv(spec.path, spec.text, o);
  });
}
