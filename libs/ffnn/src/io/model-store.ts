/**
 * Saving and loading by path (Node, Bun and Deno: node:fs), in either format: the extension picks
 * what save writes (`.json` the JSON document, anything else the binary file); the content decides
 * what load reads. Writes are atomic (atomic.ts). The formats themselves work on bytes and JSON in
 * any runtime (model-file.ts, model-json.ts); this module only adds the file around them.
 */
import { readFileSync, statSync } from 'node:fs';
import { FfnnError } from '../errors.ts';
import { MAX_PARAMETERS } from '../network.ts';
import { writeFileAtomic } from './atomic.ts';
import { modelToBytes } from './model-file.ts';
import { modelToJSON } from './model-json.ts';
import { checkFiniteWeights, describeModel, type ModelSource } from './model-spec.ts';
import { MAX_HEADER_BYTES } from './safetensors.ts';

/** Saves by extension: `.json` writes the JSON document, anything else the binary format. */
export function saveModel(model: ModelSource, path: string): void {
  if (path.toLowerCase().endsWith('.json')) {
    const json = modelToJSON(model);
    const { coefs, intercepts } = describeModel(model);
    checkFiniteWeights(coefs, intercepts, path);
    writeFileAtomic(path, JSON.stringify(json));
  } else writeFileAtomic(path, modelToBytes(model, path));
}

/** Largest file the loader reads: the biggest model MAX_PARAMETERS allows, its header and JSON slack. */
export const maxModelFileBytes = (): number => MAX_PARAMETERS * 8 * 3 + MAX_HEADER_BYTES;

/** A model file's bytes: only a regular file, and only up to maxModelFileBytes (both checked first). */
export function readModelFile(path: string): Uint8Array {
  try {
    // a FIFO or device (/dev/zero) would never end, and a huge file is no model: check first
    const st = statSync(path);
    if (!st.isFile()) throw new FfnnError('IO_ERROR', `load: ${path} is not a regular file`, { path });
    if (st.size > maxModelFileBytes()) {
      throw new FfnnError('MODEL_FORMAT', `model file ${path}: ${st.size} bytes, larger than any model this library loads (${maxModelFileBytes()} bytes)`, {
        path,
      });
    }
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    if (err instanceof FfnnError) throw err;
    throw new FfnnError('IO_ERROR', `load: could not read ${path}: ${(err as Error).message}`, { path });
  }
}

/** Reads the file at path and builds from its bytes; a MODEL_FORMAT error then names the file. */
export function loadFromFile<T>(path: string, fromBytes: (bytes: Uint8Array) => T): T {
  const bytes = readModelFile(path);
  try {
    return fromBytes(bytes);
  } catch (err) {
    if (err instanceof FfnnError && err.code === 'MODEL_FORMAT') {
      throw new FfnnError('MODEL_FORMAT', err.message.replace(/^model file/, `model file ${path}`), { ...err.details, path });
    }
    throw err;
  }
}
