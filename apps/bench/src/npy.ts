/**
 * Minimal .npy (format 1.0) for handing the data to Python and to the ffnn child processes:
 * magic "\x93NUMPY", version 1.0, a little-endian uint16 header length, a Python-dict header
 * padded with spaces to a multiple of 64 bytes and ending in "\n", then the raw little-endian data.
 * Only what the benchmarks need: 1-D and 2-D float64, float32 and int32 arrays, C order.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';

type NpyArray = Float64Array | Float32Array | Int32Array;
const DESCR: Record<string, string> = { Float64Array: '<f8', Float32Array: '<f4', Int32Array: '<i4' };

export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + dict.length + 1;
  dict += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

export function writeNpy(path: string, data: NpyArray, shape: readonly number[]): void {
  if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new Error(`writeNpy ${path}: shape ${shape} does not hold ${data.length} values`);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, npyHeader(DESCR[data.constructor.name], shape));
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let off = 0; off < bytes.length; off += 1 << 24) writeSync(fd, bytes.subarray(off, Math.min(bytes.length, off + (1 << 24))));
  } finally {
    closeSync(fd);
  }
}

export interface NpyRead<T extends NpyArray> {
  data: T;
  shape: number[];
}

/**
 * Reads a .npy into a new array of type `as` (converting float64 to float32 on the way), in chunks,
 * so the only large allocation is the result: a child's peak memory is then the training's own.
 */
export function readNpy<T extends NpyArray>(path: string, as: new (n: number) => T): NpyRead<T> {
  const fd = openSync(path, 'r');
  try {
    const pre = new Uint8Array(10);
    readSync(fd, pre, 0, 10, 0);
    if (pre[0] !== 0x93 || String.fromCharCode(...pre.subarray(1, 6)) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
    if (pre[6] !== 1) throw new Error(`${path}: .npy version ${pre[6]} is not supported (1.0 only)`);
    const hlen = new DataView(pre.buffer).getUint16(8, true);
    const hbytes = new Uint8Array(hlen);
    readSync(fd, hbytes, 0, hlen, 10);
    const header = new TextDecoder().decode(hbytes);
    const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
    const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number);
    if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported`);
    const Src = descr === '<f8' ? Float64Array : descr === '<f4' ? Float32Array : descr === '<i4' ? Int32Array : null;
    if (!Src) throw new Error(`${path}: dtype ${descr} is not supported`);
    const n = shape.reduce((a, b) => a * b, 1);
    const out = new as(n);
    const chunk = 1 << 16; // values per read
    const buf = new Src(chunk);
    const view = new Uint8Array(buf.buffer);
    let pos = 10 + hlen;
    for (let i = 0; i < n; i += chunk) {
      const count = Math.min(chunk, n - i);
      const want = count * Src.BYTES_PER_ELEMENT;
      let got = 0;
      while (got < want) {
        const r = readSync(fd, view, got, want - got, pos + got);
        if (r === 0) throw new Error(`${path}: truncated (expected ${n} values)`);
        got += r;
      }
      pos += want;
      out.set(buf.subarray(0, count), i);
    }
    return { data: out, shape };
  } finally {
    closeSync(fd);
  }
}
