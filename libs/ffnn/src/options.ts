/**
 * The classifier's options: scikit-learn MLPClassifier's parameters in camelCase with sklearn's
 * defaults, plus ffnn's extensions. One declarative table says, for each option, its default and
 * what is valid; `resolveOptions` checks every option against it at fit time.
 */
import { ACTIVATION_ALIASES } from './activations.ts';
import type { ActivationName, DType } from './backend/backend.ts';
import { describeValue, FfnnError } from './errors.ts';
import { INIT_DEFAULTS, INIT_METHODS, type InitSpec } from './init.ts';
import { LOSS_ALIASES, type LossName } from './losses.ts';
import type { LearningRateSchedule, SolverName } from './optimizers.ts';

/** An activation option value: a canonical name or an alias. */
export type ActivationOption = keyof typeof ACTIVATION_ALIASES;
/** The `backend` option's values ('auto': native when the addon loads, then wasm once loaded, then js). */
export type BackendOption = 'js' | 'native' | 'wasm' | 'auto';

/** Numeric metrics passed to `onEpoch` after every epoch. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  validationLoss?: number;
  validationScore?: number;
  learningRate: number;
  seconds: number;
}

/** A warning passed to `onWarning` (or console.warn): a stable code and a message. */
export interface FfnnWarning {
  code: 'CONVERGENCE' | 'BATCH_SIZE_CLIPPED' | 'DIVERGED' | 'LOSS_EXPLODING' | 'MODEL_UNCHECKED';
  message: string;
}

/** 'balanced': n / (nClasses * count(class)); a map: label -> weight (classes it leaves out weigh 1); null: none. */
export type ClassWeight = 'balanced' | Readonly<Record<string, number>> | null;

/** What the `history` option records per epoch. */
export interface HistoryOptions {
  /** Record coefs and intercepts after every epoch (epoch 0 = the initial weights). */
  weights?: boolean;
  /** Record the weight gradients of each epoch's last batch. */
  gradients?: boolean;
}

