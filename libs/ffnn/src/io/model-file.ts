import { VERSION } from '../version.ts';
import { sha256, tensorChecksum, textChecksum } from './checksums.ts';
import { readModelJson } from './model-json.ts';
import {
  checkFiniteWeights,
  describeModel,
  fail,
  MODEL_FORMAT,
  type ModelSource,
  parameterCount,
  type RestoredModel,
  restoredModel,
  validateDescription,
} from './model-spec.ts';
import { DTYPE_SIZES, encodeSafetensors, parseSafetensors, readTensor, type SafeDType, type TensorToWrite } from './safetensors.ts';

export const MODEL_FILE_VERSION = 2;

/** Tensor names in canonical order: all coefs, then all intercepts. */
export function tensorNames(nLayers: number): string[] {
  const L = nLayers - 1;
  return [...Array.from({ length: L }, (_, l) => `coefs.${l}`), ...Array.from({ length: L }, (_, l) => `intercepts.${l}`)];
}

/** The model as binary model-file bytes. Refuses non-finite weights. */
export function modelToBytes(source: ModelSource, path = 'the model'): Uint8Array {
  const { description, coefs, intercepts } = describeModel(source);
  checkFiniteWeights(coefs, intercepts, path);
  const dtype: SafeDType = description.dtype === 'float32' ? 'F32' : 'F64';
  const sizes = description.layerSizes;
  const tensors: TensorToWrite[] = [
    ...coefs.map((c, l) => ({ name: `coefs.${l}`, dtype, shape: [sizes[l], sizes[l + 1]], data: c })),
    ...intercepts.map((b, l) => ({ name: `intercepts.${l}`, dtype, shape: [sizes[l + 1]], data: b })),
  ];
  const model = JSON.stringify(description);
  return encodeSafetensors(tensors, {
    format: MODEL_FORMAT,
    format_version: String(MODEL_FILE_VERSION),
    library: VERSION,
    model,
    sha256_model: textChecksum(model),
    sha256_tensors: tensorChecksum(coefs, intercepts),
  });
}

/** Reads binary model-file bytes (see the module comment for what is checked). */
export function modelFromBytes(bytes: Uint8Array): RestoredModel {
  const file = parseSafetensors(bytes);
  const meta = file.metadata;
  if (meta.format !== MODEL_FORMAT)
    fail(`expected __metadata__.format "${MODEL_FORMAT}", got ${JSON.stringify(meta.format)} (a safetensors file, but not an ffnn model)`);
  if (meta.format_version !== String(MODEL_FILE_VERSION)) {
    fail(`unsupported version ${JSON.stringify(meta.format_version)} (this library reads binary version ${MODEL_FILE_VERSION} and JSON version 1)`);
  }
  if (typeof meta.model !== 'string') fail('__metadata__.model is missing');
  if (meta.sha256_model !== textChecksum(meta.model)) fail('the model description does not match its checksum (sha256_model): the file is corrupted');
  let json: unknown;
  try {
    json = JSON.parse(meta.model);
  } catch (err) {
    fail(`__metadata__.model is not valid JSON (${(err as Error).message})`);
  }
  // the declared network may not hold more weights than the file has bytes for
  const dtypeName = (json as { dtype?: unknown })?.dtype;
  const elementSize = dtypeName === 'float32' ? 4 : 8;
  const d = validateDescription(json, Math.floor(file.data.length / elementSize));
  const dtype: SafeDType = d.dtype === 'float32' ? 'F32' : 'F64';
  const sizes = d.layerSizes;
  const names = tensorNames(sizes.length);
  if (parameterCount(sizes) * DTYPE_SIZES[dtype] !== file.data.length) {
    fail(`layerSizes [${sizes.join(', ')}] need ${parameterCount(sizes) * DTYPE_SIZES[dtype]} bytes of ${dtype} weights, the file has ${file.data.length}`);
  }
  for (const name of file.tensors.keys())
    if (!names.includes(name)) fail(`unexpected tensor "${name}" (layerSizes [${sizes.join(', ')}] give ${names.join(', ')})`);
  const L = sizes.length - 1;
  const entries = names.map((name, i) => {
    const t = file.tensors.get(name);
    if (!t) fail(`tensor "${name}" is missing`);
    const l = i % L;
    const shape = i < L ? [sizes[l], sizes[l + 1]] : [sizes[l + 1]];
    if (t.dtype !== dtype) fail(`tensor "${name}" is ${t.dtype} but the model is ${d.dtype} (${dtype})`);
    if (t.shape.length !== shape.length || t.shape.some((s, j) => s !== shape[j])) {
      fail(`tensor "${name}" has shape [${t.shape.join(', ')}] but layerSizes [${sizes.join(', ')}] need [${shape.join(', ')}]`, { tensor: name });
    }
    return t;
  });
  if (meta.sha256_tensors !== sha256(entries.map((t) => file.data.subarray(t.begin, t.end)))) {
    fail('the weights do not match their checksum (sha256_tensors): the file is corrupted');
  }
  const arrays = entries.map((t) => readTensor(file, t));
  arrays.forEach((a, i) => {
    for (let j = 0; j < a.length; j++) if (!Number.isFinite(a[j])) fail(`tensor "${names[i]}" holds a non-finite weight (${a[j]} at index ${j})`);
  });
  return restoredModel(d, arrays.slice(0, L), arrays.slice(L));
}

/** Which format some bytes hold: the binary (safetensors) file, the JSON document, or neither. */
export function sniffModelFormat(bytes: Uint8Array): 'binary' | 'json' | 'unknown' {
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
    if (n <= BigInt(bytes.length - 8)) return 'binary';
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    if (b === 0xef && bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf) {
      i += 2; // UTF-8 byte order mark
      continue;
    }
    return b === 0x7b ? 'json' : bytes.length >= 8 ? 'binary' : 'unknown';
  }
  return 'unknown';
}

/** Reads a model from bytes in either format. */
export function modelFromAnyBytes(bytes: Uint8Array): RestoredModel {
  const kind = sniffModelFormat(bytes);
  if (kind === 'binary') return modelFromBytes(bytes);
  if (kind === 'unknown') fail(bytes.length === 0 ? 'the file is empty' : `not an ffnn model file (${bytes.length} bytes, neither the binary format nor JSON)`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    fail(`not valid JSON (${(err as Error).message})`);
  }
  return readModelJson(json);
}
