/**
 * Running a fitted network over many rows: in chunks, so the batch buffers stay small, and the
 * held-out evaluation (loss and score in one pass) the training loop does after every epoch.
 */
import type { FloatArray } from '../backend/backend.ts';
import { clipEpsilon, type Loss } from '../losses.ts';
import type { Network } from '../network.ts';

/** Rows processed at once when predicting. */
export const PREDICT_CHUNK = 512;

/** Runs the network over rows of x, calling visit(chunkOutput, firstRow, rows) for each chunk. */
export function forEachChunk(net: Network, x: FloatArray, rows: number, visit: (out: FloatArray, firstRow: number, count: number) => void): void {
  const nIn = net.layerSizes[0];
  const chunk = Math.min(PREDICT_CHUNK, rows);
  net.reserve(chunk);
  for (let start = 0; start < rows; start += chunk) {
    const count = Math.min(chunk, rows - start);
    net.input.set(x.subarray(start * nIn, (start + count) * nIn));
    visit(net.forward(count), start, count);
  }
}

/** The network's outputs for every row of x (rows x nOutputs, float64). */
export function outputs(net: Network, x: FloatArray, rows: number): Float64Array {
  const nOut = net.nOutputs;
  const out = new Float64Array(rows * nOut);
  forEachChunk(net, x, rows, (chunk, first, count) => out.set(chunk.subarray(0, count * nOut), first * nOut));
  return out;
}

/**
 * How an estimator scores outputs against encoded targets (accuracy for a classifier, R² for a
 * regressor): `out` and `y` hold `rows` x nOutputs values; `w`, when given, the rows' sample weights.
 */
export type OutputScorer = (out: FloatArray, y: FloatArray, rows: number, nOutputs: number, w?: ArrayLike<number> | null) => number;

/**
 * Mean data loss (summed per chunk as chunk mean x rows, then divided by all rows) and the score
 * on encoded targets, from one forward pass.
 */
export function evaluate(
  net: Network,
  x: FloatArray,
  y: FloatArray,
  rows: number,
  loss: Loss,
  score: OutputScorer,
  w: ArrayLike<number> | null = null,
): { loss: number; score: number } {
  const nOut = net.nOutputs;
  const eps = clipEpsilon(net.dtype);
  const all = new Float64Array(rows * nOut);
  let lossSum = 0;
  forEachChunk(net, x, rows, (out, first, count) => {
    lossSum += loss.value(count, nOut, out, y.subarray(first * nOut, (first + count) * nOut), eps) * count;
    all.set(out.subarray(0, count * nOut), first * nOut);
  });
  return { loss: lossSum / rows, score: score(all, y, rows, nOut, w) };
}
