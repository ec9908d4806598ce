/**
 * The epoch loop of sklearn's `_fit_stochastic` (shared/sklearn-mlp-parity.md sections 5-10),
 * step for step: shuffle (permutations compose across epochs), batches, the epoch loss, the
 * held-out evaluation, the stopping rules (stopping.ts), the optimizer's epoch end. A generator
 * that yields after every batch: the driver (async-fit.ts) answers true to stop.
 */
import type { FloatArray } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import type { TargetInput } from '../labels.ts';
import { LOSSES } from '../losses.ts';
import type { Matrix, MatrixInput } from '../matrix.ts';
import { OPTIMIZERS, type StochasticSolverName } from '../optimizers.ts';
import type { EpochMetrics, FFNNOptions, FfnnWarning } from '../options.ts';
import type { RandomState } from '../random.ts';
import { type FittedModel, historyWanted } from './fitted-state.ts';
import { evaluate, type OutputScorer } from './inference.ts';
import { allFinite, checkFinalWeights, describeDivergedLoss, EXPLODING_FACTOR, lossDiverged, nonFiniteLossError, updateNoImprovement } from './stopping.ts';
import { encodeValidationData, resolveBatchSize, splitForEarlyStopping } from './training-data.ts';

/** fit's third argument: validation data, feature names, sample weights. */
export interface FitOptions {
  /** Held-out data scored after every epoch (validationLossCurve, validationScore in onEpoch). */
  validationData?: { X: MatrixInput; y: TargetInput };
  /** Names of X's columns (a CSV header): stored in the model and checked at predict time (feature-names.ts). */
  featureNames?: readonly string[];
  /** One weight per row of X (sklearn's sample_weight, >= 1.7 semantics); absent: every row weighs 1. */
  sampleWeight?: ArrayLike<number> | null;
}

/** Where training is, reported after every batch (one object, updated in place). */
export interface TrainingProgress {
  /** The epoch under way (1-based, counted within this call). */
  epoch: number;
  /** The batch just finished within the epoch (1-based) and the number of batches per epoch. */
  batch: number;
  batches: number;
  /** Rows processed in this epoch so far, of nTrain. */
  samples: number;
  nTrain: number;
  /** The mean loss over this epoch's batches so far. */
  loss: number;
}

export type TrainingSteps = Generator<TrainingProgress, void, boolean | undefined>;

/** What the loop needs from its estimator besides the model. */
export interface LoopContext {
  options: FFNNOptions;
  model: FittedModel;
  warn(warning: FfnnWarning): void;
  log(line: string): void;
  /** Scores held-out outputs: accuracy for a classifier, R² for a regressor. */
  score: OutputScorer;
  /** Encodes validationData's targets like the training targets. */
  encode(y: TargetInput, param: string): Float64Array;
  /** Stratify the early-stopping split (sklearn: binary classifiers only). */
  stratify: boolean;
}

