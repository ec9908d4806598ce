/**
 * fitInWorker trains in a worker_threads worker (Node, Bun and Deno) and must give exactly the
 * model an in-thread fit gives at the same seed. Floats are compared exactly, with ===: the
 * worker runs the same float operations in the same order (fitAsync = fit's steps), and the model
 * comes back as binary model-file bytes, which hold float64 (or float32) weights bit for bit and
 * the loss curve as JSON numbers (which round-trip exactly).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNativeBackend } from '../src/backend/native.ts';
import { loadMnist } from '../src/data/index.ts';
import { FFNNClassifier, type FFNNOptions, FFNNRegressor, FfnnError } from '../src/index.ts';
import { fitInWorker } from '../src/node.ts';
import { ROOT, sinData } from './helpers.ts';

const { train } = loadMnist({ trainSize: 300, testSize: 10, seed: 0 });
const X = { rows: train.rows, cols: train.cols, data: train.X };
const y = Array.from(train.y);
const base = { hiddenLayerSizes: [16], batchSize: 50, maxIter: 3, randomState: 0, onWarning: () => {} } as const;

const nativeLoaded = loadNativeBackend().backend !== null;
const backends = nativeLoaded ? (['js', 'native'] as const) : (['js'] as const);
if (!nativeLoaded) console.log(`fit-in-worker: native addon not loaded here (${loadNativeBackend().reason}); js backend only`);

type Est = FFNNClassifier | FFNNRegressor;

/** Exactly the same weights, intercepts, loss curve and epoch count. */
function assertSameModel(got: Est, want: Est, what: string): void {
  assert.is(got.nIter, want.nIter, `${what}: nIter`);
  assert.equal(got.lossCurve, want.lossCurve, `${what}: lossCurve`);
  want.coefs.forEach((c, l) => {
    const g = got.coefs[l].data;
    assert.is(g.constructor, c.data.constructor, `${what}: coefs[${l}] dtype`);
    assert.ok(
      c.data.every((v, i) => v === g[i]),
      `${what}: coefs[${l}]`,
    );
  });
  want.intercepts.forEach((b, l) =>
    assert.ok(
      b.every((v, i) => v === got.intercepts[l][i]),
      `${what}: intercepts[${l}]`,
    ),
  );
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<FfnnError> {
  try {
    await p;
  } catch (err) {
    return err as FfnnError;
  }
  assert.unreachable('expected a rejection');
  throw new Error('unreachable');
}

/** The error a call throws. */
function thrown(fn: () => unknown): FfnnError {
  try {
    fn();
  } catch (err) {
    return err as FfnnError;
  }
  assert.unreachable('expected an error');
  throw new Error('unreachable');
}

for (const backend of backends) {
  test(`classifier, ${backend} backend: exactly fit's weights and loss curve (sgd and adam)`, async () => {
    for (const solver of ['sgd', 'adam'] as const) {
      const o = { ...base, solver, backend };
      const want = new FFNNClassifier(o).fit(X, y);
      const got = await fitInWorker(o, X, y);
      assert.instance(got, FFNNClassifier);
      // the worker asked for this backend by name: 'native' that fails to load there is BACKEND_UNAVAILABLE
      assert.is(got.backendName, backend, 'the returned model runs on the backend asked for');
      assertSameModel(got, want, `${backend} ${solver}`);
      assert.equal(got.predict(X), want.predict(X));
    }
  });

  test(`regressor, ${backend} backend: exactly fit's weights and loss curve`, async () => {
    const rows = sinData(120, 3);
    const targets = rows.map((r) => r[0] - 0.5 * r[1] + r[2] * r[2]);
    const o = { hiddenLayerSizes: [10], batchSize: 32, maxIter: 6, randomState: 3, backend, onWarning: () => {} } as const;
    const want = new FFNNRegressor(o).fit(rows, targets);
    const got = await fitInWorker(o, rows, targets, { kind: 'regressor' });
    assert.instance(got, FFNNRegressor);
    assertSameModel(got, want, `${backend} regressor`);
  });
}

test('float32 data trains in float32 in the worker as in-thread; object rows keep their feature names', async () => {
  const X32 = { rows: X.rows, cols: X.cols, data: Float32Array.from(X.data) };
  const o = { ...base, backend: 'js' } as const;
  assertSameModel(await fitInWorker(o, X32, y), new FFNNClassifier(o).fit(X32, y), 'float32');
  const objects = sinData(60, 2).map(([a, b]) => ({ height: a, mass: b }));
  const labels = objects.map((r) => (r.height > 0 ? 'up' : 'down'));
  const got = await fitInWorker(o, objects, labels);
  assert.equal(got.featureNamesIn, ['height', 'mass']);
  assertSameModel(got, new FFNNClassifier(o).fit(objects, labels), 'object rows');
});

test('fitOptions cross: validationData, sampleWeight and featureNames give what fit gives', async () => {
  const o = { ...base, backend: 'js' } as const;
  const half = (X.rows / 2) * X.cols;
  const fitX = { rows: X.rows / 2, cols: X.cols, data: X.data.slice(0, half) };
  const fitOptions = {
    validationData: { X: { rows: X.rows / 2, cols: X.cols, data: X.data.slice(half) }, y: y.slice(X.rows / 2) },
    sampleWeight: Array.from({ length: X.rows / 2 }, (_, i) => 1 + (i % 3)),
    featureNames: Array.from({ length: X.cols }, (_, j) => `px${j}`),
  };
  const want = new FFNNClassifier(o).fit(fitX, y.slice(0, X.rows / 2), fitOptions);
  const got = await fitInWorker(o, fitX, y.slice(0, X.rows / 2), { fitOptions });
  assertSameModel(got, want, 'fitOptions');
  assert.equal(got.validationLossCurve, want.validationLossCurve);
  assert.ok(got.validationLossCurve.length === 3, 'validation was scored');
  assert.equal(got.featureNamesIn, fitOptions.featureNames);
});

test('progress arrives for every epoch; its end-of-epoch loss is the loss curve entry', async () => {
  const seen: { epoch: number; batch: number; batches: number; loss: number; samplesPerSecond: number }[] = [];
  const o = { ...base, backend: 'js' } as const;
  const got = await fitInWorker(o, X, y, { onProgress: (p) => seen.push({ ...p }) });
  const ends = seen.filter((p) => p.batch === p.batches);
  assert.equal(
    ends.map((p) => p.epoch),
    [1, 2, 3],
  );
  // the epoch's mean loss computed the same way (accumulated / samples) on the same numbers
  assert.equal(
    ends.map((p) => p.loss),
    got.lossCurve,
  );
  assert.ok(seen.every((p) => Number.isFinite(p.samplesPerSecond) && p.samplesPerSecond >= 0));
});

test('abort after epoch 2: ABORTED, and details.model is the model at its last completed epoch', async () => {
  const small = sinData(40, 2);
  const labels = small.map((r) => (r[0] > 0 ? 1 : 0));
  // far more epochs than the abort needs, and no stopping rule, so only the abort ends it
  const o: Partial<FFNNOptions> = {
    hiddenLayerSizes: [4],
    batchSize: 10,
    maxIter: 1_000_000,
    nIterNoChange: Infinity,
    randomState: 1,
    backend: 'js',
    onWarning: () => {},
  };
  const controller = new AbortController();
  // epoch 2 is complete once epoch 3 is under way (a stop at epoch 2's last batch would still
  // discard it: the epoch is counted only when training goes on from that batch)
  const onProgress = (p: { epoch: number }) => {
    if (p.epoch >= 3) controller.abort();
  };
  const err = await rejection(fitInWorker(o, small, labels, { signal: controller.signal, onProgress }));
  assert.instance(err, FfnnError);
  assert.is(err.code, 'ABORTED');
  const model = err.details.model as FFNNClassifier;
  assert.instance(model, FFNNClassifier);
  // the abort lands at the end of whatever batch the worker is on by then: epoch 3 or later
  assert.ok(model.nIter >= 2 && model.nIter < 1_000_000, `nIter ${model.nIter}`);
  assert.is(err.details.epoch, model.nIter);
  // the model file cannot hold nIterNoChange: Infinity; fitInWorker gives back the caller's options
  assert.equal(model.getOptions(), new FFNNClassifier(o).getOptions());
  assert.is(err.message, `training stopped in epoch ${model.nIter + 1}; the model keeps the weights after epoch ${model.nIter}`);
  assertSameModel(model, new FFNNClassifier({ ...o, maxIter: model.nIter }).fit(small, labels), 'aborted');
});

test('a signal aborted before the call: ABORTED with the initial weights, as fitAsync', async () => {
  const o = { ...base, backend: 'js' } as const;
  const controller = new AbortController();
  controller.abort();
  const err = await rejection(fitInWorker(o, X, y, { signal: controller.signal }));
  const inThread = new FFNNClassifier(o);
  const local = await rejection(inThread.fitAsync(X, y, { signal: controller.signal }));
  assert.is(err.code, 'ABORTED');
  assert.is(err.message, local.message);
  assertSameModel(err.details.model as FFNNClassifier, inThread, 'aborted before start');
});

test('errors come back with the code and message of the in-thread fit', async () => {
  const o = { ...base, backend: 'js' } as const;
  const withNaN = { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) };
  withNaN.data[7] = NaN;
  const big = sinData(40, 2).map((r) => r.map((v) => v * 1e150));
  const labels = big.map((_, i) => i % 2);
  const cases: [string, Partial<FFNNOptions>, Parameters<typeof fitInWorker>[1], Parameters<typeof fitInWorker>[2]][] = [
    ['bad option (worker side)', { ...o, hiddenLayerSizes: [0] }, X, y],
    ['unknown option', { ...o, hiddenLayers: [3] } as never, X, y],
    ['NaN in a typed X (checked in the worker)', o, withNaN, y],
    ['y too short', o, X, y.slice(1)],
    ['NON_FINITE_LOSS', { ...o, solver: 'sgd', learningRateInit: 10, momentum: 0, maxIter: 50 }, big, labels],
  ];
  for (const [what, options, Xc, yc] of cases) {
    const want = thrown(() => new FFNNClassifier(options).fit(Xc, yc));
    const got = await rejection(fitInWorker(options, Xc, yc));
    assert.instance(got, FfnnError, what);
    assert.is(got.code, want.code, what);
    assert.is(got.message, want.message, what);
  }
  const epoch = await rejection(fitInWorker({ ...o, onEpoch: () => {} }, X, y));
  assert.is(epoch.code, 'INVALID_PARAM');
  assert.match(epoch.message, /^onEpoch: /);
  assert.is((await rejection(fitInWorker(o, X, y, { kind: 'tree' as never }))).code, 'INVALID_PARAM');
});