/** The estimators' options: MLPClassifier's parameters in camelCase, then ffnn's extensions. Each is validated against OPTIONS when fit runs. */
export interface FFNNOptions {
  /**
   * Units in each hidden layer, input to output; a number is one layer.
   * @sklearn hidden_layer_sizes
   */
  hiddenLayerSizes: number | readonly number[];
  /**
   * Activation of the hidden layers, or one per hidden layer (ffnn's extension). 'sigmoid' and 'linear' are aliases of 'logistic' and 'identity'.
   * @sklearn activation
   */
  activation: ActivationOption | readonly ActivationOption[];
  /**
   * The weight optimizer: 'sgd' (with momentum / Nesterov and a learning-rate schedule), 'adam', or 'lbfgs' (scipy's L-BFGS-B, full batch).
   * @sklearn solver
   */
  solver: SolverName;
  /**
   * Strength of the L2 penalty: alpha / 2 * sum of squared weights, divided by the batch's sample count.
   * @sklearn alpha
   */
  alpha: number;
  /**
   * Rows per mini-batch; 'auto' is min(200, nSamples). Ignored by lbfgs.
   * @sklearn batch_size
   */
  batchSize: 'auto' | number;
  /**
   * sgd's schedule: 'constant', 'invscaling' (learningRateInit / t^powerT) or 'adaptive' (divided by 5 when the loss stops improving).
   * @sklearn learning_rate
   */
  learningRate: LearningRateSchedule;
  /**
   * The initial step size of sgd and adam.
   * @sklearn learning_rate_init
   */
  learningRateInit: number;
  /**
   * Exponent of the 'invscaling' schedule.
   * @sklearn power_t
   */
  powerT: number;
  /**
   * Most epochs (sgd, adam) or iterations (lbfgs).
   * @sklearn max_iter
   */
  maxIter: number;
  /**
   * Shuffle the rows before each epoch (sgd, adam).
   * @sklearn shuffle
   */
  shuffle: boolean;
  /**
   * Seed of numpy's MT19937 for the initial weights, shuffling and the validation split: the same seed gives sklearn's numbers. null draws a seed.
   * @sklearn random_state
   */
  randomState: number | null;
  /**
   * Tolerance of the stopping rule: training stops after nIterNoChange epochs without an improvement of at least tol.
   * @sklearn tol
   */
  tol: number;
  /**
   * false/0 is quiet; true or any whole number > 0 prints a line per epoch (sklearn); 2 and up also the weights.
   * @sklearn verbose
   */
  verbose: boolean | number;
  /**
   * fit continues from the current weights instead of initialising new ones.
   * @sklearn warm_start
   */
  warmStart: boolean;
  /**
   * sgd's momentum.
   * @sklearn momentum
   */
  momentum: number;
  /**
   * sgd: use Nesterov's momentum (when momentum > 0).
   * @sklearn nesterovs_momentum
   */
  nesterovsMomentum: boolean;
  /**
   * Hold out validationFraction of the rows and stop when their score stops improving; the best weights are kept.
   * @sklearn early_stopping
   */
  earlyStopping: boolean;
  /**
   * Fraction of the training rows held out when earlyStopping is on.
   * @sklearn validation_fraction
   */
  validationFraction: number;
  /**
   * adam: decay of the first-moment estimate.
   * @sklearn beta_1
   */
  beta1: number;
  /**
   * adam: decay of the second-moment estimate.
   * @sklearn beta_2
   */
  beta2: number;
  /**
   * adam: added to the root of the second moment for numerical stability.
   * @sklearn epsilon
   */
  epsilon: number;
  /**
   * Epochs without an improvement of tol before stopping (sgd, adam).
   * @sklearn n_iter_no_change
   */
  nIterNoChange: number;
  /**
   * lbfgs: the most loss-and-gradient evaluations (sklearn's max_fun; checked after each iteration, as scipy does).
   * @sklearn max_fun
   */
  maxFun: number;
  /**
   * Classifier only: per-class weights, expanded to one weight per row as sklearn's
   * compute_sample_weight(class_weight, y) and multiplied with fit's sampleWeight.
   */
  classWeight: ClassWeight;
  // ffnn's extensions
  /** Output activation; 'auto' picks sklearn's (softmax for multiclass, logistic for binary and multilabel, identity for regression). ffnn's extension. */
  outputActivation: 'auto' | ActivationOption;
  /**
   * The loss; 'auto' is sklearn's (log loss for a classifier, squared_error for a regressor). Regressor: 'squared_error' or 'poisson' (as MLPRegressor's loss); classifier (ffnn's extension): the cross entropies or squared_error.
   * @sklearn loss
   */
  loss: 'auto' | keyof typeof LOSS_ALIASES;
  /** Strength of an L1 penalty: l1 * sum of |weights|, divided by the batch's sample count. ffnn's extension (0 is sklearn's). */
  l1: number;
  /** How the initial weights are drawn: 'glorot' (sklearn's scaled uniform), 'zero', uniform or normal with parameters, Xavier or He, uniform or normal. ffnn's extension. */
  init: InitSpec;
  /** Floating point type of weights and arithmetic: 'float64' (sklearn's, for parity) or 'float32' (faster). */
  dtype: DType;
  /** Kernel set: 'js' (the TypeScript reference), 'native' (the Rust addon) or 'auto' (native when it loads, else js). */
  backend: BackendOption;
  /** Record per-epoch weights and/or gradients in `history` (true: both). */
  history: boolean | HistoryOptions;
  /**
   * When the loss or a weight turns non-finite (or the loss passes DIVERGENCE_LOSS, 1e20): 'error'
   * throws NON_FINITE_LOSS naming the epoch (the model is left as it was before the call); 'warn'
   * emits a DIVERGED warning, keeps the weights from the start of the diverged epoch and stops
   * training. With earlyStopping (sgd, adam) neither applies, as in sklearn (#29504): training goes
   * on while the loss is finite, validation scores as sklearn's (NaN for a regressor whose
   * predictions are not finite); at the first non-finite loss it records that epoch's score, stops,
   * restores the best weights and emits DIVERGED.
   */
  onDivergence: 'error' | 'warn';
  /** Called after every epoch with its metrics; returning false stops training. */
  onEpoch: ((metrics: EpochMetrics) => void | boolean) | null;
  /** Receives warnings (CONVERGENCE, BATCH_SIZE_CLIPPED, DIVERGED, ...); without it they go to console.warn. */
  onWarning: ((warning: FfnnWarning) => void) | null;
  /** Where verbose output goes (default console.log). */
  log: ((line: string) => void) | null;
}

interface OptionSpec {
  default: unknown;
  /** Human description of valid values, used in error messages. */
  expected: string;
  valid: (value: unknown) => boolean;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isInt = (v: unknown): v is number => Number.isInteger(v);
const oneOf =
  (...values: readonly unknown[]) =>
  (v: unknown) =>
    values.includes(v);
const ACTIVATION_NAMES = Object.keys(ACTIVATION_ALIASES);
const isActivation = (v: unknown) => typeof v === 'string' && ACTIVATION_NAMES.includes(v);
const INIT_NAMES = Object.keys(INIT_METHODS);
const isFn = (v: unknown) => v === null || typeof v === 'function';

/** null, 'balanced', or a plain object of finite weights >= 0 keyed by class label. */
function isClassWeight(v: unknown): boolean {
  if (v === null || v === 'balanced') return true;
  if (!v || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return false;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v).every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0);
}

