/** Save/load: a loaded model predicts exactly what the saved one did; bad files get MODEL_FORMAT. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier } from '../src/index.ts';
import { loadClassifier, saveModel } from '../src/node.ts';
import { codeOf, sinData } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-io-'));
const X = sinData(30, 4);
const labels = X.map((_, i) => ['cat', 'dog', 'emu'][i % 3]);

for (const dtype of ['float64', 'float32'] as const) {
  test(`save/load round trip (${dtype}, string labels) predicts identically`, () => {
    const clf = new FFNNClassifier({ hiddenLayerSizes: [5, 4], activation: ['tanh', 'softplus'], dtype, maxIter: 5, randomState: 3, onWarning: () => {} }).fit(
      X,
      labels,
    );
    const path = join(dir, `model-${dtype}.json`);
    saveModel(clf, path);
    const loaded = loadClassifier(path);
    // bit-identical: weights are written in shortest round-trip form
    assert.equal(Array.from(loaded.predictProba(X).data), Array.from(clf.predictProba(X).data));
    assert.equal(loaded.predict(X), clf.predict(X));
    assert.equal(loaded.classes, ['cat', 'dog', 'emu']);
    assert.equal(loaded.lossCurve, clf.lossCurve);
    assert.equal(loaded.layerActivations, ['tanh', 'softplus', 'softmax']);
    assert.is(loaded.coefs[0].data.constructor, dtype === 'float32' ? Float32Array : Float64Array);
    // no temporary files are left behind
    assert.equal(
      readdirSync(dir).filter((f) => f.includes('.ffnn-tmp-')),
      [],
    );
  });
}

test('toJSON / fromJSON round trip for binary and multilabel models', () => {
  const bin = new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 3, randomState: 1, onWarning: () => {} }).fit(
    X,
    X.map((_, i) => i % 2),
  );
  const back = FFNNClassifier.fromJSON(JSON.parse(JSON.stringify(bin.toJSON())));
  assert.equal(Array.from(back.predictProba(X).data), Array.from(bin.predictProba(X).data));
  const Y = X.map((_, i) => [i % 2, i % 3 === 0 ? 1 : 0]);
  const ml = new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 3, randomState: 1, onWarning: () => {} }).fit(X, Y);
  const mlBack = FFNNClassifier.fromJSON(ml.toJSON());
  assert.equal(mlBack.predict(X), ml.predict(X));
});

test('corrupt or mismatched model files fail with MODEL_FORMAT', () => {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 2, randomState: 1, onWarning: () => {} }).fit(X, labels);
  const good = clf.toJSON();
  const variants: [string, (m: any) => void, RegExp][] = [
    ['format', (m) => (m.format = 'other'), /expected format "ffnn-model"/],
    ['version', (m) => (m.version = 99), /unsupported version 99/],
    ['shape', (m) => m.coefs[0].pop(), /coefs\[0\] must hold 12 finite numbers/],
    ['NaN weight', (m) => (m.intercepts[1][0] = null), /intercepts\[1\]/],
    ['activation', (m) => (m.activations[0] = 'swish'), /activations/],
    ['classes', (m) => m.target.classes.pop(), /a multiclass target has at least 3 classes, got 2/],
    ['outputs', (m) => (m.target.classes = ['a', 'b', 'c', 'd']), /the output layer has 3 units but the target needs 4/],
  ];
  for (const [name, mutate, pattern] of variants) {
    const m = JSON.parse(JSON.stringify(good));
    mutate(m);
    try {
      FFNNClassifier.fromJSON(m);
      assert.unreachable(name);
    } catch (err: any) {
      assert.is(err.code, 'MODEL_FORMAT', name);
      assert.match(err.message, pattern);
    }
  }
  const path = join(dir, 'truncated.json');
  writeFileSync(path, JSON.stringify(good).slice(0, 100));
  assert.is(
    codeOf(() => loadClassifier(path)),
    'MODEL_FORMAT',
  );
  assert.is(
    codeOf(() => loadClassifier(join(dir, 'missing.json'))),
    'IO_ERROR',
  );
});

test('a failed save leaves neither a partial file nor a temporary one', () => {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [3], maxIter: 2, randomState: 1, onWarning: () => {} }).fit(X, labels);
  const path = join(dir, 'no-such-dir', 'model.json');
  assert.is(
    codeOf(() => saveModel(clf, path)),
    'IO_ERROR',
  );
  assert.not.ok(existsSync(path));
  const target = join(dir, 'keep.json');
  writeFileSync(target, 'previous contents');
  saveModel(clf, target);
  assert.is(JSON.parse(readFileSync(target, 'utf8')).format, 'ffnn-model');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
