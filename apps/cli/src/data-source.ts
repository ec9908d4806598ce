/**
 * Data sources shared by train, predict and evaluate, named on the command line as
 *   mnist          the bundled digits (the project's standard seeded 8,000 / 2,000 split)
 *   idx:DIR        a folder in the MNIST layout (train-* and t10k-* files, plain or .gz)
 *   idx:FILE       one IDX images file (features only: predict, not evaluate)
 *   csv:FILE       a CSV file with a header row and a label column (--label-column, default "label")
 * Errors name the flag and the file: a usage error (exit 2) for a malformed source string, an
 * FfnnError (exit 1) for a file that is missing, unreadable or in the wrong format.
 */
import { existsSync, statSync } from 'node:fs';
import { columnOrder, FfnnError, reorderColumns } from '@ffnn/core';
import { type Dataset, idxDataset, loadIdxDir, loadMnist, readCsvFile, readIdxFile } from '@ffnn/core/node';
import { UsageError } from './flags.ts';

/** Class labels, or a regression's targets (a number per row, or a row of numbers per row). */
export type Labels = ArrayLike<number> | string[] | number[][];

/** A table of rows: features and (when the source has them) labels. */
export interface Table {
  X: Float64Array;
  y: Labels | null;
  rows: number;
  cols: number;
  /** Where it came from, for messages: "mnist (test)", "csv:data.csv". */
  name: string;
  /** Column names, when the source has them (a CSV header). */
  featureNames?: string[];
}

export interface SourceSpec {
  kind: 'mnist' | 'idx' | 'csv';
  path: string;
  /** The text the user gave, for messages. */
  text: string;
}

export const SOURCE_HELP = 'mnist | idx:DIR | idx:FILE | csv:FILE';

export function parseSource(text: string, flag = 'data'): SourceSpec {
  if (text === 'mnist') return { kind: 'mnist', path: '', text };
  const m = /^(idx|csv):(.+)$/.exec(text);
  if (!m) throw new UsageError(`--${flag}: expected ${SOURCE_HELP}, got "${text}"`);
  return { kind: m[1] as 'idx' | 'csv', path: m[2], text };
}

export function mustExist(spec: SourceSpec, flag: string): void {
  if (!existsSync(spec.path)) throw new FfnnError('IO_ERROR', `--${flag} ${spec.text}: ${spec.path} does not exist`, { file: spec.path, param: flag });
}

const fromDataset = (d: Dataset, name: string): Table => ({ X: d.X, y: d.y, rows: d.rows, cols: d.cols, name });

/** Adds the flag to an FfnnError's message (the file is already named by the readers). */
export function withFlag<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof FfnnError && !err.message.startsWith('--')) {
      // the library's size limits name its option; on the command line it is a flag
      const message = err.message.replace('the maxBytes option', `--${MAX_BYTES_FLAG}`);
      throw new FfnnError(err.code, `--${flag}: ${message}`, { ...err.details, flag });
    }
    throw err;
  }
}

/** The flag that raises the readers' size limits (a CSV file's size, IDX data after gunzip). */
export const MAX_BYTES_FLAG = 'max-data-bytes';
export const MAX_BYTES_HELP = `--${MAX_BYTES_FLAG} N      largest CSV file, or IDX data after decompression, in bytes (default 1 GiB)`;

export interface TrainSourceOptions {
  /** Raises the readers' size limits (--max-data-bytes). */
  maxBytes?: number;
  trainSize?: number;
  testSize?: number;
  splitSeed?: number;
  labelColumn?: string;
}

/** What train reads: a training table and, when the source has one, a test table. */
export function loadTrainSource(spec: SourceSpec, o: TrainSourceOptions, flag = 'data'): { train: Table; test: Table | null } {
  return withFlag(flag, () => {
    if (spec.kind === 'mnist') {
      const { train, test } = loadMnist({ trainSize: o.trainSize ?? 8000, testSize: o.testSize ?? 2000, seed: o.splitSeed ?? 0 });
      return { train: fromDataset(train, 'mnist (train)'), test: test.rows > 0 ? fromDataset(test, 'mnist (test)') : null };
    }
    mustExist(spec, flag);
    if (spec.kind === 'idx') {
      if (!statSync(spec.path).isDirectory())
        throw new FfnnError('INVALID_DATA', `${spec.path}: training needs a folder in the MNIST layout (train-* and t10k-* files), got a file`, {
          file: spec.path,
        });
      const { train, test } = loadIdxDir(spec.path, { maxBytes: o.maxBytes });
      return { train: fromDataset(train, `${spec.text} (train)`), test: fromDataset(test, `${spec.text} (test)`) };
    }
    const d = readCsvFile(spec.path, { labelColumn: o.labelColumn, maxBytes: o.maxBytes });
    return { train: { X: d.X, y: d.y, rows: d.rows, cols: d.cols, name: spec.text, featureNames: d.featureNames }, test: null };
  });
}

