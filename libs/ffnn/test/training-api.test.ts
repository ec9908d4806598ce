/** The training API around the loop: callbacks, history, verbose, warm start, partialFit, validation data. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type EpochMetrics, FFNNClassifier, type FfnnWarning } from '../src/index.ts';
import { sinData } from './helpers.ts';

const X = sinData(40, 3);
const y = X.map((_, i) => (i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c'));

test('onEpoch gets numeric metrics and returning false stops training', () => {
  const seen: EpochMetrics[] = [];
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 50, randomState: 0, onEpoch: (m) => (seen.push(m), m.epoch < 3) });
  clf.fit(X, y, { validationData: { X: X.slice(0, 10), y: y.slice(0, 10) } });
  assert.is(seen.length, 3);
  assert.is(clf.nIter, 3);
  for (const m of seen) {
    for (const key of ['epoch', 'loss', 'validationLoss', 'validationScore', 'learningRate', 'seconds'] as const) assert.type(m[key], 'number', key);
  }
  assert.is(clf.validationLossCurve.length, 3);
  assert.equal(
    seen.map((m) => m.loss),
    clf.lossCurve,
  );
});

test('reaching maxIter raises a convergence warning event', () => {
  const warnings: FfnnWarning[] = [];
  new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, onWarning: (w) => warnings.push(w) }).fit(X, y);
  assert.equal(
    warnings.map((w) => w.code),
    ['CONVERGENCE'],
  );
  assert.match(warnings[0].message, /maximum iterations \(2\) reached/);
});

test('history records weights per epoch (epoch 0 = initial) and gradients', () => {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 3, randomState: 0, history: true, onWarning: () => {} }).fit(X, y);
  const h = clf.history;
  assert.equal(
    h.map((e) => e.epoch),
    [0, 1, 2, 3],
  );
  assert.equal(Array.from(h[0].coefs![0]), Array.from(clf.initialCoefs[0].data));
  assert.equal(Array.from(h[3].coefs![1]), Array.from(clf.coefs[1].data));
  assert.is(h[1].coefGrads![0].length, 3 * 4);
  assert.not.equal(Array.from(h[1].coefs![0]), Array.from(h[2].coefs![0]));
});

test('verbose 1 prints the loss per epoch, verbose 2 also the weights', () => {
  const lines: string[] = [];
  new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, verbose: 1, log: (l) => lines.push(l), onWarning: () => {} }).fit(X, y);
  assert.equal(lines.filter((l) => l.startsWith('Iteration')).length, 2);
  assert.match(lines[0], /^Iteration 1, loss = \d+\.\d{8}$/);
  const lines2: string[] = [];
  new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 1, randomState: 0, verbose: 2, log: (l) => lines2.push(l), onWarning: () => {} }).fit(X, y);
  assert.ok(lines2.some((l) => l.includes('coefs[0] (3 x 4)')));
  assert.ok(lines2.some((l) => l.includes('intercepts[1] (3)')));
});

test('warm start continues from the fitted weights; a cold refit starts again', () => {
  const cold = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 4, randomState: 0, onWarning: () => {} }).fit(X, y);
  const warm = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, onWarning: () => {} }).fit(X, y);
  const after2 = Array.from(warm.coefs[0].data);
  warm.setOptions({ warmStart: true }).fit(X, y);
  assert.is(warm.lossCurve.length, 4);
  assert.is(warm.nIter, 2);
  assert.is(warm.t, 160); // 4 epochs of 40 samples: t_ is kept across warm starts
  assert.not.equal(Array.from(warm.coefs[0].data), after2);
  // a warm restart recreates Adam and reshuffles from the seed, so it differs from 4 straight epochs
  assert.not.equal(Array.from(warm.coefs[0].data), Array.from(cold.coefs[0].data));
  assert.throws(
    () =>
      warm.fit(
        X,
        y.map((v) => (v === 'c' ? 'd' : v)),
      ),
    (e: any) => e.code === 'INVALID_DATA' && /same classes/.test(e.message),
  );
});

test('partialFit runs one epoch per call and keeps the optimizer', () => {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], solver: 'sgd', randomState: 0, onWarning: () => {} });
  clf.partialFit(X.slice(0, 20), y.slice(0, 20), ['a', 'b', 'c']);
  clf.partialFit(X.slice(20), y.slice(20));
  assert.is(clf.nIter, 1);
  assert.is(clf.t, 40);
  assert.equal(clf.classes, ['a', 'b', 'c']);
  assert.throws(
    () => new FFNNClassifier({ earlyStopping: true }).partialFit(X, y, ['a', 'b', 'c']),
    (e: any) => e.code === 'INVALID_PARAM',
  );
  // as sklearn's test_partial_fit_classes_error: the classes may be repeated, never changed
  clf.partialFit(X, y, ['c', 'a', 'b']);
  const nIter = clf.nIter;
  for (const changed of [
    ['a', 'b'],
    ['a', 'b', 'c', 'd'],
    [0, 1, 2],
  ]) {
    assert.throws(
      () => clf.partialFit(X, y, changed),
      (e: any) => e.code === 'INVALID_PARAM' && /is not the same as in the first call to partialFit/.test(e.message),
      JSON.stringify(changed),
    );
  }
  assert.is(clf.nIter, nIter); // a refused call trains nothing
});

test('per-layer activations, output activation and loss options shape the network', () => {
  const clf = new FFNNClassifier({
    hiddenLayerSizes: [5, 4],
    activation: ['sigmoid', 'linear'],
    outputActivation: 'softmax',
    loss: 'mean_squared_error',
    maxIter: 3,
    randomState: 0,
    onWarning: () => {},
  }).fit(X, y);
  assert.equal(clf.layerActivations, ['logistic', 'identity', 'softmax']);
  assert.is(clf.lossName, 'mean_squared_error');
  assert.is(clf.predictProba(X).cols, 3);
  const bin = new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 2, randomState: 0, onWarning: () => {} }).fit(
    X,
    X.map((_, i) => i % 2),
  );
  assert.is(bin.outActivation, 'logistic');
  assert.is(bin.lossName, 'binary_cross_entropy');
  const p = bin.predictProba(X);
  for (let r = 0; r < p.rows; r++) assert.ok(Math.abs(p.data[2 * r] + p.data[2 * r + 1] - 1) < 1e-15);
});

test('randomState null draws a fresh seed (two fits differ), an integer repeats exactly', () => {
  const a = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 1, onWarning: () => {} }).fit(X, y);
  const b = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 1, onWarning: () => {} }).fit(X, y);
  assert.not.equal(Array.from(a.coefs[0].data), Array.from(b.coefs[0].data));
  const c = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 1, randomState: 9, onWarning: () => {} }).fit(X, y);
  const d = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 1, randomState: 9, onWarning: () => {} }).fit(X, y);
  assert.equal(Array.from(c.coefs[0].data), Array.from(d.coefs[0].data));
});

test('fit and predict read a typed-array X without changing it (it is used without a copy)', () => {
  const rows = X.length;
  const data = Float64Array.from(X.flat());
  const before = data.slice();
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 3, randomState: 0, earlyStopping: true, validationFraction: 0.2, onWarning: () => {} });
  clf.fit({ rows, cols: 3, data }, y);
  clf.predictProba({ rows, cols: 3, data });
  assert.equal(Array.from(data), Array.from(before));
  // the same numbers as from nested arrays
  const nested = new FFNNClassifier({
    hiddenLayerSizes: [4],
    maxIter: 3,
    randomState: 0,
    earlyStopping: true,
    validationFraction: 0.2,
    onWarning: () => {},
  }).fit(X, y);
  assert.equal(Array.from(clf.coefs[0].data), Array.from(nested.coefs[0].data));
});

test.run();
