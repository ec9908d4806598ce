/**
 * Reader for the MNIST IDX format (also used by Fashion-MNIST), optionally gzip-compressed:
 * magic 0x0000 | type byte (0x08 = uint8) | number of dimensions, then big-endian uint32 sizes,
 * then the data. Images are scaled to [0, 1] by dividing by 255.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FfnnError } from '../errors.ts';
import type { Dataset, TrainTestSplit } from './mnist.ts';

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** Parses IDX bytes (uint8 data only, which is what MNIST-format files hold). */
export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new FfnnError('INVALID_DATA', `${name}: corrupt gzip data (${(err as Error).message})`, { file: name });
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new FfnnError('INVALID_DATA', `${name}: not an IDX file (bad magic number)`, { file: name });
  if (bytes[2] !== 0x08) throw new FfnnError('INVALID_DATA', `${name}: expected unsigned byte data (type 0x08), got type 0x${bytes[2].toString(16)}`, { file: name });
  const dims = bytes[3];
  if (dims < 1 || dims > 4 || bytes.length < 4 + 4 * dims) throw new FfnnError('INVALID_DATA', `${name}: bad number of dimensions ${dims}`, { file: name });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < dims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    count *= size;
  }
  const offset = 4 + 4 * dims;
  if (bytes.length - offset !== count) {
    throw new FfnnError('INVALID_DATA', `${name}: header declares ${count} values (${shape.join(' x ')}), the file holds ${bytes.length - offset}`, { file: name });
  }
  return { shape, data: bytes.subarray(offset) };
}

/** Encodes uint8 values in the IDX format (the inverse of parseIdx): for writing MNIST-layout files. */
export function encodeIdx(shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new FfnnError('SHAPE_MISMATCH', `encodeIdx: shape ${shape.join(' x ')} holds ${count} values, got ${values.length}`);
  const head = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(head.buffer);
  head[2] = 0x08;
  head[3] = shape.length;
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  const out = new Uint8Array(head.length + count);
  out.set(head);
  out.set(values, head.length);
  return out;
}

export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new FfnnError('IO_ERROR', `${path}: cannot read (${(err as Error).message})`, { file: path });
  }
  return parseIdx(bytes, path);
}

/** Images (n x rows x cols) and labels (n) into a Dataset with pixels scaled to [0, 1]. */
export function idxDataset(images: IdxArray, labels: IdxArray, name = 'IDX data'): Dataset {
  const n = images.shape[0];
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new FfnnError('SHAPE_MISMATCH', `${name}: ${n} images but ${labels.shape.join(' x ')} labels`, { file: name });
  }
  const cols = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const X = new Float64Array(n * cols);
  for (let i = 0; i < X.length; i++) X[i] = images.data[i] / 255;
  return { X, y: Int32Array.from(labels.data), rows: n, cols };
}

/** The first file in dir whose name is one of the candidates (with or without .gz). */
function findFile(dir: string, candidates: string[]): string {
  for (const c of candidates) for (const suffix of ['', '.gz']) if (existsSync(join(dir, c + suffix))) return join(dir, c + suffix);
  throw new FfnnError('IO_ERROR', `${dir}: none of ${candidates.join(', ')} (optionally .gz) found`, { file: dir });
}

/**
 * Loads a folder in the MNIST layout: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (gzipped or not; '.' or '-' before idx accepted).
 */
export function loadIdxDir(dir: string): TrainTestSplit {
  const f = (base: string, kind: string) => findFile(dir, [`${base}-${kind}`, `${base}-${kind.replace('-', '.')}`]);
  const train = idxDataset(readIdxFile(f('train-images', 'idx3-ubyte')), readIdxFile(f('train-labels', 'idx1-ubyte')), `${dir} (train)`);
  const test = idxDataset(readIdxFile(f('t10k-images', 'idx3-ubyte')), readIdxFile(f('t10k-labels', 'idx1-ubyte')), `${dir} (test)`);
  return { train, test };
}
