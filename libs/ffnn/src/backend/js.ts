/**
 * The reference backend: plain TypeScript over typed arrays. It is the readable definition of
 * every kernel; the native backend must agree with it (the contract suite checks that).
 */
import { ACTIVATIONS_BY_CODE } from '../activations.ts';
import type { Backend, FloatArray } from './backend.ts';

/**
 * C (m x n) = alpha * A (m x k) * B (k x n) + C, the i-k-j order: the inner loop walks a row of B
 * and rows of C contiguously. Four rows of C are updated together, so each value of B loaded is
 * used four times (2x the speed of one row at a time under V8 and JSC; every element still adds
 * its terms in the same order). A step whose four A entries are all zero is skipped, which pays
 * off on MNIST's blank borders and on relu outputs (adding 0 changes nothing but a zero's sign).
 */
function gemmNN(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  // blocks: a KC x NC panel of B (~128 KiB in float64) stays in L2 while every row of A passes
  const KC = 128;
  const NC = 256;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(p0 + KC, k);
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const a0 = i * k;
        const c0 = i * n;
        for (let p = p0; p < p1; p++) {
          const s0 = alpha * a[a0 + p];
          const s1 = alpha * a[a0 + k + p];
          const s2 = alpha * a[a0 + 2 * k + p];
          const s3 = alpha * a[a0 + 3 * k + p];
          if (s0 === 0 && s1 === 0 && s2 === 0 && s3 === 0) continue;
          const bRow = p * n;
          for (let j = j0; j < j1; j++) {
            const bv = b[bRow + j];
            c[c0 + j] += s0 * bv;
            c[c0 + n + j] += s1 * bv;
            c[c0 + 2 * n + j] += s2 * bv;
            c[c0 + 3 * n + j] += s3 * bv;
          }
        }
      }
      for (; i < m; i++) {
        const aRow = i * k;
        const cRow = i * n;
        for (let p = p0; p < p1; p++) {
          const aip = a[aRow + p];
          if (aip === 0) continue;
          const s = alpha * aip;
          const bRow = p * n;
          for (let j = j0; j < j1; j++) c[cRow + j] += s * b[bRow + j];
        }
      }
    }
  }
}

/**
 * C (m x n) += alpha * A^T * B, with A stored k x m and B stored k x n: rank-1 updates row by row,
 * four rows of C at a time as in gemmNN (each element still adds its terms in p order).
 */
function gemmTN(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  const NC = 256;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p = 0; p < k; p++) {
      const aRow = p * m;
      const bRow = p * n;
      let i = 0;
      for (; i + 4 <= m; i += 4) {
        const s0 = alpha * a[aRow + i];
        const s1 = alpha * a[aRow + i + 1];
        const s2 = alpha * a[aRow + i + 2];
        const s3 = alpha * a[aRow + i + 3];
        if (s0 === 0 && s1 === 0 && s2 === 0 && s3 === 0) continue;
        const c0 = i * n;
        for (let j = j0; j < j1; j++) {
          const bv = b[bRow + j];
          c[c0 + j] += s0 * bv;
          c[c0 + n + j] += s1 * bv;
          c[c0 + 2 * n + j] += s2 * bv;
          c[c0 + 3 * n + j] += s3 * bv;
        }
      }
      for (; i < m; i++) {
        const api = a[aRow + i];
        if (api === 0) continue;
        const s = alpha * api;
        const cRow = i * n;
        for (let j = j0; j < j1; j++) c[cRow + j] += s * b[bRow + j];
      }
    }
  }
}

/**
 * C (m x n) += alpha * A * B^T, with A stored m x k and B stored n x k: dot products of rows, four
 * columns of C at a time so each value of A loaded serves four dot products (each dot product
 * still sums its terms in p order).
 */
function gemmNT(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    const cRow = i * n;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let p = 0; p < k; p++) {
        const av = a[aRow + p];
        s0 += av * b[b0 + p];
        s1 += av * b[b0 + k + p];
        s2 += av * b[b0 + 2 * k + p];
        s3 += av * b[b0 + 3 * k + p];
      }
      c[cRow + j] += alpha * s0;
      c[cRow + j + 1] += alpha * s1;
      c[cRow + j + 2] += alpha * s2;
      c[cRow + j + 3] += alpha * s3;
    }
    for (; j < n; j++) {
      const bRow = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
      c[cRow + j] += alpha * s;
    }
  }
}

/** C (m x n) += alpha * A^T * B^T, with A stored k x m and B stored n x k (rare: kept simple). */
function gemmTT(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  for (let i = 0; i < m; i++) {
    const cRow = i * n;
    for (let j = 0; j < n; j++) {
      const bRow = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[p * m + i] * b[bRow + p];
      c[cRow + j] += alpha * s;
    }
  }
}

function addRowVector(rows: number, cols: number, x: FloatArray, v: FloatArray): void {
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) x[o + j] += v[j];
  }
}

function columnMeans(rows: number, cols: number, x: FloatArray, divisor: number, out: FloatArray): void {
  out.fill(0, 0, cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[j] += x[o + j];
  }
  for (let j = 0; j < cols; j++) out[j] /= divisor;
}

function subtract(length: number, p: FloatArray, y: FloatArray, out: FloatArray): void {
  for (let i = 0; i < length; i++) out[i] = p[i] - y[i];
}

