/**
 * Targets the way scikit-learn's LabelBinarizer sees them: sorted unique classes; binary targets
 * become ONE column (1 where the label is classes[1]), multiclass targets one-hot columns in class
 * order, and an indicator matrix is multilabel (classes 0..K-1, one column each). A single class
 * is binary as in sklearn: one all-zero column, and every prediction is that class.
 */
import { describeValue, FfnnError } from './errors.ts';
import { checkMatrixSize } from './matrix.ts';

/**
 * The most classes (or multilabel columns) a classifier takes: one output unit each, and the
 * one-hot targets are rows x classes. More is almost always an ID or a continuous column used
 * as the label; the check comes before anything of that size is allocated.
 */
export const MAX_CLASSES = 10_000;

/** A class label: a number or a string. */
export type Label = number | string;
/** What the targets are: a classifier's three kinds, and a regressor's numbers ('continuous', as sklearn's type_of_target). */
export type TargetKind = 'binary' | 'multiclass' | 'multilabel' | 'continuous';
/** Targets: labels (binary or multiclass), an indicator matrix (multilabel) or numbers (a regressor). */
export type TargetInput = readonly Label[] | ArrayLike<number> | readonly (readonly number[])[];

export interface TargetEncoding {
  kind: TargetKind;
  /** The classes (empty for a regressor). */
  classes: Label[];
  /** Output units: 1 for binary (one or two classes), K otherwise (a regressor: one per target column). */
  nOutputs: number;
}

function isIndicatorMatrix(y: TargetInput): y is readonly (readonly number[])[] {
  return Array.isArray(y) && y.length > 0 && (Array.isArray(y[0]) || ArrayBuffer.isView(y[0]));
}

/**
 * Labels come as an array or a typed array. A string has a length and indexes too, so without
 * this check y = "abc" would train on the three labels "a", "b", "c".
 */
function checkLabelArray(y: unknown, param: string): void {
  if (Array.isArray(y) || (ArrayBuffer.isView(y) && !(y instanceof DataView))) return;
  const got =
    typeof y === 'string'
      ? `a string (${describeValue(y.length > 40 ? `${y.slice(0, 37)}...` : y)})`
      : typeof y === 'object' && y !== null
        ? describeValue(y)
        : `${typeof y} ${describeValue(y)}`;
  throw new FfnnError('INVALID_PARAM', `${param}: expected an array of labels (numbers or strings) or an indicator matrix, got ${got}`, { param });
}

/** Sorted unique labels: numbers numerically, strings by code unit (numpy's order for ASCII). */
export function uniqueSorted(labels: ArrayLike<Label>, param = 'y'): Label[] {
  return sortLabels(uniqueLabels(labels, param));
}

/** The distinct labels, checked: finite numbers or strings, not both. */
function uniqueLabels(labels: ArrayLike<Label>, param: string): Set<Label> {
  checkLabelArray(labels, param);
  let sawNumber = false;
  let sawString = false;
  const seen = new Set<Label>();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new FfnnError('INVALID_DATA', `${param}: expected finite labels, got ${v} at index ${i}`, { param, index: i });
      sawNumber = true;
    } else if (typeof v === 'string') sawString = true;
    else throw new FfnnError('INVALID_DATA', `${param}: expected number or string labels, got ${describeValue(v)} at index ${i}`, { param, index: i });
    seen.add(v);
  }
  if (sawNumber && sawString) {
    throw new FfnnError('INVALID_DATA', `${param}: expected labels of one type, got a mix of numbers and strings`, { param });
  }
  return seen;
}

