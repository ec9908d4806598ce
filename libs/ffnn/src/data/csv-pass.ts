/**
 * One pass of the streaming CSV reader (csv-stream.ts) over a file: the chunk buffer, the parser's
 * place in it, and the batch being filled. Rows are parsed from the bytes (fastRow); a line the
 * byte parser does not accept goes through csv.ts's own rules (slowRow), which read it or throw
 * csv.ts's error for it.
 */
import { Buffer } from 'node:buffer';
import type { DType } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import type { Matrix } from '../matrix.ts';
import { type ByteSource, openByteSource } from './byte-source.ts';
import { badCell, CANONICAL_INT, headerColumns, readHeader, splitRow, unpad } from './csv.ts';
import { parseDecimal } from './decimal.ts';

/** Options of readCsvStream: the same label and number rules as readCsvFile, plus batch and chunk sizes. */
export interface CsvStreamOptions {
  /** Name of the label column (default "label"). */
  labelColumn?: string;
  /** When false, a file without the label column is read as features only (y is null). Default true. */
  requireLabel?: boolean;
  /**
   * How labels come out: 'number' (a Float64Array; every label must be a canonical integer),
   * 'string' (the file's text), or 'auto' (default): csv.ts's rule, numbers only when every label
   * of the file is a canonical integer, decided by scan() before the first batch.
   */
  labels?: 'auto' | 'number' | 'string';
  /** Rows per batch (default 1000; the last batch of a pass may be shorter). */
  batchRows?: number;
  /** Bytes read from the file at a time (default 4 MiB). */
  chunkBytes?: number;
  /** The features' type (default 'float64'). */
  dtype?: DType;
  /** The longest line accepted, in bytes (default 64 MiB): a file with no newline is not read whole. */
  maxLineBytes?: number;
}

/** One batch of a CSV stream: features, labels and the file lines they came from. */
export interface CsvBatch {
  /** rows x (feature columns), row-major; a fresh array per batch. */
  X: Matrix;
  /** The labels of the rows (numbers or strings, see `labels`), or null without a label column. */
  y: Float64Array | string[] | null;
  /** The file lines of the batch's first and last rows (1-based). */
  firstLine: number;
  lastLine: number;
}

/** The reader's high-water marks, for tests and benchmarks: what bounds its memory. */
export interface CsvStreamStats {
  /** The largest the chunk buffer grew, in bytes (chunkBytes unless one line was longer). */
  bufferBytes: number;
  /** The most rows held before a batch went out. */
  batchRows: number;
  /** Bytes read from the file (after decompression) in the last pass. */
  bytesRead: number;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

export type PassOptions = Required<Omit<CsvStreamOptions, 'labels'>> & { labels: 'number' | 'string' };

/** One pass over the file: the chunk buffer, the parser's place in it, the batch being filled. */
export class CsvPass {
  private src: ByteSource | null = null;
  private buf: Buffer;
  /** Bytes [start, end) of buf are read and not yet parsed; eof: the file has no more. */
  private start = 0;
  private end = 0;
  private eof = false;
  private lineNo = 0;
  private first = true;
  private header: string[] | null = null;
  private labelIdx = -1;
  private featureIdx: number[] = [];
  private nFeatures = 0;
  private isFeature: Uint8Array = new Uint8Array(0);
  // the batch being filled
  private X: Float64Array | Float32Array | null = null;
  private yNum: Float64Array | null = null;
  private yStr: string[] = [];
  private rows = 0;
  private firstLine = 0;
  // the label the fast path found on the current line
  private labelNum = 0;
  private labelA = 0;
  private labelB = 0;
  fileBytes = 0;

  constructor(
    private readonly file: string,
    private readonly o: PassOptions,
    private readonly stats: CsvStreamStats,
  ) {
    this.buf = Buffer.allocUnsafe(o.chunkBytes);
    stats.bufferBytes = Math.max(stats.bufferBytes, this.buf.length);
    stats.bytesRead = 0;
  }

  describe(): { featureNames: string[]; labelColumn: string | null } {
    return { featureNames: this.featureIdx.map((j) => this.header![j]), labelColumn: this.labelIdx >= 0 ? this.o.labelColumn : null };
  }

  async close(): Promise<void> {
    await this.src?.close();
    this.src = null;
  }

  /** The next batch, or null at the end of the file. */
  async next(): Promise<CsvBatch | null> {
    if (!this.src) {
      if (this.eof) return null;
      this.src = await openByteSource(this.file, 'CSV file', Math.min(this.o.chunkBytes, 1 << 20));
      this.fileBytes = this.src.size;
    }
    for (;;) {
      this.parseAvailable();
      if (this.rows === this.o.batchRows) return this.takeBatch();
      if (this.eof) {
        if (this.header === null) throw new FfnnError('EMPTY_DATA', `${this.file}: the file is empty (expected a header row)`, { file: this.file });
        if (this.rows > 0) return this.takeBatch();
        await this.close();
        if (this.noRowsYet) throw new FfnnError('EMPTY_DATA', `${this.file}: a header row but no data rows`, { file: this.file });
        return null;
      }
      await this.fill();
    }
  }

