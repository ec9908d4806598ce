/**
 * scipy.optimize.minimize(method='L-BFGS-B', jac=True) for problems without bounds, as scipy
 * 1.17 runs it: the driver loop of `_minimize_lbfgsb` (`_lbfgsb_py.py`: maxiter and maxfun are
 * checked after each iteration, f and g are memoised by ScalarFunction) around `mainlb`
 * (`__lbfgsb.c`): the generalized Cauchy point (with no bounds and no memory, x - g), the subspace
 * step with the compact L-BFGS matrix (lbfgsb-memory.ts), the Moré–Thuente line search
 * (line-search.ts: ftol 1e-3, gtol 0.9, xtol 0.1, stpmax 1e10, first step 1 / ||d|| on the first
 * iteration, at most maxls trials), the memory refresh on failures, and the stopping tests
 * (projected gradient <= pgtol, relative reduction <= factr * epsmch, maxiter, maxfun).
 */
import { ddot, dnrm2 } from './dense.ts';
import { LbfgsMemory } from './lbfgsb-memory.ts';
import { LineSearch } from './line-search.ts';

const EPSMCH = 2.220446049250313e-16;

export interface LbfgsbOptions {
  /** maxcor: corrections kept (scipy's default 10). */
  m: number;
  /** scipy's ftol (default 2.2204460492503131e-09, i.e. factr 1e7): the relative reduction test. */
  ftol: number;
  /** gtol (pgtol): the largest gradient component at convergence. */
  gtol: number;
  maxiter: number;
  maxfun: number;
  /** Line search trials per iteration (default 20). */
  maxls: number;
}

export const LBFGSB_DEFAULTS: Readonly<LbfgsbOptions> = { m: 10, ftol: 2.2204460492503131e-9, gtol: 1e-5, maxiter: 15000, maxfun: 15000, maxls: 20 };

/** Evaluates f at x and writes its gradient into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsbResult {
  x: Float64Array;
  fun: number;
  jac: Float64Array;
  nit: number;
  nfev: number;
  /** 0 converged, 1 maxiter or maxfun reached, 2 anything else (scipy's warnflag). */
  status: 0 | 1 | 2;
  /** scipy's message: 'CONVERGENCE: NORM OF PROJECTED GRADIENT <= PGTOL', 'STOP: TOTAL NO. OF ITERATIONS REACHED LIMIT', ... */
  message: string;
}

/** What the minimizer reports after every function evaluation (the generator's yield). */
export interface LbfgsbProgress {
  nit: number;
  nfev: number;
  /** f at the last accepted iterate, and that iterate (live: copy it to keep it). */
  f: number;
  x: Float64Array;
}

/** Called at each new iterate (scipy's callback) with the step length taken; true stops the run. */
export type IterationHook = (nit: number, f: number, stp: number) => boolean | void;

/**
 * Minimises from x0 (copied). A generator: it yields after every evaluation of the objective (so a
 * caller can hand control back to an event loop, or stop) and returns scipy's OptimizeResult.
 * `same(x)` tells whether x is the point the objective last saw, as ScalarFunction compares it
 * (in the caller's dtype): then f and g are reused and no evaluation is counted.
 */
