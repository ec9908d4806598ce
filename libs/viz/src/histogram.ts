/** Histograms and summary statistics over flat arrays of numbers (weights, gradients). */

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: number[];
  counts: number[];
  n: number;
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** Concatenates several arrays' values (e.g. every layer) into one list for one histogram. */
export function concatValues(arrays: readonly ArrayLike<number>[]): Float64Array {
  const n = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[o++] = a[i];
  return out;
}

/**
 * Equal-width bins over [min, max] of the finite values (or over `range`); values outside a given
 * range go to the first or last bin. A constant array gets one bin of width 1 centred on the value
 * spread over `bins` bins, so a chart still shows something (e.g. zero-initialised weights).
 */
export function histogram(values: ArrayLike<number>, opts: { bins?: number; range?: [number, number] } = {}): Histogram {
  const bins = Math.max(1, Math.floor(opts.bins ?? 30));
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  const mean = n ? sum / n : NaN;
  let sq = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) sq += (values[i] - mean) ** 2;
  const std = n ? Math.sqrt(sq / n) : NaN;
  let [lo, hi] = opts.range ?? [min, max];
  if (!n && !opts.range) [lo, hi] = [0, 1];
  if (hi <= lo) {
    const half = lo === 0 ? 0.5 : Math.abs(lo) * 0.5;
    lo -= half;
    hi += half;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + k * width);
  edges[bins] = hi;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let k = Math.floor((v - lo) / width);
    if (k < 0) k = 0;
    if (k >= bins) k = bins - 1;
    counts[k]++;
  }
  return { edges, counts, n, min: n ? min : NaN, max: n ? max : NaN, mean, std };
}
