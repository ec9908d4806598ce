/**
 * sklearn's `_fit_lbfgs`: the coefs and intercepts packed into one vector (all coefs, then all
 * intercepts, each row-major), minimised by L-BFGS-B (optimizers/lbfgsb.ts) with scipy's options
 * as sklearn passes them (maxfun = maxFun, maxiter = maxIter, gtol = tol; maxcor 10, ftol and
 * maxls at scipy's defaults). The loss and gradient are the network's full-batch forward and
 * backward (`_loss_grad_lbfgs`: L2 and L1 terms and sample weights included) on the backend's
 * kernels. Afterwards nIter = min(nit, maxIter), finalLoss = the minimum's f, the weights = its x,
 * and a run that did not converge draws a CONVERGENCE warning (`_check_optimize_result`).
 *
 * sklearn's lbfgs keeps no loss_curve_, best_loss_ or validation scores: lossCurve stays as it
 * was (empty after a first fit), t is untouched, nothing is drawn from the random stream.
 * float32 runs as sklearn does: the minimizer works in float64, each evaluation sees x rounded to
 * float32 and returns a float32 loss and gradient.
 */
import type { FloatArray } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import { LOSSES } from '../losses.ts';
import type { Matrix } from '../matrix.ts';
import { type LbfgsbResult, minimizeLbfgsb } from '../optimizers/lbfgsb.ts';
import type { EpochMetrics } from '../options.ts';
import type { RandomState } from '../random.ts';
import { historyWanted } from './fitted-state.ts';
import { evaluate } from './inference.ts';
import { checkFinalWeights } from './stopping.ts';
import { encodeValidationData } from './training-data.ts';
import type { FitOptions, LoopContext, TrainingProgress, TrainingSteps } from './training-loop.ts';