function finishWeightGradient(length: number, g: FloatArray, w: FloatArray, alpha: number, l1: number, divisor: number): void {
  if (l1 === 0) {
    for (let i = 0; i < length; i++) g[i] = (g[i] + alpha * w[i]) / divisor;
  } else {
    for (let i = 0; i < length; i++) g[i] = (g[i] + alpha * w[i] + l1 * Math.sign(w[i])) / divisor;
  }
}

function sgdStep(length: number, p: FloatArray, g: FloatArray, v: FloatArray, lr: number, momentum: number, nesterov: boolean): void {
  for (let i = 0; i < length; i++) {
    v[i] = momentum * v[i] - lr * g[i];
    p[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
  }
}

function adamStep(
  length: number,
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  lrT: number,
  beta1: number,
  beta2: number,
  epsilon: number,
): void {
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  for (let i = 0; i < length; i++) {
    const gi = g[i];
    m[i] = beta1 * m[i] + oneMinusBeta1 * gi;
    v[i] = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
    p[i] += (-lrT * m[i]) / (Math.sqrt(v[i]) + epsilon);
  }
}

function sumSquares(length: number, x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < length; i++) s += x[i] * x[i];
  return s;
}

function sumAbs(length: number, x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < length; i++) s += Math.abs(x[i]);
  return s;
}

/** The self-contained kernels (no free variables but globals), so they can be specialised. */
const KERNELS = { gemmNN, gemmTN, gemmNT, gemmTT, addRowVector, columnMeans, subtract, finishWeightGradient, sgdStep, adamStep, sumSquares, sumAbs };
type Kernels = typeof KERNELS;

/**
 * A second copy of every kernel for float32. JIT compilers keep type feedback per function
 * source, so one function fed both Float64Array and Float32Array turns polymorphic and runs
 * about 5x slower for whichever dtype came second (measured: 0.42 s vs 2.1 s per MNIST epoch).
 * Compiling the same source again gives each dtype its own monomorphic code. Where code
 * generation is not allowed (a strict Content-Security-Policy), both dtypes share one copy.
 */
function specialize(kernels: Kernels): Kernels {
  try {
    const out: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(kernels)) out[name] = new Function(`return (${fn.toString()});`)();
    return out as Kernels;
  } catch {
    return kernels;
  }
}

const F64: Kernels = KERNELS;
const F32: Kernels = specialize(KERNELS);
const pick = (x: FloatArray): Kernels => (x instanceof Float32Array ? F32 : F64);

/** The pure TypeScript kernels: the reference every other backend is checked against. */
export const jsBackend: Backend = {
  name: 'js',

  gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
    const len = m * n;
    if (beta === 0) c.fill(0, 0, len);
    else if (beta !== 1) for (let i = 0; i < len; i++) c[i] *= beta;
    if (alpha === 0 || k === 0) return;
    const K = pick(c);
    if (!transA && !transB) K.gemmNN(m, n, k, alpha, a, b, c);
    else if (transA && !transB) K.gemmTN(m, n, k, alpha, a, b, c);
    else if (!transA && transB) K.gemmNT(m, n, k, alpha, a, b, c);
    else K.gemmTT(m, n, k, alpha, a, b, c);
  },

  addRowVector(rows, cols, x, v) {
    pick(x).addRowVector(rows, cols, x, v);
  },

  columnMeans(rows, cols, x, divisor, out) {
    pick(out).columnMeans(rows, cols, x, divisor, out);
  },

  activate(activation, rows, cols, x) {
    ACTIVATIONS_BY_CODE[activation].forward(rows, cols, x);
  },

  activationBackward(activation, rows, cols, a, delta) {
    ACTIVATIONS_BY_CODE[activation].backward(rows, cols, a, delta);
  },

  subtract(length, p, y, out) {
    pick(out).subtract(length, p, y, out);
  },

  finishWeightGradient(length, g, w, alpha, l1, divisor) {
    pick(g).finishWeightGradient(length, g, w, alpha, l1, divisor);
  },

  sgdStep(length, p, g, v, lr, momentum, nesterov) {
    pick(p).sgdStep(length, p, g, v, lr, momentum, nesterov);
  },

  adamStep(length, p, g, m, v, lrT, beta1, beta2, epsilon) {
    pick(p).adamStep(length, p, g, m, v, lrT, beta1, beta2, epsilon);
  },

  sumSquares(length, x) {
    return pick(x).sumSquares(length, x);
  },

  sumAbs(length, x) {
    return pick(x).sumAbs(length, x);
  },

  gatherRows(cols, src, indices, start, count, dst) {
    for (let r = 0; r < count; r++) {
      const from = indices[start + r] * cols;
      dst.set(src.subarray(from, from + cols), r * cols);
    }
  },

  linearForward(rows, fanIn, fanOut, a, w, bias, activation, out) {
    jsBackend.gemm(false, false, rows, fanOut, fanIn, 1, a, w, 0, out);
    jsBackend.addRowVector(rows, fanOut, out, bias);
    if (activation !== -1) jsBackend.activate(activation, rows, fanOut, out);
  },

  linearBackward(rows, fanIn, fanOut, delta, w, activation, a, out) {
    jsBackend.gemm(false, true, rows, fanIn, fanOut, 1, delta, w, 0, out);
    if (activation !== -1) jsBackend.activationBackward(activation, rows, fanIn, a, out);
  },

  weightGradient(fanIn, fanOut, rows, a, delta, w, alpha, l1, divisor, out) {
    jsBackend.gemm(true, false, fanIn, fanOut, rows, 1, a, delta, 0, out);
    jsBackend.finishWeightGradient(fanIn * fanOut, out, w, alpha, l1, divisor);
  },
};
