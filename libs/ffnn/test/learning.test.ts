/** The library learns: XOR, and the real MNIST digits to at least 90% test accuracy. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMnist } from '../src/data/index.ts';
import { FFNNClassifier } from '../src/index.ts';

test('learns XOR', () => {
  const X = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const y = [0, 1, 1, 0];
  const clf = new FFNNClassifier({
    hiddenLayerSizes: [8],
    activation: 'tanh',
    solver: 'adam',
    learningRateInit: 0.05,
    maxIter: 500,
    tol: 0,
    randomState: 1,
    onWarning: () => {},
  });
  clf.fit(X, y);
  assert.equal(clf.predict(X), y);
  assert.is(clf.score(X, y), 1);
  assert.ok(clf.lossCurve[clf.lossCurve.length - 1] < 0.05, `final loss ${clf.lossCurve.at(-1)}`);
});

test('784-128-64-10 relu reaches >= 90% on the 8,000 / 2,000 digits split in 3 epochs', () => {
  const { train, test: held } = loadMnist();
  assert.is(train.rows, 8000);
  assert.is(held.rows, 2000);
  const clf = new FFNNClassifier({
    hiddenLayerSizes: [128, 64],
    solver: 'sgd',
    learningRateInit: 0.1,
    momentum: 0.9,
    batchSize: 200,
    maxIter: 3,
    randomState: 0,
    onWarning: () => {},
  });
  clf.fit({ rows: train.rows, cols: train.cols, data: train.X }, train.y);
  const acc = clf.score({ rows: held.rows, cols: held.cols, data: held.X }, held.y);
  assert.ok(acc >= 0.9, `test accuracy ${acc}`);
  assert.ok(clf.lossCurve[2] < clf.lossCurve[0], 'loss decreases');
});

test('float32 training learns too, and keeps float32 weights', () => {
  const { train, test: held } = loadMnist({ trainSize: 2000, testSize: 500 });
  const clf = new FFNNClassifier({ hiddenLayerSizes: [32], dtype: 'float32', maxIter: 5, learningRateInit: 0.01, randomState: 0, onWarning: () => {} });
  clf.fit({ rows: train.rows, cols: train.cols, data: train.X }, train.y);
  assert.instance(clf.coefs[0].data, Float32Array);
  assert.ok(clf.score({ rows: held.rows, cols: held.cols, data: held.X }, held.y) > 0.8);
});

test.run();