function isInitSpec(v: unknown): boolean {
  if (typeof v === 'string') return INIT_NAMES.includes(v);
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  if (!INIT_NAMES.includes(o.method as string)) return false;
  if (o.method === 'uniform') {
    const low = o.low ?? INIT_DEFAULTS.uniform.low;
    const high = o.high ?? INIT_DEFAULTS.uniform.high;
    return isNumber(low) && isNumber(high) && Number.isFinite(low) && Number.isFinite(high) && low <= high;
  }
  if (o.method === 'normal') {
    const mean = o.mean ?? INIT_DEFAULTS.normal.mean;
    const std = o.std ?? INIT_DEFAULTS.normal.std;
    return isNumber(mean) && isNumber(std) && Number.isFinite(mean) && std >= 0 && Number.isFinite(std);
  }
  return true;
}

/** The one table of options: defaults are scikit-learn's where sklearn has the option. */
export const OPTIONS: Readonly<Record<keyof FFNNOptions, OptionSpec>> = {
  hiddenLayerSizes: {
    default: [100],
    expected: 'a whole number >= 1 or an array of them (an empty array means no hidden layer)',
    valid: (v) => (isInt(v) && (v as number) >= 1) || (Array.isArray(v) && v.every((s) => isInt(s) && s >= 1)),
  },
  activation: {
    default: 'relu',
    expected: `one of ${ACTIVATION_NAMES.join(', ')} (or an array of them, one per hidden layer)`,
    valid: (v) => isActivation(v) || (Array.isArray(v) && v.length > 0 && v.every(isActivation)),
  },
  solver: { default: 'adam', expected: "'sgd', 'adam' or 'lbfgs'", valid: oneOf('sgd', 'adam', 'lbfgs') },
  alpha: { default: 1e-4, expected: 'a finite number >= 0', valid: (v) => isNumber(v) && v >= 0 && Number.isFinite(v) },
  batchSize: { default: 'auto', expected: "'auto' or a whole number >= 1", valid: (v) => v === 'auto' || (isInt(v) && (v as number) >= 1) },
  learningRate: { default: 'constant', expected: "'constant', 'invscaling' or 'adaptive'", valid: oneOf('constant', 'invscaling', 'adaptive') },
  learningRateInit: { default: 1e-3, expected: 'a finite number > 0', valid: (v) => isNumber(v) && v > 0 && Number.isFinite(v) },
  powerT: { default: 0.5, expected: 'a finite number >= 0', valid: (v) => isNumber(v) && v >= 0 && Number.isFinite(v) },
  maxIter: { default: 200, expected: 'a whole number >= 1', valid: (v) => isInt(v) && (v as number) >= 1 },
  shuffle: { default: true, expected: 'true or false', valid: oneOf(true, false) },
  randomState: {
    default: null,
    expected: 'null or a whole number in [0, 4294967295]',
    valid: (v) => v === null || (isInt(v) && (v as number) >= 0 && (v as number) <= 0xffffffff),
  },
  tol: { default: 1e-4, expected: 'a number >= 0', valid: (v) => isNumber(v) && v >= 0 },
  verbose: { default: false, expected: 'true, false or a whole number >= 0', valid: (v) => typeof v === 'boolean' || (isInt(v) && (v as number) >= 0) },
  warmStart: { default: false, expected: 'true or false', valid: oneOf(true, false) },
  momentum: { default: 0.9, expected: 'a number in [0, 1]', valid: (v) => isNumber(v) && v >= 0 && v <= 1 },
  nesterovsMomentum: { default: true, expected: 'true or false', valid: oneOf(true, false) },
  earlyStopping: { default: false, expected: 'true or false', valid: oneOf(true, false) },
  validationFraction: { default: 0.1, expected: 'a number in (0, 1)', valid: (v) => isNumber(v) && v > 0 && v < 1 },
  beta1: { default: 0.9, expected: 'a number in [0, 1)', valid: (v) => isNumber(v) && v >= 0 && v < 1 },
  beta2: { default: 0.999, expected: 'a number in [0, 1)', valid: (v) => isNumber(v) && v >= 0 && v < 1 },
  epsilon: { default: 1e-8, expected: 'a finite number > 0', valid: (v) => isNumber(v) && v > 0 && Number.isFinite(v) },
  nIterNoChange: { default: 10, expected: 'a whole number >= 1 or Infinity', valid: (v) => (isInt(v) && (v as number) >= 1) || v === Infinity },
  maxFun: { default: 15000, expected: 'a whole number >= 1', valid: (v) => isInt(v) && (v as number) >= 1 },
  classWeight: {
    default: null,
    expected: 'null, \'balanced\' or an object mapping class labels to finite weights >= 0 (e.g. {"0": 1, "1": 5})',
    valid: isClassWeight,
  },
  outputActivation: { default: 'auto', expected: `'auto' or one of ${ACTIVATION_NAMES.join(', ')}`, valid: (v) => v === 'auto' || isActivation(v) },
  loss: {
    default: 'auto',
    expected: `'auto' or one of ${Object.keys(LOSS_ALIASES).join(', ')}`,
    valid: (v) => v === 'auto' || (typeof v === 'string' && v in LOSS_ALIASES),
  },
  l1: { default: 0, expected: 'a finite number >= 0', valid: (v) => isNumber(v) && v >= 0 && Number.isFinite(v) },
  init: {
    default: 'glorot',
    expected: `one of ${INIT_NAMES.join(', ')}, or {method: 'uniform', low, high} / {method: 'normal', mean, std}`,
    valid: isInitSpec,
  },
  dtype: { default: 'float64', expected: "'float64' or 'float32'", valid: oneOf('float64', 'float32') },
  // 'auto': the native addon when it loads, else wasm once loadWasmBackend() has loaded it, else js
  backend: { default: 'auto', expected: "'js', 'native', 'wasm' or 'auto'", valid: oneOf('js', 'native', 'wasm', 'auto') },
  history: {
    default: false,
    expected: 'true, false or {weights?: boolean, gradients?: boolean}',
    valid: (v) => typeof v === 'boolean' || (!!v && typeof v === 'object' && !Array.isArray(v)),
  },
  onDivergence: { default: 'error', expected: "'error' or 'warn'", valid: oneOf('error', 'warn') },
  onEpoch: { default: null, expected: 'a function or null', valid: isFn },
  onWarning: { default: null, expected: 'a function or null', valid: isFn },
  log: { default: null, expected: 'a function or null', valid: isFn },
};

