/**
 * What fit learns (sklearn's fitted attributes without the underscore), and the checkpoint that
 * lets a failed call leave the model exactly as it was before the call.
 */
import type { FloatArray } from '../backend/backend.ts';
import type { TargetEncoding } from '../labels.ts';
import type { LossName } from '../losses.ts';
import type { Network } from '../network.ts';
import type { Optimizer } from '../optimizers.ts';
import type { HistoryOptions } from '../options.ts';

/** One epoch of the `history` attribute: the loss, and the weights and gradients the `history` option asked for. */
export interface HistoryEntry {
  epoch: number;
  loss: number;
  validationLoss?: number;
  coefs?: FloatArray[];
  intercepts?: FloatArray[];
  /** Weight gradients of the epoch's last batch. */
  coefGrads?: FloatArray[];
}

/** Everything fit learns besides the weights (sklearn's fitted attributes). */
export interface FittedState {
  encoding: TargetEncoding;
  lossName: LossName;
  lossCurve: number[];
  validationLossCurve: number[];
  validationScores: number[];
  bestLoss: number;
  bestValidationScore: number;
  nIter: number;
  t: number;
  noImprovementCount: number;
  /** The weights of the best validation score so far (early stopping restores them). */
  best: FloatArray[] | null;
  initialCoefs: FloatArray[];
  initialIntercepts: FloatArray[];
  history: HistoryEntry[];
  /** Names of the input columns, when fit was given them. */
  featureNames: string[] | null;
  /** The loss at the end of an lbfgs fit (sklearn's loss_ = the minimum's f); absent after sgd or adam, whose loss_ is the last epoch's. */
  finalLoss?: number;
  /** What the last lbfgs fit's minimizer returned (scipy's OptimizeResult: nit, nfev, status, message). */
  lbfgs?: { nit: number; nfev: number; status: number; message: string };
}

/** A fitted model: the network, what it learnt, and the optimizer partialFit continues with. */
export interface FittedModel {
  net: Network;
  state: FittedState;
  /** Kept between partialFit calls (its moments); null means the next call starts it afresh. */
  optimizer: Optimizer | null;
}

/** The state of a model right after its first-pass initialisation (sklearn's `_initialize`). */
export function initialState(net: Network, encoding: TargetEncoding, lossName: LossName, recordWeights: boolean): FittedState {
  const state: FittedState = {
    encoding,
    lossName,
    lossCurve: [],
    validationLossCurve: [],
    validationScores: [],
    bestLoss: Infinity,
    bestValidationScore: -Infinity,
    nIter: 0,
    t: 0,
    noImprovementCount: 0,
    best: net.snapshot(), // sklearn >= 1.6 snapshots the initial weights as the best
    initialCoefs: net.coefs.map((c) => c.slice()),
    initialIntercepts: net.intercepts.map((b) => b.slice()),
    history: [],
    featureNames: null,
  };
  if (recordWeights) state.history.push({ epoch: 0, loss: NaN, coefs: net.coefs.map((c) => c.slice()), intercepts: net.intercepts.map((b) => b.slice()) });
  return state;
}

/** Which per-epoch records the `history` option asks for. */
export function historyWanted(h: boolean | HistoryOptions): { weights: boolean; gradients: boolean } {
  if (h === true) return { weights: true, gradients: true };
  if (!h) return { weights: false, gradients: false };
  return { weights: !!h.weights, gradients: !!h.gradients };
}

/** A model as it was before a call: its state copied (the loop appends to the curves in place) and its weights. */
export interface Checkpoint {
  model: FittedModel;
  params: FloatArray[];
}

export function checkpoint(model: FittedModel | null): Checkpoint | null {
  if (!model) return null;
  const s = model.state;
  return {
    model: {
      net: model.net,
      state: {
        ...s,
        lossCurve: [...s.lossCurve],
        validationLossCurve: [...s.validationLossCurve],
        validationScores: [...s.validationScores],
        history: [...s.history],
      },
      optimizer: model.optimizer,
    },
    params: model.net.snapshot(),
  };
}

/**
 * The model a checkpoint recorded, its weights put back. `dropOptimizer`: a diverged partialFit
 * leaves non-finite moments in the optimizer it shared, so the next call starts it afresh.
 */
export function rollBack(cp: Checkpoint, dropOptimizer: boolean): FittedModel {
  cp.model.net.restore(cp.params);
  return { ...cp.model, optimizer: dropOptimizer ? null : cp.model.optimizer };
}