export function* minimizeLbfgsb(
  x0: ArrayLike<number>,
  fg: Objective,
  same: (x: Float64Array) => boolean,
  opts: Partial<LbfgsbOptions> = {},
  onIteration?: IterationHook,
): Generator<LbfgsbProgress, LbfgsbResult, void> {
  const o = { ...LBFGSB_DEFAULTS, ...opts };
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  // ScalarFunction evaluates f and g at x0 when it is built: the first request at x0 is memoised
  let f = fg(x, g);
  let nfev = 1;
  const progress: LbfgsbProgress = { nit: 0, nfev, f, x };
  yield progress;
  const evaluate = (): void => {
    if (same(x)) return;
    f = fg(x, g);
    nfev += 1;
  };

  const factr = o.ftol / EPSMCH;
  const tol = factr * EPSMCH;
  const mem = new LbfgsMemory(n, o.m);
  const z = new Float64Array(n);
  const r = new Float64Array(n);
  const d = new Float64Array(n);
  const t = new Float64Array(n);
  const wv = new Float64Array(4 * o.m);
  let nit = 0; // the driver's n_iterations
  let iter = 0; // mainlb's
  let task = '';
  let message = '';

  const finish = (status: string, msg: string): LbfgsbResult => {
    task = status;
    message = `${status}: ${msg}`;
    const warnflag = task === 'CONVERGENCE' ? 0 : nfev > o.maxfun || nit >= o.maxiter ? 1 : 2;
    return { x, fun: f, jac: g, nit, nfev, status: warnflag, message };
  };

  let sbgnrm = projgr(g);
  if (sbgnrm <= o.gtol) return finish('CONVERGENCE', 'NORM OF PROJECTED GRADIENT <= PGTOL');

  for (;;) {
    // ---- LINE222: the search direction d = z - x
    if (mem.col === 0) {
      // the generalized Cauchy point with B = theta I and no breakpoints: z = x + dtm (-g)
      let f1 = 0.0;
      for (let i = 0; i < n; i++) f1 = f1 - g[i] * g[i];
      const f2 = -mem.theta * f1;
      let dtm = -f1 / f2;
      if (dtm <= 0.0) dtm = 0.0;
      for (let i = 0; i < n; i++) z[i] = x[i] + dtm * -g[i];
    } else {
      z.set(x);
      if (mem.updated && mem.formk() !== 0) {
        mem.reset();
        continue;
      }
      // cmprlb without bounds: r = -g; subsm turns it into the step and adds it to z
      for (let i = 0; i < n; i++) r[i] = -g[i];
      if (mem.subspaceStep(r, z, wv) !== 0) {
        mem.reset();
        continue;
      }
    }
    for (let i = 0; i < n; i++) d[i] = z[i] - x[i];

    // ---- LINE666: lnsrlb
    const dnorm = dnrm2(n, d);
    const dtd = dnorm * dnorm;
    const stpmx = 1.0e10;
    let stp = iter === 0 ? Math.min(1.0 / dnorm, stpmx) : 1.0;
    t.set(x);
    r.set(g);
    const fold = f;
    let ifun = 0;
    let gd = 0;
    let gdold = 0;
    let failed = false;
    const search = new LineSearch(1e-3, 0.9, 0.1, 0.0, stpmx);
    for (;;) {
      gd = ddot(n, g, 0, d, 0);
      if (ifun === 0) {
        gdold = gd;
        // not a descent direction (info = -4)
        if (gd >= 0.0) {
          failed = true;
          break;
        }
      }
      stp = search.step(f, gd, stp);
      if (search.task === 'CONVERGENCE' || search.task === 'WARNING') break;
      ifun += 1;
      const iback = ifun - 1;
      if (stp === 1.0) x.set(z);
      else for (let i = 0; i < n; i++) x[i] = stp * d[i] + t[i];
      // maxls trials evaluated and still no step: give up this search
      if (iback >= o.maxls) {
        failed = true;
        break;
      }
      evaluate();
      progress.nfev = nfev;
      progress.f = fold;
      progress.x = t;
      yield progress;
    }
    if (failed) {
      // back to the last iterate; with no memory to drop, give up (ABNORMAL), else refresh and retry
      x.set(t);
      g.set(r);
      f = fold;
      if (mem.col === 0) {
        iter += 1;
        return finish('ABNORMAL', '');
      }
      mem.reset();
      continue;
    }
    iter += 1;
    sbgnrm = projgr(g);

    // ---- a new iterate: the driver's checks (n_iterations, maxiter, maxfun), then LINE777
    nit += 1;
    progress.nit = nit;
    progress.f = f;
    progress.x = x;
    // the driver asks the callback first, then lets maxiter and maxfun overrule its message
    const halt = onIteration ? onIteration(nit, f, stp) === true : false;
    if (nit >= o.maxiter) return finish('STOP', 'TOTAL NO. OF ITERATIONS REACHED LIMIT');
    if (nfev > o.maxfun) return finish('STOP', 'TOTAL NO. OF F,G EVALUATIONS EXCEEDS LIMIT');
    if (halt) return finish('STOP', 'CALLBACK REQUESTED HALT');
    if (sbgnrm <= o.gtol) return finish('CONVERGENCE', 'NORM OF PROJECTED GRADIENT <= PGTOL');
    const ddum0 = Math.max(Math.max(Math.abs(fold), Math.abs(f)), 1.0);
    if (fold - f <= tol * ddum0) return finish('CONVERGENCE', 'RELATIVE REDUCTION OF F <= FACTR*EPSMCH');

    // s = stp d, y = g - g_old; skip the update unless y's > eps * (-gdold stp)
    for (let i = 0; i < n; i++) r[i] = g[i] - r[i];
    const rnorm = dnrm2(n, r);
    const rr = rnorm * rnorm;
    let dr: number;
    let ddum: number;
    if (stp === 1.0) {
      dr = gd - gdold;
      ddum = -gdold;
    } else {
      dr = (gd - gdold) * stp;
      for (let i = 0; i < n; i++) d[i] *= stp;
      ddum = -gdold * stp;
    }
    if (dr <= EPSMCH * ddum) {
      mem.updated = false;
      continue;
    }
    if (mem.update(d, r, rr, dr, stp, dtd) !== 0) mem.reset();
  }
}

/** projgr without bounds: the largest |g_i| (NaN if any component is NaN). */
function projgr(g: Float64Array): number {
  let norm = 0.0;
  for (let i = 0; i < g.length; i++) {
    const gi = g[i];
    if (Number.isNaN(gi)) return gi;
    norm = Math.max(norm, Math.abs(gi));
  }
  return norm;
}
