/**
 * The JSON model document (format "ffnn-model", version 1): everything in one JSON object, the
 * weights as number arrays written in JavaScript's shortest round-trip form, so a loaded model
 * holds bit-identical weights. Written by `save('x.json')`; the binary format (version 2,
 * model-file.ts) is the default for every other extension. Both carry the same checksums
 * (checksums.ts): `sha256_model` over JSON.stringify of the description fields in DESCRIPTION_KEYS
 * order (the values as parsed, so re-indenting the file keeps it valid) and `sha256_tensors` over
 * the weights in the model's dtype. They are checked after the structure, so a malformed file gets
 * the specific message. A file from before checksums (neither field) loads with a MODEL_UNCHECKED
 * warning; a file with only one of them is refused.
 */
import type { DType, FloatArray } from '../backend/backend.ts';
import { VERSION } from '../version.ts';
import { tensorChecksum, textChecksum } from './checksums.ts';
import {
  describeModel,
  fail,
  MODEL_FORMAT,
  type ModelDescription,
  type ModelSource,
  type RestoredModel,
  restoredModel,
  validateDescription,
} from './model-spec.ts';

export { MODEL_FORMAT };
/** Version of the JSON document; the binary format is MODEL_FILE_VERSION (2) in model-file.ts. */
export const MODEL_VERSION = 1;

/** The JSON model document (version 1): options, fitted attributes and weights as numbers. */
export interface ModelJson extends ModelDescription {
  format: typeof MODEL_FORMAT;
  version: number;
  /** The library version that wrote the file. */
  library: string;
  coefs: number[][];
  intercepts: number[][];
  sha256_model: string;
  sha256_tensors: string;
}

/** The description's fields, in the order the checksum text lists them. */
const DESCRIPTION_KEYS = ['dtype', 'layerSizes', 'activations', 'loss', 'target', 'options', 'training', 'featureNames'] as const;

/** The text sha256_model covers: the description fields present in `m`, in DESCRIPTION_KEYS order. */
function descriptionText(m: Record<string, unknown>): string {
  const picked: Record<string, unknown> = {};
  for (const k of DESCRIPTION_KEYS) if (m[k] !== undefined) picked[k] = m[k];
  return JSON.stringify(picked);
}

/** A fitted estimator as the JSON document. */
export function modelToJSON(model: ModelSource): ModelJson {
  const { description, coefs, intercepts } = describeModel(model);
  // JSON has no -0: write +0, and checksum exactly the values a reader will parse
  const plain = (a: FloatArray) => Array.from(a, (v) => (v === 0 ? 0 : v));
  const c = coefs.map(plain);
  const b = intercepts.map(plain);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    library: VERSION,
    ...description,
    coefs: c,
    intercepts: b,
    sha256_model: textChecksum(descriptionText(description as unknown as Record<string, unknown>)),
    sha256_tensors: tensorChecksum(c.map(typedAs(description.dtype)), b.map(typedAs(description.dtype))),
  };
}

const typedAs =
  (dtype: DType) =>
  (a: number[]): FloatArray =>
    dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a);

const isNumArray = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Reads and checks a JSON document (parsed): the fitted state for an estimator's `restore`. */
export function readModelJson(json: unknown): RestoredModel {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    fail(`expected a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  const m = json as Partial<ModelJson>;
  if (m.format !== MODEL_FORMAT) fail(`expected format "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.version !== MODEL_VERSION)
    fail(`unsupported version ${JSON.stringify(m.version)} (this library reads JSON version ${MODEL_VERSION} and binary version 2)`);
  const d = validateDescription(m);
  const sizes = d.layerSizes;
  const L = sizes.length - 1;
  if (!Array.isArray(m.coefs) || m.coefs.length !== L || !Array.isArray(m.intercepts) || m.intercepts.length !== L)
    fail(`expected ${L} weight matrices and ${L} bias vectors`);
  for (let l = 0; l < L; l++) {
    const c = m.coefs[l];
    const b = m.intercepts[l];
    if (!isNumArray(c) || c.length !== sizes[l] * sizes[l + 1])
      fail(`coefs[${l}] must hold ${sizes[l] * sizes[l + 1]} finite numbers (${sizes[l]} x ${sizes[l + 1]})`);
    if (!isNumArray(b) || b.length !== sizes[l + 1]) fail(`intercepts[${l}] must hold ${sizes[l + 1]} finite numbers`);
  }
  const checked = m.sha256_model !== undefined || m.sha256_tensors !== undefined;
  if (checked) {
    if (typeof m.sha256_model !== 'string' || typeof m.sha256_tensors !== 'string')
      fail('expected both checksums, sha256_model and sha256_tensors (one is missing or not a string)');
    if (m.sha256_model !== textChecksum(descriptionText(m as Record<string, unknown>)))
      fail('the model description does not match its checksum (sha256_model): the file is corrupted');
    if (m.sha256_tensors !== tensorChecksum(m.coefs.map(typedAs(d.dtype)), m.intercepts.map(typedAs(d.dtype))))
      fail('the weights do not match their checksum (sha256_tensors): the file is corrupted');
  }
  const warnings = checked
    ? []
    : [
        {
          code: 'MODEL_UNCHECKED' as const,
          message: `this JSON model has no checksums (written by ffnn ${typeof m.library === 'string' ? m.library : 'before 0.2'}), so a corrupted file cannot be detected; save it again to add them`,
        },
      ];
  return restoredModel(d, m.coefs, m.intercepts, warnings);
}
