/**
 * The small scikit-learn gaps of issue #12: predictLogProba, verbose as any whole number,
 * validationScores null without early stopping, the least populated class named, sklearn's names
 * (nFeaturesIn, finalLoss for loss_, getParams, clone) and float32 input kept in float32.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FfnnError, modelFromJSON } from '../src/index.ts';
import { ROOT, sinData } from './helpers.ts';

const quiet = { onWarning: () => {}, log: () => {} } as const;
const X = sinData(40, 3);
const y = X.map((_, i) => (i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c'));

test('predictLogProba is ln(predict_proba) of scikit-learn on a parity fixture', () => {
  const fx = JSON.parse(readFileSync(join(ROOT, 'fixtures/parity/multiclass_adam_relu_strings.json'), 'utf8'));
  const rows = (m: { shape: number[]; data: number[] }) => Array.from({ length: m.shape[0] }, (_, i) => m.data.slice(i * m.shape[1], (i + 1) * m.shape[1]));
  const clf = new FFNNClassifier({ ...fx.ffnn_options, ...quiet }).fit(rows(fx.data.train.X), fx.data.train.y);
  const logp = clf.predictLogProba(rows(fx.data.test.X));
  const expected = fx.result.predict_proba.data.map(Math.log);
  assert.equal([logp.rows, logp.cols], fx.result.predict_proba.shape);
  // the probabilities agree to ~1e-14 (parity) and are all above 0.05 here, so their logs agree
  // to ~1e-13; 1e-9 is the parity harness's float64 tolerance
  const worst = Math.max(...expected.map((e: number, i: number) => Math.abs(e - logp.data[i])));
  assert.ok(worst <= 1e-9, `max |diff| ${worst}`);
});

test('predictLogProba: binary gives two columns, ln of [1 - p, p]', () => {
  const yb = X.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 5, randomState: 0, ...quiet }).fit(X, yb);
  const p = clf.predictProba(X.slice(0, 5));
  const lp = clf.predictLogProba(X.slice(0, 5));
  assert.is(lp.cols, 2);
  assert.equal(Array.from(lp.data), Array.from(p.data, Math.log));
});

test('verbose takes any whole number: > 0 prints a line per epoch, 0 and false print none', () => {
  for (const [verbose, lines] of [
    [3, 2],
    [1, 2],
    [0, 0],
    [false, 0],
    [true, 2],
  ] as const) {
    const out: string[] = [];
    new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, verbose, onWarning: () => {}, log: (l) => out.push(l) }).fit(X, y);
    assert.is(out.filter((l) => l.startsWith('Iteration')).length, lines, `verbose ${verbose}`);
  }
  for (const bad of [1.5, -1, '1']) {
    try {
      new FFNNClassifier({ verbose: bad as never, ...quiet }).fit(X, y);
      assert.unreachable(`verbose ${bad} accepted`);
    } catch (err) {
      assert.instance(err, FfnnError);
      assert.match((err as Error).message, /verbose: expected true, false or a whole number >= 0/);
    }
  }
});

test('validationScores is null without early stopping (sklearn: None), a list with it; both survive a round trip', () => {
  const off = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 3, randomState: 0, ...quiet }).fit(X, y);
  assert.is(off.validationScores, null);
  assert.is(off.bestValidationScore, null);
  assert.is(FFNNClassifier.fromJSON(off.toJSON()).validationScores, null);
  const on = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 3, randomState: 0, earlyStopping: true, validationFraction: 0.2, ...quiet }).fit(X, y);
  assert.is(on.validationScores!.length, 3);
  assert.equal(FFNNClassifier.fromBytes(on.toBytes()).validationScores, on.validationScores);
  // files written before this change hold `validationScores: []` either way: they still load
  const json = off.toJSON();
  assert.equal(json.training.validationScores, []);
});

test('a class with one member in a stratified early-stopping split is named, as sklearn does', () => {
  const yb = X.map((_, i) => (i === 7 ? 'rare' : 'common'));
  try {
    new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, earlyStopping: true, ...quiet }).fit(X, yb);
    assert.unreachable('fit succeeded');
  } catch (err) {
    assert.is((err as FfnnError).code, 'INVALID_DATA');
    assert.match((err as Error).message, /the least populated class in y \("rare"\) has only 1 member, which is too few/);
  }
});

test("sklearn's names: nFeaturesIn, finalLoss (loss_), getParams, setParams", () => {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 3, randomState: 0, ...quiet }).fit(X, y);
  assert.is(clf.nFeaturesIn, 3);
  assert.is(clf.finalLoss, clf.lossCurve[2]);
  assert.equal(clf.getParams(), clf.getOptions());
  assert.is(clf.setParams({ alpha: 0.5 }).getParams().alpha, 0.5);
  const loaded = FFNNClassifier.fromBytes(clf.toBytes());
  assert.is(loaded.finalLoss, clf.finalLoss);
});

test('clone: same class and options, not fitted, arrays copied; fitting it repeats the numbers', () => {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [5, 3], maxIter: 3, randomState: 0, ...quiet }).fit(X, y);
  const twin = clf.clone();
  assert.instance(twin, FFNNClassifier);
  assert.not.ok(twin.isFitted);
  assert.equal(twin.getParams(), clf.getParams());
  assert.is.not(twin.getParams().hiddenLayerSizes, clf.getParams().hiddenLayerSizes);
  twin.fit(X, y);
  assert.equal(twin.lossCurve, clf.lossCurve);
});

test('a Float32Array X with no dtype option trains in float32 (sklearn keeps the float dtype); dtype given wins', () => {
  const data = Float32Array.from(X.flat());
  const m = { rows: X.length, cols: 3, data };
  const f32 = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, ...quiet }).fit(m, y);
  assert.instance(f32.coefs[0].data, Float32Array);
  assert.equal(f32.predict(m), new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, dtype: 'float32', ...quiet }).fit(m, y).predict(m));
  const f64 = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, dtype: 'float64', ...quiet }).fit(m, y);
  assert.instance(f64.coefs[0].data, Float64Array);
  assert.instance(new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, ...quiet }).fit(X, y).coefs[0].data, Float64Array);
  // continuing keeps the model's dtype, whatever X is
  f32.setOptions({ warmStart: true }).fit(X, y);
  assert.instance(f32.coefs[0].data, Float32Array);
  // modelFromJSON, the module-level reader, still gives a classifier
  assert.instance(modelFromJSON(f32.toJSON()), FFNNClassifier);
});

test.run();
