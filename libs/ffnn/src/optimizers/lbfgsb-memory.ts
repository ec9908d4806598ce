/**
 * L-BFGS-B's limited memory (scipy 1.17 `__lbfgsb.c`: matupd, formt, formk, subsm) for problems
 * without bounds, where every variable is free at every iteration: the last m corrections
 * s = x_{k+1} - x_k and y = g_{k+1} - g_k, the compact representation of the BFGS matrix
 * B = theta I - W M W' (Byrd, Nocedal, Schnabel 1994), and the subspace step that solves with it.
 * Loops over the active set (always empty here) are left out; everything else follows the C code's
 * order of operations. Matrices are column-major, as in the C code.
 */
import { ddot, dpotrfUpper, dtrtrsUpper } from './dense.ts';

export class LbfgsMemory {
  /** s and y vectors: column j of S is ws[j * n .. (j + 1) * n), a ring of m slots from head. */
  readonly ws: Float64Array;
  readonly wy: Float64Array;
  /** S'Y and S'S (m x m, ld m); wt: the Cholesky factor of T = theta S'S + L D^-1 L' (formt). */
  private readonly sy: Float64Array;
  private readonly ss: Float64Array;
  private readonly wt: Float64Array;
  /** formk's matrices (2m x 2m, ld 2m): wn1 keeps Y'Y and S'Y between iterations, wn the factors of K. */
  private readonly wn: Float64Array;
  private readonly wn1: Float64Array;
  /** Corrections held (col), where the oldest sits (head) and the newest (itail), updates so far (iupdat). */
  col = 0;
  head = 0;
  itail = 0;
  iupdat = 0;
  theta = 1.0;
  /** Whether the last iteration updated the memory (updatd: formk must refresh wn). */
  updated = false;

  constructor(
    private readonly n: number,
    private readonly m: number,
  ) {
    this.ws = new Float64Array(m * n);
    this.wy = new Float64Array(m * n);
    this.sy = new Float64Array(m * m);
    this.ss = new Float64Array(m * m);
    this.wt = new Float64Array(m * m);
    this.wn = new Float64Array(4 * m * m);
    this.wn1 = new Float64Array(4 * m * m);
  }

  /** Forgets every correction (mainlb's refresh after a failed factorisation or line search). */
  reset(): void {
    this.col = 0;
    this.head = 0;
    this.theta = 1.0;
    this.iupdat = 0;
    this.updated = false;
  }

  /**
   * matupd then formt: stores s = d (already scaled by stp) and y = r, theta = y'y / y's, the new
   * row of S'Y and column of S'S; returns formt's info (non-zero: T is not positive definite).
   */
  update(d: Float64Array, r: Float64Array, rr: number, dr: number, stp: number, dtd: number): number {
    const { n, m, ss, sy } = this;
    this.updated = true;
    this.iupdat += 1;
    if (this.iupdat <= m) {
      this.col = this.iupdat;
      this.itail = (this.head + this.iupdat - 1) % m;
    } else {
      this.itail = (this.itail + 1) % m;
      this.head = (this.head + 1) % m;
    }
    this.ws.set(d, this.itail * n);
    this.wy.set(r, this.itail * n);
    this.theta = rr / dr;
    const col = this.col;
    if (this.iupdat > m) {
      // move the old information one place up and left
      for (let j = 1; j < col; j++) {
        for (let i = 0; i < j; i++) ss[i + m * (j - 1)] = ss[1 + i + m * j];
        for (let i = 0; i < col - j; i++) sy[j - 1 + i + m * (j - 1)] = sy[j + i + m * j];
      }
    }
    let pointr = this.head;
    for (let j = 0; j < col - 1; j++) {
      sy[col - 1 + m * j] = ddot(n, d, 0, this.wy, pointr * n);
      ss[j + m * (col - 1)] = ddot(n, this.ws, pointr * n, d, 0);
      pointr = (pointr + 1) % m;
    }
    ss[col - 1 + m * (col - 1)] = stp === 1.0 ? dtd : stp * stp * dtd;
    sy[col - 1 + m * (col - 1)] = dr;
    return this.formt();
  }

  /** formt: T = theta S'S + L D^-1 L' in wt's upper triangle, then its Cholesky factor. */
  private formt(): number {
    const { m, wt, sy, ss, col, theta } = this;
    for (let j = 0; j < col; j++) wt[m * j] = theta * ss[m * j];
    for (let i = 1; i < col; i++) {
      for (let j = i; j < col; j++) {
        const k1 = Math.min(i, j);
        let ddum = 0.0;
        for (let k = 0; k < k1; k++) ddum = ddum + (sy[i + m * k] * sy[j + m * k]) / sy[k + m * k];
        wt[i + m * j] = ddum + theta * ss[i + m * j];
      }
    }
    return dpotrfUpper(col, wt, 0, m) !== 0 ? -3 : 0;
  }

