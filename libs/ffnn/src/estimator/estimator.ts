/**
 * The estimator core under FFNNClassifier and FFNNRegressor, as sklearn's BaseMultilayerPerceptron
 * is under MLPClassifier and MLPRegressor: options, the fit entry points (sync and async, with the
 * BUSY guard), first-pass initialisation, rollback on failure, persistence hooks. The fitted
 * attributes are in fitted-attributes.ts, the epoch loop in training-loop.ts. What the outputs
 * mean (targets, output activation, loss, score) is the subclass's.
 */
import { ACTIVATION_ALIASES } from '../activations.ts';
import { type DriveOptions, driveAsync, driveSync } from '../async-fit.ts';
import type { ActivationName } from '../backend/backend.ts';
import { selectBackend } from '../backend/select.ts';
import { FfnnError } from '../errors.ts';
import { checkFeatureNames, columnOrder } from '../feature-names.ts';
import { initLayer } from '../init.ts';
import { modelToBytes } from '../io/model-file.ts';
import { type ModelJson, modelToJSON } from '../io/model-json.ts';
import type { ExportedModel, RestoredModel } from '../io/model-spec.ts';
import type { Label, TargetEncoding, TargetInput } from '../labels.ts';
import type { LossName } from '../losses.ts';
import { type Matrix, type MatrixInput, toMatrix } from '../matrix.ts';
import { checkNetworkSize, Network } from '../network.ts';
import { checkOptionNames, defaultOptions, type FFNNOptions, type FfnnWarning, resolveArchitecture, validateOptions } from '../options.ts';
import { RandomState } from '../random.ts';
import { trainingWeights } from './class-weight.ts';
import { fitLbfgs } from './fit-lbfgs.ts';
import { FittedAttributes } from './fitted-attributes.ts';
import { checkpoint, type FittedModel, type FittedState, historyWanted, initialState, rollBack } from './fitted-state.ts';
import type { OutputScorer } from './inference.ts';
import { inDtype } from './training-data.ts';
import { type FitOptions, fitStochastic, type TrainingSteps } from './training-loop.ts';

/** What fitAsync and partialFitAsync take besides the data (see async-fit.ts). */
export interface AsyncFitOptions extends FitOptions, DriveOptions {}

export abstract class FFNNEstimator extends FittedAttributes {
  /** Warnings raised by the last fit or partialFit. */
  warnings: FfnnWarning[] = [];
  /** True while a fit of this model runs (fitAsync spans many event-loop turns). */
  private training = false;

  /**
   * Whether `dtype` was given (constructor or setOptions): without it a Float32Array X trains in
   * float32, as sklearn keeps the input's float dtype.
   */
  private dtypeGiven: boolean;

  /** Stores the options; they are validated when fit is called (sklearn's estimator contract). */
  constructor(options: Partial<FFNNOptions> = {}) {
    checkOptionNames(options as Record<string, unknown>);
    super({ ...defaultOptions(), ...options });
    this.dtypeGiven = 'dtype' in options;
  }

  // ---------------------------------------------------------------- what the subclass decides

  /** The encoding fit learns from the first call's targets (`classes` from partialFit). */
  protected abstract fitTargets(y: TargetInput, classes: readonly Label[] | undefined): TargetEncoding;
  /** Checks that a continuing fit (warmStart, partialFit) brings targets the model knows. */
  protected abstract checkContinuedTargets(encoding: TargetEncoding, y: TargetInput, incremental: boolean): void;
  /** Targets as a rows x nOutputs float64 matrix. */
  protected abstract encode(encoding: TargetEncoding, y: TargetInput, param: string): Float64Array;
  /** The output activation `outputActivation: 'auto'` stands for. */
  protected abstract autoOutputActivation(encoding: TargetEncoding): ActivationName;
  /** The loss the `loss` option resolves to for these targets. */
  protected abstract lossFor(encoding: TargetEncoding): LossName;
  /** The held-out score early stopping and onEpoch see. */
  protected abstract readonly scoreOutputs: OutputScorer;
  /** Whether the early-stopping split is stratified on the targets. */
  protected abstract stratify(encoding: TargetEncoding): boolean;

