/**
 * The Moré–Thuente line search of MINPACK-2 (dcsrch, dcstep) as scipy's L-BFGS-B runs it
 * (scipy 1.17 `scipy/optimize/__lbfgsb.c`, a C translation of the Fortran), statement for
 * statement: a reverse-communication search for a step satisfying the strong Wolfe conditions
 *   f(stp) <= f(0) + ftol * stp * f'(0)   and   |f'(stp)| <= gtol * |f'(0)|.
 * The caller evaluates f and f' at each trial `stp` and calls `step` again.
 */

/** What dcsrch asks for next: FG (evaluate at stp), CONVERGENCE, WARNING (stop with stp), ERROR. */
export type SearchTask = 'START' | 'FG' | 'CONVERGENCE' | 'WARNING' | 'ERROR';

/** dcsrch's saved locals (its isave/dsave), kept between calls. */
export class LineSearch {
  task: SearchTask = 'START';
  /** Why it stopped with WARNING or ERROR (scipy's task message). */
  message = '';
  private brackt = false;
  private stage = 1;
  private ginit = 0;
  private gtest = 0;
  private gx = 0;
  private gy = 0;
  private finit = 0;
  private fx = 0;
  private fy = 0;
  private stx = 0;
  private sty = 0;
  private stmin = 0;
  private stmax = 0;
  private width = 0;
  private width1 = 0;

  constructor(
    private readonly ftol: number,
    private readonly gtol: number,
    private readonly xtol: number,
    private readonly stpmin: number,
    private readonly stpmax: number,
  ) {}

  /** One dcsrch call with f and g = f'(stp) at the current stp; returns the next stp. */
  step(f: number, g: number, stp: number): number {
    const xtrapl = 1.1;
    const xtrapu = 4.0;
    const { ftol, gtol, xtol, stpmin, stpmax } = this;
    if (this.task === 'START') {
      const error = stp < stpmin ? 'STP < STPMIN' : stp > stpmax ? 'STP > STPMAX' : g >= 0 ? 'INITIAL G >= 0' : stpmax < stpmin ? 'STPMAX < STPMIN' : '';
      if (error) {
        this.task = 'ERROR';
        this.message = error;
        return stp;
      }
      this.brackt = false;
      this.stage = 1;
      this.finit = f;
      this.ginit = g;
      this.gtest = ftol * this.ginit;
      this.width = stpmax - stpmin;
      this.width1 = this.width / 0.5;
      this.stx = 0.0;
      this.fx = this.finit;
      this.gx = this.ginit;
      this.sty = 0.0;
      this.fy = this.finit;
      this.gy = this.ginit;
      this.stmin = 0.0;
      this.stmax = stp + xtrapu * stp;
      this.task = 'FG';
      return stp;
    }

    // the sufficient decrease test, and the switch to the modified function once it holds with g >= 0
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0.0) this.stage = 2;

