/**
 * Reader for the MNIST IDX format (also used by Fashion-MNIST), optionally gzip-compressed:
 * magic 0x0000 | type byte (0x08 = uint8) | number of dimensions, then big-endian uint32 sizes,
 * then the data. Images are scaled to [0, 1] by dividing by 255.
 */
import { constants as bufferConstants } from 'node:buffer';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describeValue, FfnnError } from '../errors.ts';
import { statRegularFile } from '../io/read-file.ts';
import { checkMatrixSize } from '../matrix.ts';
import type { Dataset, TrainTestSplit } from './mnist.ts';

/** A parsed IDX file: its element type, dimensions and values. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/**
 * The largest IDX content accepted, in bytes after decompression: 1 GiB (full MNIST is 47 MB).
 * A gzip "bomb" of a few hundred KB can expand to gigabytes; gunzip stops at this cap.
 */
export const MAX_DECOMPRESSED_BYTES = 1024 ** 3;

/** The IDX readers' size limit. */
export interface IdxOptions {
  /** The largest IDX content read, in bytes after decompression (default MAX_DECOMPRESSED_BYTES). */
  maxBytes?: number;
}

function maxBytesOf(options: IdxOptions): number {
  const max = options.maxBytes ?? MAX_DECOMPRESSED_BYTES;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new FfnnError('INVALID_PARAM', `maxBytes: expected a whole number of bytes >= 1, got ${describeValue(max)}`, { param: 'maxBytes' });
  }
  return max;
}

/** `what` ends in "more than": "the file is 5 bytes, more than". */
function sizeError(name: string, what: string, got: number | undefined, max: number): FfnnError {
  const details: Record<string, unknown> = { file: name, limit: max };
  if (got !== undefined) details.got = got;
  return new FfnnError(
    'SIZE_LIMIT',
    `${name}: ${what} the limit of ${max.toLocaleString('en-US')} bytes for IDX data; raise it with the maxBytes option`,
    details,
  );
}

/**
 * The first 4 bytes of an IDX file (`got` of them read): the magic number and the data type
 * (unsigned bytes only); returns the number of dimensions, 1 to 4. The in-memory and the
 * streaming reader share it, so a file is judged the same by both.
 */
export function idxDimensions(head: Uint8Array, got: number, name: string): number {
  if (got < 4 || head[0] !== 0 || head[1] !== 0) throw new FfnnError('INVALID_DATA', `${name}: not an IDX file (bad magic number)`, { file: name });
  if (head[2] !== 0x08)
    throw new FfnnError('INVALID_DATA', `${name}: expected unsigned byte data (type 0x08), got type 0x${head[2].toString(16)}`, { file: name });
  const dims = head[3];
  if (dims < 1 || dims > 4) throw badDimensions(name, dims);
  return dims;
}

/** The error for a dimension count outside 1 to 4, or a header shorter than its sizes. */
export function badDimensions(name: string, dims: number): FfnnError {
  return new FfnnError('INVALID_DATA', `${name}: bad number of dimensions ${dims}`, { file: name });
}

/** The sizes after the first 4 bytes of the header (big-endian uint32 each, none 0) and their product. */
export function idxShape(head: Uint8Array, dims: number, name: string): { shape: number[]; count: number } {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < dims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    // a zero size would give an empty dataset, or rows of zero features that fail much later
    if (size === 0)
      throw new FfnnError('INVALID_DATA', `${name}: dimension ${d + 1} of ${dims} is 0 in the header; every size must be at least 1`, { file: name });
    shape.push(size);
    count *= size; // a double: at most 4 factors below 2^32, so never Infinity, and checked before any use
  }
  return { shape, count };
}

