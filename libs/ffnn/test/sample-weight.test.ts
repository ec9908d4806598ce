/**
 * sampleWeight in fit, partialFit and score, with scikit-learn 1.7+ semantics (the numbers are
 * checked against live sklearn by the parity fixtures sw_*): weights of 1 change nothing, rows of
 * weight 0 count for nothing, score is the weighted mean.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FFNNRegressor } from '../src/index.ts';
import { allClose, codeOf, sinData } from './helpers.ts';

const quiet = { onWarning: () => {}, log: () => {} } as const;
const X = sinData(40, 3);
const y = X.map((r) => (r[0] + r[1] > 0 ? 'p' : 'n'));
const target = X.map((r) => r[0] - 0.5 * r[1]);
const opts = { hiddenLayerSizes: [5], maxIter: 5, randomState: 0, ...quiet } as const;

test('weights of 1 give the same weights as no weights (the loss curve within rounding)', () => {
  const plain = new FFNNClassifier(opts).fit(X, y);
  const ones = new FFNNClassifier(opts).fit(X, y, { sampleWeight: X.map(() => 1) });
  // every delta is multiplied by exactly 1 and sum(w) is exactly the row count: bit for bit
  assert.equal(Array.from(ones.coefs[0].data), Array.from(plain.coefs[0].data));
  // the weighted loss sums row by row instead of column by column: a few ulps apart
  allClose(ones.lossCurve, plain.lossCurve, 1e-13, 'lossCurve');
});

test('rows of weight 0 count for nothing (one full batch, no shuffle)', () => {
  const o = { ...opts, shuffle: false, batchSize: 'auto' } as const;
  const w = X.map((_, i) => 0.5 + (i % 3));
  const base = new FFNNRegressor(o).fit(X, target, { sampleWeight: w });
  const junk = sinData(50, 3)
    .slice(40)
    .map((r) => r.map((v) => 10 * v));
  const padded = new FFNNRegressor(o).fit([...X, ...junk], [...target, ...junk.map(() => 100)], { sampleWeight: [...w, ...junk.map(() => 0)] });
  // the zero-weight rows add exact zeros to every sum: 1e-12 leaves room for a reordered sum only
  allClose(padded.coefs[0].data, base.coefs[0].data, 1e-12, 'coefs[0]');
  allClose(padded.lossCurve, base.lossCurve, 1e-12, 'lossCurve');
});

test('score takes sampleWeight: the weighted mean accuracy, the weighted R²', () => {
  const clf = new FFNNClassifier(opts).fit(X, y);
  const predicted = clf.predict(X);
  const w = X.map((_, i) => (i % 2 ? 2 : 0.5));
  let num = 0;
  let den = 0;
  predicted.forEach((p, i) => {
    num += w[i] * (p === y[i] ? 1 : 0);
    den += w[i];
  });
  assert.is(clf.score(X, y, w), num / den);
  assert.is(
    clf.score(
      X,
      y,
      X.map(() => 1),
    ),
    clf.score(X, y),
  );
  const reg = new FFNNRegressor(opts).fit(X, target);
  // integer weights are exact: weighting a row by 2 is counting it twice
  const twice = [...X, ...X.slice(0, 10)];
  const close = Math.abs(
    reg.score(
      X,
      target,
      X.map((_, i) => (i < 10 ? 2 : 1)),
    ) - reg.score(twice, [...target, ...target.slice(0, 10)]),
  );
  assert.ok(close < 1e-12, `|diff| ${close}`);
});

test('partialFit takes sampleWeight; bad weights are named', () => {
  const reg = new FFNNRegressor(opts);
  reg.partialFit(X, target, { sampleWeight: X.map(() => 2) });
  assert.is(reg.t, 40);
  const clf = new FFNNClassifier(opts);
  clf.partialFit(X, y, ['n', 'p'], { sampleWeight: X.map(() => 1) });
  assert.is(
    codeOf(() => new FFNNClassifier(opts).fit(X, y, { sampleWeight: [1, 2] })),
    'SHAPE_MISMATCH',
  );
  assert.is(
    codeOf(() => new FFNNClassifier(opts).fit(X, y, { sampleWeight: X.map((_, i) => (i === 4 ? NaN : 1)) })),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() => clf.score(X, y, [1])),
    'SHAPE_MISMATCH',
  );
  // all-zero weights are 0/0 in every loss: named, not reported as a divergence in epoch 1
  assert.throws(
    () => new FFNNRegressor(opts).fit(X, target, { sampleWeight: X.map(() => 0) }),
    (e: any) => e.code === 'INVALID_DATA' && /the weights sum to 0/.test(e.message),
  );
});

test.run();
