/**
 * The CSV reader for files larger than memory: the rules of csv.ts (header row, label column,
 * quoting, padding, strict decimals, the label rule, the same messages with file:line:column),
 * read a chunk at a time from a plain or gzip file and handed out as typed-array batches. Memory
 * is one chunk (plus the partial line carried over, which grows only for a line longer than a
 * chunk) and one batch, whatever the file's size.
 *
 * Speed: a row is parsed from the bytes, with no string per line or per cell. A number with at most
 * 15 significant digits and a decimal exponent within +-22 is m * 10^e or m / 10^-e with m and
 * 10^|e| exact doubles: one correctly rounded operation, so the same double as Number(text)
 * (Clinger's fast path). Any other number is read by Number() on its text, and any line the byte
 * parser does not accept (quotes, a bad cell, a wrong number of fields, blank or odd whitespace)
 * goes through csv.ts's own line parser, which reads it or throws csv.ts's error for it. So a file
 * gives the same numbers and the same errors streamed or not.
 */
import { describeValue, FfnnError } from '../errors.ts';
import { MAX_CLASSES } from '../labels.ts';
import { readLabels } from './csv.ts';
import { type CsvBatch, CsvPass, type CsvStreamOptions, type CsvStreamStats } from './csv-pass.ts';

export type { CsvBatch, CsvStreamOptions, CsvStreamStats };

/** What a whole pass found (scan()). */
export interface CsvScan {
  rows: number;
  featureNames: string[];
  labelColumn: string | null;
  /** The distinct labels, sorted, typed by the label rule; null without a label column. */
  classes: number[] | string[] | null;
  labels: 'number' | 'string' | null;
  /** Bytes of the file on disk. */
  bytes: number;
}

function wholeNumber(value: unknown, param: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new FfnnError('INVALID_PARAM', `${param}: expected a whole number >= ${min}, got ${describeValue(value)}`, { param });
  }
  return value;
}

/**
 * A CSV file read in batches: iterate it (for await) for one pass; every iteration opens the file
 * afresh, so it is a source for fitStream over many epochs.
 */
export class CsvStream implements AsyncIterable<CsvBatch> {
  readonly path: string;
  private readonly o: Required<Omit<CsvStreamOptions, 'labels'>> & { labels: 'auto' | 'number' | 'string' };
  private scanned: CsvScan | null = null;
  readonly stats: CsvStreamStats = { bufferBytes: 0, batchRows: 0, bytesRead: 0 };

  constructor(path: string, options: CsvStreamOptions = {}) {
    this.path = path;
    const labels = options.labels ?? 'auto';
    if (!['auto', 'number', 'string'].includes(labels))
      throw new FfnnError('INVALID_PARAM', `labels: expected 'auto', 'number' or 'string', got ${describeValue(labels)}`, { param: 'labels' });
    const dtype = options.dtype ?? 'float64';
    if (dtype !== 'float64' && dtype !== 'float32')
      throw new FfnnError('INVALID_PARAM', `dtype: expected 'float64' or 'float32', got ${describeValue(dtype)}`, { param: 'dtype' });
    this.o = {
      labelColumn: options.labelColumn ?? 'label',
      requireLabel: options.requireLabel ?? true,
      labels,
      batchRows: wholeNumber(options.batchRows, 'batchRows', 1, 1000),
      chunkBytes: wholeNumber(options.chunkBytes, 'chunkBytes', 1, 4 * 1024 * 1024),
      dtype,
      maxLineBytes: wholeNumber(options.maxLineBytes, 'maxLineBytes', 1, 64 * 1024 * 1024),
    };
  }

  /**
   * One whole pass that checks every row and collects the distinct labels (what a classifier's
   * fitStream needs as `classes`) and the row count; remembered, so 'auto' labels cost it once.
   */
  async scan(): Promise<CsvScan> {
    if (this.scanned) return this.scanned;
    const seen = new Set<string>();
    let rows = 0;
    const pass = new CsvPass(this.path, { ...this.o, labels: 'string' }, this.stats);
    let header: { featureNames: string[]; labelColumn: string | null } | null = null;
    let bytes = 0;
    try {
      for (;;) {
        const b = await pass.next();
        header ??= pass.describe();
        bytes = pass.fileBytes;
        if (!b) break;
        rows += b.X.rows;
        if (b.y) {
          for (const label of b.y as string[]) seen.add(label);
          if (seen.size > MAX_CLASSES) {
            throw new FfnnError(
              'INVALID_DATA',
              `${this.path}: more than ${MAX_CLASSES} distinct labels in "${this.o.labelColumn}" (MAX_CLASSES); a classifier has one output per class: is this column an ID or a continuous value?`,
              {
                file: this.path,
              },
            );
          }
        }
      }
    } finally {
      await pass.close();
    }
    const labelColumn = header!.labelColumn;
    let classes: number[] | string[] | null = null;
    if (labelColumn !== null) {
      const typed = readLabels([...seen]);
      classes = typeof typed[0] === 'number' ? (typed as number[]).sort((a, b) => a - b) : (typed as string[]).sort();
    }
    this.scanned = {
      rows,
      featureNames: header!.featureNames,
      labelColumn,
      classes,
      labels: classes === null ? null : typeof classes[0] === 'number' ? 'number' : 'string',
      bytes,
    };
    return this.scanned;
  }

  /** One pass over the file, batch by batch (each call opens it afresh). */
  async *[Symbol.asyncIterator](): AsyncGenerator<CsvBatch, void, undefined> {
    let labels = this.o.labels;
    if (labels === 'auto') labels = (await this.scan()).labels ?? 'string';
    const pass = new CsvPass(this.path, { ...this.o, labels }, this.stats);
    try {
      for (;;) {
        const b = await pass.next();
        if (!b) return;
        yield b;
      }
    } finally {
      await pass.close();
    }
  }
}

/** A streaming reader of a CSV file (plain or gzip): see CsvStream. */
export function readCsvStream(path: string, options: CsvStreamOptions = {}): CsvStream {
  return new CsvStream(path, options);
}