/** Parses IDX bytes (uint8 data only, which is what MNIST-format files hold), gzipped or not. */
export function parseIdx(bytes: Uint8Array, name = 'IDX file', options: IdxOptions = {}): IdxArray {
  const max = maxBytesOf(options);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // maxOutputLength stops inflating at the cap instead of filling memory first
      bytes = gunzipSync(bytes, { maxOutputLength: Math.min(max, bufferConstants.MAX_LENGTH) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw sizeError(name, 'the gzip data decompresses to more than', undefined, max);
      }
      throw new FfnnError('INVALID_DATA', `${name}: corrupt gzip data (${(err as Error).message})`, { file: name });
    }
  } else if (bytes.length > max) throw sizeError(name, `the data is ${bytes.length.toLocaleString('en-US')} bytes, more than`, bytes.length, max);
  const dims = idxDimensions(bytes, bytes.length, name);
  if (bytes.length < 4 + 4 * dims) throw badDimensions(name, dims);
  const { shape, count } = idxShape(bytes, dims, name);
  if (count > max) throw sizeError(name, `the header declares ${shape.join(' x ')} = ${count.toExponential(2)} values, more than`, count, max);
  const offset = 4 + 4 * dims;
  if (bytes.length - offset !== count) {
    throw new FfnnError('INVALID_DATA', `${name}: header declares ${count} values (${shape.join(' x ')}), the file holds ${bytes.length - offset}`, {
      file: name,
    });
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

/**
 * Reads an IDX file (gzipped or not). Only a regular file is read (a FIFO or device could block
 * or never end), and one larger than maxBytes is refused before reading.
 */
export function readIdxFile(path: string, options: IdxOptions = {}): IdxArray {
  const max = maxBytesOf(options);
  let bytes: Uint8Array;
  try {
    const st = statRegularFile(path, path, 'IDX file');
    if (st.size > max) throw sizeError(path, `the file is ${st.size.toLocaleString('en-US')} bytes, more than`, st.size, max);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof FfnnError) throw err;
    throw new FfnnError('IO_ERROR', `${path}: cannot read (${(err as Error).message})`, { file: path });
  }
  return parseIdx(bytes, path, options);
}

/**
 * Images (n x rows x cols, or n x features) and labels (n) into a Dataset with pixels scaled to
 * [0, 1]. The arrays may be built by hand, so their shapes are checked here too.
 */
export function idxDataset(images: IdxArray, labels: IdxArray, name = 'IDX data'): Dataset {
  const { shape } = images;
  if (shape.length < 2 || !shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw new FfnnError(
      'SHAPE_MISMATCH',
      `${name}: expected images of shape n x rows x cols (every size at least 1), got ${shape.join(' x ') || 'no dimensions'}`,
      { file: name },
    );
  }
  const n = shape[0];
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new FfnnError('SHAPE_MISMATCH', `${name}: ${n} images but ${labels.shape.join(' x ')} labels (expected a 1-D array of ${n})`, { file: name });
  }
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  checkMatrixSize(n, cols, `${name} (images)`, 'images');
  if (images.data.length !== n * cols || labels.data.length !== n) {
    throw new FfnnError(
      'SHAPE_MISMATCH',
      `${name}: shapes ${shape.join(' x ')} and ${n} need ${n * cols} pixels and ${n} labels, got ${images.data.length} and ${labels.data.length}`,
      { file: name },
    );
  }
  const X = new Float64Array(n * cols);
  for (let i = 0; i < X.length; i++) X[i] = images.data[i] / 255;
  return { X, y: Int32Array.from(labels.data), rows: n, cols };
}

/** The first file in dir whose name is one of the candidates (with or without .gz). */
function findFile(dir: string, candidates: string[]): string {
  for (const c of candidates) for (const suffix of ['', '.gz']) if (existsSync(join(dir, c + suffix))) return join(dir, c + suffix);
  throw new FfnnError('IO_ERROR', `${dir}: none of ${candidates.join(', ')} (optionally .gz) found`, { file: dir });
}

/** A data file of a folder in the MNIST layout: `base`-`kind` with '-' or '.' before idx, plain or .gz. */
export function findIdxFile(dir: string, base: string, kind: string): string {
  return findFile(dir, [`${base}-${kind}`, `${base}-${kind.replace('-', '.')}`]);
}

/**
 * Loads a folder in the MNIST layout: train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (gzipped or not; '.' or '-' before idx accepted).
 */
export function loadIdxDir(dir: string, options: IdxOptions = {}): TrainTestSplit {
  const f = (base: string, kind: string) => readIdxFile(findIdxFile(dir, base, kind), options);
  const train = idxDataset(f('train-images', 'idx3-ubyte'), f('train-labels', 'idx1-ubyte'), `${dir} (train)`);
  const test = idxDataset(f('t10k-images', 'idx3-ubyte'), f('t10k-labels', 'idx1-ubyte'), `${dir} (test)`);
  return { train, test };
}
