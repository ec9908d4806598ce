/**
 * `ffnn train --stream`: csv:FILE or idx:DIR read a chunk at a time (the readers of
 * @ffnn/core/node) instead of whole, so a file larger than memory trains in bounded memory. A scan
 * pass first checks every row and finds the classes and the row count (what fitStream and the
 * progress need); then each epoch is one pass over the file, each batch one partialFit call.
 */

import { existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { FfnnError, type Label, type StreamBatch } from '@ffnn/core';
import { findIdxFile, idxDataset, readCsvStream, readIdxDirStream, readIdxFile } from '@ffnn/core/node';
import { mustExist, type SourceSpec, type Table } from './data-source.ts';
import { UsageError } from './flags.ts';

export const STREAM_HELP = `--stream              read csv:FILE or idx:DIR a chunk at a time instead of whole: memory stays
                        at a chunk and a batch whatever the file's size; a first pass checks every
                        row and finds the classes, then each epoch is one pass (batches of 10 x
                        --batch-size rows, each one partialFit call)
  --shuffle-buffer N    with --stream: mix rows through a seeded buffer of N rows (default 0: file order)`;

/** A training source read in batches, with what a scan found. */
export interface StreamedTrain {
  batches: AsyncIterable<StreamBatch>;
  rows: number;
  cols: number;
  name: string;
  featureNames?: string[];
  /** The classes (classification), or null (regression). */
  classes: Label[] | null;
  /** The test table that comes with the source (idx:DIR's t10k files), else null. */
  test: Table | null;
}

/** Flags that need the whole data set in memory are refused with --stream, before anything is read. */
export function checkStreamFlags(flags: Record<string, string | true>, source: SourceSpec): void {
  if (flags.stream !== true) {
    if (flags['shuffle-buffer'] !== undefined) throw new UsageError('--shuffle-buffer: only with --stream (a whole-file fit shuffles every epoch already)');
    return;
  }
  if (source.kind === 'mnist') throw new UsageError('--stream: reads csv:FILE or idx:DIR data; the bundled digits are in memory already');
  for (const [flag, why] of [
    ['validation-split', 'holding rows out needs them in memory; give a held-out file with --test-data'],
    ['history-out', 'the history records whole-file epochs'],
    ['train-size', 'it sizes the bundled digits'],
    ['test-size', 'it sizes the bundled digits'],
  ] as const) {
    if (flags[flag] !== undefined) throw new UsageError(`--${flag}: not with --stream (${why})`);
  }
}

/** Prefixes the flag to a reader's error, as data-source.ts's withFlag does for the whole-file readers. */
export async function withFlagAsync<T>(flag: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof FfnnError && err.code !== 'ABORTED' && !err.message.startsWith('--'))
      throw new FfnnError(err.code, `--${flag}: ${err.message}`, { ...err.details, flag });
    throw err;
  }
}

/**
 * Opens a streamed training source and scans it. Classification: the label column's classes;
 * regression: the target columns split off every batch (all columns read as numbers).
 */
