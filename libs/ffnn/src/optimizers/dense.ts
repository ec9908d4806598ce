/**
 * The few BLAS/LAPACK routines scipy's L-BFGS-B calls, on column-major matrices (element (i, j)
 * of a matrix with leading dimension ld at a[off + i + ld * j]), as small loops. The libraries
 * scipy links (OpenBLAS) may sum in another order: the results agree to the last bits, not always
 * in them.
 */

/** ddot: sum of x[xo + i] * y[yo + i], i < n, in order. */
export function ddot(n: number, x: ArrayLike<number>, xo: number, y: ArrayLike<number>, yo: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[xo + i] * y[yo + i];
  return s;
}

/**
 * dnrm2: the 2-norm, correctly rounded in practice. OpenBLAS's x86-64 kernel accumulates the
 * squares in 80-bit x87 registers; the squares and their sum are carried here in double-double
 * (Dekker's product, Knuth's sum) and the square root is corrected once (Newton).
 */
export function dnrm2(n: number, x: ArrayLike<number>, xo = 0): number {
  let hi = 0;
  let lo = 0;
  let big = 0;
  for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(x[xo + i]));
  // zero, non-finite, or so far from 1 that scaling would leave the double range: the plain sum
  if (!(big > 1e-290 && big < 1e290)) return Math.sqrt(ddot(n, x, xo, x, xo));
  // scale by a power of two (exact) so the squares neither overflow nor underflow
  const scale = 2 ** -Math.round(Math.log2(big));
  for (let i = 0; i < n; i++) {
    const v = x[xo + i] * scale;
    const [p, e] = twoProduct(v, v);
    const s = hi + p;
    const bb = s - hi;
    const err = hi - (s - bb) + (p - bb);
    hi = s;
    lo += err + e;
  }
  const sum = hi + lo;
  const loSum = lo - (sum - hi);
  let r = Math.sqrt(sum);
  // one Newton step on r^2 = sum + loSum, with r^2 computed exactly
  const [r2, r2e] = twoProduct(r, r);
  r += (sum - r2 - r2e + loSum) / (2 * r);
  return r / scale;
}

const SPLIT = 134217729; // 2^27 + 1

/** Dekker: a * b = p + e exactly (no FMA needed). */
function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const ca = SPLIT * a;
  const ah = ca - (ca - a);
  const al = a - ah;
  const cb = SPLIT * b;
  const bh = cb - (cb - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

/**
 * dpotrf ('U'): Cholesky A = U'U of the n x n leading block at a[off], upper triangle, in place,
 * as OpenBLAS's unblocked potf2 (row j scaled by the reciprocal of its pivot). Returns 0, or the
 * 1-based order of the first non-positive pivot (LAPACK's info).
 */
export function dpotrfUpper(n: number, a: Float64Array, off: number, ld: number): number {
  for (let j = 0; j < n; j++) {
    const cj = off + ld * j;
    const ajj = a[cj + j] - ddot(j, a, cj, a, cj);
    if (!(ajj > 0)) {
      a[cj + j] = ajj;
      return j + 1;
    }
    const d = Math.sqrt(ajj);
    a[cj + j] = d;
    const inv = 1.0 / d;
    for (let k = j + 1; k < n; k++) {
      const ck = off + ld * k;
      a[ck + j] = (a[ck + j] - ddot(j, a, cj, a, ck)) * inv;
    }
  }
  return 0;
}

/**
 * dtrtrs ('U', trans, 'N'): solves U x = b (trans false) or U' x = b (trans true) for each of
 * nrhs columns of b (at b[bo], leading dimension ldb), in place. Returns 0, or the 1-based index
 * of a zero diagonal element (singular U; nothing is solved), as LAPACK.
 */
export function dtrtrsUpper(
  trans: boolean,
  n: number,
  nrhs: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
): number {
  for (let i = 0; i < n; i++) if (a[ao + i + lda * i] === 0) return i + 1;
  for (let c = 0; c < nrhs; c++) {
    const x = bo + ldb * c;
    if (trans) {
      // forward substitution with U': x_i = (b_i - sum_{k<i} U_ki x_k) / U_ii
      for (let i = 0; i < n; i++) {
        let s = b[x + i];
        for (let k = 0; k < i; k++) s -= a[ao + k + lda * i] * b[x + k];
        b[x + i] = s / a[ao + i + lda * i];
      }
    } else {
      // back substitution: x_i = (b_i - sum_{k>i} U_ik x_k) / U_ii
      for (let i = n - 1; i >= 0; i--) {
        let s = b[x + i];
        for (let k = i + 1; k < n; k++) s -= a[ao + i + lda * k] * b[x + k];
        b[x + i] = s / a[ao + i + lda * i];
      }
    }
  }
  return 0;
}
