/**
 * fitStream: each batch of the source is one partialFit call, so with the data in memory and no
 * shuffle buffer the weights equal a partialFit loop's exactly (the same float operations in the
 * same order); the shuffle buffer is seeded and bounded; a signal stops it and closes the source.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMnist } from '../src/data/index.ts';
import { shuffled } from '../src/estimator/stream-fit.ts';
import { FFNNClassifier, FFNNRegressor, FfnnError, type StreamBatch } from '../src/index.ts';
import { RandomState } from '../src/random.ts';

const { train } = loadMnist({ trainSize: 600, testSize: 10, seed: 0 });
const cols = train.cols;
const labels = Array.from(train.y);
const classes = [...new Set(labels)].sort((a, b) => a - b);
const base = { hiddenLayerSizes: [16], batchSize: 50, randomState: 0, backend: 'js', onWarning: () => {} } as const;

/** The rows [from, to) as a batch of typed arrays. */
const slice = (from: number, to: number): StreamBatch => ({
  X: { rows: to - from, cols, data: train.X.slice(from * cols, to * cols) },
  y: labels.slice(from, to),
});
const batchesOf = (size: number): StreamBatch[] => {
  const out: StreamBatch[] = [];
  for (let r = 0; r < train.rows; r += size) out.push(slice(r, Math.min(r + size, train.rows)));
  return out;
};
async function* asyncPass(batches: StreamBatch[]): AsyncGenerator<StreamBatch> {
  for (const b of batches) yield b;
}

const sameWeights = (a: FFNNClassifier | FFNNRegressor, b: FFNNClassifier | FFNNRegressor) =>
  a.coefs.every((c, l) => c.data.every((v, i) => v === b.coefs[l].data[i])) && a.intercepts.every((c, l) => c.every((v, i) => v === b.intercepts[l][i]));

async function error(p: Promise<unknown>): Promise<FfnnError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FfnnError) return e;
    throw e;
  }
  throw new Error('expected an FfnnError');
}

test('fitStream equals partialFit over the same batches, weights compared exactly (sgd and adam, 3 epochs)', async () => {
  for (const solver of ['sgd', 'adam'] as const) {
    const batches = batchesOf(120); // each batch is 120 rows: three steps of 50, 50, 20 inside
    const a = new FFNNClassifier({ ...base, solver });
    for (let e = 0; e < 3; e++) for (const b of batches) a.partialFit(b.X, b.y!, classes);
    const b = new FFNNClassifier({ ...base, solver });
    const epochs: number[] = [];
    await b.fitStream(() => asyncPass(batches), { epochs: 3, classes, onEpoch: (m) => void epochs.push(m.samples) });
    assert.ok(sameWeights(a, b), `${solver}: weights`);
    assert.equal(b.lossCurve, a.lossCurve, `${solver}: one loss per batch, as the loop`);
    assert.equal(epochs, [600, 600, 600]);
  }
});

test('fitStream on a regressor equals its partialFit loop; a plain (sync) iterable is a source too', async () => {
  const y = labels.map((v) => v / 9);
  const batches = batchesOf(200).map((b, i) => ({ X: b.X, y: y.slice(i * 200, i * 200 + 200) }));
  const a = new FFNNRegressor({ ...base, solver: 'adam' });
  for (let e = 0; e < 2; e++) for (const b of batches) a.partialFit(b.X, b.y!);
  const b = await new FFNNRegressor({ ...base, solver: 'adam' }).fitStream(batches, { epochs: 2 });
  assert.ok(sameWeights(a, b));
});

test('the mean loss of each pass is the row-weighted mean of the batch losses', async () => {
  const batches = batchesOf(250); // 250, 250, 100 rows
  const clf = new FFNNClassifier({ ...base, solver: 'sgd' });
  const seen: number[] = [];
  const progress: number[] = [];
  await clf.fitStream(batches, { classes, onEpoch: (m) => void seen.push(m.loss), onProgress: (p) => void progress.push(p.samples) });
  const [l1, l2, l3] = clf.lossCurve;
  // the same three numbers summed in the same order: equal up to one rounding of the division
  assert.ok(Math.abs(seen[0] - (l1 * 250 + l2 * 250 + l3 * 100) / 600) < 1e-15, `${seen[0]}`);
  assert.equal(progress, [250, 500, 600]);
});

test('classes are required for a new classifier, as in partialFit', async () => {
  const e = await error(new FFNNClassifier(base).fitStream(batchesOf(200)));
  assert.is(e.code, 'INVALID_PARAM');
  assert.match(e.message, /classes/);
});

test('options are checked: epochs, shuffleBuffer, the source itself', async () => {
  for (const [o, param] of [
    [{ epochs: 0 }, 'epochs'],
    [{ epochs: 1.5 }, 'epochs'],
    [{ shuffleBuffer: -1 }, 'shuffleBuffer'],
  ] as const) {
    const e = await error(new FFNNClassifier(base).fitStream(batchesOf(200), { classes, ...o }));
    assert.is(e.code, 'INVALID_PARAM');
    assert.is(e.details.param, param);
  }
  const e = await error(new FFNNClassifier(base).fitStream(42 as never, { classes }));
  assert.is(e.code, 'INVALID_PARAM');
  assert.match(e.message, /async iterable/);
});

