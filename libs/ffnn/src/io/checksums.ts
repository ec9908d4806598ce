/**
 * The SHA-256 checksums both model formats carry: `sha256_model` over the model description's
 * JSON text and `sha256_tensors` over the weights' bytes (all coefs, then all intercepts, in the
 * model's dtype, little-endian). A single changed bit in either is then a MODEL_FORMAT error on
 * load, never a model that silently predicts something else.
 */
import { createHash } from 'node:crypto';
import type { FloatArray } from '../backend/backend.ts';

export const sha256 = (parts: readonly Uint8Array[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

export const bytesOf = (a: FloatArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export const textChecksum = (text: string): string => sha256([new TextEncoder().encode(text)]);

/** sha256_tensors of weights held as typed arrays in the model's dtype. */
export const tensorChecksum = (coefs: readonly FloatArray[], intercepts: readonly FloatArray[]): string => sha256([...coefs, ...intercepts].map(bytesOf));