export function* fitStochastic(
  ctx: LoopContext,
  X: Matrix,
  Y: FloatArray,
  W: FloatArray | null,
  incremental: boolean,
  rng: RandomState,
  fitOptions: FitOptions,
  abortable: boolean,
): TrainingSteps {
  const o = ctx.options;
  const model = ctx.model;
  const { net, state } = model;
  const loss = LOSSES[state.lossName];
  // loss_ is the last epoch's again (a previous lbfgs fit's minimum no longer stands)
  delete state.finalLoss;

  // the estimator sends lbfgs to fitLbfgs: here the solver is sgd or adam
  if (!incremental || !model.optimizer) model.optimizer = OPTIMIZERS[o.solver as StochasticSolverName](net.backend, net.params, o);
  const optimizer = model.optimizer;

  const earlyStopping = o.earlyStopping && !incremental;
  const data = splitForEarlyStopping(
    net,
    X,
    Y,
    earlyStopping ? { validationFraction: o.validationFraction, stratify: ctx.stratify, classes: state.encoding.classes } : null,
    rng,
    W,
  );
  const { X: trainX, Y: trainY, rows: nTrain, W: trainW } = data.train;
  const val = data.validation;
  const extraVal = fitOptions.validationData ? encodeValidationData(fitOptions.validationData, X.cols, o.dtype, state.featureNames, ctx.encode) : null;
  const lossVal = extraVal ?? val;

  const batchSize = resolveBatchSize(o.batchSize, nTrain, (w) => ctx.warn(w));
  net.reserve(batchSize);

  const history = historyWanted(o.history);
  const verbose = o.verbose === true ? 1 : o.verbose || 0;
  let idx = new Int32Array(nTrain);
  for (let i = 0; i < nTrain; i++) idx[i] = i;
  let scratch = new Int32Array(nTrain);
  state.nIter = 0;
  // onDivergence 'warn' and a stop keep the weights from the start of each epoch to fall back on
  const lastGood = o.onDivergence === 'warn' || abortable ? net.snapshot() : null;
  let explodingWarned = false;
  let lowestLoss = state.lossCurve.reduce((a, b) => Math.min(a, b), Infinity); // warm starts count
  const progress: TrainingProgress = { epoch: 0, batch: 0, batches: Math.ceil(nTrain / batchSize), samples: 0, nTrain, loss: 0 };

  for (let it = 0; it < o.maxIter; it++) {
    const started = performance.now();
    if (lastGood) lastGood.forEach((s, i) => s.set(net.params[i]));
    if (o.shuffle) {
      // permutations compose across epochs: idx = idx[permutation(n)]
      const p = rng.permutation(nTrain);
      for (let i = 0; i < nTrain; i++) scratch[i] = idx[p[i]];
      const t = idx;
      idx = scratch;
      scratch = t;
    }
    let accumulated = 0;
    progress.epoch = it + 1;
    for (let start = 0; start < nTrain; start += batchSize) {
      const rows = Math.min(batchSize, nTrain - start);
      net.gatherBatch(trainX, trainY, idx, start, rows, trainW);
      const batchLoss = net.forwardBackward(rows, loss, o.alpha, o.l1, trainW !== null);
      accumulated += batchLoss * rows;
      optimizer.update(net.params, net.grads);
      progress.batch = start / batchSize + 1;
      progress.samples = start + rows;
      progress.loss = accumulated / progress.samples;
      if (yield progress) {
        // stopped mid-epoch: back to the weights this epoch started from; the optimizer's
        // moments moved with the discarded batches, so the next call starts them afresh
        net.restore(lastGood!);
        model.optimizer = null;
        throw new FfnnError('ABORTED', `training stopped in epoch ${state.nIter + 1}; the model keeps the weights after epoch ${state.nIter}`, {
          epoch: state.nIter,
        });
      }
    }
    state.nIter += 1;
    const epochLoss = accumulated / nTrain;
    state.t += nTrain;
    state.lossCurve.push(epochLoss);
    // early stopping trains on through a diverging loss as sklearn does (the falling validation
    // score keeps the best weights) and stops once the loss is no longer finite (stopAtNonFinite)
    const diverged = !earlyStopping && lossDiverged(epochLoss);
    if (!earlyStopping && lastGood && o.onDivergence === 'warn' && (diverged || !allFinite(net.params))) {
      const epoch = state.nIter;
      net.restore(lastGood);
      state.lossCurve.pop();
      state.nIter -= 1;
      state.t -= nTrain;
      model.optimizer = null; // its moments are not finite either; the next call starts afresh
      ctx.warn({
        code: 'DIVERGED',
        message: `training diverged: ${diverged ? describeDivergedLoss(epochLoss) : 'the weights became non-finite'} in epoch ${epoch}; stopped and kept the weights from before that epoch; try a smaller learningRateInit (now ${o.learningRateInit}) or scale the inputs`,
      });
      break;
    }
    if (diverged) throw nonFiniteLossError(epochLoss, state.nIter, o.learningRateInit);
    if (!explodingWarned && epochLoss > EXPLODING_FACTOR * lowestLoss && lowestLoss > 0) {
      explodingWarned = true;
      ctx.warn({
        code: 'LOSS_EXPLODING',
        message: `the loss grew from ${lowestLoss} to ${epochLoss} (more than ${EXPLODING_FACTOR}x) by epoch ${state.nIter}: training is diverging; try a smaller learningRateInit (now ${o.learningRateInit})`,
      });
    }
    lowestLoss = Math.min(lowestLoss, epochLoss);
    if (verbose >= 1) ctx.log(`Iteration ${state.nIter}, loss = ${epochLoss.toFixed(8)}`);

    // one pass over the held-out rows gives both the score and the loss
    let validationScore: number | undefined;
    let validationLoss: number | undefined;
    if (val && val !== lossVal) validationScore = evaluate(net, val.X, val.Y, val.rows, loss, ctx.score, val.W).score;
    if (lossVal) {
      const r = evaluate(net, lossVal.X, lossVal.Y, lossVal.rows, loss, ctx.score, lossVal.W);
      validationLoss = r.loss;
      state.validationLossCurve.push(r.loss);
      if (validationScore === undefined) validationScore = r.score;
    }

    updateNoImprovement(state, net, o.tol, earlyStopping, epochLoss, validationScore);
    if (earlyStopping && verbose >= 1) ctx.log(`Validation score: ${validationScore}`);

    if (history.weights || history.gradients) {
      state.history.push({
        epoch: state.lossCurve.length, // epochs accumulate across warm starts, as lossCurve does
        loss: epochLoss,
        ...(validationLoss !== undefined ? { validationLoss } : {}),
        ...(history.weights ? { coefs: net.coefs.map((c) => c.slice()), intercepts: net.intercepts.map((b) => b.slice()) } : {}),
        ...(history.gradients ? { coefGrads: net.coefGrads.map((g) => g.slice()) } : {}),
      });
    }
    if (verbose >= 2) logWeights(ctx);

    const learningRateUsed = optimizer.learningRate;
    optimizer.iterationEnds(state.t);

    let stop = false;
    if (state.noImprovementCount > o.nIterNoChange) {
      const what = earlyStopping ? 'Validation score' : 'Training loss';
      if (verbose >= 1) ctx.log(`${what} did not improve more than tol=${o.tol} for ${o.nIterNoChange} consecutive epochs.`);
      if (optimizer.triggerStopping(verbose >= 1, (l) => ctx.log(l))) stop = true;
      else state.noImprovementCount = 0;
    }

    if (o.onEpoch) {
      const metrics: EpochMetrics = {
        epoch: state.nIter,
        loss: epochLoss,
        learningRate: learningRateUsed,
        seconds: (performance.now() - started) / 1000,
        ...(validationLoss !== undefined ? { validationLoss } : {}),
        ...(validationScore !== undefined ? { validationScore } : {}),
      };
      if (o.onEpoch(metrics) === false) stop = true;
    }
    if (earlyStopping && !Number.isFinite(epochLoss)) {
      stopAtNonFinite(ctx, epochLoss);
      break;
    }
    if (stop || incremental) break;
    if (state.nIter === o.maxIter) {
      ctx.warn({ code: 'CONVERGENCE', message: `Stochastic optimizer: maximum iterations (${o.maxIter}) reached and the optimization hasn't converged yet.` });
    }
  }

  if (earlyStopping && state.best) net.restore(state.best);
  checkFinalWeights(net, state.nIter);
}

