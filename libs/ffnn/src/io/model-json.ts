/**
 * The model file: a versioned JSON document (format "ffnn-model", version 1). Numbers are written
 * with JavaScript's shortest round-trip form, so a loaded model holds bit-identical weights and
 * predicts exactly what the saved one did. Writes go to a temporary file that is renamed into
 * place, so an interrupted save never leaves a half-written model.
 */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { ACTIVATION_ALIASES } from '../activations.ts';
import type { ActivationName, DType } from '../backend/backend.ts';
import { FFNNClassifier } from '../classifier.ts';
import { FfnnError } from '../errors.ts';
import type { Label, TargetKind } from '../labels.ts';
import { LOSSES, type LossName } from '../losses.ts';
import type { FFNNOptions } from '../options.ts';
import { VERSION } from '../version.ts';

export const MODEL_FORMAT = 'ffnn-model';
export const MODEL_VERSION = 1;

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: number;
  library: string;
  dtype: DType;
  layerSizes: number[];
  activations: ActivationName[];
  loss: LossName;
  target: { kind: TargetKind; classes: Label[] };
  options: Record<string, unknown>;
  coefs: number[][];
  intercepts: number[][];
  training: {
    lossCurve: number[];
    validationLossCurve: number[];
    validationScores: number[];
    bestLoss: number | null;
    bestValidationScore: number | null;
    nIter: number;
    t: number;
  };
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export function modelToJSON(clf: FFNNClassifier): ModelJson {
  const { net, state, options } = clf.exportState();
  const serialisable: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (typeof v !== 'function' && v !== null) serialisable[k] = v;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    library: VERSION,
    dtype: net.dtype,
    layerSizes: [...net.layerSizes],
    activations: [...net.activations],
    loss: state.lossName,
    target: { kind: state.encoding.kind, classes: [...state.encoding.classes] },
    options: serialisable,
    coefs: net.coefs.map((c) => Array.from(c)),
    intercepts: net.intercepts.map((b) => Array.from(b)),
    training: {
      lossCurve: [...state.lossCurve],
      validationLossCurve: [...state.validationLossCurve],
      validationScores: [...state.validationScores],
      bestLoss: finiteOrNull(state.bestLoss),
      bestValidationScore: finiteOrNull(state.bestValidationScore),
      nIter: state.nIter,
      t: state.t,
    },
  };
}

function fail(what: string): never {
  throw new FfnnError('MODEL_FORMAT', `model file: ${what}`);
}

const isNumArray = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));

export function modelFromJSON(json: unknown): FFNNClassifier {
  if (!json || typeof json !== 'object') fail(`expected a JSON object, got ${typeof json}`);
  const m = json as Partial<ModelJson>;
  if (m.format !== MODEL_FORMAT) fail(`expected format "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== MODEL_VERSION) fail(`unsupported version ${JSON.stringify(m.version)} (this library reads version ${MODEL_VERSION})`);
  if (m.dtype !== 'float64' && m.dtype !== 'float32') fail(`dtype must be float64 or float32, got ${JSON.stringify(m.dtype)}`);
  const sizes = m.layerSizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) fail('layerSizes must be at least two whole numbers >= 1');
  const L = sizes.length - 1;
  if (!Array.isArray(m.activations) || m.activations.length !== L || !m.activations.every((a) => typeof a === 'string' && a in ACTIVATION_ALIASES)) {
    fail(`activations must name ${L} known activations`);
  }
  if (typeof m.loss !== 'string' || !(m.loss in LOSSES)) fail(`unknown loss ${JSON.stringify(m.loss)}`);
  const target = m.target;
  if (!target || !['binary', 'multiclass', 'multilabel'].includes(target.kind) || !Array.isArray(target.classes)) fail('target must give kind and classes');
  if (target.kind === 'binary' && target.classes.length !== 2) fail(`a binary target has 2 classes, got ${target.classes.length}`);
  if (target.kind === 'multiclass' && target.classes.length < 3) fail(`a multiclass target has at least 3 classes, got ${target.classes.length}`);
  const nOutputs = target.kind === 'binary' ? 1 : target.classes.length;
  if (nOutputs !== sizes[L]) fail(`the output layer has ${sizes[L]} units but the target needs ${nOutputs}`);
  if (!Array.isArray(m.coefs) || m.coefs.length !== L || !Array.isArray(m.intercepts) || m.intercepts.length !== L) fail(`expected ${L} weight matrices and ${L} bias vectors`);
  for (let l = 0; l < L; l++) {
    const c = m.coefs[l];
    const b = m.intercepts[l];
    if (!isNumArray(c) || c.length !== sizes[l] * sizes[l + 1]) fail(`coefs[${l}] must hold ${sizes[l] * sizes[l + 1]} finite numbers (${sizes[l]} x ${sizes[l + 1]})`);
    if (!isNumArray(b) || b.length !== sizes[l + 1]) fail(`intercepts[${l}] must hold ${sizes[l + 1]} finite numbers`);
  }
  const tr = m.training ?? ({} as Partial<ModelJson['training']>);
  const options = (m.options ?? {}) as Partial<FFNNOptions>;
  const known: Partial<FFNNOptions> = {};
  const clfOptions = new FFNNClassifier().getOptions();
  for (const [k, v] of Object.entries(options)) if (k in clfOptions) (known as Record<string, unknown>)[k] = v;
  // a model always loads on whatever backend is available
  if (known.backend === 'native') known.backend = 'auto';
  return FFNNClassifier.restore(
    known,
    { layerSizes: sizes, activations: m.activations.map((a) => ACTIVATION_ALIASES[a]), dtype: m.dtype },
    m.coefs,
    m.intercepts,
    {
      encoding: { kind: target.kind, classes: target.classes, nOutputs },
      lossName: m.loss,
      lossCurve: isNumArray(tr.lossCurve) ? tr.lossCurve : [],
      validationLossCurve: isNumArray(tr.validationLossCurve) ? tr.validationLossCurve : [],
      validationScores: Array.isArray(tr.validationScores) ? tr.validationScores : [],
      bestLoss: typeof tr.bestLoss === 'number' ? tr.bestLoss : Infinity,
      bestValidationScore: typeof tr.bestValidationScore === 'number' ? tr.bestValidationScore : -Infinity,
      nIter: Number.isInteger(tr.nIter) ? (tr.nIter as number) : 0,
      t: Number.isInteger(tr.t) ? (tr.t as number) : 0,
    },
  );
}

/** Writes text to path atomically: a temporary file beside it, then a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temporary file was never created */
    }
    throw new FfnnError('IO_ERROR', `save: could not write ${path}: ${(err as Error).message}`, { path });
  }
}

export function saveModel(clf: FFNNClassifier, path: string): void {
  writeFileAtomic(path, JSON.stringify(modelToJSON(clf)));
}

export function loadModel(path: string): FFNNClassifier {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FfnnError('IO_ERROR', `load: could not read ${path}: ${(err as Error).message}`, { path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FfnnError('MODEL_FORMAT', `model file ${path}: not valid JSON (${(err as Error).message})`, { path });
  }
  return modelFromJSON(json);
}
