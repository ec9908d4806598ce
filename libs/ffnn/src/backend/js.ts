/**
 * The reference backend: plain TypeScript over typed arrays. It is the readable definition of
 * every kernel; the native backend must agree with it (the contract suite checks that).
 */
import { ACTIVATIONS_BY_CODE } from '../activations.ts';
import type { Backend, FloatArray } from './backend.ts';

/** Block sizes for the cache-blocked gemm: a KC x NC panel of B (~128 KiB in float64) stays in L2. */
const KC = 128;
const NC = 256;

/**
 * C (m x n) = alpha * A (m x k) * B (k x n) + C, the i-k-j order: the inner loop walks a row of B
 * and a row of C contiguously. Zero entries of A are skipped, which pays off on MNIST's mostly
 * blank pixels and on relu outputs (adding a*b = 0 changes nothing but the sign of a zero).
 */
function gemmNN(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const p1 = Math.min(p0 + KC, k);
      for (let i = 0; i < m; i++) {
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

/** C (m x n) += alpha * A^T * B, with A stored k x m and B stored k x n: rank-1 updates row by row. */
function gemmTN(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  for (let j0 = 0; j0 < n; j0 += NC) {
    const j1 = Math.min(j0 + NC, n);
    for (let p = 0; p < k; p++) {
      const aRow = p * m;
      const bRow = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[aRow + i];
        if (api === 0) continue;
        const s = alpha * api;
        const cRow = i * n;
        for (let j = j0; j < j1; j++) c[cRow + j] += s * b[bRow + j];
      }
    }
  }
}

/** C (m x n) += alpha * A * B^T, with A stored m x k and B stored n x k: dot products of rows. */
function gemmNT(m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  for (let i = 0; i < m; i++) {
    const aRow = i * k;
    const cRow = i * n;
    for (let j = 0; j < n; j++) {
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

export const jsBackend: Backend = {
  name: 'js',

  gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
    const len = m * n;
    if (beta === 0) c.fill(0, 0, len);
    else if (beta !== 1) for (let i = 0; i < len; i++) c[i] *= beta;
    if (alpha === 0 || k === 0) return;
    if (!transA && !transB) gemmNN(m, n, k, alpha, a, b, c);
    else if (transA && !transB) gemmTN(m, n, k, alpha, a, b, c);
    else if (!transA && transB) gemmNT(m, n, k, alpha, a, b, c);
    else gemmTT(m, n, k, alpha, a, b, c);
  },

  addRowVector(rows, cols, x, v) {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) x[o + j] += v[j];
    }
  },

  columnMeans(rows, cols, x, divisor, out) {
    out.fill(0, 0, cols);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j] += x[o + j];
    }
    for (let j = 0; j < cols; j++) out[j] /= divisor;
  },

  activate(activation, rows, cols, x) {
    ACTIVATIONS_BY_CODE[activation].forward(rows, cols, x);
  },

  activationBackward(activation, rows, cols, a, delta) {
    ACTIVATIONS_BY_CODE[activation].backward(rows, cols, a, delta);
  },

  subtract(length, p, y, out) {
    for (let i = 0; i < length; i++) out[i] = p[i] - y[i];
  },

  finishWeightGradient(length, g, w, alpha, l1, divisor) {
    if (l1 === 0) {
      for (let i = 0; i < length; i++) g[i] = (g[i] + alpha * w[i]) / divisor;
    } else {
      for (let i = 0; i < length; i++) g[i] = (g[i] + alpha * w[i] + l1 * Math.sign(w[i])) / divisor;
    }
  },

  sgdStep(length, p, g, v, lr, momentum, nesterov) {
    for (let i = 0; i < length; i++) {
      v[i] = momentum * v[i] - lr * g[i];
      p[i] += nesterov ? momentum * v[i] - lr * g[i] : v[i];
    }
  },

  adamStep(length, p, g, m, v, lrT, beta1, beta2, epsilon) {
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    for (let i = 0; i < length; i++) {
      const gi = g[i];
      m[i] = beta1 * m[i] + oneMinusBeta1 * gi;
      v[i] = beta2 * v[i] + oneMinusBeta2 * (gi * gi);
      p[i] += (-lrT * m[i]) / (Math.sqrt(v[i]) + epsilon);
    }
  },

  gatherRows(cols, src, indices, start, count, dst) {
    for (let r = 0; r < count; r++) {
      const from = indices[start + r] * cols;
      dst.set(src.subarray(from, from + cols), r * cols);
    }
  },
};