/**
 * What predict and evaluate read: mnist gives the standard test split, idx:DIR its t10k files
 * (or the train files with part 'train'), idx:FILE one images file, csv:FILE the whole file.
 */
export function loadEvalSource(
  spec: SourceSpec,
  o: { labelColumn?: string; needLabels: boolean; part?: 'train' | 'test'; maxBytes?: number },
  flag = 'data',
): Table {
  return withFlag(flag, () => {
    const part = o.part ?? 'test';
    if (spec.kind === 'mnist') {
      const s = loadMnist();
      return fromDataset(s[part], `mnist (${part})`);
    }
    mustExist(spec, flag);
    if (spec.kind === 'idx') {
      if (statSync(spec.path).isDirectory()) {
        const s = loadIdxDir(spec.path, { maxBytes: o.maxBytes });
        return fromDataset(s[part], `${spec.text} (${part})`);
      }
      const images = readIdxFile(spec.path, { maxBytes: o.maxBytes });
      if (images.shape.length < 2)
        throw new FfnnError('INVALID_DATA', `${spec.path}: expected an images file (n x rows x cols), got shape ${images.shape.join(' x ')}`, {
          file: spec.path,
        });
      if (o.needLabels)
        throw new FfnnError('INVALID_DATA', `${spec.path}: a single IDX images file has no labels; give a folder with the labels file (idx:DIR)`, {
          file: spec.path,
        });
      const n = images.shape[0];
      const fake = { shape: [n], data: new Uint8Array(n) };
      const d = idxDataset(images, fake, spec.path);
      return { X: d.X, y: null, rows: d.rows, cols: d.cols, name: spec.text };
    }
    const d = readCsvFile(spec.path, { labelColumn: o.labelColumn, requireLabel: o.needLabels, maxBytes: o.maxBytes });
    return { X: d.X, y: d.y, rows: d.rows, cols: d.cols, name: spec.text, featureNames: d.featureNames };
  });
}

/**
 * Makes a table's columns the ones `expected` describes: by name when both sides have names
 * (reordered columns are put back in order; a missing or unknown column is an error naming it),
 * else by count.
 */
export function alignFeatures(table: Table, expected: { count: number; names: readonly string[] | null }, flag = 'data'): Table {
  if (table.featureNames && expected.names) {
    const order = columnOrder(expected.names, table.featureNames, `--${flag} ${table.name}`);
    if (!order) return table;
    return { ...table, X: reorderColumns(table.X, table.rows, order), cols: order.length, featureNames: [...expected.names] };
  }
  if (table.cols !== expected.count) {
    throw new FfnnError('SHAPE_MISMATCH', `--${flag} ${table.name}: rows have ${table.cols} features, the model expects ${expected.count}`, {
      param: flag,
      expected: expected.count,
      got: table.cols,
    });
  }
  return table;
}

/** Labels as the classifier takes them. */
export function labelsOf(t: Table): number[] | string[] {
  if (!t.y) throw new FfnnError('INVALID_DATA', `${t.name}: no labels`, {});
  return Array.isArray(t.y) ? (t.y as number[] | string[]) : Array.from(t.y as ArrayLike<number>);
}

/** A seeded split of a table's rows: the last `fraction` (after a permutation) becomes validation. */
export function holdOut(t: Table, fraction: number, permutation: (n: number) => ArrayLike<number>): { train: Table; validation: Table } {
  const nVal = Math.round(t.rows * fraction);
  if (nVal < 1 || nVal >= t.rows) {
    throw new UsageError(
      `--validation-split ${fraction}: leaves ${nVal} of ${t.rows} rows for validation; choose a fraction that keeps at least one row on each side`,
    );
  }
  const p = permutation(t.rows);
  const pick = (from: number, to: number): Table => {
    const rows = to - from;
    const X = new Float64Array(rows * t.cols);
    // labels or regression targets (a row of numbers each): moved as they are
    const all: readonly unknown[] | null = t.y ? (Array.isArray(t.y) ? t.y : Array.from(t.y as ArrayLike<number>)) : null;
    const y: unknown[] = [];
    for (let i = 0; i < rows; i++) {
      const r = p[from + i];
      X.set(t.X.subarray(r * t.cols, (r + 1) * t.cols), i * t.cols);
      if (all) y.push(all[r]);
    }
    return { ...t, X, y: all ? (y as Labels) : null, rows };
  };
  return { train: pick(0, t.rows - nVal), validation: pick(t.rows - nVal, t.rows) };
}
