/**
 * The IDX reader for data larger than memory: an images file and its labels file (plain or gzip,
 * MNIST's layout, idx.ts's checks and messages) read side by side a batch at a time, pixels scaled
 * to [0, 1] as idxDataset does. Memory: one batch of bytes and the batch handed out.
 */
import type { DType } from '../backend/backend.ts';
import { describeValue, FfnnError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { type ByteSource, openByteSource } from './byte-source.ts';
import { badDimensions, findIdxFile, idxDimensions, idxShape } from './idx.ts';

/** Options of readIdxStream / readIdxDirStream. */
export interface IdxStreamOptions {
  /** Rows per batch (default 1000). */
  batchRows?: number;
  /** The features' type (default 'float64'). */
  dtype?: DType;
}

/** One batch of an IDX stream: images as a matrix and their labels. */
export interface IdxBatch {
  /** rows x (pixels per image), scaled to [0, 1]; a fresh array per batch. */
  X: Matrix;
  /** The labels (0..255). */
  y: Int32Array;
}

/** What a whole pass over an IDX pair found (scan()). */
export interface IdxScan {
  /** Images in the file. */
  rows: number;
  /** Pixels per image. */
  cols: number;
  /** The distinct labels, sorted. */
  classes: number[];
}

/** The reader's high-water marks, for tests and benchmarks: what bounds its memory. */
export interface IdxStreamStats {
  /** Bytes of the files held at once (one batch of images and labels). */
  bufferBytes: number;
  batchRows: number;
}

interface Header {
  shape: number[];
  count: number;
}

function wholeNumber(value: unknown, param: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new FfnnError('INVALID_PARAM', `${param}: expected a whole number >= 1, got ${describeValue(value)}`, { param });
  }
  return value;
}

/** Reads and checks an IDX header (idx.ts's rules: uint8 data, 1 to 4 dimensions, none 0). */
async function readHeader(src: ByteSource, name: string): Promise<Header> {
  const head = new Uint8Array(4 + 4 * 4);
  const got = await src.read(head, 0, 4);
  const dims = idxDimensions(head, got, name);
  if ((await src.read(head, 4, 4 * dims)) < 4 * dims) throw badDimensions(name, dims);
  return idxShape(head, dims, name);
}

/** The header's promise not kept: the file ends early, or goes on after the declared values. */
async function countMismatch(src: ByteSource, name: string, h: Header, read: number): Promise<FfnnError> {
  let held = read;
  const scratch = new Uint8Array(1 << 16);
  for (let n: number; (n = await src.read(scratch, 0, scratch.length)) > 0; ) held += n;
  return new FfnnError('INVALID_DATA', `${name}: header declares ${h.count} values (${h.shape.join(' x ')}), the file holds ${held}`, { file: name });
}

/**
 * An images file and a labels file read in batches; each iteration opens both afresh (a source
 * for fitStream over many epochs).
 */
export class IdxStream implements AsyncIterable<IdxBatch> {
  readonly stats: IdxStreamStats = { bufferBytes: 0, batchRows: 0 };
  private readonly batchRows: number;
  private readonly dtype: DType;
  private scanned: IdxScan | null = null;

  constructor(
    readonly imagesPath: string,
    readonly labelsPath: string,
    options: IdxStreamOptions = {},
  ) {
    this.batchRows = wholeNumber(options.batchRows, 'batchRows', 1000);
    this.dtype = options.dtype ?? 'float64';
    if (this.dtype !== 'float64' && this.dtype !== 'float32')
      throw new FfnnError('INVALID_PARAM', `dtype: expected 'float64' or 'float32', got ${describeValue(this.dtype)}`, { param: 'dtype' });
  }

  /** The shapes and the distinct labels (a pass over the labels file only; remembered). */
  async scan(): Promise<IdxScan> {
    if (this.scanned) return this.scanned;
    const { images, labels, n, cols } = await this.open();
    try {
      const seen = new Uint8Array(256);
      const buf = new Uint8Array(1 << 16);
      let read = 0;
      while (read < n) {
        const got = await labels.src.read(buf, 0, Math.min(buf.length, n - read));
        if (got === 0) throw await countMismatch(labels.src, this.labelsPath, labels.h, read);
        for (let i = 0; i < got; i++) seen[buf[i]] = 1;
        read += got;
      }
      const classes: number[] = [];
      seen.forEach((s, v) => (s ? classes.push(v) : undefined));
      this.scanned = { rows: n, cols, classes };
      return this.scanned;
    } finally {
      await images.src.close();
      await labels.src.close();
    }
  }

