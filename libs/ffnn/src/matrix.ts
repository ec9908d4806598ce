/** Dense row-major matrices over typed arrays, and conversion of user input into them. */
import type { DType, FloatArray } from './backend/backend.ts';
import { describeValue, FfnnError } from './errors.ts';

/** A dense row-major matrix: `data[r * cols + c]`. */
export interface Matrix<T extends FloatArray = FloatArray> {
  rows: number;
  cols: number;
  data: T;
  /** The columns' names, when the input named them (object rows). */
  featureNames?: string[];
}

/** Rows as objects, one key per column: `[{ height: 1.8, mass: 80 }, ...]` (the keys are the feature names). */
export type ObjectRows = readonly Readonly<Record<string, number>>[];

/** What users may pass as a feature matrix. */
export type MatrixInput = readonly (readonly number[])[] | ObjectRows | Matrix | { rows: number; cols: number; data: ArrayLike<number> };

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * The most values one matrix may hold: 2^30 (8 GiB in float64, 4 GiB in float32), checked before
 * anything is allocated, so an absurd size is a SIZE_LIMIT error and not an uncaught RangeError
 * (or the process killed for memory) halfway through.
 */
export const MAX_MATRIX_VALUES = 2 ** 30;

/** Throws SIZE_LIMIT when rows x cols is past MAX_MATRIX_VALUES; `what` names the matrix. */
export function checkMatrixSize(rows: number, cols: number, what: string, param: string): void {
  if (rows * cols > MAX_MATRIX_VALUES) {
    throw new FfnnError(
      'SIZE_LIMIT',
      `${what}: ${rows} x ${cols} = ${(rows * cols).toExponential(2)} values is more than the limit of ${MAX_MATRIX_VALUES} (MAX_MATRIX_VALUES) for one matrix`,
      { param, limit: MAX_MATRIX_VALUES, got: rows * cols },
    );
  }
}

/** A typed array of numbers (not a DataView, not BigInt64Array/BigUint64Array). */
function isNumericTypedArray(a: unknown): a is ArrayLike<number> {
  return ArrayBuffer.isView(a) && !(a instanceof DataView) && !(a instanceof BigInt64Array) && !(a instanceof BigUint64Array);
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * Copies a plain array into `out` at `offset`, refusing any cell whose type is not 'number' (so
 * null, "3" and true are errors, not the 0, 3 and 1 that a typed array's set() would make).
 */
function copyPlain(src: readonly unknown[], out: FloatArray, offset: number, cols: number, name: string): void {
  for (let k = 0; k < src.length; k++) {
    const v = src[k];
    if (typeof v !== 'number') {
      const i = offset + k;
      const row = Math.floor(i / cols);
      const got = v === undefined ? 'undefined (a hole or a missing value)' : `${v === null ? 'object' : typeof v} ${describeValue(v)}`;
      throw new FfnnError('INVALID_DATA', `${name}: expected numbers, got ${got} at row ${row}, column ${i % cols}`, {
        param: name,
        row,
        col: i % cols,
        got: v,
      });
    }
    out[offset + k] = v;
  }
}

/**
 * Checks every value of the converted matrix is finite (NaN, Infinity, or a float64 that
 * overflows float32); `source(i)` gives the value as the user wrote it, for the message.
 * Separate from the copy, as one tight loop: it runs over every input, tens of millions of cells.
 */
function checkFinite(out: FloatArray, cols: number, name: string, source: (i: number) => number): void {
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i])) continue;
    const v = source(i);
    const row = Math.floor(i / cols);
    const why = Number.isFinite(v) ? ` (${v} does not fit in float32)` : '';
    throw new FfnnError('NON_FINITE_INPUT', `${name}: expected finite numbers, got ${v} at row ${row}, column ${i % cols}${why}`, {
      param: name,
      row,
      col: i % cols,
      got: v,
    });
  }
}

/**
 * Converts user input to a row-major matrix of the given dtype. Every input path checks the same
 * things: non-empty, rectangular, and each cell a finite number of type 'number' (an array of rows,
 * a {rows, cols, data} with a plain or typed array, a Matrix). A {rows, cols, data} whose data is
 * already a typed array of that dtype is returned without a copy (callers only read it).
 * `name` is the argument's name for error messages. Object rows become columns in the order of
 * `columns` (a fitted model's feature names) when given, else of the first row's keys.
 */