  /** A copy of every option (sklearn's get_params). */
  getOptions(): FFNNOptions {
    return { ...this.opts };
  }

  /** Changes options (names checked now, values when fit runs); returns this (sklearn's set_params). */
  setOptions(options: Partial<FFNNOptions>): this {
    checkOptionNames(options as Record<string, unknown>);
    this.opts = { ...this.opts, ...options };
    if ('dtype' in options) this.dtypeGiven = true;
    return this;
  }

  /** sklearn's name for getOptions (get_params). */
  getParams(): FFNNOptions {
    return this.getOptions();
  }

  /** sklearn's setParams (set_params) under its own name: setOptions. */
  setParams(options: Partial<FFNNOptions>): this {
    return this.setOptions(options);
  }

  /**
   * A new, unfitted estimator of the same class with the same options (sklearn's clone): arrays
   * and objects among them copied, callbacks shared.
   */
  clone(): this {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.opts)) copy[k] = typeof v === 'function' ? v : structuredClone(v);
    const est = new (this.constructor as new (options: Partial<FFNNOptions>) => this)(copy as Partial<FFNNOptions>);
    est.dtypeGiven = this.dtypeGiven;
    return est;
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

  /** sklearn refuses partial_fit for lbfgs, and early stopping in partial_fit (>= 1.3). */
  protected checkPartialFit(): void {
    if (this.opts.solver === 'lbfgs') {
      throw new FfnnError('INVALID_PARAM', "solver: partialFit is only available for the stochastic solvers ('sgd', 'adam'); lbfgs is not stochastic", {
        param: 'solver',
      });
    }
    if (this.opts.earlyStopping) {
      throw new FfnnError('INVALID_PARAM', 'earlyStopping: partialFit does not support early stopping; set earlyStopping to false', { param: 'earlyStopping' });
    }
  }

  protected log(line: string): void {
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
  protected *train(
    Xin: MatrixInput,
    yIn: TargetInput,
    incremental: boolean,
    classes: readonly Label[] | undefined,
    fitOptions: FitOptions,
    abortable: boolean,
  ): TrainingSteps {
    // two fits interleaving batches on one network would train neither: the second is refused
    if (this.training) {
      throw new FfnnError(
        'BUSY',
        'fit: this model is still training (a fitAsync or partialFitAsync call has not finished); await it, or abort it with its signal, first',
      );
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
  ): TrainingSteps {
    validateOptions(this.opts);
    this.warnings = [];
    const previous = this.model;
    const firstPass = !previous || (!this.opts.warmStart && !incremental);
    // the options this call trains with: the dtype resolved (the model's when continuing)
    const o: FFNNOptions = { ...this.opts, dtype: this.trainingDtype(Xin, firstPass ? null : previous) };
    const arch = resolveArchitecture(o);
    const backend = selectBackend(o.backend);
    const X = toMatrix(Xin, o.dtype, 'X');
    this.checkTargetCount(yIn, X.rows);

    const given = fitOptions.featureNames ?? X.featureNames; // an explicit list, or object rows' keys
    const names = given === undefined ? null : checkFeatureNames(given, X.cols);
    if (!firstPass && names && previous.state.featureNames && columnOrder(previous.state.featureNames, names, 'featureNames')) {
      throw new FfnnError(
        'SHAPE_MISMATCH',
        `featureNames: continuing training needs the model's columns in its order (${previous.state.featureNames.join(', ')})`,
        { param: 'featureNames' },
      );
    }
    let encoding: TargetEncoding;
    if (firstPass) encoding = this.fitTargets(yIn, classes);
    else {
      encoding = previous.state.encoding;
      if (previous.net.layerSizes[0] !== X.cols) {
        throw new FfnnError('SHAPE_MISMATCH', `X: the model was fitted with ${previous.net.layerSizes[0]} features, got ${X.cols}`, {
          param: 'X',
          expected: previous.net.layerSizes[0],
          got: X.cols,
        });
      }
      this.checkContinuedTargets(encoding, yIn, incremental);
      if (previous.net.dtype !== o.dtype) {
        throw new FfnnError('INVALID_PARAM', `dtype: the model was fitted in ${previous.net.dtype}; continuing in ${o.dtype} is not supported`, {
          param: 'dtype',
        });
      }
    }
    const Y64 = this.encode(encoding, yIn, 'y');
    const Y = inDtype(Y64, o.dtype);
    // sampleWeight, times the class weights when classWeight is set (sklearn's compute_sample_weight)
    const W = trainingWeights(o.classWeight, fitOptions.sampleWeight, yIn, encoding, Y64, o.dtype, incremental);

    // a fresh stream from the seed at every call, as sklearn's check_random_state
    const seed = o.randomState ?? crypto.getRandomValues(new Uint32Array(1))[0];
    const rng = new RandomState(seed);

    const saved = checkpoint(previous);
    try {
      if (firstPass) {
        checkNetworkSize([X.cols, ...arch.hiddenLayerSizes, encoding.nOutputs]);
        this.model = this.initialize(o, X.cols, encoding, arch.hiddenLayerSizes, arch.hiddenActivations, rng, backend);
      } else previous.net.backend = backend;
      const model = this.model!;
      if (names) model.state.featureNames = names;
      const ctx = {
        options: o,
        model,
        warn: (w: FfnnWarning) => this.warn(w),
        log: (line: string) => this.log(line),
        score: this.scoreOutputs,
        encode: (y: TargetInput, param: string) => this.encode(model.state.encoding, y, param),
        stratify: this.stratify(encoding),
      };
      // sklearn's _fit: the stochastic solvers' epoch loop, or L-BFGS-B on the whole batch
      yield* (o.solver === 'lbfgs' ? fitLbfgs : fitStochastic)(ctx, X, Y, W, incremental, rng, fitOptions, abortable);
    } catch (err) {
      // a stop keeps the model at its last completed epoch (fitStochastic restored it)
      if (err instanceof FfnnError && err.code === 'ABORTED') throw err;
      // nothing else is lost: a failed call leaves the model as it was before the call
      this.model = saved ? rollBack(saved, incremental && err instanceof FfnnError && err.code === 'NON_FINITE_LOSS') : null;
      throw err;
    }
  }

  /**
   * The dtype a call trains in: the `dtype` option when given; else the fitted model's when
   * continuing; else float32 for a {rows, cols, data: Float32Array} X (sklearn keeps float32
   * input in float32) and float64 for anything else.
   */
  private trainingDtype(Xin: MatrixInput, continuing: FittedModel | null): FFNNOptions['dtype'] {
    if (this.dtypeGiven) return this.opts.dtype;
    if (continuing) return continuing.net.dtype;
    const data = (Xin as { data?: unknown } | null)?.data;
    return !Array.isArray(Xin) && data instanceof Float32Array ? 'float32' : this.opts.dtype;
  }

  /** What y should be, for messages. */
  protected get targetsExpected(): string {
    return 'an array of labels or an indicator matrix';
  }

  /** y must be an array with one target per row of X. */
  protected checkTargetCount(yIn: TargetInput, rows: number): void {
    if (!yIn || typeof (yIn as { length?: unknown }).length !== 'number') {
      throw new FfnnError('INVALID_DATA', `y: expected ${this.targetsExpected}`, { param: 'y' });
    }
    if (yIn.length !== rows) {
      throw new FfnnError('SHAPE_MISMATCH', `y: expected ${rows} targets (one per row of X), got ${yIn.length}`, {
        param: 'y',
        expected: rows,
        got: yIn.length,
      });
    }
  }

  /** sklearn's `_initialize`: the network, its weights drawn layer by layer, and a fresh state. */
  private initialize(
    o: FFNNOptions,
    nFeatures: number,
    encoding: TargetEncoding,
    hidden: number[],
    hiddenActivations: ActivationName[],
    rng: RandomState,
    backend: Network['backend'],
  ): FittedModel {
    const outAct: ActivationName = o.outputActivation === 'auto' ? this.autoOutputActivation(encoding) : ACTIVATION_ALIASES[o.outputActivation];
    const layerSizes = [nFeatures, ...hidden, encoding.nOutputs];
    const net = new Network({ layerSizes, activations: [...hiddenActivations, outAct], dtype: o.dtype }, backend);
    for (let l = 0; l < layerSizes.length - 1; l++) {
      // sklearn's glorot factor depends on the hidden activation option; with one activation per
      // layer, layer l uses the activation of the layer it feeds (the last hidden one for the output)
      const initAct =
        hiddenActivations.length > 0
          ? hiddenActivations[Math.min(l, hiddenActivations.length - 1)]
          : (ACTIVATION_ALIASES[typeof o.activation === 'string' ? o.activation : 'relu'] as ActivationName);
      const { weights, biases } = initLayer(rng, layerSizes[l], layerSizes[l + 1], initAct, o.init);
      net.coefs[l].set(weights);
      net.intercepts[l].set(biases);
    }
    return { net, state: initialState(net, encoding, this.lossFor(encoding), historyWanted(o.history).weights), optimizer: null };
  }

  // ---------------------------------------------------------------- inference

  /** X checked against the fitted model: its dtype, its columns (by name when it has names). */
  protected checkedInput(Xin: MatrixInput, name: string): Matrix {
    const { net, state } = this.fitted(name);
    const X = toMatrix(Xin, net.dtype, 'X', state.featureNames ?? undefined);
    if (X.cols !== net.layerSizes[0]) {
      throw new FfnnError('SHAPE_MISMATCH', `X: the model expects ${net.layerSizes[0]} features per row, got ${X.cols}`, {
        param: 'X',
        expected: net.layerSizes[0],
        got: X.cols,
      });
    }
    return X;
  }

  // ---------------------------------------------------------------- persistence
  // (reading is per estimator: fromJSON and fromBytes return its own class; files are
  // @ffnn/core/node's saveModel and loadClassifier/loadRegressor, so this entry needs no node:fs)

  /** The model as a versioned JSON document (version 1; see io/model-json.ts). */
  toJSON(): ModelJson {
    return modelToJSON(this);
  }

  /** The model as binary model-file bytes (version 2: safetensors with checksums; io/README.md). */
  toBytes(): Uint8Array {
    return modelToBytes(this);
  }

  /** @internal State for serialisation (io/ reads only this, never the estimator). */
  exportState(): ExportedModel {
    const { net, state } = this.fitted('toJSON');
    return { net, state, options: this.getOptions() };
  }

  /** @internal Fills a fresh estimator with state read from a file. */
  protected static fill<E extends FFNNEstimator>(est: E, restored: RestoredModel): E {
    const net = new Network(restored.shape, selectBackend(est.opts.backend));
    restored.coefs.forEach((c, l) => net.coefs[l].set(c));
    restored.intercepts.forEach((b, l) => net.intercepts[l].set(b));
    const state: FittedState = {
      ...restored.fitted,
      noImprovementCount: 0,
      best: null,
      initialCoefs: net.coefs.map((c) => c.slice()),
      initialIntercepts: net.intercepts.map((b) => b.slice()),
      history: [],
    };
    est.model = { net, state, optimizer: null };
    for (const w of restored.warnings) est.warn(w);
    return est;
  }
}
