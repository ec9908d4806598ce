/**
 * The rules that end training besides maxIter: sklearn's no-improvement count
 * (`_update_no_improvement_count`), and ffnn's divergence checks (a loss that blows up or turns
 * non-finite, weights that turn non-finite).
 */
import type { FloatArray } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import type { Network } from '../network.ts';
import type { FittedState } from './fitted-state.ts';

/**
 * A mean training loss above this is divergence even while it is finite (a float64 loss can climb
 * to 1e140 before it overflows): it is handled like a non-finite loss (onDivergence). No
 * estimator's loss on data it is learning comes near it. Not with early stopping, which trains on
 * while the loss is finite, as sklearn does (training-loop.ts).
 */
export const DIVERGENCE_LOSS = 1e20;
/** A loss this many times the best one so far draws a LOSS_EXPLODING warning (once per call). */
export const EXPLODING_FACTOR = 1e3;

/** NaN and Infinity are divergence too. */
export const lossDiverged = (epochLoss: number): boolean => !(epochLoss <= DIVERGENCE_LOSS);

export function allFinite(arrays: readonly FloatArray[]): boolean {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** How the loss diverged, for messages: "the loss became 1e+25 (above 1e+20)". */
export function describeDivergedLoss(epochLoss: number): string {
  return `the loss became ${epochLoss}${Number.isFinite(epochLoss) ? ` (above ${DIVERGENCE_LOSS.toExponential()})` : ''}`;
}

export function nonFiniteLossError(epochLoss: number, epoch: number, learningRateInit: number): FfnnError {
  return new FfnnError(
    'NON_FINITE_LOSS',
    `training diverged: ${describeDivergedLoss(epochLoss)} in epoch ${epoch}; try a smaller learningRateInit (now ${learningRateInit}) or scale the inputs`,
    {
      epoch,
      loss: epochLoss,
    },
  );
}

/** sklearn >= 1.6 refuses non-finite final weights (`_fit`): the same check, after the loop. */
export function checkFinalWeights(net: Network, nIter: number, hint = 'try a smaller learningRateInit'): void {
  for (const p of net.params) {
    for (let i = 0; i < p.length; i++) {
      if (!Number.isFinite(p[i])) {
        throw new FfnnError('NON_FINITE_LOSS', `training diverged: a weight became ${p[i]} by epoch ${nIter}; ${hint}`, { epoch: nIter });
      }
    }
  }
}

/**
 * _update_no_improvement_count: with early stopping the validation score must beat the best by
 * tol (and a new best snapshots the weights), else the training loss must fall below the best by tol.
 */
export function updateNoImprovement(
  state: FittedState,
  net: Network,
  tol: number,
  earlyStopping: boolean,
  epochLoss: number,
  validationScore: number | undefined,
): void {
  if (earlyStopping) {
    const s = validationScore!;
    state.validationScores.push(s);
    state.noImprovementCount = s < state.bestValidationScore + tol ? state.noImprovementCount + 1 : 0;
    if (s > state.bestValidationScore) {
      state.bestValidationScore = s;
      state.best = net.snapshot();
    }
  } else {
    state.noImprovementCount = epochLoss > state.bestLoss - tol ? state.noImprovementCount + 1 : 0;
    if (epochLoss < state.bestLoss) state.bestLoss = epochLoss;
  }
}