export function* fitLbfgs(
  ctx: LoopContext,
  X: Matrix,
  Y: FloatArray,
  W: FloatArray | null,
  _incremental: boolean,
  _rng: RandomState,
  fitOptions: FitOptions,
  _abortable: boolean,
): TrainingSteps {
  const o = ctx.options;
  const { net, state } = ctx.model;
  const loss = LOSSES[state.lossName];
  const rows = X.rows;
  const params = net.params;
  const grads = net.grads;
  const extraVal = fitOptions.validationData ? encodeValidationData(fitOptions.validationData, X.cols, o.dtype, state.featureNames, ctx.encode) : null;
  const history = historyWanted(o.history);
  const verbose = o.verbose === true ? 1 : o.verbose || 0;
  const float32 = net.dtype === 'float32';

  // the whole training set is one batch, loaded before each evaluation (a validation pass reuses the buffers)
  net.reserve(rows);
  const all = new Int32Array(rows);
  for (let i = 0; i < rows; i++) all[i] = i;
  const x0 = new Float64Array(params.reduce((s, p) => s + p.length, 0));
  pack(params, x0);

  // _loss_grad_lbfgs: unpack x into the weights (rounded to float32 for a float32 model), backprop
  // over every row, pack the gradient; a float32 loss is a float32 number, as numpy's
  const objective = (x: Float64Array, g: Float64Array): number => {
    unpack(x, params);
    net.gatherBatch(X.data, Y, all, 0, rows, W);
    const value = net.forwardBackward(rows, loss, o.alpha, o.l1, W !== null);
    pack(grads, g);
    return float32 ? Math.fround(value) : value;
  };
  // ScalarFunction's memo: x equal to the point last evaluated (compared in the model's dtype)
  const same = (x: Float64Array): boolean => {
    let k = 0;
    for (const p of params) for (let i = 0; i < p.length; i++) if (p[i] !== x[k++]) return false;
    return true;
  };

  let started = performance.now();
  let stopped = false;
  const onIteration = (nit: number, f: number, stp: number): boolean => {
    if (verbose >= 1) ctx.log(`Iteration ${nit}, loss = ${f.toFixed(8)}`);
    let validationLoss: number | undefined;
    let validationScore: number | undefined;
    if (extraVal) {
      // the weights hold the new iterate (it is the point evaluated last)
      const r = evaluate(net, extraVal.X, extraVal.Y, extraVal.rows, loss, ctx.score, extraVal.W);
      validationLoss = r.loss;
      validationScore = r.score;
      state.validationLossCurve.push(r.loss);
    }
    if (history.weights || history.gradients) {
      state.history.push({
        epoch: nit,
        loss: f,
        ...(validationLoss !== undefined ? { validationLoss } : {}),
        ...(history.weights ? { coefs: net.coefs.map((c) => c.slice()), intercepts: net.intercepts.map((b) => b.slice()) } : {}),
        ...(history.gradients ? { coefGrads: net.coefGrads.map((c) => c.slice()) } : {}),
      });
    }
    if (o.onEpoch) {
      // one L-BFGS iteration stands for an epoch; its learning rate is the step length taken
      const metrics: EpochMetrics = {
        epoch: nit,
        loss: f,
        learningRate: stp,
        seconds: (performance.now() - started) / 1000,
        ...(validationLoss !== undefined ? { validationLoss } : {}),
        ...(validationScore !== undefined ? { validationScore } : {}),
      };
      if (o.onEpoch(metrics) === false) stopped = true;
    }
    started = performance.now();
    return stopped;
  };

  const run = minimizeLbfgsb(x0, objective, same, { m: 10, gtol: o.tol, maxiter: o.maxIter, maxfun: o.maxFun }, onIteration);
  const progress: TrainingProgress = { epoch: 1, batch: 1, batches: 1, samples: rows, nTrain: rows, loss: NaN };
  let step = run.next();
  while (!step.done) {
    progress.epoch = step.value.nit + 1;
    progress.loss = step.value.f;
    if (yield progress) {
      // stopped: the model keeps the last accepted iterate
      const { nit, x, f } = step.value;
      unpack(x, params);
      state.nIter = nit;
      state.finalLoss = f;
      throw new FfnnError('ABORTED', `training stopped in lbfgs iteration ${nit + 1}; the model keeps the weights after iteration ${nit}`, { epoch: nit });
    }
    step = run.next();
  }
  const result: LbfgsbResult = step.value;
  // sklearn: n_iter_ = _check_optimize_result(...); loss_ = fun; _unpack(x)
  state.nIter = Math.min(result.nit, o.maxIter);
  state.finalLoss = result.fun;
  state.lbfgs = { nit: result.nit, nfev: result.nfev, status: result.status, message: result.message };
  unpack(result.x, params);
  if (result.status !== 0 && !stopped) {
    const atMax = state.nIter === o.maxIter ? `\nIncrease the number of iterations to improve the convergence (maxIter=${o.maxIter}).` : '';
    ctx.warn({
      code: 'CONVERGENCE',
      message: `lbfgs failed to converge after ${state.nIter} iteration(s) (status=${result.status}):\n${result.message}\n${atMax}\nYou might also want to scale the data as shown in:\n    https://scikit-learn.org/stable/modules/preprocessing.html`,
    });
  }
  // sklearn's _fit refuses non-finite weights ("The input data may contain large values and need to be preprocessed")
  checkFinalWeights(net, state.nIter, 'scale the inputs (large values make the loss overflow)');
}

/** x = [coefs[0], ..., coefs[L-1], intercepts[0], ...] (net.params' order, sklearn's _pack). */
function pack(arrays: readonly FloatArray[], x: Float64Array): void {
  let k = 0;
  for (const a of arrays) {
    x.set(a, k);
    k += a.length;
  }
}

/** The weights from x (each value rounded to the model's dtype), sklearn's _unpack. */
function unpack(x: Float64Array, arrays: readonly FloatArray[]): void {
  let k = 0;
  for (const a of arrays) {
    a.set(x.subarray(k, k + a.length));
    k += a.length;
  }
}
