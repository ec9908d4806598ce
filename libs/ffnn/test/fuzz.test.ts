/**
 * Fuzzing the model loader: valid model files (binary version 2 and JSON version 1) are mutated
 * 12,000 times (truncation, bit flips, byte overwrites, inserted and deleted bytes, edited header
 * lengths, header edits with and without recomputed checksums, huge declared sizes). Every load
 * must either succeed with a model that predicts (finite outputs of the right shape) or fail with
 * an FfnnError (MODEL_FORMAT / IO_ERROR): never another exception, a hang, or a silently wrong
 * model (a byte-level mutation of a binary or JSON file that loads must predict bit-identically,
 * as the checksums promise; a JSON file that lost both checksums loads only with MODEL_UNCHECKED). Resident memory is measured before and after. Deterministic: seeded
 * RandomState; a failure prints the iteration and mutation to replay it.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FfnnError, RandomState } from '../src/index.ts';
import { loadClassifier } from '../src/node.ts';
import { sinData } from './helpers.ts';

const SEED = 20240607;
const BINARY_ITERATIONS = 20_000;
const JSON_ITERATIONS = 5_000;
/** Every Nth mutated file also goes through the file system (save to disk, loadClassifier). */
const VIA_DISK_EVERY = 50;

const X = sinData(12, 4);
const quiet = { onWarning: () => {}, randomState: 1, maxIter: 3 };
const models = [
  new FFNNClassifier({ ...quiet, hiddenLayerSizes: [5, 4] }).fit(
    X,
    X.map((_, i) => ['cat', 'dog', 'emu'][i % 3]),
  ),
  new FFNNClassifier({ ...quiet, hiddenLayerSizes: [6], dtype: 'float32', activation: 'tanh' }).fit(
    X,
    X.map((_, i) => i % 2),
  ),
  new FFNNClassifier({ ...quiet, hiddenLayerSizes: [3], activation: 'softplus' }).fit(
    X,
    X.map((_, i) => [i % 2, i % 3 ? 0 : 1]),
  ),
];
const originals = models.map((m) => ({
  model: m,
  bytes: m.toBytes(),
  json: new TextEncoder().encode(JSON.stringify(m.toJSON())),
  proba: Array.from(m.predictProba(X).data),
}));

/** Full collection where the runtime offers one (Bun always; Node and Deno with --expose-gc). */
const gc = () => (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true) ?? (globalThis as { gc?: () => void }).gc?.();
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const int = (rng: RandomState, n: number) => (n <= 1 ? 0 : rng.interval(n - 1)); // [0, n)

