/**
 * Training data made ready to cross to a worker, and the buffers that may move instead of being
 * copied. A {rows, cols, data} whose data is a Float64Array or Float32Array crosses as it is:
 * transferred (zero copy; the caller's buffer is detached afterwards) only when the caller asked
 * with `transfer: true`, else copied by postMessage. Anything else (an array of rows, object rows,
 * a plain or integer data array) is converted here with toMatrix, exactly as fit would convert it,
 * and the fresh array is always transferred: nobody else holds it.
 */
import type { TargetInput } from '../labels.ts';
import { type MatrixInput, toMatrix } from '../matrix.ts';
import type { FFNNOptions } from '../options.ts';
import type { WireMatrix } from './protocol.ts';

export interface WireData {
  X: WireMatrix;
  /** Object rows' keys (fit takes them as the feature names when none are given). */
  featureNames?: string[];
  /** Buffers to move, not copy (each at most once: postMessage refuses a repeated buffer). */
  transfer: ArrayBuffer[];
}

const isFloatArray = (a: unknown): a is Float64Array | Float32Array => a instanceof Float64Array || a instanceof Float32Array;

/** A SharedArrayBuffer is shared, not moved (it cannot be transferred); an ArrayBuffer can be. */
const movable = (view: ArrayBufferView): ArrayBuffer[] => (view.buffer instanceof ArrayBuffer ? [view.buffer] : []);

export function wireData(Xin: MatrixInput, y: TargetInput, options: Partial<FFNNOptions>, transfer: boolean): WireData {
  const m = Xin as { rows?: unknown; cols?: unknown; data?: unknown };
  const moved: ArrayBuffer[] = [];
  let X: WireMatrix;
  let featureNames: string[] | undefined;
  if (!Array.isArray(Xin) && isFloatArray(m.data)) {
    // fit decides the dtype from this array's type when no dtype is given: it must arrive as it is
    X = { rows: m.rows as number, cols: m.cols as number, data: m.data };
    if (transfer) moved.push(...movable(m.data));
  } else {
    // the dtype fit would convert to: the option, else float64 (the library's default)
    const converted = toMatrix(Xin, options.dtype ?? 'float64', 'X');
    X = { rows: converted.rows, cols: converted.cols, data: converted.data };
    featureNames = converted.featureNames;
    moved.push(...movable(converted.data));
  }
  if (transfer && ArrayBuffer.isView(y)) moved.push(...movable(y));
  return { X, featureNames, transfer: [...new Set(moved)] };
}
