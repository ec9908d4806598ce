/**
 * The JSON model document (format "ffnn-model", version 1): everything in one JSON object, the
 * weights as number arrays written in JavaScript's shortest round-trip form, so a loaded model
 * holds bit-identical weights. Still written by `save('x.json')` and always readable; the binary
 * format (version 2, model-file.ts) is the default for every other extension and adds checksums.
 */
import type { FloatArray } from '../backend/backend.ts';
import type { FFNNClassifier } from '../classifier.ts';
import { type ModelDescription, MODEL_FORMAT, buildModel, checkFiniteWeights, describeModel, fail, validateDescription } from './model-spec.ts';
import { VERSION } from '../version.ts';
import { writeFileAtomic } from './atomic.ts';
import { loadModelFile, saveModelFile } from './model-file.ts';

export { MODEL_FORMAT, writeFileAtomic };
/** Version of the JSON document; the binary format is MODEL_FILE_VERSION (2) in model-file.ts. */
export const MODEL_VERSION = 1;

export interface ModelJson extends ModelDescription {
  format: typeof MODEL_FORMAT;
  version: number;
  /** The library version that wrote the file. */
  library: string;
  coefs: number[][];
  intercepts: number[][];
}

export function modelToJSON(clf: FFNNClassifier): ModelJson {
  const { description, coefs, intercepts } = describeModel(clf);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    library: VERSION,
    ...description,
    coefs: coefs.map((c: FloatArray) => Array.from(c)),
    intercepts: intercepts.map((b: FloatArray) => Array.from(b)),
  };
}

const isNumArray = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));

export function modelFromJSON(json: unknown): FFNNClassifier {
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail(`expected a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  const m = json as Partial<ModelJson>;
  if (m.format !== MODEL_FORMAT) fail(`expected format "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== MODEL_VERSION) fail(`unsupported version ${JSON.stringify(m.version)} (this library reads JSON version ${MODEL_VERSION} and binary version 2)`);
  const d = validateDescription(m);
  const sizes = d.layerSizes;
  const L = sizes.length - 1;
  if (!Array.isArray(m.coefs) || m.coefs.length !== L || !Array.isArray(m.intercepts) || m.intercepts.length !== L) fail(`expected ${L} weight matrices and ${L} bias vectors`);
  for (let l = 0; l < L; l++) {
    const c = m.coefs[l];
    const b = m.intercepts[l];
    if (!isNumArray(c) || c.length !== sizes[l] * sizes[l + 1]) fail(`coefs[${l}] must hold ${sizes[l] * sizes[l + 1]} finite numbers (${sizes[l]} x ${sizes[l + 1]})`);
    if (!isNumArray(b) || b.length !== sizes[l + 1]) fail(`intercepts[${l}] must hold ${sizes[l + 1]} finite numbers`);
  }
  return buildModel(d, m.coefs, m.intercepts);
}

/** Saves by extension: `.json` writes this JSON document, anything else the binary format. */
export function saveModel(clf: FFNNClassifier, path: string): void {
  if (path.toLowerCase().endsWith('.json')) {
    const json = modelToJSON(clf);
    const { coefs, intercepts } = describeModel(clf);
    checkFiniteWeights(coefs, intercepts, path);
    writeFileAtomic(path, JSON.stringify(json));
  } else saveModelFile(clf, path);
}

/** Loads either format; the content decides, not the extension. */
export function loadModel(path: string): FFNNClassifier {
  return loadModelFile(path);
}