function headerOf(bytes: Uint8Array): { header: any; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.slice(8 + n) };
}
function withHeader(header: unknown, data: Uint8Array, rehash: boolean): Uint8Array {
  const h = header as any;
  if (rehash && h.__metadata__ && typeof h.__metadata__.model === 'string') {
    h.__metadata__.sha256_model = sha(h.__metadata__.model);
    h.__metadata__.sha256_tensors = sha(data);
  }
  const text = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const HUGE = [0, -1, 1.5, 1e9, 2 ** 31, 2 ** 53, 1e300, 'x', null];
const pick = <T>(rng: RandomState, a: readonly T[]): T => a[int(rng, a.length)];

/** Semantic edits of a binary file's header (checksums recomputed, so only the checks can object). */
const HEADER_EDITS: [string, (model: any, header: any, rng: RandomState) => void][] = [
  ['layer size', (m, _h, r) => (m.layerSizes[int(r, m.layerSizes.length)] = pick(r, HUGE))],
  ['layer count', (m, _h, r) => (m.layerSizes = Array(int(r, 3000)).fill(1))],
  [
    'shape dim',
    (_m, h, r) => {
      const t =
        h[
          pick(
            r,
            Object.keys(h).filter((k) => k !== '__metadata__'),
          )
        ];
      t.shape[int(r, t.shape.length)] = pick(r, HUGE);
    },
  ],
  [
    'offsets',
    (_m, h, r) => {
      const t =
        h[
          pick(
            r,
            Object.keys(h).filter((k) => k !== '__metadata__'),
          )
        ];
      t.data_offsets[int(r, 2)] = pick(r, [...HUGE, 0, 8, 16]);
    },
  ],
  [
    'dtype',
    (_m, h, r) =>
      (h[
        pick(
          r,
          Object.keys(h).filter((k) => k !== '__metadata__'),
        )
      ].dtype = pick(r, ['F16', 'BF16', 'I64', 'F32', 'F64', 7])),
  ],
  [
    'drop tensor',
    (_m, h, r) =>
      delete h[
        pick(
          r,
          Object.keys(h).filter((k) => k !== '__metadata__'),
        )
      ],
  ],
  ['drop metadata key', (_m, h, r) => delete h.__metadata__[pick(r, Object.keys(h.__metadata__))]],
  ['version', (_m, h, r) => (h.__metadata__.format_version = pick(r, ['1', '3', '2.0', '']))],
  [
    'classes',
    (m, _h, r) => {
      const c = m.target.classes;
      const k = int(r, 4);
      if (k === 0) c.push(c[0]);
      else if (k === 1) c.pop();
      else if (k === 2) c.reverse();
      else c[int(r, c.length)] = pick(r, [null, {}, 1e308, 'zzz']);
    },
  ],
  ['target kind', (m, _h, r) => (m.target.kind = pick(r, ['binary', 'multiclass', 'multilabel', 'regression']))],
  ['activation', (m, _h, r) => (m.activations[int(r, m.activations.length)] = pick(r, ['relu', 'softmax', 'identity', 'swish', 3]))],
  ['loss', (m, _h, r) => (m.loss = pick(r, ['squared_error', 'hinge', null]))],
  ['option', (m, _h, r) => (m.options[pick(r, ['solver', 'batchSize', 'hiddenLayerSizes', 'learningRateInit', 'dtype', 'bogus'])] = pick(r, HUGE))],
  ['dtype field', (m, _h, r) => (m.dtype = pick(r, ['float32', 'float64', 'float16']))],
  ['training', (m, _h, r) => (m.training = pick(r, [null, { nIter: -1, lossCurve: 'x' }, { lossCurve: [1e308, null] }]))],
];

type Outcome = 'loaded' | 'MODEL_FORMAT' | 'IO_ERROR';

function mutate(bytes: Uint8Array, rng: RandomState, json: boolean): { bytes: Uint8Array; kind: string; byteLevel: boolean } {
  const n = bytes.length;
  const kinds = json ? 6 : 9;
  const k = int(rng, kinds);
  const b = bytes.slice();
  switch (k) {
    case 0:
      return { bytes: bytes.slice(0, int(rng, n)), kind: 'truncate', byteLevel: true };
    case 1: {
      const flips = 1 + int(rng, 8);
      for (let i = 0; i < flips; i++) b[int(rng, n)] ^= 1 << int(rng, 8);
      return { bytes: b, kind: `flip ${flips} bits`, byteLevel: true };
    }
    case 2: {
      const count = 1 + int(rng, 4);
      for (let i = 0; i < count; i++) b[int(rng, n)] = int(rng, 256);
      return { bytes: b, kind: `overwrite ${count} bytes`, byteLevel: true };
    }
    case 3: {
      const at = int(rng, n);
      const extra = Uint8Array.from({ length: 1 + int(rng, 16) }, () => int(rng, 256));
      return { bytes: new Uint8Array([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]), kind: 'insert bytes', byteLevel: true };
    }
    case 4: {
      const at = int(rng, n);
      return { bytes: new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1 + int(rng, 16))]), kind: 'delete bytes', byteLevel: true };
    }
    case 5: {
      // a digit of the header (or JSON text) replaced by another digit: stays JSON, changes a number
      const limit = json ? n : 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
      const digits: number[] = [];
      for (let i = json ? 0 : 8; i < limit; i++) if (bytes[i] >= 0x30 && bytes[i] <= 0x39) digits.push(i);
      b[pick(rng, digits)] = 0x30 + int(rng, 10);
      return { bytes: b, kind: 'edit a digit', byteLevel: true };
    }
    case 6: {
      // the header length field
      const v = pick(rng, [0n, 1n, 7n, BigInt(n), BigInt(n - 8), BigInt(n - 7), 1n << 32n, 1n << 53n, 1n << 63n, (1n << 64n) - 1n, BigInt(int(rng, 2 ** 31))]);
      new DataView(b.buffer).setBigUint64(0, v, true);
      return { bytes: b, kind: `header length ${v}`, byteLevel: true };
    }
    case 7: {
      const [name, edit] = pick(rng, HEADER_EDITS);
      const { header, data } = headerOf(bytes);
      const model = JSON.parse(header.__metadata__.model);
      edit(model, header, rng);
      header.__metadata__.model = JSON.stringify(model);
      return { bytes: withHeader(header, data, true), kind: `header edit (rehashed): ${name}`, byteLevel: false };
    }
    default: {
      const [name, edit] = pick(rng, HEADER_EDITS);
      const { header, data } = headerOf(bytes);
      const model = JSON.parse(header.__metadata__.model);
      edit(model, header, rng);
      header.__metadata__.model = JSON.stringify(model);
      return { bytes: withHeader(header, data, false), kind: `header edit (checksums kept): ${name}`, byteLevel: true };
    }
  }
}