  private noRowsYet = true;

  /** Moves the unparsed tail to the front and reads more after it (growing the buffer for a long line). */
  private async fill(): Promise<void> {
    const tail = this.end - this.start;
    if (tail > 0 && this.start > 0) this.buf.copy(this.buf, 0, this.start, this.end);
    this.start = 0;
    this.end = tail;
    if (this.end === this.buf.length) {
      // one line fills the buffer: grow it (bounded by maxLineBytes)
      if (this.buf.length >= this.o.maxLineBytes) {
        throw new FfnnError(
          'SIZE_LIMIT',
          `${this.file}:${this.lineNo + 1}: a line longer than ${this.o.maxLineBytes} bytes (maxLineBytes); is this a CSV file?`,
          {
            file: this.file,
            line: this.lineNo + 1,
            limit: this.o.maxLineBytes,
          },
        );
      }
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.o.maxLineBytes));
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
      this.stats.bufferBytes = Math.max(this.stats.bufferBytes, this.buf.length);
    }
    const n = await this.src!.read(this.buf, this.end, this.buf.length - this.end);
    this.stats.bytesRead += n;
    if (n === 0) this.eof = true;
    this.end += n;
    if (this.first && this.end >= 3) {
      // a UTF-8 byte order mark at the start of the file is not part of the header
      if (this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.start = 3;
      this.first = false;
    } else if (this.first && this.eof) this.first = false;
  }

  private takeBatch(): CsvBatch {
    const rows = this.rows;
    const cols = this.nFeatures;
    const X = this.X!.length === rows * cols ? this.X! : this.X!.slice(0, rows * cols);
    let y: Float64Array | string[] | null = null;
    if (this.labelIdx >= 0) y = this.o.labels === 'number' ? (this.yNum!.length === rows ? this.yNum! : this.yNum!.slice(0, rows)) : this.yStr;
    const batch: CsvBatch = { X: { rows, cols, data: X }, y, firstLine: this.firstLine, lastLine: this.lineNo };
    this.stats.batchRows = Math.max(this.stats.batchRows, rows);
    // fresh arrays for the next batch: the consumer may keep this one
    this.X = null;
    this.yNum = null;
    this.yStr = [];
    this.rows = 0;
    return batch;
  }

  private startBatch(): void {
    const n = this.o.batchRows;
    this.X = this.o.dtype === 'float32' ? new Float32Array(n * this.nFeatures) : new Float64Array(n * this.nFeatures);
    if (this.labelIdx >= 0 && this.o.labels === 'number') this.yNum = new Float64Array(n);
  }

  /** Parses the complete lines in the buffer until the batch is full. */
  private parseAvailable(): void {
    const b = this.buf;
    while (this.rows < this.o.batchRows) {
      const start = this.start;
      if (start >= this.end) return;
      let nl = b.indexOf(10, start);
      if (nl < 0 || nl >= this.end) {
        if (!this.eof) return;
        nl = this.end; // the last line, without a newline
      }
      this.lineNo++;
      const newline = nl < this.end;
      this.start = newline ? nl + 1 : nl;
      // the line's text ends before "\r\n" or "\n" (a "\r" without a "\n" after it stays, as in csv.ts)
      const stop = newline && nl > start && b[nl - 1] === 13 ? nl - 1 : nl;
      if (this.header === null) {
        this.readHeaderLine(b.toString('utf8', start, stop));
        continue;
      }
      if (start === nl) continue; // an empty line (csv.ts skips lines that trim to '')
      if (this.X === null) this.startBatch();
      if (this.fastRow(b, start, stop, this.rows * this.nFeatures)) this.addLabelFast(b);
      else if (!this.slowRow(b.toString('utf8', start, stop))) continue;
      if (this.rows === 0) this.firstLine = this.lineNo;
      this.rows++;
      this.noRowsYet = false;
    }
  }

  private readHeaderLine(line: string): void {
    if (line.trim() === '') return;
    this.header = readHeader(line, this.file, this.lineNo);
    ({ labelIdx: this.labelIdx, featureIdx: this.featureIdx } = headerColumns(this.header, this.o.labelColumn, this.o.requireLabel, this.file));
    this.nFeatures = this.featureIdx.length;
    this.isFeature = new Uint8Array(this.header.length).fill(1);
    if (this.labelIdx >= 0) this.isFeature[this.labelIdx] = 0;
  }

  private addLabelFast(b: Buffer): void {
    if (this.labelIdx < 0) return;
    if (this.o.labels === 'number') this.yNum![this.rows] = this.labelNum;
    else {
      let ascii = true;
      for (let i = this.labelA; i < this.labelB; i++) if (b[i] > 127) ascii = false;
      this.yStr.push(b.toString(ascii ? 'latin1' : 'utf8', this.labelA, this.labelB));
    }
  }

