/**
 * The safetensors container (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * unsigned header length N, N bytes of JSON header, then the raw little-endian tensor bytes.
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets into
 * the bytes after the header) and may hold `__metadata__`, a string-to-string map.
 *
 * The reader trusts nothing: every length is checked against the bytes actually present before
 * anything is allocated from it, the tensors must tile the data section exactly (no gaps, no
 * overlaps, nothing after the last one, as the reference Rust reader requires), and every failure
 * is an FfnnError MODEL_FORMAT that says what is wrong.
 */
import { FfnnError } from '../errors.ts';

/** Element sizes of the dtypes ffnn reads and writes. */
export const DTYPE_SIZES = { F64: 8, F32: 4 } as const;
export type SafeDType = keyof typeof DTYPE_SIZES;

/** Largest header the reader accepts (the reference implementation's limit is 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  name: string;
  dtype: SafeDType;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsFile {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  /** The data section (a view into the input). */
  data: Uint8Array;
}

export interface TensorToWrite {
  name: string;
  dtype: SafeDType;
  shape: number[];
  data: Float64Array | Float32Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bad(what: string, details: Record<string, unknown> = {}): never {
  throw new FfnnError('MODEL_FORMAT', `model file: ${what}`, details);
}

/** Encodes tensors (in the given order) and string metadata into safetensors bytes. */
export function encodeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * DTYPE_SIZES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = JSON.stringify(header);
  // pad with spaces so the data section starts 8-byte aligned (as the reference writer does)
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - ((8 + headerBytes.length) % 8)) % 8;
  if (pad) headerBytes = enc.encode(json + ' '.repeat(pad));
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    if (LITTLE_ENDIAN) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else
      for (let i = 0; i < t.data.length; i++) t.dtype === 'F64' ? view.setFloat64(at + i * 8, t.data[i], true) : view.setFloat32(at + i * 4, t.data[i], true);
    at += t.data.byteLength;
  }
  return out;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Parses and checks the container; tensors are not decoded (see readTensor). */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) bad(`truncated: ${bytes.length} bytes, shorter than the 8-byte header length`, { got: bytes.length });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  const available = bytes.length - 8;
  if (declared > BigInt(available)) {
    bad(`the header declares ${declared} bytes but only ${available} follow the length field (truncated or corrupt file)`, {
      expected: String(declared),
      got: available,
    });
  }
  const n = Number(declared);
  if (n > MAX_HEADER_BYTES) bad(`the header declares ${n} bytes, more than the ${MAX_HEADER_BYTES}-byte limit`);
  if (n < 2) bad(`the header declares ${n} bytes, too short for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    bad('the header is not valid UTF-8');
  }
  if (text.charCodeAt(0) !== 0x7b) bad(`the header must start with "{", got ${JSON.stringify(text.slice(0, 10))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    bad(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) bad('the header must be a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, TensorEntry>();
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!value || typeof value !== 'object' || Array.isArray(value)) bad('__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') bad(`__metadata__.${k} must be a string, got ${typeof v}`);
        metadata[k] = v;
      }
      continue;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) bad(`tensor "${name}": expected {dtype, shape, data_offsets}`);
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t.dtype !== 'string' || !Object.hasOwn(DTYPE_SIZES, t.dtype))
      bad(`tensor "${name}": unsupported dtype ${JSON.stringify(t.dtype)} (ffnn reads F64 and F32)`);
    const dtype = t.dtype as SafeDType;
    if (!Array.isArray(t.shape) || t.shape.length > 8 || !t.shape.every(isIndex)) bad(`tensor "${name}": shape must be a list of at most 8 whole numbers >= 0`);
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !isIndex(off[0]) || !isIndex(off[1]) || off[0] > off[1])
      bad(`tensor "${name}": data_offsets must be [begin, end] with 0 <= begin <= end`);
    const [begin, end] = off as [number, number];
    if (end > data.length)
      bad(`tensor "${name}": data_offsets [${begin}, ${end}] run past the ${data.length} bytes of tensor data (truncated file?)`, { tensor: name });
    // element count, compared against the bytes present before it is ever used to allocate
    const elements = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (elements * DTYPE_SIZES[dtype] !== end - begin) {
      bad(
        `tensor "${name}": shape [${(t.shape as number[]).join(', ')}] of ${dtype} needs ${elements * DTYPE_SIZES[dtype]} bytes but data_offsets give ${end - begin}`,
        { tensor: name },
      );
    }
    tensors.set(name, { name, dtype, shape: [...(t.shape as number[])], begin, end });
  }
  // the tensors must tile the data section exactly
  const sorted = [...tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of sorted) {
    if (t.begin !== at) bad(`tensor "${t.name}" starts at byte ${t.begin} of the data, expected ${at} (tensors overlap or leave a gap)`, { tensor: t.name });
    at = t.end;
  }
  if (at !== data.length)
    bad(`the tensors end at byte ${at} of the data but the file has ${data.length} bytes of data (${data.length > at ? 'trailing bytes' : 'truncated'})`);
  return { tensors, metadata, data };
}

/** Decodes one tensor into a fresh typed array (its length was checked by parseSafetensors). */
export function readTensor(file: SafetensorsFile, t: TensorEntry): Float64Array | Float32Array {
  const count = (t.end - t.begin) / DTYPE_SIZES[t.dtype];
  if (LITTLE_ENDIAN) {
    // a copy into a new, aligned buffer (Uint8Array's slice: Buffer#slice would be a view)
    const copy = Uint8Array.prototype.slice.call(file.data, t.begin, t.end);
    return t.dtype === 'F64' ? new Float64Array(copy.buffer, 0, count) : new Float32Array(copy.buffer, 0, count);
  }
  const view = new DataView(file.data.buffer, file.data.byteOffset + t.begin, t.end - t.begin);
  const out = t.dtype === 'F64' ? new Float64Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = t.dtype === 'F64' ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}