function check(bytes: Uint8Array, original: (typeof originals)[number], byteLevel: boolean, viaDisk: string | null, what: string): Outcome {
  let clf: FFNNClassifier;
  try {
    if (viaDisk) {
      writeFileSync(viaDisk, bytes);
      clf = loadClassifier(viaDisk);
    } else clf = FFNNClassifier.fromBytes(bytes);
  } catch (err) {
    if (err instanceof FfnnError && (err.code === 'MODEL_FORMAT' || err.code === 'IO_ERROR')) return err.code;
    assert.unreachable(`${what}: expected an FfnnError, got ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
  }
  // it loaded: it must predict, finite and of the right shape
  const expectedCols = original.model.predictProba(X).cols;
  let proba: ReturnType<FFNNClassifier['predictProba']>;
  try {
    proba = clf!.predictProba(X);
    clf!.predict(X);
  } catch (err) {
    // a model may legitimately be edited to expect another number of features
    if (err instanceof FfnnError && err.code === 'SHAPE_MISMATCH' && !byteLevel) return 'loaded';
    throw new Error(`${what}: the loaded model does not predict: ${(err as Error).message}`);
  }
  assert.is(proba.rows, X.length, what);
  if (byteLevel) assert.is(proba.cols, expectedCols, what);
  for (const v of proba.data) if (!Number.isFinite(v)) assert.unreachable(`${what}: non-finite probability ${v}`);
  if (byteLevel && !clf!.warnings.some((w) => w.code === 'MODEL_UNCHECKED')) {
    // the checksums make a byte-level change either harmless or fatal, never a different model
    assert.equal(Array.from(proba.data), original.proba, `${what}: loaded a model that predicts differently`);
  }
  return 'loaded';
}

test(`fuzz: ${BINARY_ITERATIONS} binary and ${JSON_ITERATIONS} JSON mutations load cleanly or fail with an FfnnError`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-fuzz-'));
  const rng = new RandomState(SEED);
  gc();
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const tally: Record<string, Record<Outcome, number>> = {};
  let slowest = 0;
  try {
    for (let i = 0; i < BINARY_ITERATIONS + JSON_ITERATIONS; i++) {
      const json = i >= BINARY_ITERATIONS;
      const original = originals[i % originals.length];
      const m = mutate(json ? original.json : original.bytes, rng, json);
      const viaDisk = i % VIA_DISK_EVERY === 0 ? join(dir, 'fuzz.ffnn') : null;
      const t0 = performance.now();
      const outcome = check(
        m.bytes,
        original,
        m.byteLevel,
        viaDisk,
        `iteration ${i} (seed ${SEED}, ${json ? 'JSON' : 'binary'} model ${i % originals.length}, ${m.kind})`,
      );
      slowest = Math.max(slowest, performance.now() - t0);
      const key = `${json ? 'json' : 'binary'}: ${m.kind.replace(/\d+/g, 'N').replace(/: .*/, '')}`;
      tally[key] ??= { loaded: 0, MODEL_FORMAT: 0, IO_ERROR: 0 };
      tally[key][outcome]++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  const rssAfter = process.memoryUsage().rss;
  const mb = (v: number) => (v / 2 ** 20).toFixed(1);
  console.log(
    `  fuzz: ${BINARY_ITERATIONS + JSON_ITERATIONS} mutations in ${seconds.toFixed(2)} s (slowest load ${slowest.toFixed(1)} ms); RSS before ${mb(rssBefore)} MB, after ${mb(rssAfter)} MB`,
  );
  for (const [k, v] of Object.entries(tally).sort())
    console.log(`    ${k.padEnd(48)} loaded ${String(v.loaded).padStart(5)}  MODEL_FORMAT ${String(v.MODEL_FORMAT).padStart(5)}`);
  const total = Object.values(tally).reduce((s, v) => s + v.loaded + v.MODEL_FORMAT + v.IO_ERROR, 0);
  assert.is(total, BINARY_ITERATIONS + JSON_ITERATIONS);
  // generous: the loads allocate nothing that outlives them
  assert.ok(rssAfter - rssBefore < 256 * 2 ** 20, `RSS grew by ${mb(rssAfter - rssBefore)} MB`);
  assert.ok(slowest < 2000, `a single load took ${slowest} ms`);
});

test.run();
