/**
 * A small CSV reader for tabular training data: a header row, numeric feature columns and one
 * label column (named by `labelColumn`, default "label"). Fields may be double-quoted ("" is a
 * quote inside quotes); separators are commas. Every bad value is reported with the file, the
 * 1-based line and the column (name and 1-based number), so a user can jump straight to it.
 */
import { readFileSync } from 'node:fs';
import { FfnnError } from '../errors.ts';

export interface CsvDataset {
  /** rows x cols, row-major. */
  X: Float64Array;
  /** Labels: numbers when every label parses as a finite number, else strings; null without a label column. */
  y: number[] | string[] | null;
  rows: number;
  cols: number;
  /** Names of the feature columns, in order. */
  featureNames: string[];
  /** The label column's name, or null when the file has none (allowed only with requireLabel false). */
  labelColumn: string | null;
}

export interface CsvOptions {
  /** Name of the label column (default "label"). */
  labelColumn?: string;
  /** When false, a file without the label column is read as features only (for predict). Default true. */
  requireLabel?: boolean;
  /** Name used in error messages (default "CSV"). */
  file?: string;
}

/** Splits one CSV line into fields; throws on an unterminated quote. */
function splitLine(line: string, file: string, lineNo: number): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: unterminated quoted field in column ${out.length + 1}`, { file, line: lineNo, column: out.length + 1 });
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
      if (line[i] !== ',') throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: unexpected text after the closing quote in column ${out.length}`, { file, line: lineNo, column: out.length });
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

/** Parses CSV text (see the module comment). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvDataset {
  const file = options.file ?? 'CSV';
  const labelName = options.labelColumn ?? 'label';
  const requireLabel = options.requireLabel ?? true;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) throw new FfnnError('EMPTY_DATA', `${file}: the file is empty (expected a header row)`, { file });
  const header = splitLine(lines[headerAt], file, headerAt + 1).map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((h, j) => {
    if (h === '') throw new FfnnError('INVALID_DATA', `${file}:${headerAt + 1}: column ${j + 1} has an empty name in the header row`, { file, line: headerAt + 1, column: j + 1 });
    if (seen.has(h)) throw new FfnnError('INVALID_DATA', `${file}:${headerAt + 1}: column name "${h}" appears twice in the header row`, { file, line: headerAt + 1, column: j + 1 });
    seen.add(h);
  });
  let labelIdx = header.indexOf(labelName);
  if (labelIdx < 0 && requireLabel) {
    throw new FfnnError('INVALID_DATA', `${file}: no label column "${labelName}" in the header (columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''}); name it with --label-column`, {
      file,
      param: 'labelColumn',
    });
  }
  const featureIdx = header.map((_, j) => j).filter((j) => j !== labelIdx);
  if (featureIdx.length === 0) throw new FfnnError('INVALID_DATA', `${file}: no feature columns besides the label column "${labelName}"`, { file });

  const values: number[] = [];
  const labels: string[] = [];
  let rows = 0;
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const lineNo = i + 1;
    const fields = splitLine(line, file, lineNo);
    if (fields.length !== header.length) {
      throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: expected ${header.length} fields (as in the header), got ${fields.length}`, { file, line: lineNo, expected: header.length, got: fields.length });
    }
    for (const j of featureIdx) {
      const raw = fields[j].trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: column ${j + 1} ("${header[j]}"): expected a finite number, got ${JSON.stringify(fields[j])}`, {
          file,
          line: lineNo,
          column: j + 1,
          columnName: header[j],
        });
      }
      values.push(v);
    }
    if (labelIdx >= 0) {
      const raw = fields[labelIdx].trim();
      if (raw === '') throw new FfnnError('INVALID_DATA', `${file}:${lineNo}: column ${labelIdx + 1} ("${labelName}"): the label is empty`, { file, line: lineNo, column: labelIdx + 1 });
      labels.push(raw);
    }
    rows++;
  }
  if (rows === 0) throw new FfnnError('EMPTY_DATA', `${file}: a header row but no data rows`, { file });
  let y: number[] | string[] | null = null;
  if (labelIdx >= 0) {
    const nums = labels.map(Number);
    y = nums.every((v) => Number.isFinite(v)) ? nums : labels;
  } else labelIdx = -1;
  return {
    X: Float64Array.from(values),
    y,
    rows,
    cols: featureIdx.length,
    featureNames: featureIdx.map((j) => header[j]),
    labelColumn: labelIdx >= 0 ? labelName : null,
  };
}

/** Reads and parses a CSV file; a missing or unreadable file is an IO_ERROR naming the path. */
export function readCsvFile(path: string, options: Omit<CsvOptions, 'file'> = {}): CsvDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FfnnError('IO_ERROR', `${path}: cannot read (${(err as Error).message})`, { file: path });
  }
  return parseCsv(text, { ...options, file: path });
}

/** Writes rows as CSV text (header first); strings holding a comma or quote are quoted. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}
