/**
 * loadAnyModel and friends: a file's target decides the class (a classifier file loads as a
 * FFNNClassifier, a regressor file as a FFNNRegressor, in both formats), the loaded model predicts
 * exactly what the saved one did (same weights, same arithmetic: compared with ===), and each
 * class's own loader still refuses the other kind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anyModelFromBytes, anyModelFromJSON, FFNNClassifier, FFNNRegressor } from '../src/index.ts';
import { loadAnyModel, loadClassifier, loadRegressor, saveModel } from '../src/node.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-any-'));
const X = { rows: 40, cols: 2, data: Float64Array.from({ length: 80 }, (_, i) => Math.sin(i * 0.7)) };
const labels = Array.from({ length: 40 }, (_, r) => (X.data[2 * r] > 0 ? 'up' : 'down'));
const values = Array.from({ length: 40 }, (_, r) => 2 * X.data[2 * r] - X.data[2 * r + 1]);
const opts = { hiddenLayerSizes: [4], maxIter: 5, randomState: 0, onWarning: () => {} };
const clf = new FFNNClassifier(opts).fit(X, labels);
const reg = new FFNNRegressor(opts).fit(X, values);

for (const ext of ['ffnn', 'json']) {
  test(`loadAnyModel picks the class from the file (.${ext})`, () => {
    saveModel(clf, join(dir, `clf.${ext}`));
    saveModel(reg, join(dir, `reg.${ext}`));
    const c = loadAnyModel(join(dir, `clf.${ext}`));
    const r = loadAnyModel(join(dir, `reg.${ext}`));
    assert.ok(c instanceof FFNNClassifier);
    assert.ok(r instanceof FFNNRegressor);
    assert.equal(c.predict(X), clf.predict(X));
    assert.equal(r.predict(X), reg.predict(X));
    assert.throws(() => loadClassifier(join(dir, `reg.${ext}`)), /this is a regressor/);
    assert.throws(() => loadRegressor(join(dir, `clf.${ext}`)), /this is a classifier/);
  });
}

test('anyModelFromBytes and anyModelFromJSON do the same from memory', () => {
  assert.ok(anyModelFromBytes(reg.toBytes()) instanceof FFNNRegressor);
  assert.ok(anyModelFromBytes(clf.toBytes()) instanceof FFNNClassifier);
  assert.ok(anyModelFromJSON(JSON.parse(JSON.stringify(reg.toJSON()))) instanceof FFNNRegressor);
  assert.ok(anyModelFromJSON(JSON.parse(JSON.stringify(clf.toJSON()))) instanceof FFNNClassifier);
  assert.throws(() => anyModelFromBytes(new Uint8Array(0)), /the file is empty/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