  private async open(): Promise<{ images: { src: ByteSource; h: Header }; labels: { src: ByteSource; h: Header }; n: number; cols: number }> {
    const imagesSrc = await openByteSource(this.imagesPath, 'IDX file');
    let labelsSrc: ByteSource | null = null;
    try {
      const ih = await readHeader(imagesSrc, this.imagesPath);
      labelsSrc = await openByteSource(this.labelsPath, 'IDX file');
      const lh = await readHeader(labelsSrc, this.labelsPath);
      if (ih.shape.length < 2)
        throw new FfnnError('SHAPE_MISMATCH', `${this.imagesPath}: expected images of shape n x rows x cols, got ${ih.shape.join(' x ')}`, {
          file: this.imagesPath,
        });
      const n = ih.shape[0];
      if (lh.shape.length !== 1 || lh.shape[0] !== n) {
        throw new FfnnError(
          'SHAPE_MISMATCH',
          `${this.imagesPath}: ${n} images but ${lh.shape.join(' x ')} labels in ${this.labelsPath} (expected a 1-D array of ${n})`,
          { file: this.labelsPath },
        );
      }
      return { images: { src: imagesSrc, h: ih }, labels: { src: labelsSrc, h: lh }, n, cols: ih.count / n };
    } catch (err) {
      await imagesSrc.close();
      await labelsSrc?.close();
      throw err;
    }
  }

  /** One pass over the files, batch by batch (each call opens them afresh). */
  async *[Symbol.asyncIterator](): AsyncGenerator<IdxBatch, void, undefined> {
    const { images, labels, n, cols } = await this.open();
    try {
      const pixels = new Uint8Array(this.batchRows * cols);
      const labelBytes = new Uint8Array(this.batchRows);
      this.stats.bufferBytes = Math.max(this.stats.bufferBytes, pixels.length + labelBytes.length);
      for (let done = 0; done < n; ) {
        const rows = Math.min(this.batchRows, n - done);
        const gotX = await images.src.read(pixels, 0, rows * cols);
        if (gotX < rows * cols) throw await countMismatch(images.src, this.imagesPath, images.h, done * cols + gotX);
        const gotY = await labels.src.read(labelBytes, 0, rows);
        if (gotY < rows) throw await countMismatch(labels.src, this.labelsPath, labels.h, done + gotY);
        done += rows;
        if (done === n) {
          // nothing may follow the declared values
          const one = new Uint8Array(1);
          if ((await images.src.read(one, 0, 1)) > 0) throw await countMismatch(images.src, this.imagesPath, images.h, n * cols + 1);
          if ((await labels.src.read(one, 0, 1)) > 0) throw await countMismatch(labels.src, this.labelsPath, labels.h, n + 1);
        }
        const X = this.dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
        for (let i = 0; i < rows * cols; i++) X[i] = pixels[i] / 255;
        this.stats.batchRows = Math.max(this.stats.batchRows, rows);
        yield { X: { rows, cols, data: X }, y: Int32Array.from(labelBytes.subarray(0, rows)) };
      }
    } finally {
      await images.src.close();
      await labels.src.close();
    }
  }
}

/** A streaming reader of an images file and its labels file (plain or gzip): see IdxStream. */
export function readIdxStream(imagesPath: string, labelsPath: string, options: IdxStreamOptions = {}): IdxStream {
  return new IdxStream(imagesPath, labelsPath, options);
}

/** The train (default) or t10k files of a folder in the MNIST layout, streamed (loadIdxDir's names). */
export function readIdxDirStream(dir: string, part: 'train' | 'test' = 'train', options: IdxStreamOptions = {}): IdxStream {
  const base = part === 'train' ? 'train' : 't10k';
  return new IdxStream(findIdxFile(dir, `${base}-images`, 'idx3-ubyte'), findIdxFile(dir, `${base}-labels`, 'idx1-ubyte'), options);
}
