/**
 * A small CSV reader for tabular training data: a header row, numeric feature columns and one
 * label column (named by `labelColumn`, default "label"). Fields may be double-quoted ("" is a
 * quote inside quotes); separators are commas; spaces and tabs around a cell are padding. Feature
 * cells are plain decimal numbers only (parseDecimal: no hex, Infinity, NaN or empty cells); labels
 * follow the rule of readLabels. Every bad value is reported with the file, the 1-based line and
 * the column (name and 1-based number), so a user can jump straight to it.
 */

import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { describeValue, FfnnError } from '../errors.ts';
import { statRegularFile } from '../io/read-file.ts';
import { DECIMAL_HINT, parseDecimal } from './decimal.ts';

/** A parsed CSV: the feature matrix, the labels (or targets) and the header's column names. */
export interface CsvDataset {
  /** rows x cols, row-major. */
  X: Float64Array;
  /**
   * Labels: numbers when EVERY label is a canonical integer ("0", "7", "-12"; no leading zero,
   * sign "+", decimal point or exponent) within the safe-integer range, else the exact strings of
   * the file ("01" and "1" are two classes; "1.0" makes all labels strings). Null without a label column.
   */
  y: number[] | string[] | null;
  rows: number;
  cols: number;
  /** Names of the feature columns, in order. */
  featureNames: string[];
  /** The label column's name, or null when the file has none (allowed only with requireLabel false). */
  labelColumn: string | null;
}

/** How parseCsv reads a CSV text: the label column, whether it is required, the name used in messages. */
export interface CsvOptions {
  /** Name of the label column (default "label"). */
  labelColumn?: string;
  /** When false, a file without the label column is read as features only (for predict). Default true. */
  requireLabel?: boolean;
  /** Name used in error messages (default "CSV"). */
  file?: string;
}

/** A data line's fields, refused unless it has as many as the header (the in-memory and the streaming reader share it). */
export function splitRow(line: string, header: readonly string[], file: string, lineNo: number): string[] {
  const fields = splitLine(line, file, lineNo);
  if (fields.length !== header.length) {
    throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: expected ${header.length} fields (as in the header), got ${fields.length}`, {
      file,
      line: lineNo,
      expected: header.length,
      got: fields.length,
    });
  }
  return fields;
}

/** Splits one CSV line into fields; throws on an unterminated quote. */
export function splitLine(line: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0)
          throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: unterminated quoted field in column ${out.length + 1}`, {
            file,
            line: lineNo,
            column: out.length + 1,
          });
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i >= line.length) return out;
      if (line[i] !== ',')
        throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: unexpected text after the closing quote in column ${out.length}`, {
          file,
          line: lineNo,
          column: out.length,
        });
      i++;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

/** Strips the spaces and tabs that pad a cell ("1, 2"); no other character is dropped. */
export function unpad(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** A label read as a number: 0 or an integer without a leading zero, plus sign or "-0". */
export const CANONICAL_INT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * The label rule: labels are numbers only when EVERY label is written as a canonical integer
 * (CANONICAL_INT) that is a safe integer; otherwise all of them stay the exact strings of the
 * file. So "01" and "1" stay two classes, one "1.0" makes every label a string, and a 20-digit
 * ID keeps its digits (as a number it would round onto a neighbour, a label not in the file).
 */
export function readLabels(labels: string[]): number[] | string[] {
  for (const s of labels) if (!CANONICAL_INT.test(s) || !Number.isSafeInteger(Number(s))) return labels;
  return labels.map(Number);
}

/** A Float64Array that grows by doubling: no number[] of every cell before the final copy. */
class Values {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** Parses CSV text (see the module comment; labels follow the rule of readLabels). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  return parseLines((visit) => lines.forEach((line) => visit(line)), options);
}

/**
 * Parses the lines that `forEachLine` passes to its visitor in file order (the i-th call is line i
 * of the file). A callback rather than an iterator: a generator costs a second per 3M lines.
 */
function parseLines(forEachLine: (visit: (line: string) => void) => void, options: CsvOptions): CsvDataset {
  const file = options.file ?? 'CSV';
  const labelName = options.labelColumn ?? 'label';
  const requireLabel = options.requireLabel ?? true;
  let header: string[] | null = null;
  let labelIdx = -1;
  let featureIdx: number[] = [];
  const values = new Values();
  const labels: string[] = [];
  let rows = 0;
  let lineNo = 0;
  forEachLine((line) => {
    lineNo++;
    if (line.trim() === '') return;
    if (header === null) {
      header = readHeader(line, file, lineNo);
      ({ labelIdx, featureIdx } = headerColumns(header, labelName, requireLabel, file));
      return;
    }
    const fields = splitRow(line, header, file, lineNo);
    for (const j of featureIdx) {
      const v = parseDecimal(unpad(fields[j]));
      if (v === null) throw badCell(file, lineNo, j, header[j], fields[j]);
      values.push(v);
    }
    if (labelIdx >= 0) {
      const raw = unpad(fields[labelIdx]);
      if (raw === '')
        throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: column ${labelIdx + 1} ("${labelName}"): the label is empty`, {
          file,
          line: lineNo,
          column: labelIdx + 1,
        });
      labels.push(raw);
    }
    rows++;
  });
  if (header === null) throw new FfnnError('EMPTY_DATA', `${file}: the file is empty (expected a header row)`, { file });
  if (rows === 0) throw new FfnnError('EMPTY_DATA', `${file}: a header row but no data rows`, { file });
  return {
    X: values.data.slice(0, values.length),
    y: labelIdx >= 0 ? readLabels(labels) : null,
    rows,
    cols: featureIdx.length,
    featureNames: featureIdx.map((j) => header![j]),
    labelColumn: labelIdx >= 0 ? labelName : null,
  };
}

