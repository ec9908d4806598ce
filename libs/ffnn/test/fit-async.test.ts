/**
 * fitAsync and partialFitAsync run the same steps as fit and partialFit (so the same numbers,
 * compared exactly: the same float operations in the same order), give the event loop a turn
 * between batches, and stop on an AbortSignal at the end of the current batch, leaving the model at
 * its last completed epoch.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMnist } from '../src/data/index.ts';
import { FFNNClassifier, FfnnError } from '../src/index.ts';

const { train } = loadMnist({ trainSize: 1000, testSize: 10, seed: 0 });
const X = { rows: train.rows, cols: train.cols, data: train.X };
const y = Array.from(train.y);
const base = { hiddenLayerSizes: [32], batchSize: 50, randomState: 0, backend: 'js', onWarning: () => {} } as const;

const sameWeights = (a: FFNNClassifier, b: FFNNClassifier) =>
  a.coefs.every((c, l) => c.data.every((v, i) => v === b.coefs[l].data[i])) && a.intercepts.every((c, l) => c.every((v, i) => v === b.intercepts[l][i]));

test('fitAsync gives exactly the weights, loss curve and nIter of fit (sgd and adam, early stopping)', async () => {
  for (const extra of [{ solver: 'sgd' }, { solver: 'adam', earlyStopping: true }] as const) {
    const o = { ...base, maxIter: 4, ...extra };
    const a = new FFNNClassifier(o).fit(X, y);
    const b = await new FFNNClassifier(o).fitAsync(X, y);
    assert.ok(sameWeights(a, b), `${extra.solver}: weights`);
    assert.equal(b.lossCurve, a.lossCurve);
    assert.is(b.nIter, a.nIter);
  }
});

test('partialFitAsync equals partialFit call for call', async () => {
  const a = new FFNNClassifier({ ...base, solver: 'sgd' });
  const b = new FFNNClassifier({ ...base, solver: 'sgd' });
  const classes = [...new Set(y)];
  for (let i = 0; i < 3; i++) {
    a.partialFit(X, y, classes);
    await b.partialFitAsync(X, y, classes);
  }
  assert.ok(sameWeights(a, b));
});

test('fitAsync gives the event loop a turn between batches; fit does not', async () => {
  // Counted in batches, not milliseconds, so a loaded machine cannot change the answer: a
  // setImmediate probe (a macrotask, like I/O callbacks and a page's rendering) notes how many
  // batches ran since it last ran. With yieldEveryMs 0, fitAsync yields after every batch.
  const probeWhile = async (train: (onBatch: () => void) => Promise<unknown>) => {
    let batches = 0;
    let seen = 0;
    let worst = 0;
    let runs = 0;
    let on = true;
    const probe = () => {
      worst = Math.max(worst, batches - seen);
      seen = batches;
      runs++;
      if (on) setImmediate(probe);
    };
    setImmediate(probe);
    await train(() => batches++);
    on = false;
    await new Promise((r) => setImmediate(r));
    return { worst, runs, batches };
  };
  const o = { ...base, hiddenLayerSizes: [128, 64], maxIter: 2 };
  const async = await probeWhile((onProgress) => new FFNNClassifier(o).fitAsync(X, y, { yieldEveryMs: 0, onProgress }));
  assert.is(async.batches, 2 * 20); // 1000 rows in batches of 50, two epochs
  assert.ok(async.worst <= 1, `${async.worst} batches ran between two turns of the event loop`);
  assert.ok(async.runs >= async.batches, `the probe ran ${async.runs} times for ${async.batches} batches`);
  // the same probe catches a blocking fit: fit reports no batches, so they are counted after it
  // returns, before the probe has had a turn: all 40 ran between two of its runs
  const sync = await probeWhile(async (onBatch) => {
    new FFNNClassifier(o).fit(X, y);
    for (let i = 0; i < async.batches; i++) onBatch();
  });
  assert.is(sync.worst, async.batches);
});

test('a 10 ms timer while fitAsync trains: the longest wait, printed (a figure, not a pass/fail bound)', async () => {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 10);
  await new FFNNClassifier({ ...base, hiddenLayerSizes: [128, 64], maxIter: 3 }).fitAsync(X, y, { yieldEveryMs: 10 });
  clearInterval(timer);
  console.log(`  fitAsync: a 10 ms timer waited at most ${worst.toFixed(1)} ms while 784-128-64-10 trained 3 epochs (yieldEveryMs 10)`);
  assert.ok(worst > 0);
});

test('abort after the second epoch: rejects with ABORTED, nIter 2, the weights after epoch 2, a model that predicts', async () => {
  const controller = new AbortController();
  const seen: number[] = [];
  const clf = new FFNNClassifier({
    ...base,
    maxIter: 50,
    onEpoch: (m) => {
      seen.push(m.epoch);
      if (m.epoch === 2) controller.abort();
    },
  });
  let progressCalls = 0;
  try {
    await clf.fitAsync(X, y, { signal: controller.signal, onProgress: (p) => void (progressCalls += p.samplesPerSecond > 0 ? 1 : 0) });
    assert.unreachable('expected ABORTED');
  } catch (err) {
    assert.instance(err, FfnnError);
    assert.is((err as FfnnError).code, 'ABORTED');
  }
  assert.is(clf.nIter, 2);
  assert.equal(seen, [1, 2]);
  assert.ok(progressCalls >= 2 * 20, 'a progress report per batch');
  const twoEpochs = new FFNNClassifier({ ...base, maxIter: 2 }).fit(X, y);
  assert.ok(sameWeights(clf, twoEpochs), 'the weights after epoch 2');
  assert.is(clf.predict({ rows: 1, cols: X.cols, data: X.data.subarray(0, X.cols) }).length, 1);
});

test('an already aborted signal stops before the first batch is kept; a bad yieldEveryMs is refused', async () => {
  const clf = new FFNNClassifier({ ...base, maxIter: 5 });
  await clf.fitAsync(X, y, { signal: AbortSignal.abort() }).then(
    () => assert.unreachable('expected ABORTED'),
    (err) => assert.is((err as FfnnError).code, 'ABORTED'),
  );
  assert.is(clf.nIter, 0);
  await new FFNNClassifier(base).fitAsync(X, y, { yieldEveryMs: -1 }).then(
    () => assert.unreachable('expected INVALID_PARAM'),
    (err) => assert.is((err as FfnnError).code, 'INVALID_PARAM'),
  );
});

test('a second fit while fitAsync trains is refused with BUSY; the first finishes with the numbers of fit', async () => {
  const o = { ...base, maxIter: 3 };
  const clf = new FFNNClassifier(o);
  const first = clf.fitAsync(X, y, { yieldEveryMs: 0 });
  for (const second of [() => clf.fitAsync(X, y), () => clf.partialFitAsync(X, y), async () => clf.fit(X, y), async () => clf.partialFit(X, y)]) {
    try {
      await second();
      assert.unreachable('a second fit ran');
    } catch (err) {
      assert.is((err as FfnnError).code, 'BUSY');
    }
  }
  await first;
  assert.ok(sameWeights(clf, new FFNNClassifier(o).fit(X, y)));
  clf.fit(X, y); // and once it is done, the model trains again
});

test.run();
