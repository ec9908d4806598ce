/**
 * What a model file says besides its weights (architecture, target, options, training summary),
 * shared by the JSON format (version 1) and the binary format (version 2). Everything read from a
 * file is checked here before anything is allocated from it: a bad file is an FfnnError with code
 * MODEL_FORMAT naming the field, never a crash or a silently wrong model.
 */
import { ACTIVATION_ALIASES } from '../activations.ts';
import type { ActivationName, DType, FloatArray } from '../backend/backend.ts';
import { describeValue, FfnnError } from '../errors.ts';
import type { FittedState } from '../estimator/fitted-state.ts';
import { checkFeatureNames } from '../feature-names.ts';
import { type Label, type TargetEncoding, type TargetKind, uniqueSorted } from '../labels.ts';
import { LOSSES, type LossName } from '../losses.ts';
import { MAX_PARAMETERS, type Network, parameterCount } from '../network.ts';
import { type FFNNOptions, type FfnnWarning, OPTIONS } from '../options.ts';

export { parameterCount };

/** What a fitted estimator hands io to write (its exportState()): io never sees the estimator classes. */
export interface ExportedModel {
  net: Network;
  state: FittedState;
  options: FFNNOptions;
}

/** Anything io can write: a fitted estimator. */
export interface ModelSource {
  exportState(): ExportedModel;
}

/** The fitted state io read from a file: what an estimator's `restore` rebuilds a model from. */
export interface RestoredModel {
  options: Partial<FFNNOptions>;
  shape: { layerSizes: number[]; activations: ActivationName[]; dtype: DType };
  coefs: ArrayLike<number>[];
  intercepts: ArrayLike<number>[];
  fitted: Omit<FittedState, 'best' | 'history' | 'noImprovementCount' | 'initialCoefs' | 'initialIntercepts'>;
  /** Warnings reading the file raised (MODEL_UNCHECKED), for the estimator to report. */
  warnings: FfnnWarning[];
}

/** The `format` field of every model file and JSON document. */
export const MODEL_FORMAT = 'ffnn-model';

/** Most layers a model file may declare (a guard against absurd headers, not a design limit). */
export const MAX_LAYERS = 1024;

export interface TrainingSummary {
  /** Mean training loss per epoch (null stands for a non-finite value). */
  lossCurve: (number | null)[];
  validationLossCurve: (number | null)[];
  validationScores: (number | null)[];
  bestLoss: number | null;
  bestValidationScore: number | null;
  nIter: number;
  t: number;
}

