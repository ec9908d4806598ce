/**
 * The fitted attributes every estimator shares (sklearn's trailing-underscore attributes without
 * the underscore): reading one before fit throws NOT_FITTED naming it.
 */
import type { ActivationName, FloatArray } from '../backend/backend.ts';
import { FfnnError } from '../errors.ts';
import { checkFeatureNames, columnOrder, reorderColumns } from '../feature-names.ts';
import type { LossName } from '../losses.ts';
import type { Matrix } from '../matrix.ts';
import type { FFNNOptions } from '../options.ts';
import type { FittedModel, HistoryEntry } from './fitted-state.ts';

export abstract class FittedAttributes {
  /** The model once fitted (or loaded), else null. */
  protected model: FittedModel | null = null;

  constructor(protected opts: FFNNOptions) {}

  /** The class name, for messages. */
  protected abstract get estimatorName(): string;

  protected fitted(attribute: string): FittedModel {
    if (!this.model) {
      throw new FfnnError('NOT_FITTED', `${attribute}: this ${this.estimatorName} is not fitted yet; call fit (or partialFit) first`, { attribute });
    }
    return this.model;
  }

  /** Whether fit (or partialFit, or a load) has given the model weights; reading nothing, it never throws. */
  get isFitted(): boolean {
    return this.model !== null;
  }

  /** Weight matrices, fanIn x fanOut each, row-major. */
  get coefs(): Matrix[] {
    const { net } = this.fitted('coefs');
    return net.coefs.map((data, l) => ({ rows: net.layerSizes[l], cols: net.layerSizes[l + 1], data }));
  }

  /** Bias vectors, one per layer (sklearn's intercepts_). */
  get intercepts(): FloatArray[] {
    return this.fitted('intercepts').net.intercepts;
  }

  /** The weights right after the first-pass initialisation, before any update. */
  get initialCoefs(): Matrix[] {
    const { net, state } = this.fitted('initialCoefs');
    return state.initialCoefs.map((data, l) => ({ rows: net.layerSizes[l], cols: net.layerSizes[l + 1], data }));
  }

  /** The biases right after initialisation, before any update. */
  get initialIntercepts(): FloatArray[] {
    return this.fitted('initialIntercepts').state.initialIntercepts;
  }

  /** The training loss after every epoch (sklearn's loss_curve_; empty for lbfgs, as sklearn keeps none). */
  get lossCurve(): number[] {
    return this.fitted('lossCurve').state.lossCurve;
  }

  /** The loss on fit's validationData after every epoch (empty without it). */
  get validationLossCurve(): number[] {
    return this.fitted('validationLossCurve').state.validationLossCurve;
  }

  /** Whether the solver splits off early-stopping rows: sgd and adam do, lbfgs ignores earlyStopping (as sklearn). */
  private get earlyStops(): boolean {
    return this.opts.earlyStopping && this.opts.solver !== 'lbfgs';
  }

  /** The early-stopping validation score per epoch; null without early stopping and for lbfgs (sklearn's None). */
  get validationScores(): number[] | null {
    const s = this.fitted('validationScores').state;
    return this.earlyStops ? s.validationScores : null;
  }

  /** Lowest training loss (null with early stopping, as in sklearn >= 1.3, and for lbfgs, which has no best_loss_). */
  get bestLoss(): number | null {
    const s = this.fitted('bestLoss').state;
    return this.earlyStops || this.opts.solver === 'lbfgs' ? null : s.bestLoss;
  }

  /** Best early-stopping validation score (null without early stopping). */
  get bestValidationScore(): number | null {
    const s = this.fitted('bestValidationScore').state;
    return this.earlyStops ? s.bestValidationScore : null;
  }

  /** Epochs run (lbfgs: iterations), sklearn's n_iter_. */
  get nIter(): number {
    return this.fitted('nIter').state.nIter;
  }

  /** Training samples seen, summed over epochs and calls. */
  get t(): number {
    return this.fitted('t').state.t;
  }

  /** Output units (sklearn's n_outputs_). */
  get nOutputs(): number {
    return this.fitted('nOutputs').net.nOutputs;
  }

  /** Input features the model was fitted on. */
  get nFeatures(): number {
    return this.fitted('nFeatures').net.layerSizes[0];
  }

  /** sklearn's name for nFeatures (n_features_in_). */
  get nFeaturesIn(): number {
    return this.fitted('nFeaturesIn').net.layerSizes[0];
  }

  /**
   * sklearn's loss_ (named so as not to clash with the `loss` option): the training loss of the
   * last epoch, or for lbfgs the loss at the minimum it stopped at. NaN when a loaded model's file
   * recorded no epochs.
   */
  get finalLoss(): number {
    const s = this.fitted('finalLoss').state;
    if (s.finalLoss !== undefined) return s.finalLoss;
    const c = s.lossCurve;
    return c.length > 0 ? c[c.length - 1] : NaN;
  }

  /** Layers including input and output (sklearn's n_layers_). */
  get nLayers(): number {
    return this.fitted('nLayers').net.nLayers;
  }

  /** Units per layer, input to output. */
  get layerSizes(): readonly number[] {
    return this.fitted('layerSizes').net.layerSizes;
  }

  /** Activation of every non-input layer (hidden layers, then the output). */
  get layerActivations(): readonly ActivationName[] {
    return this.fitted('layerActivations').net.activations;
  }

  /** The output layer's activation (sklearn's out_activation_). */
  get outActivation(): ActivationName {
    const a = this.layerActivations;
    return a[a.length - 1];
  }

  /** The loss the model was trained with, by canonical name. */
  get lossName(): LossName {
    return this.fitted('lossName').state.lossName;
  }

  /** Per-epoch weights and gradients, when the `history` option asked for them. */
  get history(): HistoryEntry[] {
    return this.fitted('history').state.history;
  }

  /** The names of the columns the model was fitted on, or null (fit's `featureNames`). */
  get featureNamesIn(): readonly string[] | null {
    return this.fitted('featureNamesIn').state.featureNames;
  }

  /**
   * Data whose columns are named `names`, in the model's column order: reordered by name when the
   * model has names, or as given when it has none. Missing or unknown columns are an error.
   */
  alignColumns(X: { rows: number; cols: number; data: ArrayLike<number> }, names: readonly string[]): { rows: number; cols: number; data: ArrayLike<number> } {
    const own = this.featureNamesIn;
    if (!own) return X;
    const order = columnOrder(own, checkFeatureNames(names, X.cols, 'names'));
    return order ? { rows: X.rows, cols: own.length, data: reorderColumns(X.data, X.rows, order) } : X;
  }

  /** The backend the model computes on ('js' or 'native'). */
  get backendName(): string {
    return this.fitted('backendName').net.backend.name;
  }
}