  /**
   * Parses the row in bytes [p, stop) into X at `at` when every cell is a plain unquoted decimal
   * (with space or tab padding) and the field count is the header's; false hands the line to
   * slowRow, which reads it or throws csv.ts's error for it. Nothing of X is trusted after false.
   */
  private fastRow(b: Buffer, p: number, stop: number, at: number): boolean {
    const X = this.X!;
    const ncols = this.header!.length;
    const isFeature = this.isFeature;
    const numberLabels = this.o.labels === 'number';
    for (let j = 0; j < ncols; j++) {
      let c = b[p];
      while ((c === 32 || c === 9) && p < stop) c = b[++p];
      if (p >= stop) return false;
      if (!isFeature[j]) {
        // the label: up to the next comma, padding stripped; quotes and empty labels go the slow way
        const a = p;
        while (p < stop && b[p] !== 44) {
          if (b[p] === 34) return false;
          p++;
        }
        let e = p;
        while (e > a && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
        if (e === a) return false;
        if (numberLabels) {
          // canonical integers only: "0", or an optional minus and digits without a leading zero
          let i = a;
          const neg = b[i] === 45;
          if (neg) i++;
          if (i === e || (b[i] === 48 && (e - i > 1 || neg))) return false;
          let v = 0;
          for (; i < e; i++) {
            const d = b[i] - 48;
            if (d < 0 || d > 9) return false;
            v = v * 10 + d;
          }
          if (!Number.isSafeInteger(v)) return false;
          this.labelNum = neg ? -v : v;
        } else {
          this.labelA = a;
          this.labelB = e;
        }
      } else {
        const s = p;
        let neg = false;
        if (c === 45) {
          neg = true;
          c = b[++p];
        } else if (c === 43) c = b[++p];
        let m = 0;
        let nd = 0; // significant digits (after leading zeros)
        let digits = 0;
        let scale = 0;
        let d = c - 48;
        while (d >= 0 && d <= 9 && p < stop) {
          if (m !== 0 || d !== 0) {
            m = m * 10 + d;
            nd++;
          }
          digits++;
          d = b[++p] - 48;
        }
        if (b[p] === 46 && p < stop) {
          d = b[++p] - 48;
          while (d >= 0 && d <= 9 && p < stop) {
            if (m !== 0 || d !== 0) {
              m = m * 10 + d;
              nd++;
            }
            digits++;
            scale++;
            d = b[++p] - 48;
          }
        }
        if (digits === 0) return false;
        let ex = 0;
        c = b[p];
        if ((c === 101 || c === 69) && p < stop) {
          c = b[++p];
          let eneg = false;
          if (c === 45) {
            eneg = true;
            c = b[++p];
          } else if (c === 43) c = b[++p];
          d = c - 48;
          let edigits = 0;
          while (d >= 0 && d <= 9 && p < stop) {
            if (ex < 100000) ex = ex * 10 + d;
            edigits++;
            d = b[++p] - 48;
          }
          if (edigits === 0) return false;
          if (eneg) ex = -ex;
        }
        const e10 = ex - scale;
        let v: number;
        if (nd <= 15 && e10 >= -22 && e10 <= 22) {
          v = e10 < 0 ? m / POW10[-e10] : m * POW10[e10];
          if (neg) v = -v;
        } else if (m === 0) v = neg ? -0 : 0;
        else {
          v = Number(b.toString('latin1', s, p));
          if (!Number.isFinite(v)) return false; // "1e999": csv.ts's message says why
        }
        X[at++] = v;
        c = b[p];
        while ((c === 32 || c === 9) && p < stop) c = b[++p];
      }
      // after the cell: a comma, or the end of the line after the last cell
      if (j < ncols - 1) {
        if (p >= stop || b[p] !== 44) return false;
        p++;
      } else if (p !== stop) return false;
    }
    return true;
  }

  /** csv.ts's line rules for a line the fast path did not take; false for a blank line. */
  private slowRow(line: string): boolean {
    if (line.trim() === '') return false;
    const file = this.file;
    const lineNo = this.lineNo;
    const header = this.header!;
    const fields = splitRow(line, header, file, lineNo);
    let at = this.rows * this.nFeatures;
    const X = this.X!;
    for (const j of this.featureIdx) {
      const v = parseDecimal(unpad(fields[j]));
      if (v === null) throw badCell(file, lineNo, j, header[j], fields[j]);
      X[at++] = v;
    }
    const li = this.labelIdx;
    if (li >= 0) {
      const raw = unpad(fields[li]);
      if (raw === '')
        throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: column ${li + 1} ("${this.o.labelColumn}"): the label is empty`, {
          file,
          line: lineNo,
          column: li + 1,
        });
      if (this.o.labels === 'number') {
        if (!CANONICAL_INT.test(raw) || !Number.isSafeInteger(Number(raw))) {
          throw new FfnnError(
            'INVALID_DATA',
            `${file}:${lineNo}: column ${li + 1} ("${this.o.labelColumn}"): expected an integer label (labels: 'number'), got ${JSON.stringify(raw)}; read labels as strings with labels: 'string' or 'auto'`,
            { file, line: lineNo, column: li + 1, got: raw },
          );
        }
        this.yNum![this.rows] = Number(raw);
      } else this.yStr.push(raw);
    }
    return true;
  }
}
