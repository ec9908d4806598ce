/** Dense row-major matrices over typed arrays, and conversion of user input into them. */
import type { DType, FloatArray } from './backend/backend.ts';
import { FfnnError } from './errors.ts';

export interface Matrix<T extends FloatArray = FloatArray> {
  rows: number;
  cols: number;
  data: T;
}

/** What users may pass as a feature matrix. */
export type MatrixInput = readonly (readonly number[])[] | Matrix | { rows: number; cols: number; data: ArrayLike<number> };

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * Converts user input to a row-major matrix of the given dtype, checking it is non-empty,
 * rectangular and finite. A {rows, cols, data} whose data is already a typed array of that dtype
 * is returned without a copy (callers only read it).
 * `name` is the argument's name for error messages.
 */
export function toMatrix(input: MatrixInput, dtype: DType, name = 'X'): Matrix {
  if (input === null || typeof input !== 'object') {
    throw new FfnnError('INVALID_DATA', `${name}: expected an array of rows or a {rows, cols, data} matrix, got ${typeof input}`, { param: name });
  }
  let rows: number;
  let cols: number;
  let out: FloatArray;
  if (Array.isArray(input)) {
    rows = input.length;
    if (rows === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected at least one row, got 0 rows`, { param: name });
    const first = input[0] as unknown as ArrayLike<number>;
    if (!Array.isArray(first) && !ArrayBuffer.isView(first)) {
      throw new FfnnError('INVALID_DATA', `${name}: expected a 2-D array (an array of rows), got row 0 = ${typeof first}`, { param: name });
    }
    cols = first.length;
    if (cols === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected at least one feature, got rows of length 0`, { param: name });
    out = allocate(dtype, rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = input[i];
      if (!row || typeof row !== 'object' || row.length !== cols) {
        throw new FfnnError(
          'SHAPE_MISMATCH',
          `${name}: ragged rows: expected every row to have ${cols} values (like row 0), got ${row && typeof row === 'object' ? row.length : typeof row} in row ${i}`,
          { param: name, row: i, expected: cols, got: row?.length },
        );
      }
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        if (typeof v !== 'number') {
          throw new FfnnError('INVALID_DATA', `${name}: expected numbers, got ${typeof v} ${JSON.stringify(v)} at row ${i}, column ${j}`, { param: name, row: i, col: j });
        }
        out[i * cols + j] = v;
      }
    }
  } else {
    const m = input as { rows: number; cols: number; data: ArrayLike<number> };
    rows = m.rows;
    cols = m.cols;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || !m.data || typeof m.data.length !== 'number') {
      throw new FfnnError('INVALID_DATA', `${name}: expected {rows, cols, data} with whole-number rows and cols, got rows=${rows}, cols=${cols}`, { param: name });
    }
    if (rows === 0 || cols === 0) throw new FfnnError('EMPTY_DATA', `${name}: expected a non-empty matrix, got ${rows} x ${cols}`, { param: name });
    if (m.data.length !== rows * cols) {
      throw new FfnnError('SHAPE_MISMATCH', `${name}: data has ${m.data.length} values, expected rows * cols = ${rows * cols}`, { param: name, expected: rows * cols, got: m.data.length });
    }
    // a typed array of the right dtype is used as it is (never written to): no copy of a
    // dataset that may be hundreds of megabytes (Fashion-MNIST in float64 is 376 MB)
    const same = dtype === 'float32' ? m.data instanceof Float32Array : m.data instanceof Float64Array;
    if (same) out = m.data as FloatArray;
    else {
      out = allocate(dtype, rows * cols);
      out.set(m.data as ArrayLike<number>);
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new FfnnError(
        'NON_FINITE_INPUT',
        `${name}: expected finite numbers, got ${out[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`,
        { param: name, row: Math.floor(i / cols), col: i % cols },
      );
    }
  }
  return { rows, cols, data: out };
}

/** Converts a matrix to nested number arrays (for JSON and for display). */
export function toArrays(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}
