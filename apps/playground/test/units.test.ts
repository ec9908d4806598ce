/**
 * The playground's parts that need no browser: the form's choices come from the OPTIONS table
 * (and only values it accepts), and the bundled digits' byte layout round-trips within the
 * quantisation step it states.
 */
import { gunzipSync } from 'node:zlib';
import { ACTIVATION_ALIASES, FFNNClassifier, INIT_METHODS, OPTIONS } from '@ffnn/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIGIT_COUNTS, digitBytes } from '../build.ts';
import { decodeDigits, encodeDigits, PIXELS } from '../src/digits.ts';
import { choices, FIELDS, PAGE_DEFAULTS } from '../src/form.ts';

test('every select lists exactly what the OPTIONS table accepts from the known names', () => {
  assert.equal(choices('solver').sort(), ['adam', 'lbfgs', 'sgd']);
  assert.equal(choices('learningRate').sort(), ['adaptive', 'constant', 'invscaling']);
  assert.equal(choices('dtype').sort(), ['float32', 'float64']);
  assert.equal(choices('activation').sort(), Object.keys(ACTIVATION_ALIASES).sort());
  assert.equal(choices('init').sort(), Object.keys(INIT_METHODS).sort());
  assert.ok(choices('outputActivation').includes('auto') && choices('outputActivation').includes('softmax'));
  const losses = choices('loss');
  assert.ok(losses.includes('auto') && losses.includes('categorical_cross_entropy') && losses.includes('squared_error'), losses.join());
  assert.not.ok(losses.includes('poisson'), "a classifier refuses the regressor's loss");
  for (const f of FIELDS) for (const v of choices(f.name)) assert.ok(OPTIONS[f.name].valid(v), `${f.name}: ${v}`);
  // free-form fields have no list (a number input)
  for (const name of ['learningRateInit', 'alpha', 'l1', 'momentum', 'maxIter', 'randomState'] as const) assert.equal(choices(name), [], name);
  assert.equal(choices('batchSize'), ['auto']);
});

test("the page's starting options are valid options (a fit accepts them)", () => {
  const X = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i)]);
  const y = X.map(([a]) => (a > 0 ? 1 : 0));
  const clf = new FFNNClassifier({ ...PAGE_DEFAULTS, maxIter: 2, onWarning: () => {} }).fit(X, y);
  assert.is(clf.nIter, 2);
  assert.equal([...clf.layerSizes], [2, 128, 64, 1]);
});

test('the digits layout round-trips, within half a quantisation step (0.5 / 255)', () => {
  const sets = [2, 1, 3].map((rows, s) => ({
    X: Float64Array.from({ length: rows * PIXELS }, (_, i) => ((i * 7919 + s) % 1001) / 1000),
    y: Int32Array.from({ length: rows }, (_, i) => (i + s) % 10),
  }));
  const d = decodeDigits(encodeDigits(sets));
  [d.train, d.validation, d.test].forEach((got, s) => {
    assert.equal(got.y, Array.from(sets[s].y));
    assert.is(got.X.rows, sets[s].y.length);
    let worst = 0;
    for (let i = 0; i < got.X.data.length; i++) worst = Math.max(worst, Math.abs(got.X.data[i] - sets[s].X[i]));
    assert.ok(worst <= 0.5 / 255 + 1e-12, String(worst));
  });
  const bad = encodeDigits(sets);
  bad[0] = 0x58;
  assert.throws(() => decodeDigits(bad), /magic/);
  assert.throws(() => decodeDigits(encodeDigits(sets).subarray(0, 100)), /bytes, expected/);
});

test('the bundled digits: the stated counts, every digit present, pixels in [0, 1]', () => {
  const d = decodeDigits(new Uint8Array(gunzipSync(digitBytes())));
  assert.is(d.train.y.length, DIGIT_COUNTS.train);
  assert.is(d.validation.y.length, DIGIT_COUNTS.validation);
  assert.is(d.test.y.length, DIGIT_COUNTS.test);
  for (const set of [d.train, d.test]) assert.equal([...new Set(set.y)].sort(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(d.train.X.data.every((v) => v >= 0 && v <= 1));
});

test.run();