export async function openTrainStream(
  spec: SourceSpec,
  o: { task: 'classification' | 'regression'; labelColumn?: string; targets: readonly string[]; batchRows: number; targetFlag: string },
  flag = 'data',
): Promise<StreamedTrain> {
  return withFlagAsync(flag, async () => {
    mustExist(spec, flag);
    if (spec.kind === 'idx') {
      if (!statSync(spec.path).isDirectory())
        throw new FfnnError('INVALID_DATA', `${spec.path}: training needs a folder in the MNIST layout (train-* and t10k-* files), got a file`, {
          file: spec.path,
        });
      const stream = readIdxDirStream(spec.path, 'train', { batchRows: o.batchRows });
      const scan = await stream.scan();
      const part = (base: string, kind: string) => readIdxFile(findIdxFile(spec.path, base, kind));
      const t = idxDataset(part('t10k-images', 'idx3-ubyte'), part('t10k-labels', 'idx1-ubyte'), `${spec.path} (test)`);
      const test: Table = { X: t.X, y: t.y, rows: t.rows, cols: t.cols, name: `${spec.text} (test)` };
      return { batches: stream, rows: scan.rows, cols: scan.cols, name: `${spec.text} (train)`, classes: scan.classes, test };
    }
    if (o.task === 'classification') {
      const stream = readCsvStream(spec.path, { labelColumn: o.labelColumn, batchRows: o.batchRows });
      const scan = await stream.scan();
      return {
        batches: stream,
        rows: scan.rows,
        cols: scan.featureNames.length,
        name: spec.text,
        featureNames: scan.featureNames,
        classes: scan.classes,
        test: null,
      };
    }
    // a regression: every column is a number; the targets are split off each batch
    const stream = readCsvStream(spec.path, { labelColumn: '', requireLabel: false, batchRows: o.batchRows });
    const scan = await stream.scan();
    const index = new Map(scan.featureNames.map((n, j) => [n, j]));
    const missing = o.targets.filter((t) => !index.has(t));
    if (missing.length) {
      const columns = scan.featureNames.slice(0, 12).join(', ') + (scan.featureNames.length > 12 ? ', ...' : '');
      throw new FfnnError(
        'INVALID_DATA',
        `${spec.path}: no target column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} in the header (columns: ${columns}); name the targets with ${o.targetFlag}`,
        {
          file: spec.path,
          missing,
        },
      );
    }
    const targetIdx = o.targets.map((t) => index.get(t)!);
    const isTarget = new Set(targetIdx);
    const featureIdx = scan.featureNames.map((_, j) => j).filter((j) => !isTarget.has(j));
    if (featureIdx.length === 0)
      throw new FfnnError('INVALID_DATA', `${spec.path}: no feature columns besides the target column${targetIdx.length > 1 ? 's' : ''}`, { file: spec.path });
    const all = scan.featureNames.length;
    const batches: AsyncIterable<StreamBatch> = {
      async *[Symbol.asyncIterator]() {
        for await (const b of stream) {
          const rows = b.X.rows;
          const d = b.X.data;
          const X = new Float64Array(rows * featureIdx.length);
          for (let r = 0; r < rows; r++) for (let j = 0; j < featureIdx.length; j++) X[r * featureIdx.length + j] = d[r * all + featureIdx[j]];
          const y = Array.from({ length: rows }, (_, r) => (targetIdx.length === 1 ? d[r * all + targetIdx[0]] : targetIdx.map((j) => d[r * all + j])));
          yield { X: { rows, cols: featureIdx.length, data: X }, y: y as number[] | number[][] };
        }
      },
    };
    return {
      batches,
      rows: scan.rows,
      cols: featureIdx.length,
      name: spec.text,
      featureNames: featureIdx.map((j) => scan.featureNames[j]),
      classes: null,
      test: null,
    };
  });
}

/**
 * The whole-file readers' size error, told that --stream exists: on the train command a file past
 * --max-data-bytes (or one too large for this machine's memory) can still be trained on.
 */
export function suggestStream(err: unknown): unknown {
  if (err instanceof FfnnError && err.code === 'SIZE_LIMIT' && !err.message.includes('--stream')) {
    const hint = 'train on it with --stream, which reads it a chunk at a time in bounded memory';
    const message = err.message.includes('raise it with --')
      ? err.message.replace(/raise it with (--\S+)/, `raise it with $1, or ${hint}`)
      : `${err.message}; ${hint}`;
    return new FfnnError(err.code, message, err.details);
  }
  return err;
}

/**
 * Read whole, a CSV file becomes 8-byte doubles, and a value takes as little as 2 bytes of text (a
 * digit and a comma): up to 4 bytes of memory per byte of file. When --max-data-bytes lets in a
 * file whose matrix could exceed this machine's memory, it is refused before reading (the process
 * would be killed partway instead), with --stream as the way to train on it.
 */
export const CSV_MEMORY_FACTOR = 4;

export function refuseIfOverMemory(spec: SourceSpec, flag: string, memoryBytes = totalmem()): void {
  if (spec.kind !== 'csv' || !existsSync(spec.path)) return;
  const st = statSync(spec.path);
  if (!st.isFile() || st.size * CSV_MEMORY_FACTOR <= memoryBytes) return;
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
  throw new FfnnError(
    'SIZE_LIMIT',
    `--${flag}: ${spec.path}: the file is ${gib(st.size)}; read whole it may need up to ${gib(st.size * CSV_MEMORY_FACTOR)} (8-byte doubles from as little as 2 bytes of text per value), more than this machine's ${gib(memoryBytes)} of memory; train on it with --stream, which reads it a chunk at a time in bounded memory`,
    { file: spec.path, limit: memoryBytes, got: st.size * CSV_MEMORY_FACTOR, flag },
  );
}