/** Every option name, in the OPTIONS table's order. */
export const OPTION_NAMES = Object.keys(OPTIONS) as (keyof FFNNOptions)[];

/** A fresh object of every option at its default (the classifier's: sklearn's MLPClassifier defaults). */
export function defaultOptions(): FFNNOptions {
  const out: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const d = OPTIONS[name].default;
    out[name] = Array.isArray(d) ? [...d] : d;
  }
  return out as unknown as FFNNOptions;
}

/** Checks option names at construction (typos fail early); values are checked by validateOptions. */
export function checkOptionNames(options: Record<string, unknown>): void {
  for (const name of Object.keys(options)) {
    if (!(name in OPTIONS)) {
      throw new FfnnError('INVALID_PARAM', `unknown option ${describeValue(name)}; valid options are: ${OPTION_NAMES.join(', ')}`, { param: name });
    }
  }
}

/** Validates every option against the table; throws INVALID_PARAM naming the first bad one. */
export function validateOptions(options: FFNNOptions): void {
  for (const name of OPTION_NAMES) {
    const value = options[name];
    const spec = OPTIONS[name];
    if (!spec.valid(value)) {
      throw new FfnnError('INVALID_PARAM', `${name}: expected ${spec.expected}, got ${describeValue(value)}`, {
        param: name,
        expected: spec.expected,
        got: value,
      });
    }
  }
}

/** What fit needs, resolved from the options and the targets. */
export interface ResolvedArchitecture {
  hiddenLayerSizes: number[];
  hiddenActivations: ActivationName[];
}

export function resolveArchitecture(options: FFNNOptions): ResolvedArchitecture {
  const hidden = typeof options.hiddenLayerSizes === 'number' ? [options.hiddenLayerSizes] : [...options.hiddenLayerSizes];
  const act = options.activation;
  let hiddenActivations: ActivationName[];
  if (typeof act === 'string') hiddenActivations = hidden.map(() => ACTIVATION_ALIASES[act]);
  else {
    if (act.length !== hidden.length) {
      throw new FfnnError('INVALID_PARAM', `activation: expected one activation per hidden layer (${hidden.length}), got ${act.length}`, {
        param: 'activation',
        expected: hidden.length,
        got: act.length,
      });
    }
    hiddenActivations = act.map((a) => ACTIVATION_ALIASES[a]);
  }
  return { hiddenLayerSizes: hidden, hiddenActivations };
}

export function resolveLoss(options: FFNNOptions, multiclass: boolean): LossName {
  const name = options.loss === 'auto' ? 'log_loss' : LOSS_ALIASES[options.loss];
  if (name === 'half_poisson_deviance') {
    throw new FfnnError(
      'INVALID_PARAM',
      "loss: 'poisson' is a regressor's loss (FFNNRegressor); a classifier takes log_loss, the cross entropies or squared_error",
      { param: 'loss', got: options.loss },
    );
  }
  if (name === 'log_loss') return multiclass ? 'categorical_cross_entropy' : 'binary_cross_entropy';
  return name;
}