test('an async generator runs once: a second epoch from it is refused, naming the fix', async () => {
  const e = await error(new FFNNClassifier(base).fitStream(asyncPass(batchesOf(200)), { classes, epochs: 2 }));
  assert.is(e.code, 'EMPTY_DATA');
  assert.match(e.message, /epoch 2.*a function that opens a fresh pass/);
});

test('a signal aborts at the end of the current batch: ABORTED, earlier batches kept, the source closed', async () => {
  const batches = batchesOf(100);
  const ctl = new AbortController();
  let closed = false;
  let served = 0;
  async function* source(): AsyncGenerator<StreamBatch> {
    try {
      for (const b of batches) {
        served++;
        yield b;
      }
    } finally {
      closed = true;
    }
  }
  const clf = new FFNNClassifier({ ...base, solver: 'adam' });
  const e = await error(clf.fitStream(source, { classes, onProgress: (p) => (p.batch === 2 ? ctl.abort() : undefined), signal: ctl.signal }));
  assert.is(e.code, 'ABORTED');
  assert.is(served, 2);
  assert.ok(closed, 'the source was closed');
  // the model is the partialFit loop's after two batches, and it predicts
  const ref = new FFNNClassifier({ ...base, solver: 'adam' });
  for (const b of batches.slice(0, 2)) ref.partialFit(b.X, b.y!, classes);
  assert.ok(sameWeights(clf, ref));
  assert.is(clf.predict(slice(0, 3).X).length, 3);
});

test('a signal aborts while the source is waiting for data', async () => {
  const ctl = new AbortController();
  async function* slow(): AsyncGenerator<StreamBatch> {
    yield slice(0, 100);
    await new Promise((r) => setTimeout(r, 60_000)); // never comes: the abort must not wait for it
    yield slice(100, 200);
  }
  setTimeout(() => ctl.abort(), 50);
  const t0 = Date.now();
  const e = await error(new FFNNClassifier(base).fitStream(slow, { classes, signal: ctl.signal }));
  assert.is(e.code, 'ABORTED');
  assert.ok(Date.now() - t0 < 30_000);
});

test('fitStream gives the event loop a turn between batches', async () => {
  let turns = 0;
  let on = true;
  const probe = () => {
    turns++;
    if (on) setImmediate(probe);
  };
  setImmediate(probe);
  let batches = 0;
  await new FFNNClassifier(base).fitStream(batchesOf(50), { classes, yieldEveryMs: 0, onProgress: () => void batches++ });
  on = false;
  assert.is(batches, 12);
  assert.ok(turns >= 11, `${turns} turns of the event loop over 12 batches`);
});

test('a second fitStream while one runs is BUSY', async () => {
  const clf = new FFNNClassifier(base);
  const first = clf.fitStream(batchesOf(50), { classes, yieldEveryMs: 0 });
  const e = await error(clf.fitStream(batchesOf(50), { classes }));
  assert.is(e.code, 'BUSY');
  await first;
});

test('the shuffle buffer: seeded (same seed, same weights; another seed, others), every row once per pass', async () => {
  const batches = batchesOf(100);
  const run = (seed: number) => new FFNNClassifier({ ...base, randomState: seed }).fitStream(batches, { classes, shuffleBuffer: 250, epochs: 2 });
  const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
  assert.ok(sameWeights(a, b));
  assert.not.ok(sameWeights(a, c));
  const unshuffled = await new FFNNClassifier({ ...base, randomState: 1 }).fitStream(batches, { classes, epochs: 2 });
  assert.not.ok(sameWeights(a, unshuffled));

  // rows tagged by their index come out each exactly once, in batches of the input's size, not in order
  const tagged: StreamBatch[] = [];
  for (let r = 0; r < 1000; r += 64) {
    const n = Math.min(64, 1000 - r);
    tagged.push({ X: { rows: n, cols: 2, data: Float64Array.from({ length: 2 * n }, (_, i) => r + (i >> 1)) }, y: Array.from({ length: n }, (_, i) => r + i) });
  }
  const seen: number[] = [];
  const sizes: number[] = [];
  for await (const b of shuffled(tagged, 100, new RandomState(0))) {
    const X = b.X as { rows: number; data: Float64Array };
    sizes.push(X.rows);
    (b.y as number[]).forEach((v, i) => {
      assert.is(X.data[2 * i], v, 'features follow their label');
      seen.push(v);
    });
  }
  assert.equal(
    [...seen].sort((p, q) => p - q),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.not.equal(
    seen,
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.ok(sizes.slice(0, -1).every((s) => s === 64));
  // a row can only leave after it entered, and at most the buffer's size before its turn:
  // the buffer (100 rows) bounds how far a row moves back
  seen.forEach((v, i) => assert.ok(v <= i + 100, `row ${v} left at position ${i}`));
});

test('a bad batch in the stream is an error naming it, and the model keeps the batches before it', async () => {
  const good = batchesOf(200);
  const bad = [good[0], { X: slice(200, 300).X, y: labels.slice(200, 250) }];
  const clf = new FFNNClassifier(base);
  const e = await error(clf.fitStream(bad, { classes }));
  assert.is(e.code, 'SHAPE_MISMATCH');
  const ref = new FFNNClassifier(base).partialFit(good[0].X, good[0].y!, classes);
  assert.ok(sameWeights(clf, ref));
});

test.run();