test('warnings come back to onWarning; the returned model carries them', async () => {
  const warnings: string[] = [];
  const o = { ...base, backend: 'js', maxIter: 1, onWarning: (w: { code: string }) => warnings.push(w.code) } as const;
  const got = await fitInWorker(o, X, y);
  assert.equal(warnings, ['CONVERGENCE']);
  assert.equal(
    got.warnings.map((w) => w.code),
    ['CONVERGENCE'],
  );
  assert.equal(got.getOptions(), new FFNNClassifier(o).getOptions(), 'the caller options, callbacks included');
});

test('transfer: true moves the data (the caller buffer is detached); by default it is copied', async () => {
  const o = { ...base, backend: 'js' } as const;
  const want = new FFNNClassifier(o).fit(X, y);
  const copied = { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) };
  assertSameModel(await fitInWorker(o, copied, y), want, 'copied');
  assert.is(copied.data.length, X.data.length);
  assert.ok(
    copied.data.every((v, i) => v === X.data[i]),
    'the copy left the data as it was',
  );
  const moved = { rows: X.rows, cols: X.cols, data: Float64Array.from(X.data) };
  assertSameModel(await fitInWorker(o, moved, y, { transfer: true }), want, 'transferred');
  assert.is(moved.data.length, 0, 'a detached buffer reads as empty');
  assert.is(moved.data.buffer.byteLength, 0);
});