export interface ModelDescription {
  dtype: DType;
  /** [nFeatures, ...hidden, nOutputs] */
  layerSizes: number[];
  /** One per non-input layer, canonical names. */
  activations: ActivationName[];
  loss: LossName;
  target: { kind: TargetKind; classes: Label[] };
  /** The options the model was trained with (functions left out). */
  options: Record<string, unknown>;
  training: TrainingSummary;
  /** Names of the input columns (absent when the model was fitted without them). */
  featureNames?: string[];
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function fail(what: string, details: Record<string, unknown> = {}): never {
  throw new FfnnError('MODEL_FORMAT', `model file: ${what}`, details);
}

/** The description of a fitted estimator, plus its weights (live views, not copies). */
export function describeModel(model: ModelSource): { description: ModelDescription; coefs: FloatArray[]; intercepts: FloatArray[] } {
  const { net, state, options } = model.exportState();
  const serialisable: Record<string, unknown> = {};
  // JSON has no Infinity (nIterNoChange: Infinity would come back as null): such values are written as text
  for (const [k, v] of Object.entries(options))
    if (typeof v !== 'function' && v !== null && v !== undefined) serialisable[k] = typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
  return {
    description: {
      dtype: net.dtype,
      layerSizes: [...net.layerSizes],
      activations: [...net.activations],
      loss: state.lossName,
      target: { kind: state.encoding.kind, classes: [...state.encoding.classes] },
      options: serialisable,
      training: {
        lossCurve: state.lossCurve.map(finiteOrNull),
        validationLossCurve: state.validationLossCurve.map(finiteOrNull),
        validationScores: state.validationScores.map(finiteOrNull),
        bestLoss: finiteOrNull(state.bestLoss),
        bestValidationScore: finiteOrNull(state.bestValidationScore),
        nIter: state.nIter,
        t: state.t,
      },
      ...(state.featureNames ? { featureNames: [...state.featureNames] } : {}),
    },
    coefs: net.coefs,
    intercepts: net.intercepts,
  };
}

/** Refuses to persist a model whose weights are not all finite (a diverged or tampered model). */
export function checkFiniteWeights(coefs: readonly FloatArray[], intercepts: readonly FloatArray[], path: string): void {
  const groups: [string, readonly FloatArray[]][] = [
    ['coefs', coefs],
    ['intercepts', intercepts],
  ];
  for (const [name, arrays] of groups) {
    arrays.forEach((a, l) => {
      for (let i = 0; i < a.length; i++) {
        if (!Number.isFinite(a[i])) {
          throw new FfnnError(
            'MODEL_FORMAT',
            `save: refusing to write a model with non-finite weights (${name}[${l}][${i}] is ${a[i]}); ${path} was not changed`,
            {
              path,
              tensor: `${name}.${l}`,
              index: i,
            },
          );
        }
      }
    });
  }
}

const isCurve = (a: unknown): a is (number | null)[] => Array.isArray(a) && a.every((v) => v === null || (typeof v === 'number' && Number.isFinite(v)));
const curve = (a: unknown): number[] => (isCurve(a) ? a.map((v) => (v === null ? NaN : v)) : []);

/**
 * Checks a parsed description field by field. `maxParameters` bounds the declared network
 * (the binary reader passes what the file's bytes can actually hold).
 */
export function validateDescription(json: unknown, maxParameters = MAX_PARAMETERS): ModelDescription {
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail(`expected a JSON object, got ${describeValue(json)}`);
  const m = json as Partial<ModelDescription>;
  if (m.dtype !== 'float64' && m.dtype !== 'float32') fail(`dtype must be float64 or float32, got ${describeValue(m.dtype)}`);
  const sizes = m.layerSizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.length > MAX_LAYERS || !sizes.every((s) => Number.isSafeInteger(s) && s >= 1)) {
    fail(`layerSizes must be 2 to ${MAX_LAYERS} whole numbers >= 1, got ${describeValue(sizes)}`);
  }
  const params = parameterCount(sizes);
  if (!(params <= maxParameters)) {
    fail(
      `layerSizes ${describeValue(sizes)} declare ${params} weights, more than ${maxParameters} (${maxParameters === MAX_PARAMETERS ? 'the library limit' : 'what the file holds'})`,
      {
        expected: maxParameters,
        got: params,
      },
    );
  }
  const L = sizes.length - 1;
  if (
    !Array.isArray(m.activations) ||
    m.activations.length !== L ||
    !m.activations.every((a) => typeof a === 'string' && Object.hasOwn(ACTIVATION_ALIASES, a))
  ) {
    fail(`activations must name ${L} known activations, got ${describeValue(m.activations)}`);
  }
  if (typeof m.loss !== 'string' || !Object.hasOwn(LOSSES, m.loss)) fail(`unknown loss ${describeValue(m.loss)}`);
  const target = m.target;
  if (!target || typeof target !== 'object' || !['binary', 'multiclass', 'multilabel', 'continuous'].includes(target.kind) || !Array.isArray(target.classes)) {
    fail('target must give kind (binary, multiclass, multilabel or continuous) and classes');
  }
  if (target.kind === 'continuous' && target.classes.length !== 0) fail('a continuous (regression) target has no classes');
  if (target.kind === 'binary' && target.classes.length !== 1 && target.classes.length !== 2)
    fail(`a binary target has 1 or 2 classes, got ${target.classes.length}`);
  if (target.kind === 'multiclass' && target.classes.length < 3) fail(`a multiclass target has at least 3 classes, got ${target.classes.length}`);
  if (target.kind === 'multilabel' && (target.classes.length < 1 || !target.classes.every((c, i) => c === i))) fail('a multilabel target has classes 0..K-1');
  let sorted: Label[];
  try {
    sorted = uniqueSorted(target.classes, 'classes');
  } catch (err) {
    fail(`target.classes: ${(err as Error).message}`);
  }
  if (sorted.length !== target.classes.length || sorted.some((c, i) => c !== target.classes[i])) {
    fail(`target.classes must be unique and sorted, got ${describeValue(target.classes)}`);
  }
  const nOutputs = target.kind === 'binary' ? 1 : target.kind === 'continuous' ? sizes[L] : target.classes.length;
  if (nOutputs !== sizes[L]) fail(`the output layer has ${sizes[L]} units but the target needs ${nOutputs}`);
  const written = m.options ?? {};
  if (typeof written !== 'object' || Array.isArray(written)) fail('options must be an object');
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(written)) {
    // a numeric option written as "Infinity" (see describeModel) is a number again
    const numeric = Object.hasOwn(OPTIONS, k) && typeof OPTIONS[k as keyof FFNNOptions].default === 'number';
    options[k] = numeric && (v === 'Infinity' || v === '-Infinity') ? Number(v) : v;
  }
  for (const [k, v] of Object.entries(options)) {
    if (Object.hasOwn(OPTIONS, k) && !OPTIONS[k as keyof FFNNOptions].valid(v)) {
      fail(`options.${k}: expected ${OPTIONS[k as keyof FFNNOptions].expected}, got ${describeValue(v)}`);
    }
  }
  const tr = (m.training ?? {}) as Partial<TrainingSummary>;
  let featureNames: string[] | undefined;
  if (m.featureNames !== undefined) {
    try {
      featureNames = checkFeatureNames(m.featureNames, sizes[0]);
    } catch (err) {
      fail((err as Error).message);
    }
  }
  return {
    dtype: m.dtype,
    layerSizes: [...sizes],
    activations: m.activations.map((a) => ACTIVATION_ALIASES[a]),
    loss: m.loss as LossName,
    target: { kind: target.kind, classes: [...target.classes] },
    options,
    training: {
      lossCurve: isCurve(tr.lossCurve) ? tr.lossCurve : [],
      validationLossCurve: isCurve(tr.validationLossCurve) ? tr.validationLossCurve : [],
      validationScores: isCurve(tr.validationScores) ? tr.validationScores : [],
      bestLoss: typeof tr.bestLoss === 'number' && Number.isFinite(tr.bestLoss) ? tr.bestLoss : null,
      bestValidationScore: typeof tr.bestValidationScore === 'number' && Number.isFinite(tr.bestValidationScore) ? tr.bestValidationScore : null,
      nIter: Number.isSafeInteger(tr.nIter) && (tr.nIter as number) >= 0 ? (tr.nIter as number) : 0,
      t: Number.isSafeInteger(tr.t) && (tr.t as number) >= 0 ? (tr.t as number) : 0,
    },
    ...(featureNames ? { featureNames } : {}),
  };
}