export function toMatrix(input: MatrixInput, dtype: DType, name = 'X', columns?: readonly string[]): Matrix {
  if (input === null || typeof input !== 'object') {
    throw new FfnnError('INVALID_DATA', `${name}: expected an array of rows or a {rows, cols, data} matrix, got ${typeof input}`, { param: name });
  }
  if (Array.isArray(input)) {
    const rows = input.length;
    if (rows === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected at least one row, got 0 rows`, { param: name });
    const first = input[0] as unknown as ArrayLike<number>;
    if (isObjectRow(first)) return fromObjectRows(input as ObjectRows, dtype, name, columns);
    if (!Array.isArray(first) && !isNumericTypedArray(first)) {
      throw new FfnnError('INVALID_DATA', `${name}: expected a 2-D array (an array of rows), got row 0 = ${describeValue(first)}`, { param: name });
    }
    const cols = first.length;
    if (cols === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected at least one feature, got rows of length 0`, { param: name });
    checkMatrixSize(rows, cols, name, name);
    const out = allocate(dtype, rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = input[i] as unknown;
      if (!(Array.isArray(row) || isNumericTypedArray(row)) || row.length !== cols) {
        const got = Array.isArray(row) || isNumericTypedArray(row) ? row.length : describeValue(row);
        throw new FfnnError('SHAPE_MISMATCH', `${name}: ragged rows: expected every row to have ${cols} values (like row 0), got ${got} in row ${i}`, {
          param: name,
          row: i,
          expected: cols,
          got: (row as { length?: unknown } | null)?.length,
        });
      }
      if (Array.isArray(row)) copyPlain(row, out, i * cols, cols, name);
      else out.set(row as ArrayLike<number>, i * cols);
    }
    checkFinite(out, cols, name, (k) => (input[Math.floor(k / cols)] as ArrayLike<number>)[k % cols]);
    return { rows, cols, data: out };
  }
  const m = input as { rows: unknown; cols: unknown; data: unknown };
  const { rows, cols, data } = m;
  if (!isCount(rows) || !isCount(cols)) {
    throw new FfnnError(
      'INVALID_DATA',
      `${name}: expected {rows, cols, data} with whole-number rows and cols, got rows=${describeValue(rows)}, cols=${describeValue(cols)}`,
      { param: name },
    );
  }
  if (!Array.isArray(data) && !isNumericTypedArray(data)) {
    throw new FfnnError('INVALID_DATA', `${name}: expected data to be an array or a typed array of numbers, got ${describeValue(data)}`, { param: name });
  }
  if (rows === 0 || cols === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected a non-empty matrix, got ${rows} x ${cols}`, { param: name });
  checkMatrixSize(rows, cols, name, name);
  if (data.length !== rows * cols) {
    throw new FfnnError('SHAPE_MISMATCH', `${name}: data has ${data.length} values, expected rows * cols = ${rows * cols}`, {
      param: name,
      expected: rows * cols,
      got: data.length,
    });
  }
  // a typed array of the right dtype is used as it is (never written to): no copy of a
  // dataset that may be hundreds of megabytes (Fashion-MNIST in float64 is 376 MB)
  const same = dtype === 'float32' ? data instanceof Float32Array : data instanceof Float64Array;
  const out = same ? (data as FloatArray) : allocate(dtype, rows * cols);
  if (Array.isArray(data)) copyPlain(data, out, 0, cols, name);
  else if (!same) out.set(data);
  checkFinite(out, cols, name, (k) => (data as ArrayLike<number>)[k]);
  return { rows, cols, data: out };
}

const isObjectRow = (r: unknown): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r) && !ArrayBuffer.isView(r);

/** Object rows into a matrix whose columns are `columns` (or the first row's keys), by name. */
function fromObjectRows(input: ObjectRows, dtype: DType, name: string, columns?: readonly string[]): Matrix {
  const names = columns ? [...columns] : Object.keys(input[0]);
  if (names.length === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected at least one feature, got row 0 = {}`, { param: name });
  const rows = input.length;
  const cols = names.length;
  checkMatrixSize(rows, cols, name, name);
  const out = allocate(dtype, rows * cols);
  const cells: unknown[] = new Array(cols);
  for (let i = 0; i < rows; i++) {
    const row = input[i] as unknown;
    if (!isObjectRow(row))
      throw new FfnnError('INVALID_DATA', `${name}: expected every row to be an object like row 0, got ${describeValue(row)} in row ${i}`, {
        param: name,
        row: i,
      });
    const keys = Object.keys(row);
    const missing = names.filter((n) => !Object.hasOwn(row, n));
    if (missing.length || keys.length !== cols) {
      const unknown = keys.filter((k) => !names.includes(k));
      const parts = [
        missing.length ? `missing ${missing.map((n) => JSON.stringify(n)).join(', ')}` : '',
        unknown.length ? `unknown ${unknown.map((n) => JSON.stringify(n)).join(', ')}` : '',
      ].filter(Boolean);
      throw new FfnnError(
        'SHAPE_MISMATCH',
        `${name}: row ${i} does not have the columns ${columns ? 'the model was trained on' : 'of row 0'} (${parts.join('; ')})`,
        { param: name, row: i, missing, unknown },
      );
    }
    for (let j = 0; j < cols; j++) cells[j] = row[names[j]];
    copyPlain(cells, out, i * cols, cols, name);
  }
  checkFinite(out, cols, name, (k) => (input[Math.floor(k / cols)] as Record<string, number>)[names[k % cols]]);
  return { rows, cols, data: out, featureNames: names };
}

/** Converts a matrix to nested number arrays (for JSON and for display). */
export function toArrays(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}
