/**
 * FFNNClassifier: scikit-learn's MLPClassifier (stochastic solvers), written once over a Backend.
 * The training loop follows `_fit_stochastic` step for step (shared/sklearn-mlp-parity.md
 * sections 3-12), so the same randomState gives the same numbers as sklearn.
 */
import { ACTIVATION_ALIASES } from './activations.ts';
import type { ActivationName, Backend, DType, FloatArray } from './backend/backend.ts';
import { selectBackend } from './backend/select.ts';
import { FfnnError } from './errors.ts';
import { modelFromAnyBytes, modelToBytes } from './io/model-file.ts';
import { type ModelJson, loadModel, modelFromJSON, modelToJSON, saveModel } from './io/model-json.ts';
import { initLayer } from './init.ts';
import {
  type Label,
  type TargetEncoding,
  type TargetInput,
  decideRow,
  encodeTargets,
  fitEncoding,
  uniqueSorted,
} from './labels.ts';
import { LOSSES, type Loss, type LossName, clipEpsilon } from './losses.ts';
import { type Matrix, type MatrixInput, allocate, toMatrix } from './matrix.ts';
import { Network } from './network.ts';
import { AdamOptimizer, type Optimizer, SgdOptimizer } from './optimizers.ts';
import {
  type EpochMetrics,
  type FFNNOptions,
  type FfnnWarning,
  checkOptionNames,
  defaultOptions,
  resolveArchitecture,
  resolveLoss,
  validateOptions,
} from './options.ts';
import { RandomState } from './random.ts';
import { trainValidationSplit } from './split.ts';
import { type DriveOptions, driveAsync, driveSync } from './async-fit.ts';
import { checkFeatureNames, columnOrder, reorderColumns } from './feature-names.ts';

export interface FitOptions {
  /** Held-out data scored after every epoch (validationLossCurve, validationScore in onEpoch). */
  validationData?: { X: MatrixInput; y: TargetInput };
  /** Names of X's columns (a CSV header): stored in the model and checked at predict time (feature-names.ts). */
  featureNames?: readonly string[];
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

/** What fitAsync and partialFitAsync take besides the data (see async-fit.ts). */
export interface AsyncFitOptions extends FitOptions, DriveOptions {}

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
interface FittedState {
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
  best: FloatArray[] | null;
  initialCoefs: FloatArray[];
  initialIntercepts: FloatArray[];
  history: HistoryEntry[];
  /** Names of the input columns, when fit was given them. */
  featureNames: string[] | null;
}

/** Rows processed at once when predicting. */
const PREDICT_CHUNK = 512;

/**
 * Most weights and biases a network may have (800 MB of float64 weights, several times that with
 * gradients and optimizer state): a gigantic layer fails fast with a clear error instead of
 * trying to allocate. Model files are held to the same limit.
 */
export const MAX_PARAMETERS = 100_000_000;

/**
 * A mean training loss above this is divergence even while it is finite (a float64 loss can climb
 * to 1e140 before it overflows): it is handled like a non-finite loss (onDivergence). No
 * classifier's loss on data it is learning comes near it.
 */
export const DIVERGENCE_LOSS = 1e20;
/** A loss this many times the best one so far draws a LOSS_EXPLODING warning (once per call). */
export const EXPLODING_FACTOR = 1e3;

export class FFNNClassifier {
  private opts: FFNNOptions;
  private net: Network | null = null;
  private state: FittedState | null = null;
  private optimizer: Optimizer | null = null;
  /** Warnings raised by the last fit or partialFit. */
  warnings: FfnnWarning[] = [];
  /** True while a fit of this model runs (fitAsync spans many event-loop turns). */
  private training = false;

  /** Stores the options; they are validated when fit is called (sklearn's estimator contract). */
  constructor(options: Partial<FFNNOptions> = {}) {
    checkOptionNames(options as Record<string, unknown>);
    this.opts = { ...defaultOptions(), ...options };
  }

  getOptions(): FFNNOptions {
    return { ...this.opts };
  }

  setOptions(options: Partial<FFNNOptions>): this {
    checkOptionNames(options as Record<string, unknown>);
    this.opts = { ...this.opts, ...options };
    return this;
  }

  // ---------------------------------------------------------------- fitted attributes

  private fitted(attribute: string): { net: Network; state: FittedState } {
    if (!this.net || !this.state) {
      throw new FfnnError('NOT_FITTED', `${attribute}: this FFNNClassifier is not fitted yet; call fit (or partialFit) first`, { attribute });
    }
    return { net: this.net, state: this.state };
  }