/** The label column's index (-1 without one) and the feature columns' indices of a header. */
export function headerColumns(header: readonly string[], labelName: string, requireLabel: boolean, file: string): { labelIdx: number; featureIdx: number[] } {
  const labelIdx = header.indexOf(labelName);
  if (labelIdx < 0 && requireLabel) {
    throw new FfnnError(
      'INVALID_DATA',
      `${file}: no label column "${labelName}" in the header (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''}); name it with --label-column`,
      {
        file,
        param: 'labelColumn',
      },
    );
  }
  const featureIdx = header.map((_, j) => j).filter((j) => j !== labelIdx);
  if (featureIdx.length === 0) throw new FfnnError('INVALID_DATA', `${file}: no feature columns besides the label column "${labelName}"`, { file });
  return { labelIdx, featureIdx };
}

export function readHeader(line: string, file: string, lineNo: number): string[] {
  const header = splitLine(line, file, lineNo).map(unpad);
  const seen = new Set<string>();
  header.forEach((h, j) => {
    if (h === '')
      throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: column ${j + 1} has an empty name in the header row`, { file, line: lineNo, column: j + 1 });
    if (seen.has(h))
      throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: column name "${h}" appears twice in the header row`, { file, line: lineNo, column: j + 1 });
    seen.add(h);
  });
  return header;
}

export function badCell(file: string, line: number, j: number, name: string, raw: string): FfnnError {
  // a cell that JavaScript's Number() reads as a finite number ("0x10", "0b11") gets the rule
  // spelled out; "Infinity" and "NaN" need no explanation, "1e999" is out of range
  const text = unpad(raw);
  const v = Number(text);
  let why = '';
  if (text !== '' && Number.isFinite(v)) why = `; only ${DECIMAL_HINT} is read`;
  else if (Math.abs(v) === Infinity && !text.includes('Infinity')) why = ' (too large for a double)';
  return new FfnnError('INVALID_DATA', `${file}:${line}: column ${j + 1} ("${name}"): expected a finite number, got ${JSON.stringify(raw)}${why}`, {
    file,
    line,
    column: j + 1,
    columnName: name,
    got: raw,
  });
}

/** Files larger than this are refused before reading (override with readCsvFile's maxBytes). */
export const MAX_CSV_BYTES = 1024 ** 3;

/** readCsvFile's options: parseCsv's, plus the largest file size read. */
export interface CsvFileOptions extends Omit<CsvOptions, 'file'> {
  /** The largest file read, in bytes (default MAX_CSV_BYTES, 1 GiB). */
  maxBytes?: number;
}

const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * The file's lines, decoded a chunk at a time: the text is never one string (V8 caps a string
 * at 2^29 - 24 characters, about 512 MiB) and never one buffer (readFileSync stops at 2 GiB).
 * Chunks are cut after a newline byte, which never occurs inside a UTF-8 sequence.
 */
function forEachFileLine(fd: number, path: string, maxBytes: number, visit: (line: string) => void): void {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let carry: Buffer = Buffer.alloc(0);
  let total = 0;
  let first = true;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
    total += n;
    // the file may have grown since it was measured
    if (total > maxBytes) throw sizeError(path, total, maxBytes);
    const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
    const cut = n === 0 ? data.length : data.lastIndexOf(0x0a) + 1;
    let text = data.toString('utf8', 0, cut);
    if (first && cut > 0) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const lines = text.split(/\r?\n/);
    if (n > 0) lines.pop(); // the empty string after the chunk's last newline
    for (const line of lines) visit(line);
    if (n === 0) return;
    carry = Buffer.from(data.subarray(cut));
  }
}

const fmtBytes = (n: number) => `${n.toLocaleString('en-US')} bytes${n >= 1024 ** 2 ? ` (${(n / 1024 ** 2).toFixed(1)} MiB)` : ''}`;

export function sizeError(path: string, size: number, maxBytes: number): FfnnError {
  return new FfnnError(
    'SIZE_LIMIT',
    `${path}: the file is ${fmtBytes(size)}, more than the limit of ${fmtBytes(maxBytes)} for a CSV file; raise it with the maxBytes option`,
    {
      file: path,
      limit: maxBytes,
      got: size,
    },
  );
}

/**
 * Reads and parses a CSV file (labels as in parseCsv). A missing or unreadable file is an IO_ERROR
 * naming the path, and so is a directory, FIFO or device: a FIFO would block the reader forever and
 * a device may never end. A file over maxBytes is a SIZE_LIMIT error, found before reading.
 */
export function readCsvFile(path: string, options: CsvFileOptions = {}): CsvDataset {
  const maxBytes = options.maxBytes ?? MAX_CSV_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) {
    throw new FfnnError('INVALID_PARAM', `maxBytes: expected a whole number of bytes >= 1, got ${describeValue(maxBytes)}`, { param: 'maxBytes' });
  }
  const st = statRegularFile(path, path, 'CSV file');
  if (st.size > maxBytes) throw sizeError(path, st.size, maxBytes);
  const { maxBytes: _, ...csvOptions } = options;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new FfnnError('IO_ERROR', `${path}: cannot read (${(err as Error).message})`, { file: path });
  }
  try {
    return parseLines((visit) => forEachFileLine(fd, path, maxBytes, visit), { ...csvOptions, file: path });
  } catch (err) {
    if (err instanceof FfnnError) throw err;
    throw new FfnnError('IO_ERROR', `${path}: cannot read (${(err as Error).message})`, { file: path });
  } finally {
    closeSync(fd);
  }
}

/** Writes rows as CSV text (header first); strings holding a comma or quote are quoted. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `${[header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n')}\n`;
}