function sortLabels(seen: Set<Label>): Label[] {
  const out = [...seen];
  if (out.length > 0 && typeof out[0] === 'number') (out as number[]).sort((a, b) => a - b);
  else out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

function checkClassCount(count: number, what: string, param: string): void {
  if (count > MAX_CLASSES) {
    throw new FfnnError(
      'SIZE_LIMIT',
      `${param}: ${count} ${what}, more than the limit of ${MAX_CLASSES} (MAX_CLASSES); a classifier has one output per class: is this column an ID or a continuous value?`,
      { param, limit: MAX_CLASSES, got: count },
    );
  }
}

/** Works out the encoding from the training targets (or from `classes` given to partialFit). */
export function fitEncoding(y: TargetInput, classes?: readonly Label[]): TargetEncoding {
  checkLabelArray(y, 'y');
  if (y.length === 0) throw new FfnnError('EMPTY_DATA', 'y: expected at least one label, got 0', { param: 'y' });
  if (isIndicatorMatrix(y)) {
    const k = y[0].length;
    if (k === 0) throw new FfnnError('EMPTY_DATA', 'y: the indicator matrix has rows of length 0', { param: 'y' });
    checkClassCount(k, 'indicator columns', 'y');
    return { kind: 'multilabel', classes: Array.from({ length: k }, (_, i) => i), nOutputs: k };
  }
  const param = classes ? 'classes' : 'y';
  const seen = uniqueLabels(classes ?? (y as ArrayLike<Label>), param);
  checkClassCount(seen.size, 'distinct labels', param);
  const cls = sortLabels(seen);
  // y is not empty, so only partialFit's classes can be
  if (cls.length === 0)
    throw new FfnnError('INVALID_PARAM', `${param}: expected at least one class, got none`, { param, expected: 'at least one class', got: [] });
  // one class is binary as in sklearn (LabelBinarizer): the target column is all zeros
  return cls.length <= 2 ? { kind: 'binary', classes: cls, nOutputs: 1 } : { kind: 'multiclass', classes: cls, nOutputs: cls.length };
}

/** Encodes targets into a rows x nOutputs 0/1 matrix (Float64Array; the caller casts to its dtype). */
export function encodeTargets(enc: TargetEncoding, y: TargetInput, param = 'y'): Float64Array {
  checkLabelArray(y, param);
  const n = y.length;
  checkMatrixSize(n, enc.nOutputs, `${param} (the encoded targets)`, param);
  const out = new Float64Array(n * enc.nOutputs);
  if (enc.kind === 'multilabel') {
    if (!isIndicatorMatrix(y)) throw new FfnnError('INVALID_DATA', `${param}: the model is multilabel: expected an indicator matrix (rows of 0/1)`, { param });
    for (let i = 0; i < n; i++) {
      const row = y[i];
      if (!row || row.length !== enc.nOutputs) {
        throw new FfnnError('SHAPE_MISMATCH', `${param}: expected every row to have ${enc.nOutputs} columns, got ${row?.length} in row ${i}`, {
          param,
          row: i,
        });
      }
      for (let j = 0; j < enc.nOutputs; j++) {
        const v = row[j];
        if (v !== 0 && v !== 1)
          throw new FfnnError('INVALID_DATA', `${param}: an indicator matrix holds 0 or 1, got ${describeValue(v)} at row ${i}, column ${j}`, {
            param,
            row: i,
            col: j,
          });
        out[i * enc.nOutputs + j] = v;
      }
    }
    return out;
  }
  if (isIndicatorMatrix(y))
    throw new FfnnError('INVALID_DATA', `${param}: the model has class labels: expected a 1-D array of labels, got a matrix`, { param });
  const index = new Map<Label, number>();
  enc.classes.forEach((c, i) => index.set(c, i));
  const labels = y as ArrayLike<Label>;
  for (let i = 0; i < n; i++) {
    const c = index.get(labels[i]);
    if (c === undefined) {
      throw new FfnnError(
        'UNKNOWN_LABEL',
        `${param}: label ${describeValue(labels[i])} at index ${i} is not one of the classes [${enc.classes.map(describeValue).join(', ')}]`,
        {
          param,
          index: i,
        },
      );
    }
    if (enc.kind === 'binary') out[i] = c === 1 ? 1 : 0;
    else out[i * enc.nOutputs + c] = 1;
  }
  return out;
}

/**
 * The class index predicted for row r from the outputs: sklearn's threshold (binary; a single class
 * is always predicted) and numpy's argmax (the first maximum wins, and a NaN counts as the maximum,
 * so a diverged network predicts as sklearn's does).
 */
export function decideRow(enc: TargetEncoding, p: ArrayLike<number>, offset: number): number {
  if (enc.kind === 'binary') return enc.classes.length === 2 && p[offset] > 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 0; j < enc.nOutputs; j++) {
    const v = p[offset + j];
    if (Number.isNaN(v)) return j;
    if (v > p[offset + best]) best = j;
  }
  return best;
}