  get isFitted(): boolean {
    return this.net !== null;
  }

  /** Weight matrices, fanIn x fanOut each, row-major. */
  get coefs(): Matrix[] {
    const { net } = this.fitted('coefs');
    return net.coefs.map((data, l) => ({ rows: net.layerSizes[l], cols: net.layerSizes[l + 1], data }));
  }

  get intercepts(): FloatArray[] {
    return this.fitted('intercepts').net.intercepts;
  }

  /** The weights right after the first-pass initialisation, before any update. */
  get initialCoefs(): Matrix[] {
    const { net, state } = this.fitted('initialCoefs');
    return state.initialCoefs.map((data, l) => ({ rows: net.layerSizes[l], cols: net.layerSizes[l + 1], data }));
  }

  get initialIntercepts(): FloatArray[] {
    return this.fitted('initialIntercepts').state.initialIntercepts;
  }

  get lossCurve(): number[] {
    return this.fitted('lossCurve').state.lossCurve;
  }

  get validationLossCurve(): number[] {
    return this.fitted('validationLossCurve').state.validationLossCurve;
  }

  get validationScores(): number[] {
    return this.fitted('validationScores').state.validationScores;
  }

  /** Lowest training loss (null with early stopping, as in sklearn >= 1.3). */
  get bestLoss(): number | null {
    const s = this.fitted('bestLoss').state;
    return this.opts.earlyStopping ? null : s.bestLoss;
  }

  get bestValidationScore(): number | null {
    const s = this.fitted('bestValidationScore').state;
    return this.opts.earlyStopping ? s.bestValidationScore : null;
  }

  get nIter(): number {
    return this.fitted('nIter').state.nIter;
  }

  /** Training samples seen, summed over epochs and calls. */
  get t(): number {
    return this.fitted('t').state.t;
  }

  get classes(): Label[] {
    return this.fitted('classes').state.encoding.classes;
  }

  get nOutputs(): number {
    return this.fitted('nOutputs').net.nOutputs;
  }

  get nFeatures(): number {
    return this.fitted('nFeatures').net.layerSizes[0];
  }

  get nLayers(): number {
    return this.fitted('nLayers').net.nLayers;
  }

  get layerSizes(): readonly number[] {
    return this.fitted('layerSizes').net.layerSizes;
  }

  /** Activation of every non-input layer (hidden layers, then the output). */
  get layerActivations(): readonly ActivationName[] {
    return this.fitted('layerActivations').net.activations;
  }

  get outActivation(): ActivationName {
    const a = this.layerActivations;
    return a[a.length - 1];
  }

  get lossName(): LossName {
    return this.fitted('lossName').state.lossName;
  }