/**
 * An early-stopping fit whose loss turned non-finite: sklearn trains its remaining epochs on NaN
 * weights (a regressor scoring NaN, a classifier the accuracy of what NaN outputs predict) and
 * then restores the best weights; ffnn stops after this epoch (whose validation score is
 * recorded), the caller restores the best weights, and this says so.
 */
function stopAtNonFinite(ctx: LoopContext, epochLoss: number): void {
  const { state } = ctx.model;
  const o = ctx.options;
  ctx.model.optimizer = null; // its moments are not finite either; the next call starts afresh
  const best = state.bestValidationScore;
  const kept = Number.isFinite(best)
    ? `restored the weights of its best validation score (${best})`
    : 'restored the initial weights (no epoch had a finite validation score)';
  ctx.warn({
    code: 'DIVERGED',
    message: `training diverged: the loss became ${epochLoss} in epoch ${state.nIter}; early stopping stopped there and ${kept}; try a smaller learningRateInit (now ${o.learningRateInit}) or scale the inputs`,
  });
}

function logWeights(ctx: LoopContext): void {
  const net = ctx.model.net;
  net.coefs.forEach((w, l) => {
    ctx.log(`  coefs[${l}] (${net.layerSizes[l]} x ${net.layerSizes[l + 1]}): ${summarize(w)}`);
    ctx.log(`  intercepts[${l}] (${net.layerSizes[l + 1]}): ${summarize(net.intercepts[l])}`);
  });
}

/** Full values for small arrays, summary statistics for large ones (verbose 2). */
function summarize(a: FloatArray): string {
  if (a.length <= 64) return `[${Array.from(a, (v) => v.toPrecision(6)).join(', ')}]`;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of a) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / a.length;
  let sq = 0;
  for (const v of a) sq += (v - mean) * (v - mean);
  return `mean ${mean.toPrecision(6)}, std ${Math.sqrt(sq / a.length).toPrecision(6)}, min ${min.toPrecision(6)}, max ${max.toPrecision(6)}`;
}