    // tests for warnings (the later ones win, as in the C code), then for convergence
    let task: SearchTask = 'FG';
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax)) [task, this.message] = ['WARNING', 'ROUNDING ERRORS PREVENT PROGRESS'];
    if (this.brackt && this.stmax - this.stmin <= xtol * this.stmax) [task, this.message] = ['WARNING', 'XTOL TEST SATISFIED'];
    if (stp === stpmax && f <= ftest && g <= this.gtest) [task, this.message] = ['WARNING', 'STP = STPMAX'];
    if (stp === stpmin && (f > ftest || g >= this.gtest)) [task, this.message] = ['WARNING', 'STP = STPMIN'];
    if (f <= ftest && Math.abs(g) <= gtol * -this.ginit) task = 'CONVERGENCE';
    if (task === 'WARNING' || task === 'CONVERGENCE') {
      this.task = task;
      return stp;
    }

    // a lower function value with no sufficient decrease yet: step on the modified function
    // psi(stp) = f(stp) - f(0) - ftol * stp * f'(0)
    let next: number;
    if (this.stage === 1 && f <= this.fx && f > ftest) {
      const fm = f - stp * this.gtest;
      const s = {
        stx: this.stx,
        fx: this.fx - this.stx * this.gtest,
        dx: this.gx - this.gtest,
        sty: this.sty,
        fy: this.fy - this.sty * this.gtest,
        dy: this.gy - this.gtest,
      };
      next = this.dcstep(s, stp, fm, g - this.gtest, this.stmin, this.stmax);
      this.stx = s.stx;
      this.sty = s.sty;
      this.fx = s.fx + s.stx * this.gtest;
      this.fy = s.fy + s.sty * this.gtest;
      this.gx = s.dx + this.gtest;
      this.gy = s.dy + this.gtest;
    } else {
      const s = { stx: this.stx, fx: this.fx, dx: this.gx, sty: this.sty, fy: this.fy, dy: this.gy };
      next = this.dcstep(s, stp, f, g, this.stmin, this.stmax);
      this.stx = s.stx;
      this.fx = s.fx;
      this.gx = s.dx;
      this.sty = s.sty;
      this.fy = s.fy;
      this.gy = s.dy;
    }

    // decide if a bisection step is needed
    if (this.brackt) {
      if (Math.abs(this.sty - this.stx) >= 0.66 * this.width1) next = this.stx + 0.5 * (this.sty - this.stx);
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
    }
    // the minimum and maximum steps allowed next
    if (this.brackt) {
      this.stmin = Math.min(this.stx, this.sty);
      this.stmax = Math.max(this.stx, this.sty);
    } else {
      this.stmin = next + xtrapl * (next - this.stx);
      this.stmax = next + xtrapu * (next - this.stx);
    }
    next = Math.max(next, stpmin);
    next = Math.min(next, stpmax);
    // no further progress possible: the best step so far
    if ((this.brackt && (next <= this.stmin || next >= this.stmax)) || (this.brackt && this.stmax - this.stmin <= xtol * this.stmax)) next = this.stx;
    this.task = 'FG';
    return next;
  }

  /**
   * dcstep: a safeguarded step from the interval of uncertainty [stx, sty] (fx, dx and fy, dy the
   * function and derivative at its ends) and the trial stp with fp, dp: cubic and quadratic
   * (secant) interpolations; updates the interval in `s` and returns the new trial step, kept
   * within [stpmin, stpmax] (dcsrch passes its current stmin and stmax, not the search's bounds).
   */
  private dcstep(
    s: { stx: number; fx: number; dx: number; sty: number; fy: number; dy: number },
    stp: number,
    fp: number,
    dp: number,
    stpmin: number,
    stpmax: number,
  ): number {
    const { stx, fx, dx, sty, fy, dy } = s;
    const sgnd = dp * (dx / Math.abs(dx));
    let stpf: number;
    if (fp > fx) {
      // case 1: a higher function value; the minimum is bracketed
      const theta = (3.0 * (fx - fp)) / (stp - stx) + dx + dp;
      const m = Math.max(Math.abs(theta), Math.max(Math.abs(dx), Math.abs(dp)));
      let gamma = m * Math.sqrt((theta / m) * (theta / m) - (dx / m) * (dp / m));
      if (stp < stx) gamma = -gamma;
      const p = gamma - dx + theta;
      const q = gamma - dx + gamma + dp;
      const r = p / q;
      const stpc = stx + r * (stp - stx);
      const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2.0) * (stp - stx);
      stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
      this.brackt = true;
    } else if (sgnd < 0.0) {
      // case 2: lower function value, derivatives of opposite sign; the minimum is bracketed
      const theta = (3.0 * (fx - fp)) / (stp - stx) + dx + dp;
      const m = Math.max(Math.abs(theta), Math.max(Math.abs(dx), Math.abs(dp)));
      let gamma = m * Math.sqrt((theta / m) * (theta / m) - (dx / m) * (dp / m));
      if (stp > stx) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dx;
      const r = p / q;
      const stpc = stp + r * (stx - stp);
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      this.brackt = true;
    } else if (Math.abs(dp) < Math.abs(dx)) {
      // case 3: lower function value, same-sign derivatives, the derivative magnitude decreases
      const theta = (3.0 * (fx - fp)) / (stp - stx) + dx + dp;
      const m = Math.max(Math.abs(theta), Math.max(Math.abs(dx), Math.abs(dp)));
      let gamma = m * Math.sqrt(Math.max(0.0, (theta / m) * (theta / m) - (dx / m) * (dp / m)));
      if (stp > stx) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma + (dx - dp) + gamma;
      const r = p / q;
      let stpc: number;
      if (r < 0.0 && gamma !== 0.0) stpc = stp + r * (stx - stp);
      else if (stp > stx) stpc = stpmax;
      else stpc = stpmin;
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      if (this.brackt) {
        stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
        stpf = stp > stx ? Math.min(stp + 0.66 * (sty - stp), stpf) : Math.max(stp + 0.66 * (sty - stp), stpf);
      } else {
        stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
        stpf = Math.min(stpmax, stpf);
        stpf = Math.max(stpmin, stpf);
      }
    } else if (this.brackt) {
      // case 4: lower function value, same-sign derivatives, no decrease in magnitude
      const theta = (3.0 * (fp - fy)) / (sty - stp) + dy + dp;
      const m = Math.max(Math.abs(theta), Math.max(Math.abs(dy), Math.abs(dp)));
      let gamma = m * Math.sqrt((theta / m) * (theta / m) - (dy / m) * (dp / m));
      if (stp > sty) gamma = -gamma;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dy;
      const r = p / q;
      stpf = stp + r * (sty - stp);
    } else {
      stpf = stp > stx ? stpmax : stpmin;
    }

    // update the interval which contains a minimizer
    if (fp > fx) {
      s.sty = stp;
      s.fy = fp;
      s.dy = dp;
    } else {
      if (sgnd < 0.0) {
        s.sty = stx;
        s.fy = fx;
        s.dy = dx;
      }
      s.stx = stp;
      s.fx = fp;
      s.dx = dp;
    }
    return stpf;
  }
}