/** The fitted state a validated description and weights of the right lengths describe. */
export function restoredModel(d: ModelDescription, coefs: ArrayLike<number>[], intercepts: ArrayLike<number>[], warnings: FfnnWarning[] = []): RestoredModel {
  const known: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.options)) if (Object.hasOwn(OPTIONS, k)) known[k] = v;
  // a model always loads on whatever backend is available, in the dtype its weights have
  if (known.backend === 'native') known.backend = 'auto';
  known.dtype = d.dtype;
  const nOutputs = d.layerSizes[d.layerSizes.length - 1];
  const encoding: TargetEncoding = { kind: d.target.kind, classes: d.target.classes, nOutputs };
  return {
    options: known as Partial<FFNNOptions>,
    shape: { layerSizes: d.layerSizes, activations: d.activations, dtype: d.dtype },
    coefs,
    intercepts,
    fitted: {
      encoding,
      lossName: d.loss,
      lossCurve: curve(d.training.lossCurve),
      validationLossCurve: curve(d.training.validationLossCurve),
      validationScores: curve(d.training.validationScores),
      bestLoss: d.training.bestLoss ?? Infinity,
      bestValidationScore: d.training.bestValidationScore ?? -Infinity,
      nIter: d.training.nIter,
      t: d.training.t,
      featureNames: d.featureNames ?? null,
    },
    warnings,
  };
}
