/**
 * One SGD step worked by hand. Net: 2 inputs -> 1 logistic output (no hidden layer), zero init,
 * X = [[1, 2], [-1, 0.5]], y = [1, 0], batch 2, lr 0.1, alpha 0, no shuffle.
 *   z = 0, so p = [0.5, 0.5]; loss = -(ln 0.5 + ln 0.5) / 2 = ln 2
 *   delta = p - y = [-0.5, 0.5]
 *   gW = X^T delta / 2 = [(1)(-0.5) + (-1)(0.5), (2)(-0.5) + (0.5)(0.5)] / 2 = [-0.5, -0.375]
 *   gb = (-0.5 + 0.5) / 2 = 0
 *   W = 0 - 0.1 gW = [0.05, 0.0375]; b = 0
 * Step 2 with momentum 0.9 (plain): v1 = [0.05, 0.0375], then v2 = 0.9 v1 - 0.1 g2.
 * Exact up to rounding: tolerance 1e-15.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier } from '../src/index.ts';
import { allClose, close } from './helpers.ts';

const X = [
  [1, 2],
  [-1, 0.5],
];
const y = [1, 0];
const base = { hiddenLayerSizes: [], solver: 'sgd', init: 'zero', learningRateInit: 0.1, alpha: 0, batchSize: 2, shuffle: false, onWarning: () => {} } as const;

test('one SGD step by hand', () => {
  const clf = new FFNNClassifier({ ...base, momentum: 0, maxIter: 1 }).fit(X, y);
  close(clf.lossCurve[0], Math.LN2, 1e-15, 'loss');
  allClose(clf.coefs[0].data, [0.05, 0.0375], 1e-15, 'W');
  allClose(clf.intercepts[0], [0], 1e-15, 'b');
  // p(x0) = sigmoid(0.05 * 1 + 0.0375 * 2) = sigmoid(0.125)
  close(clf.predictProba([X[0]]).data[1], 0.5312093733737563, 1e-15, 'p');
});

test('a second step with plain momentum', () => {
  const clf = new FFNNClassifier({ ...base, momentum: 0.9, nesterovsMomentum: false, maxIter: 2 }).fit(X, y);
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const p = [sig(0.05 + 2 * 0.0375), sig(-0.05 + 0.5 * 0.0375)];
  const d = [p[0] - 1, p[1] - 0];
  const g = [(1 * d[0] - 1 * d[1]) / 2, (2 * d[0] + 0.5 * d[1]) / 2];
  const gb = (d[0] + d[1]) / 2;
  const W = [0.05 + (0.9 * 0.05 - 0.1 * g[0]), 0.0375 + (0.9 * 0.0375 - 0.1 * g[1])];
  allClose(clf.coefs[0].data, W, 1e-15, 'W');
  allClose(clf.intercepts[0], [-0.1 * gb], 1e-15, 'b');
  close(clf.lossCurve[1], -(Math.log(p[0]) + Math.log(1 - p[1])) / 2, 1e-15, 'loss 2');
  assert.is(clf.nIter, 2);
  assert.is(clf.t, 4);
});

test.run();