  /**
   * formk with every variable free: the LEL' factorisation of
   *   K = [-D - Y'Y/theta   L' - R' ]
   *       [ L - R          theta S'S ]   (its S'S and L parts over the active set are zero here)
   * in wn. Returns 0, -1 or -2 (a factorisation failed: the caller refreshes the memory).
   */
  formk(): number {
    const { n, m, ws, wy, sy, wn, wn1, col, head, theta } = this;
    const m2 = 2 * m;
    if (this.updated) {
      if (this.iupdat > m) {
        // shift the old parts of wn1 one place up and left
        for (let jy = 0; jy < m - 1; jy++) {
          const js = m + jy;
          const len = m - (jy + 1);
          wn1.copyWithin(jy + m2 * jy, jy + 1 + m2 * (jy + 1), jy + 1 + m2 * (jy + 1) + len);
          wn1.copyWithin(js + m2 * js, js + 1 + m2 * (js + 1), js + 1 + m2 * (js + 1) + len);
          wn1.copyWithin(m + m2 * jy, m + 1 + m2 * (jy + 1), m + 1 + m2 * (jy + 1) + (m - 1));
        }
      }
      // the new row and column of Y'Y (free variables) and of S'Y; the active-set parts are 0
      const iy = col - 1;
      const is = m + col - 1;
      let ipntr = head + col - 1;
      if (ipntr >= m) ipntr -= m;
      let jpntr = head;
      for (let jy = 0; jy < col; jy++) {
        const js = m + jy;
        wn1[iy + m2 * jy] = ddot(n, wy, n * ipntr, wy, n * jpntr);
        wn1[is + m2 * js] = 0.0;
        wn1[is + m2 * jy] = 0.0;
        jpntr = (jpntr + 1) % m;
      }
      jpntr = head + col - 1;
      if (jpntr >= m) jpntr -= m;
      ipntr = head;
      for (let i = 0; i < col; i++) {
        wn1[m + i + m2 * (col - 1)] = ddot(n, ws, n * ipntr, wy, n * jpntr);
        ipntr = (ipntr + 1) % m;
      }
    }
    // (the C code now adds the contributions of variables entering or leaving the free set: none)

    // assemble the upper triangle of K in wn, D added to its top-left block
    for (let iy = 0; iy < col; iy++) {
      const is = col + iy;
      const is1 = m + iy;
      for (let jy = 0; jy <= iy; jy++) {
        const js = col + jy;
        const js1 = m + jy;
        wn[jy + m2 * iy] = wn1[iy + m2 * jy] / theta;
        wn[js + m2 * is] = wn1[is1 + m2 * js1] * theta;
      }
      for (let jy = 0; jy < iy; jy++) wn[jy + m2 * is] = -wn1[is1 + m2 * jy];
      for (let jy = iy; jy < col; jy++) wn[jy + m2 * is] = wn1[is1 + m2 * jy];
      wn[iy + m2 * iy] = wn[iy + m2 * iy] + sy[iy + m * iy];
    }
    // LEL': the top-left block's Cholesky factor, the upper-right block solved with it, then the
    // bottom-right block updated and factored
    if (dpotrfUpper(col, wn, 0, m2) !== 0) return -1;
    const col2 = 2 * col;
    dtrtrsUpper(true, col, col, wn, 0, m2, wn, m2 * col, m2);
    for (let is = col; is < col2; is++) {
      for (let js = is; js < col2; js++) wn[is + m2 * js] = wn[is + m2 * js] + ddot(col, wn, m2 * is, wn, m2 * js);
    }
    return dpotrfUpper(col, wn, col + m2 * col, m2) !== 0 ? -2 : 0;
  }

  /**
   * subsm with every variable free: d holds r = -g on entry (cmprlb), becomes the Newton step
   * -B^-1 g of the compact representation, and z (= x) moves by it. Returns dtrtrs's info.
   */
  subspaceStep(d: Float64Array, z: Float64Array, wv: Float64Array): number {
    const { n, m, ws, wy, wn, col, head, theta } = this;
    let pointr = head;
    for (let i = 0; i < col; i++) {
      let temp1 = 0.0;
      let temp2 = 0.0;
      for (let j = 0; j < n; j++) {
        temp1 += wy[j + n * pointr] * d[j];
        temp2 += ws[j + n * pointr] * d[j];
      }
      wv[i] = temp1;
      wv[col + i] = theta * temp2;
      pointr = (pointr + 1) % m;
    }
    const m2 = 2 * m;
    const col2 = 2 * col;
    let info = dtrtrsUpper(true, col2, 1, wn, 0, m2, wv, 0, m2);
    if (info !== 0) return info;
    for (let i = 0; i < col; i++) wv[i] = -wv[i];
    info = dtrtrsUpper(false, col2, 1, wn, 0, m2, wv, 0, m2);
    if (info !== 0) return info;
    pointr = head;
    for (let jy = 0; jy < col; jy++) {
      const js = col + jy;
      for (let i = 0; i < n; i++) d[i] = d[i] + (wy[i + n * pointr] * wv[jy]) / theta + ws[i + n * pointr] * wv[js];
      pointr = (pointr + 1) % m;
    }
    const temp = 1.0 / theta;
    for (let i = 0; i < n; i++) d[i] *= temp;
    // no bounds: the step is taken whole (iword = 0)
    for (let i = 0; i < n; i++) z[i] = z[i] + d[i];
    return 0;
  }
}
