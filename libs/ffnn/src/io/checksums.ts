/**
 * The SHA-256 checksums both model formats carry: `sha256_model` over the model description's
 * JSON text and `sha256_tensors` over the weights' bytes (all coefs, then all intercepts, in the
 * model's dtype, little-endian). A single changed bit in either is then a MODEL_FORMAT error on
 * load, never a model that silently predicts something else.
 *
 * The hash is @noble/hashes' pure-JS SHA-256 (audited, no dependencies), not node:crypto: it is
 * synchronous everywhere, so model bytes and JSON are checked the same way in a browser, where
 * WebCrypto's digest is async only. The digests are SHA-256's, byte for byte (a test compares
 * them with node:crypto's).
 */
import { sha256 as sha256Hash } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { FloatArray } from '../backend/backend.ts';

export const sha256 = (parts: readonly Uint8Array[]): string => {
  const h = sha256Hash.create();
  for (const p of parts) h.update(p);
  return bytesToHex(h.digest());
};

export const bytesOf = (a: FloatArray): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export const textChecksum = (text: string): string => sha256([new TextEncoder().encode(text)]);

/** sha256_tensors of weights held as typed arrays in the model's dtype. */
export const tensorChecksum = (coefs: readonly FloatArray[], intercepts: readonly FloatArray[]): string => sha256([...coefs, ...intercepts].map(bytesOf));