/** Runs a script in a child process; its exit proves no worker is left holding the process. */
function runChild(cmd: string, args: string[]): Record<string, unknown> {
  // a generous ceiling so a hang fails the test instead of stalling the suite (not a speed check)
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 });
  assert.is(r.status, 0, `exit status ${r.status} (signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const CHILD_SCRIPT = (from: string, fromNode: string) => `import { FFNNClassifier } from '${from}';
import { fitInWorker } from '${fromNode}';
const X = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(0.7 * i)]);
const y = X.map((r) => (r[0] > 0 ? 'a' : 'b'));
const o = { hiddenLayerSizes: [5], maxIter: 4, randomState: 2, backend: 'auto', onWarning: () => {} };
const got = await fitInWorker(o, X, y);
const want = new FFNNClassifier(o).fit(X, y);
let code = null;
try { await fitInWorker({ ...o, alpha: -1 }, X, y); } catch (err) { code = err.code; }
const same = want.coefs.every((c, l) => c.data.every((v, i) => v === got.coefs[l].data[i])) && JSON.stringify(want.lossCurve) === JSON.stringify(got.lossCurve);
console.log(JSON.stringify({ same, code, backend: got.backendName }));
`;

test('the process exits after fitInWorker (success and error): from the sources, in this runtime', () => {
  const dir = join(ROOT, '.tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `fit-in-worker-child-${process.pid}.ts`);
  writeFileSync(file, CHILD_SCRIPT('../libs/ffnn/src/index.ts', '../libs/ffnn/src/node.ts'));
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  const [cmd, args] =
    g.Bun !== undefined
      ? [process.execPath, [file]]
      : g.Deno !== undefined
        ? [process.execPath, ['run', '--allow-all', '--node-modules-dir=manual', '--unstable-sloppy-imports', file]]
        : [process.execPath, ['--import', 'tsx', file]];
  try {
    const out = runChild(cmd, args);
    assert.equal(out, { same: true, code: 'INVALID_PARAM', backend: nativeLoaded ? 'native' : 'js' });
  } finally {
    rmSync(file, { force: true });
  }
});

test('from the compiled dist/ under plain Node: the worker entry resolves, same weights, the process exits', () => {
  assert.ok(existsSync(join(ROOT, 'libs/ffnn/dist/worker/worker-main.js')), 'dist/ has no worker entry: run npx nx run ffnn:build');
  const dir = join(ROOT, '.tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `fit-in-worker-dist-${process.pid}.mjs`);
  writeFileSync(file, CHILD_SCRIPT('@ffnn/core', '@ffnn/core/node'));
  // process.execPath is node only when this suite runs under Node; elsewhere the node on PATH
  const node = process.release?.name === 'node' && !('Bun' in globalThis) && !('Deno' in globalThis) ? process.execPath : 'node';
  try {
    const out = runChild(node, [file]);
    assert.is(out.same, true);
    assert.is(out.code, 'INVALID_PARAM');
  } finally {
    rmSync(file, { force: true });
  }
});

test.run();