  get targetKind(): TargetEncoding['kind'] {
    return this.fitted('targetKind').state.encoding.kind;
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

  get backendName(): string {
    return this.fitted('backendName').net.backend.name;
  }

  // ---------------------------------------------------------------- training

  /** Trains from scratch (or continues, with warmStart) for up to maxIter epochs. */
  fit(X: MatrixInput, y: TargetInput, fitOptions: FitOptions = {}): this {
    driveSync(this.train(X, y, false, undefined, fitOptions, false));
    return this;
  }

  /**
   * fit that yields to the event loop between batches (every `yieldEveryMs`), so timers, I/O and
   * a page keep running: the same numbers as fit. An aborted `signal` rejects with ABORTED and
   * leaves the model at its last completed epoch (fitted; nIter says which).
   */
  async fitAsync(X: MatrixInput, y: TargetInput, options: AsyncFitOptions = {}): Promise<this> {
    await driveAsync(this.train(X, y, false, undefined, options, true), options);
    return this;
  }

  /** One epoch over X, y, keeping the optimizer state; `classes` is required on the first call. */
  partialFit(X: MatrixInput, y: TargetInput, classes?: readonly Label[]): this {
    this.checkPartialFit(y, classes);
    driveSync(this.train(X, y, true, classes, {}, false));
    return this;
  }

  /** partialFit that yields to the event loop, as fitAsync. */
  async partialFitAsync(X: MatrixInput, y: TargetInput, classes?: readonly Label[], options: DriveOptions = {}): Promise<this> {
    this.checkPartialFit(y, classes);
    await driveAsync(this.train(X, y, true, classes, {}, true), options);
    return this;
  }

  private checkPartialFit(y: TargetInput, classes?: readonly Label[]): void {
    if (this.opts.earlyStopping) {
      throw new FfnnError('INVALID_PARAM', 'earlyStopping: partialFit does not support early stopping; set earlyStopping to false', { param: 'earlyStopping' });
    }
    if (!this.net && !classes && !(Array.isArray(y) && Array.isArray(y[0]))) {
      throw new FfnnError('INVALID_PARAM', 'classes: the first call to partialFit needs the list of all classes', { param: 'classes' });
    }
    // as sklearn: later calls may repeat the classes, not change them
    if (this.net && this.state && classes && this.state.encoding.kind !== 'multilabel') {
      const now = uniqueSorted(classes, 'classes');
      const was = this.state.encoding.classes;
      if (now.length !== was.length || now.some((c, i) => c !== was[i])) {
        throw new FfnnError('INVALID_PARAM', `classes: [${now.join(', ')}] is not the same as in the first call to partialFit ([${was.join(', ')}])`, { param: 'classes' });
      }
    }
  }

  private log(line: string): void {
    (this.opts.log ?? console.log)(line);
  }

  /** @internal Records a warning and reports it (onWarning, else the console). */
  warn(warning: FfnnWarning): void {
    this.warnings.push(warning);
    if (this.opts.onWarning) this.opts.onWarning(warning);
    else console.warn(`ffnn: ${warning.message}`);
  }

  /**
   * The whole of fit and partialFit as a generator that yields after every batch; the driver
   * (sync or async) answers true to stop. `abortable` keeps a copy of each epoch's starting
   * weights so a stop can return to them.
   */
  private *train(
    Xin: MatrixInput,
    yIn: TargetInput,
    incremental: boolean,
    classes: readonly Label[] | undefined,
    fitOptions: FitOptions,
    abortable: boolean,
  ): Generator<TrainingProgress, void, boolean | undefined> {
    // two fits interleaving batches on one network would train neither: the second is refused
    if (this.training) {
      throw new FfnnError('BUSY', 'fit: this model is still training (a fitAsync or partialFitAsync call has not finished); await it, or abort it with its signal, first');
    }
    this.training = true;
    try {
      yield* this.trainGuarded(Xin, yIn, incremental, classes, fitOptions, abortable);
    } finally {
      this.training = false;
    }
  }

  private *trainGuarded(
    Xin: MatrixInput,
    yIn: TargetInput,
    incremental: boolean,
    classes: readonly Label[] | undefined,
    fitOptions: FitOptions,
    abortable: boolean,
  ): Generator<TrainingProgress, void, boolean | undefined> {
    const o = this.opts;
    validateOptions(o);
    this.warnings = [];
    const arch = resolveArchitecture(o);
    const backend = selectBackend(o.backend);
    const X = toMatrix(Xin, o.dtype, 'X');
    if (!yIn || typeof (yIn as { length?: unknown }).length !== 'number') {
      throw new FfnnError('INVALID_DATA', 'y: expected an array of labels or an indicator matrix', { param: 'y' });
    }
    if (yIn.length !== X.rows) {
      throw new FfnnError('SHAPE_MISMATCH', `y: expected ${X.rows} targets (one per row of X), got ${yIn.length}`, { param: 'y', expected: X.rows, got: yIn.length });
    }

    const firstPass = !this.net || !this.state || (!o.warmStart && !incremental);
    const given = fitOptions.featureNames ?? X.featureNames; // an explicit list, or object rows' keys
    const names = given === undefined ? null : checkFeatureNames(given, X.cols);
    if (!firstPass && names && this.state!.featureNames && columnOrder(this.state!.featureNames, names, 'featureNames')) {
      throw new FfnnError('SHAPE_MISMATCH', `featureNames: continuing training needs the model's columns in its order (${this.state!.featureNames.join(', ')})`, { param: 'featureNames' });
    }
    let encoding: TargetEncoding;
    if (firstPass) {
      encoding = fitEncoding(yIn, classes);
    } else {
      encoding = this.state!.encoding;
      if (this.net!.layerSizes[0] !== X.cols) {
        throw new FfnnError('SHAPE_MISMATCH', `X: the model was fitted with ${this.net!.layerSizes[0]} features, got ${X.cols}`, { param: 'X', expected: this.net!.layerSizes[0], got: X.cols });
      }
      if (!incremental && encoding.kind !== 'multilabel') {
        const now = uniqueSorted(yIn as ArrayLike<Label>);
        if (now.length !== encoding.classes.length || now.some((c, i) => c !== encoding.classes[i])) {
          throw new FfnnError('INVALID_DATA', `y: warmStart needs the same classes as the previous fit ([${encoding.classes.join(', ')}]), got [${now.join(', ')}]`, { param: 'y' });
        }
      }
      if (this.net!.dtype !== o.dtype) {
        throw new FfnnError('INVALID_PARAM', `dtype: the model was fitted in ${this.net!.dtype}; continuing in ${o.dtype} is not supported`, { param: 'dtype' });
      }
    }
    const Y64 = encodeTargets(encoding, yIn);
    const Y = o.dtype === 'float32' ? Float32Array.from(Y64) : Y64;

    // a fresh stream from the seed at every call, as sklearn's check_random_state
    const seed = o.randomState ?? crypto.getRandomValues(new Uint32Array(1))[0];
    const rng = new RandomState(seed);

    // the fitted state is copied, not referenced: fitStochastic appends to its curves in place
    const previous =
      this.net && this.state
        ? {
            net: this.net,
            state: {
              ...this.state,
              lossCurve: [...this.state.lossCurve],
              validationLossCurve: [...this.state.validationLossCurve],
              validationScores: [...this.state.validationScores],
              history: [...this.state.history],
            },
            optimizer: this.optimizer,
            params: this.net.snapshot(),
          }
        : null;
    try {
      if (firstPass) checkNetworkSize([X.cols, ...arch.hiddenLayerSizes, encoding.nOutputs]);
      if (firstPass) this.initialize(X.cols, encoding, arch.hiddenLayerSizes, arch.hiddenActivations, rng, backend);
      else this.net!.backend = backend;
      if (names) this.state!.featureNames = names;
      yield* this.fitStochastic(X, Y, incremental, rng, fitOptions, abortable);
    } catch (err) {
      // a stop keeps the model at its last completed epoch (fitStochastic restored it)
      if (err instanceof FfnnError && err.code === 'ABORTED') throw err;
      // nothing else is lost: a failed call leaves the model as it was before the call
      if (previous) {
        this.net = previous.net;
        this.state = previous.state;
        // a diverged partialFit leaves non-finite moments in the optimizer it shared: start afresh
        this.optimizer = incremental && err instanceof FfnnError && err.code === 'NON_FINITE_LOSS' ? null : previous.optimizer;
        this.net.restore(previous.params);
      } else {
        this.net = null;
        this.state = null;
        this.optimizer = null;
      }
      throw err;
    }
  }

  private initialize(
    nFeatures: number,
    encoding: TargetEncoding,
    hidden: number[],
    hiddenActivations: ActivationName[],
    rng: RandomState,
    backend: Backend,
  ): void {
    const o = this.opts;
    const multiclass = encoding.kind === 'multiclass';
    const outAct: ActivationName = o.outputActivation === 'auto' ? (multiclass ? 'softmax' : 'logistic') : ACTIVATION_ALIASES[o.outputActivation];
    const layerSizes = [nFeatures, ...hidden, encoding.nOutputs];
    const activations = [...hiddenActivations, outAct];
    const net = new Network({ layerSizes, activations, dtype: o.dtype }, backend);
    for (let l = 0; l < layerSizes.length - 1; l++) {
      // sklearn's glorot factor depends on the hidden activation option; with one activation per
      // layer, layer l uses the activation of the layer it feeds (the last hidden one for the output)
      const initAct = hiddenActivations.length > 0 ? hiddenActivations[Math.min(l, hiddenActivations.length - 1)] : (ACTIVATION_ALIASES[typeof o.activation === 'string' ? o.activation : 'relu'] as ActivationName);
      const { weights, biases } = initLayer(rng, layerSizes[l], layerSizes[l + 1], initAct, o.init);
      net.coefs[l].set(weights);
      net.intercepts[l].set(biases);
    }
    this.net = net;
    this.optimizer = null;
    this.state = {
      encoding,
      lossName: resolveLoss(o, multiclass),
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
    if (this.wantsHistory().weights) {
      this.state.history.push({ epoch: 0, loss: NaN, coefs: net.coefs.map((c) => c.slice()), intercepts: net.intercepts.map((b) => b.slice()) });
    }
  }

  private wantsHistory(): { weights: boolean; gradients: boolean } {
    const h = this.opts.history;
    if (h === true) return { weights: true, gradients: true };
    if (!h) return { weights: false, gradients: false };
    return { weights: !!h.weights, gradients: !!h.gradients };
  }

  private *fitStochastic(
    X: Matrix,
    Y: FloatArray,
    incremental: boolean,
    rng: RandomState,
    fitOptions: FitOptions,
    abortable: boolean,
  ): Generator<TrainingProgress, void, boolean | undefined> {
    const o = this.opts;
    const net = this.net!;
    const state = this.state!;
    const loss = LOSSES[state.lossName];
    const nOut = net.nOutputs;

    if (!incremental || !this.optimizer) {
      this.optimizer =
        o.solver === 'sgd'
          ? new SgdOptimizer(net.backend, net.params, o.dtype, o.learningRateInit, o.learningRate, o.momentum, o.nesterovsMomentum, o.powerT)
          : new AdamOptimizer(net.backend, net.params, o.dtype, o.learningRateInit, o.beta1, o.beta2, o.epsilon);
    }
    const optimizer = this.optimizer;

    // the early-stopping split draws from the same stream, after the init draws
    const earlyStopping = o.earlyStopping && !incremental;
    let trainX = X.data;
    let trainY = Y;
    let nTrain = X.rows;
    let val: { X: FloatArray; Y: FloatArray; rows: number } | null = null;
    if (earlyStopping) {
      const split = trainValidationSplit(X.rows, Y, nOut, o.validationFraction, rng);
      const take = (src: FloatArray, cols: number, rows: Int32Array) => {
        const out = allocate(o.dtype, rows.length * cols);
        net.backend.gatherRows(cols, src, rows, 0, rows.length, out);
        return out;
      };
      trainX = take(X.data, X.cols, split.train);
      trainY = take(Y, nOut, split.train);
      nTrain = split.train.length;
      val = { X: take(X.data, X.cols, split.validation), Y: take(Y, nOut, split.validation), rows: split.validation.length };
    }
    let extraVal: { X: FloatArray; Y: FloatArray; rows: number } | null = null;
    if (fitOptions.validationData) {
      const vx = toMatrix(fitOptions.validationData.X, o.dtype, 'validationData.X', state.featureNames ?? undefined);
      if (vx.cols !== X.cols) {
        throw new FfnnError('SHAPE_MISMATCH', `validationData.X: expected ${X.cols} features, got ${vx.cols}`, { param: 'validationData.X', expected: X.cols, got: vx.cols });
      }
      if (fitOptions.validationData.y.length !== vx.rows) {
        throw new FfnnError('SHAPE_MISMATCH', `validationData.y: expected ${vx.rows} targets, got ${fitOptions.validationData.y.length}`, { param: 'validationData.y' });
      }
      const vy = encodeTargets(state.encoding, fitOptions.validationData.y, 'validationData.y');
      extraVal = { X: vx.data, Y: o.dtype === 'float32' ? Float32Array.from(vy) : vy, rows: vx.rows };
    }
    const lossVal = extraVal ?? val;

    let batchSize: number;
    if (o.batchSize === 'auto') batchSize = Math.min(200, nTrain);
    else {
      if (o.batchSize > nTrain) {
        this.warn({ code: 'BATCH_SIZE_CLIPPED', message: `batchSize ${o.batchSize} is larger than the ${nTrain} training rows; using ${nTrain}` });
      }
      batchSize = Math.min(Math.max(o.batchSize, 1), nTrain);
    }
    net.reserve(batchSize);

    const history = this.wantsHistory();
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
        net.gatherBatch(trainX, trainY, idx, start, rows);
        const batchLoss = net.forwardBackward(rows, loss, o.alpha, o.l1);
        accumulated += batchLoss * rows;
        optimizer.update(net.params, net.grads);
        progress.batch = start / batchSize + 1;
        progress.samples = start + rows;
        progress.loss = accumulated / progress.samples;
        if (yield progress) {
          // stopped mid-epoch: back to the weights this epoch started from; the optimizer's
          // moments moved with the discarded batches, so the next call starts them afresh
          net.restore(lastGood!);
          this.optimizer = null;
          throw new FfnnError('ABORTED', `training stopped in epoch ${state.nIter + 1}; the model keeps the weights after epoch ${state.nIter}`, { epoch: state.nIter });
        }
      }
      state.nIter += 1;
      const epochLoss = accumulated / nTrain;
      state.t += nTrain;
      state.lossCurve.push(epochLoss);
      const lossDiverged = !(epochLoss <= DIVERGENCE_LOSS); // NaN and Infinity too
      if (lastGood && o.onDivergence === 'warn' && (lossDiverged || !allFinite(net.params))) {
        const epoch = state.nIter;
        net.restore(lastGood);
        state.lossCurve.pop();
        state.nIter -= 1;
        state.t -= nTrain;
        this.optimizer = null; // its moments are not finite either; the next call starts afresh
        this.warn({
          code: 'DIVERGED',
          message: `training diverged: ${lossDiverged ? `the loss became ${epochLoss}${Number.isFinite(epochLoss) ? ` (above ${DIVERGENCE_LOSS.toExponential()})` : ''}` : 'the weights became non-finite'} in epoch ${epoch}; stopped and kept the weights from before that epoch; try a smaller learningRateInit (now ${o.learningRateInit}) or scale the inputs`,
        });
        break;
      }
      if (lossDiverged) {
        throw new FfnnError(
          'NON_FINITE_LOSS',
          `training diverged: the loss became ${epochLoss}${Number.isFinite(epochLoss) ? ` (above ${DIVERGENCE_LOSS.toExponential()})` : ''} in epoch ${state.nIter}; try a smaller learningRateInit (now ${o.learningRateInit}) or scale the inputs`,
          { epoch: state.nIter, loss: epochLoss },
        );
      }
      if (!explodingWarned && epochLoss > EXPLODING_FACTOR * lowestLoss && lowestLoss > 0) {
        explodingWarned = true;
        this.warn({
          code: 'LOSS_EXPLODING',
          message: `the loss grew from ${lowestLoss} to ${epochLoss} (more than ${EXPLODING_FACTOR}x) by epoch ${state.nIter}: training is diverging; try a smaller learningRateInit (now ${o.learningRateInit})`,
        });
      }
      lowestLoss = Math.min(lowestLoss, epochLoss);
      if (verbose >= 1) this.log(`Iteration ${state.nIter}, loss = ${epochLoss.toFixed(8)}`);

      // one pass over the held-out rows gives both the score and the loss
      let validationScore: number | undefined;
      let validationLoss: number | undefined;
      if (val && val !== lossVal) validationScore = this.evaluateEncoded(val.X, val.Y, val.rows, loss).score;
      if (lossVal) {
        const r = this.evaluateEncoded(lossVal.X, lossVal.Y, lossVal.rows, loss);
        validationLoss = r.loss;
        state.validationLossCurve.push(r.loss);
        if (validationScore === undefined) validationScore = r.score;
      }

      // _update_no_improvement_count
      if (earlyStopping) {
        const s = validationScore!;
        state.validationScores.push(s);
        if (verbose >= 1) this.log(`Validation score: ${s}`);
        state.noImprovementCount = s < state.bestValidationScore + o.tol ? state.noImprovementCount + 1 : 0;
        if (s > state.bestValidationScore) {
          state.bestValidationScore = s;
          state.best = net.snapshot();
        }
      } else {
        state.noImprovementCount = epochLoss > state.bestLoss - o.tol ? state.noImprovementCount + 1 : 0;
        if (epochLoss < state.bestLoss) state.bestLoss = epochLoss;
      }

      if (history.weights || history.gradients) {
        state.history.push({
          epoch: state.lossCurve.length, // epochs accumulate across warm starts, as lossCurve does
          loss: epochLoss,
          ...(validationLoss !== undefined ? { validationLoss } : {}),
          ...(history.weights ? { coefs: net.coefs.map((c) => c.slice()), intercepts: net.intercepts.map((b) => b.slice()) } : {}),
          ...(history.gradients ? { coefGrads: net.coefGrads.map((g) => g.slice()) } : {}),
        });
      }
      if (verbose >= 2) this.logWeights();

      const learningRateUsed = optimizer.learningRate;
      optimizer.iterationEnds(state.t);

      let stop = false;
      if (state.noImprovementCount > o.nIterNoChange) {
        const what = earlyStopping ? 'Validation score' : 'Training loss';
        const msg = `${what} did not improve more than tol=${o.tol} for ${o.nIterNoChange} consecutive epochs.`;
        if (verbose >= 1) this.log(msg);
        if (optimizer.triggerStopping(verbose >= 1, (l) => this.log(l))) stop = true;
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
      if (stop || incremental) break;
      if (state.nIter === o.maxIter) {
        this.warn({
          code: 'CONVERGENCE',
          message: `Stochastic optimizer: maximum iterations (${o.maxIter}) reached and the optimization hasn't converged yet.`,
        });
      }
    }

    if (earlyStopping && state.best) net.restore(state.best);
    for (const p of net.params) {
      for (let i = 0; i < p.length; i++) {
        if (!Number.isFinite(p[i])) {
          throw new FfnnError('NON_FINITE_LOSS', `training diverged: a weight became ${p[i]} by epoch ${state.nIter}; try a smaller learningRateInit`, { epoch: state.nIter });
        }
      }
    }
  }

  private logWeights(): void {
    const net = this.net!;
    net.coefs.forEach((w, l) => {
      this.log(`  coefs[${l}] (${net.layerSizes[l]} x ${net.layerSizes[l + 1]}): ${summarize(w)}`);
      this.log(`  intercepts[${l}] (${net.layerSizes[l + 1]}): ${summarize(net.intercepts[l])}`);
    });
  }

  // ---------------------------------------------------------------- inference

  /** Runs the network over rows of x, calling visit(chunkOutput, firstRow, rows) for each chunk. */
  private forEachChunk(x: FloatArray, rows: number, visit: (out: FloatArray, firstRow: number, count: number) => void): void {
    const net = this.net!;
    const nIn = net.layerSizes[0];
    const chunk = Math.min(PREDICT_CHUNK, rows);
    net.reserve(chunk);
    for (let start = 0; start < rows; start += chunk) {
      const count = Math.min(chunk, rows - start);
      net.input.set(x.subarray(start * nIn, (start + count) * nIn));
      visit(net.forward(count), start, count);
    }
  }

  /**
   * Accuracy (exact row matches, sklearn's accuracy_score; NaN when an output is not finite, as
   * sklearn >= 1.6) and mean data loss on encoded targets, in one pass.
   */
  private evaluateEncoded(x: FloatArray, y: FloatArray, rows: number, loss: Loss): { loss: number; score: number } {
    const net = this.net!;
    const enc = this.state!.encoding;
    const nOut = net.nOutputs;
    const eps = clipEpsilon(net.dtype);
    let correct = 0;
    let lossSum = 0;
    let finite = true;
    this.forEachChunk(x, rows, (out, first, count) => {
      for (let i = 0; i < count * nOut; i++) if (!Number.isFinite(out[i])) finite = false;
      lossSum += loss.value(count, nOut, out, y.subarray(first * nOut, (first + count) * nOut), eps) * count;
      for (let r = 0; r < count; r++) if (this.rowMatches(enc, out, r, y, first + r)) correct++;
    });
    return { loss: lossSum / rows, score: finite ? correct / rows : NaN };
  }

  private rowMatches(enc: TargetEncoding, out: FloatArray, r: number, y: FloatArray, yr: number): boolean {
    const nOut = enc.nOutputs;
    if (enc.kind === 'multilabel') {
      for (let j = 0; j < nOut; j++) if ((out[r * nOut + j] > 0.5 ? 1 : 0) !== y[yr * nOut + j]) return false;
      return true;
    }
    const predicted = decideRow(enc, out, r * nOut);
    return enc.kind === 'binary' ? predicted === y[yr] : y[yr * nOut + predicted] === 1;
  }

  private checkedInput(Xin: MatrixInput, name: string): Matrix {
    const { net } = this.fitted(name);
    const X = toMatrix(Xin, net.dtype, 'X', this.state!.featureNames ?? undefined);
    if (X.cols !== net.layerSizes[0]) {
      throw new FfnnError('SHAPE_MISMATCH', `X: the model expects ${net.layerSizes[0]} features per row, got ${X.cols}`, {
        param: 'X',
        expected: net.layerSizes[0],
        got: X.cols,
      });
    }
    return X;
  }

  /** Class probabilities: binary gives two columns [1 - p, p]; multilabel the raw per-label outputs. */
  predictProba(Xin: MatrixInput): Matrix<Float64Array> {
    const X = this.checkedInput(Xin, 'predictProba');
    const net = this.net!;
    const binary = this.state!.encoding.kind === 'binary';
    const nOut = net.nOutputs;
    const cols = binary ? 2 : nOut;
    const data = new Float64Array(X.rows * cols);
    this.forEachChunk(X.data, X.rows, (out, first, count) => {
      for (let r = 0; r < count; r++) {
        if (binary) {
          data[(first + r) * 2] = 1 - out[r];
          data[(first + r) * 2 + 1] = out[r];
        } else for (let j = 0; j < nOut; j++) data[(first + r) * nOut + j] = out[r * nOut + j];
      }
    });
    return { rows: X.rows, cols, data };
  }

  /** Predicted labels; for a multilabel model, rows of 0/1. */
  predict(Xin: MatrixInput): Label[] | number[][] {
    const X = this.checkedInput(Xin, 'predict');
    const enc = this.state!.encoding;
    const nOut = this.net!.nOutputs;
    const labels: Label[] = [];
    const rowsOut: number[][] = [];
    this.forEachChunk(X.data, X.rows, (out, _first, count) => {
      for (let r = 0; r < count; r++) {
        if (enc.kind === 'multilabel') rowsOut.push(Array.from(out.subarray(r * nOut, (r + 1) * nOut), (p) => (p > 0.5 ? 1 : 0)));
        else labels.push(enc.classes[decideRow(enc, out, r * nOut)]);
      }
    });
    return enc.kind === 'multilabel' ? rowsOut : labels;
  }

  /**
   * Mean accuracy (for multilabel, the fraction of rows predicted exactly). A label the model never
   * saw in training counts as a wrong prediction, as in sklearn: it is not an error.
   */
  score(Xin: MatrixInput, y: TargetInput): number {
    const X = this.checkedInput(Xin, 'score');
    if (!y || typeof y !== 'object' || y.length !== X.rows) {
      throw new FfnnError('SHAPE_MISMATCH', `y: expected ${X.rows} targets (one per row of X), got ${typeof y === 'object' ? y?.length : typeof y}`, { param: 'y' });
    }
    if (this.state!.encoding.kind !== 'multilabel') {
      uniqueSorted(y as ArrayLike<Label>, 'y'); // labels must be numbers or strings, of one type
      const predicted = this.predict(X) as Label[];
      const truth = y as ArrayLike<Label>;
      let correct = 0;
      for (let i = 0; i < X.rows; i++) if (predicted[i] === truth[i]) correct++;
      return correct / X.rows;
    }
    const Y64 = encodeTargets(this.state!.encoding, y);
    const Y = this.net!.dtype === 'float32' ? Float32Array.from(Y64) : Y64;
    return this.evaluateEncoded(X.data, Y, X.rows, LOSSES[this.state!.lossName]).score;
  }

  // ---------------------------------------------------------------- persistence

  /** The model as a versioned JSON document (version 1; see io/model-json.ts). */
  toJSON(): ModelJson {
    return modelToJSON(this);
  }

  static fromJSON(json: unknown): FFNNClassifier {
    return modelFromJSON(json);
  }

  /** The model as binary model-file bytes (version 2: safetensors with checksums; io/README.md). */
  toBytes(): Uint8Array {
    return modelToBytes(this);
  }

  /** Reads a model from bytes in either format (binary version 2 or JSON version 1 text). */
  static fromBytes(bytes: Uint8Array): FFNNClassifier {
    return modelFromAnyBytes(bytes);
  }

  /**
   * Saves atomically (temporary file, then rename): `.json` writes the JSON document (version 1),
   * any other extension (`.ffnn`, `.safetensors`, ...) the binary format (version 2). A model with
   * non-finite weights is refused (MODEL_FORMAT) and the file at path is left untouched.
   */
  save(path: string): void {
    saveModel(this, path);
  }

  /** Loads either format (the file's content decides, not its extension). */
  static load(path: string): FFNNClassifier {
    return loadModel(path);
  }


  /** @internal State for serialisation. */
  exportState(): { net: Network; state: FittedState; options: FFNNOptions } {
    const f = this.fitted('toJSON');
    return { ...f, options: this.getOptions() };
  }

  /** @internal Rebuilds a fitted classifier from serialised parts. */
  static restore(
    options: Partial<FFNNOptions>,
    shape: { layerSizes: number[]; activations: ActivationName[]; dtype: DType },
    coefs: ArrayLike<number>[],
    intercepts: ArrayLike<number>[],
    fitted: Omit<FittedState, 'best' | 'history' | 'noImprovementCount' | 'initialCoefs' | 'initialIntercepts'>,
  ): FFNNClassifier {
    const clf = new FFNNClassifier(options);
    const net = new Network(shape, selectBackend(clf.opts.backend));
    coefs.forEach((c, l) => net.coefs[l].set(c));
    intercepts.forEach((b, l) => net.intercepts[l].set(b));
    clf.net = net;
    clf.state = {
      ...fitted,
      noImprovementCount: 0,
      best: null,
      initialCoefs: net.coefs.map((c) => c.slice()),
      initialIntercepts: net.intercepts.map((b) => b.slice()),
      history: [],
    };
    return clf;
  }
}

/** Fails fast, before allocating, when a network would exceed MAX_PARAMETERS. */
function checkNetworkSize(sizes: readonly number[]): void {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  if (n > MAX_PARAMETERS) {
    throw new FfnnError(
      'INVALID_PARAM',
      `hiddenLayerSizes: layers ${sizes.join('-')} would need ${n.toExponential(2)} weights, more than the limit of ${MAX_PARAMETERS.toExponential(0)}; use smaller hidden layers`,
      { param: 'hiddenLayerSizes', expected: MAX_PARAMETERS, got: n },
    );
  }
}

function allFinite(arrays: readonly FloatArray[]): boolean {
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
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
