/**
 * FFNNRegressor: sklearn's MLPRegressor semantics (the numbers themselves are checked against
 * live scikit-learn by the parity fixtures reg_*), ffnn's extras on a regressor, and its model
 * files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FFNNRegressor } from '../src/index.ts';
import { loadClassifier, loadRegressor, saveModel } from '../src/node.ts';
import { codeOf, sinData } from './helpers.ts';

const quiet = { onWarning: () => {}, log: () => {} } as const;
const X = sinData(60, 3);
const y = X.map((r) => r[0] - 0.5 * r[1] + 0.25 * r[2]);
const Y2 = X.map((r) => [r[0] + r[1], r[1] * r[2] - r[0]]);
const dir = mkdtempSync(join(tmpdir(), 'ffnn-regressor-'));

test('learns a linear target: R² above 0.95 on its training rows; one output predicts one number per row', () => {
  const reg = new FFNNRegressor({ hiddenLayerSizes: [16], maxIter: 400, learningRateInit: 0.01, randomState: 0, ...quiet }).fit(X, y);
  const p = reg.predict(X);
  assert.is(p.length, X.length);
  assert.type(p[0], 'number');
  assert.ok(reg.score(X, y) > 0.95, `R² ${reg.score(X, y)}`);
  assert.is(reg.outActivation, 'identity');
  assert.is(reg.lossName, 'half_squared_error');
});

test('R² as sklearn defines it: 1 for perfect predictions, 0 for predicting the mean, the outputs averaged', () => {
  const reg = new FFNNRegressor({ hiddenLayerSizes: [], maxIter: 1, randomState: 0, ...quiet }).fit(X, Y2);
  // a zero network predicts its biases: set them so it predicts each column's mean (R² 0) ...
  const means = [0, 1].map((j) => Y2.reduce((a, r) => a + r[j], 0) / Y2.length);
  reg.coefs[0].data.fill(0);
  reg.intercepts[0].set(means);
  // 1e-12: the mean is computed in a different order than sklearn's r2_score, a few ulps apart
  assert.ok(Math.abs(reg.score(X, Y2)) < 1e-12, `R² ${reg.score(X, Y2)}`);
  // ... and scoring its own predictions is perfect
  assert.is(reg.score(X, reg.predict(X) as number[][]), 1);
});

test('several outputs: rows of predictions; a continuing fit must bring as many', () => {
  const reg = new FFNNRegressor({ hiddenLayerSizes: [8], maxIter: 5, randomState: 0, ...quiet }).fit(X, Y2);
  const p = reg.predict(X.slice(0, 3)) as number[][];
  assert.equal(
    p.map((r) => r.length),
    [2, 2, 2],
  );
  assert.is(reg.nOutputs, 2);
  assert.is(
    codeOf(() => reg.setOptions({ warmStart: true }).fit(X, y)),
    'SHAPE_MISMATCH',
  );
});

test("poisson: exp output, targets must be >= 0; a classifier's loss is refused", () => {
  const counts = X.map((r) => Math.floor(Math.exp(0.5 * (r[0] + r[1]))));
  const reg = new FFNNRegressor({ hiddenLayerSizes: [4], maxIter: 3, loss: 'poisson', randomState: 0, ...quiet }).fit(X, counts);
  assert.is(reg.outActivation, 'exp');
  assert.ok((reg.predict(X) as number[]).every((v) => v > 0));
  assert.is(
    codeOf(() => new FFNNRegressor({ loss: 'poisson', ...quiet }).fit(X, y)),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() => new FFNNRegressor({ loss: 'categorical_cross_entropy', ...quiet }).fit(X, y)),
    'INVALID_PARAM',
  );
  assert.is(
    codeOf(() =>
      new FFNNClassifier({ loss: 'poisson', ...quiet }).fit(
        X,
        y.map((v) => (v > 0 ? 1 : 0)),
      ),
    ),
    'INVALID_PARAM',
  );
});

test('targets are checked: non-finite, ragged, strings', () => {
  assert.is(
    codeOf(() =>
      new FFNNRegressor(quiet).fit(
        X,
        y.map((v, i) => (i === 3 ? NaN : v)),
      ),
    ),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() =>
      new FFNNRegressor(quiet).fit(
        X,
        Y2.map((r, i) => (i === 2 ? [1] : r)),
      ),
    ),
    'SHAPE_MISMATCH',
  );
  assert.is(
    codeOf(() => new FFNNRegressor(quiet).fit(X, y.map(String) as never)),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() => new FFNNRegressor(quiet).predict(X)),
    'NOT_FITTED',
  );
});

test("ffnn's extras on a regressor: per-layer activations, float32, L1, history, partialFit, early stopping", () => {
  const reg = new FFNNRegressor({
    hiddenLayerSizes: [6, 4],
    activation: ['tanh', 'relu'],
    dtype: 'float32',
    l1: 0.01,
    history: true,
    maxIter: 4,
    randomState: 0,
    ...quiet,
  }).fit(X, Y2);
  assert.instance(reg.coefs[0].data, Float32Array);
  assert.equal(reg.layerActivations, ['tanh', 'relu', 'identity']);
  assert.equal(
    reg.history.map((h) => h.epoch),
    [0, 1, 2, 3, 4],
  );
  const inc = new FFNNRegressor({ hiddenLayerSizes: [4], randomState: 0, ...quiet });
  inc.partialFit(X.slice(0, 30), y.slice(0, 30)).partialFit(X.slice(30), y.slice(30));
  assert.is(inc.t, 60);
  const es = new FFNNRegressor({ hiddenLayerSizes: [4], maxIter: 5, earlyStopping: true, randomState: 0, ...quiet }).fit(X, y);
  assert.is(es.validationScores!.length, 5);
  assert.is(es.bestValidationScore, Math.max(...es.validationScores!));
});

test('save and load round trip (binary and JSON): the same predictions, bit for bit; the wrong class refuses the file', () => {
  const reg = new FFNNRegressor({ hiddenLayerSizes: [5], maxIter: 4, loss: 'poisson', randomState: 0, ...quiet }).fit(
    X,
    X.map((r) => Math.abs(r[0])),
  );
  for (const name of ['r.ffnn', 'r.json']) {
    const path = join(dir, name);
    saveModel(reg, path);
    const back = loadRegressor(path);
    assert.equal(back.predict(X), reg.predict(X), name);
    assert.is(back.lossName, 'half_poisson_deviance');
    assert.equal(back.lossCurve, reg.lossCurve);
    assert.is(
      codeOf(() => loadClassifier(path)),
      'MODEL_FORMAT',
    );
  }
  const clfPath = join(dir, 'c.ffnn');
  saveModel(
    new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 2, randomState: 0, ...quiet }).fit(
      X,
      y.map((v) => (v > 0 ? 'p' : 'n')),
    ),
    clfPath,
  );
  assert.is(
    codeOf(() => loadRegressor(clfPath)),
    'MODEL_FORMAT',
  );
  assert.equal(FFNNRegressor.fromJSON(reg.toJSON()).predict(X), reg.predict(X));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
