/**
 * JSON model checksums and feature names: a changed digit in a JSON model is refused (it used to
 * load and predict differently), a file from before checksums loads with a warning, and a model
 * fitted with column names matches later data by name instead of by position.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, type FfnnWarning } from '../src/index.ts';
import { loadClassifier, saveModel } from '../src/node.ts';
import { codeOf, sinData } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-integrity-'));
const X = sinData(40, 4);
const y = X.map((_, i) => ['cat', 'dog', 'emu'][i % 3]);
const quiet = { onWarning: () => {}, randomState: 2, maxIter: 5, hiddenLayerSizes: [6] };
const names = ['height', 'width', 'depth', 'mass'];
const fitted = new FFNNClassifier(quiet).fit(X, y, { featureNames: names });

/** Loads JSON text through the file loader (as the CLI does), collecting console warnings. */
function loadText(text: string, file: string): { clf: FFNNClassifier; warned: string[] } {
  const path = join(dir, file);
  writeFileSync(path, text);
  const warned: string[] = [];
  const original = console.warn;
  console.warn = (line: string) => warned.push(line);
  try {
    return { clf: loadClassifier(path), warned };
  } finally {
    console.warn = original;
  }
}

test('a JSON model carries both checksums and loads bit-identically, also re-indented', () => {
  const json = fitted.toJSON();
  assert.match(json.sha256_model, /^[0-9a-f]{64}$/);
  assert.match(json.sha256_tensors, /^[0-9a-f]{64}$/);
  for (const text of [JSON.stringify(json), JSON.stringify(json, null, 2)]) {
    const { clf, warned } = loadText(text, 'ok.json');
    assert.equal(warned, []);
    assert.equal(Array.from(clf.predictProba(X).data), Array.from(fitted.predictProba(X).data));
  }
});

test('one changed weight, option or curve value in a JSON model is refused (MODEL_FORMAT)', () => {
  const text = JSON.stringify(fitted.toJSON());
  const edits: [string, (m: any) => void, RegExp][] = [
    ['a weight', (m) => (m.coefs[0][3] += 1e-9), /weights do not match their checksum \(sha256_tensors\)/],
    ['a bias', (m) => (m.intercepts[1][0] = -m.intercepts[1][0]), /sha256_tensors/],
    ['an option', (m) => (m.options.alpha = 0.5), /model description does not match its checksum \(sha256_model\)/],
    ['the loss curve', (m) => (m.training.lossCurve[0] += 1), /sha256_model/],
    ['a class name', (m) => (m.target.classes[2] = 'eel'), /sha256_model/],
    ['a feature name', (m) => (m.featureNames[0] = 'age'), /sha256_model/],
    ['one checksum removed', (m) => delete m.sha256_tensors, /expected both checksums/],
  ];
  for (const [what, edit, pattern] of edits) {
    const m = JSON.parse(text);
    edit(m);
    const path = join(dir, 'edited.json');
    writeFileSync(path, JSON.stringify(m));
    try {
      loadClassifier(path);
      assert.unreachable(`${what}: loaded`);
    } catch (err: any) {
      assert.is(err.code, 'MODEL_FORMAT', what);
      assert.match(err.message, pattern, what);
    }
  }
});

test('a float32 model with a -0 weight round-trips through JSON with valid checksums', () => {
  const clf = new FFNNClassifier({ ...quiet, dtype: 'float32' }).fit(X, y);
  (clf.exportState().net.coefs[0] as Float32Array)[0] = -0;
  const { clf: back, warned } = loadText(JSON.stringify(clf.toJSON()), 'f32.json');
  assert.equal(warned, []);
  assert.equal(back.predict(X), clf.predict(X));
});

test('a JSON model from before checksums loads, with a MODEL_UNCHECKED warning', () => {
  const m: any = fitted.toJSON();
  delete m.sha256_model;
  delete m.sha256_tensors;
  const { clf, warned } = loadText(JSON.stringify(m), 'old.json');
  assert.equal(
    clf.warnings.map((w: FfnnWarning) => w.code),
    ['MODEL_UNCHECKED'],
  );
  assert.is(warned.length, 1);
  assert.match(warned[0], /no checksums .* save it again to add them/);
  assert.equal(clf.predict(X), fitted.predict(X));
});

test('feature names are stored in both formats and checked by name', () => {
  for (const file of ['named.json', 'named.ffnn']) {
    const path = join(dir, file);
    saveModel(fitted, path);
    const clf = loadClassifier(path);
    assert.equal(clf.featureNamesIn, names, file);
    // the same columns in another order are put back in the model's order
    const order = [2, 0, 3, 1];
    const shuffled = { rows: X.length, cols: 4, data: X.flatMap((row) => order.map((j) => row[j])) };
    const aligned = clf.alignColumns(
      shuffled,
      order.map((j) => names[j]),
    );
    assert.equal(clf.predict(aligned), fitted.predict(X), file);
    // a missing or unknown column is named
    const wrong = ['height', 'width', 'depth', 'colour'];
    assert.is(
      codeOf(() => clf.alignColumns(shuffled, wrong)),
      'SHAPE_MISMATCH',
    );
    try {
      clf.alignColumns(shuffled, wrong);
    } catch (err: any) {
      assert.match(err.message, /missing "mass"; not in the model "colour"/);
    }
  }
  // a model fitted without names takes any names (there is nothing to check them against)
  const anon = new FFNNClassifier(quiet).fit(X, y);
  assert.is(anon.featureNamesIn, null);
  assert.is(JSON.stringify(anon.toJSON()).includes('featureNames'), false);
});

test('object rows name their columns: stored at fit, matched by key at predict', () => {
  const objects = X.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j]])));
  const clf = new FFNNClassifier(quiet).fit(objects, y);
  assert.equal(clf.featureNamesIn, names);
  // the same numbers as arrays with featureNames
  assert.equal(Array.from(clf.predictProba(objects).data), Array.from(fitted.predictProba(X).data));
  // keys in another order are matched by name
  const reversed = X.map((r) => Object.fromEntries([...names].reverse().map((n) => [n, r[names.indexOf(n)]])));
  assert.equal(clf.predict(reversed), fitted.predict(X));
  assert.is(clf.score(reversed, y), fitted.score(X, y));
  // a missing or unknown key, or a non-number, is named
  const bad: [Record<string, unknown>, string, RegExp][] = [
    [{ height: 1, width: 2, depth: 3 }, 'SHAPE_MISMATCH', /row 0 does not have the columns the model was trained on \(missing "mass"\)/],
    [{ height: 1, width: 2, depth: 3, mass: 4, age: 5 }, 'SHAPE_MISMATCH', /unknown "age"/],
    [{ height: 1, width: 2, depth: 3, mass: '4' }, 'INVALID_DATA', /expected numbers, got string "4" at row 0, column 3/],
  ];
  for (const [row, code, pattern] of bad) {
    try {
      clf.predict([row as Record<string, number>]);
      assert.unreachable(JSON.stringify(row));
    } catch (err: any) {
      assert.is(err.code, code, JSON.stringify(row));
      assert.match(err.message, pattern);
    }
  }
  // fitting needs every row to have row 0's keys
  assert.is(
    codeOf(() =>
      new FFNNClassifier(quiet).fit(
        [
          { a: 1, b: 2 },
          { a: 1, c: 2 },
          { a: 3, b: 1 },
        ],
        [0, 1, 0],
      ),
    ),
    'SHAPE_MISMATCH',
  );
});

test('an option set to Infinity (nIterNoChange) survives save and load in both formats', () => {
  const clf = new FFNNClassifier({ ...quiet, nIterNoChange: Infinity }).fit(X, y);
  for (const file of ['inf.json', 'inf.ffnn']) {
    const path = join(dir, file);
    saveModel(clf, path);
    const back = loadClassifier(path);
    assert.is(back.getOptions().nIterNoChange, Infinity, file);
    assert.equal(back.predict(X), clf.predict(X), file);
  }
});

test('featureNames are validated, and warm start keeps the column order', () => {
  assert.is(
    codeOf(() => new FFNNClassifier(quiet).fit(X, y, { featureNames: ['a', 'b', 'c'] })),
    'SHAPE_MISMATCH',
  );
  assert.is(
    codeOf(() => new FFNNClassifier(quiet).fit(X, y, { featureNames: ['a', 'b', 'a', 'd'] })),
    'INVALID_PARAM',
  );
  assert.is(
    codeOf(() => new FFNNClassifier(quiet).fit(X, y, { featureNames: ['a', 'b', '', 'd'] })),
    'INVALID_PARAM',
  );
  const warm = new FFNNClassifier({ ...quiet, warmStart: true }).fit(X, y, { featureNames: names });
  assert.is(
    codeOf(() => warm.fit(X, y, { featureNames: [names[1], names[0], names[2], names[3]] })),
    'SHAPE_MISMATCH',
  );
  warm.fit(X, y, { featureNames: names });
  assert.equal(warm.featureNamesIn, names);
  // a tampered name list in a file is refused before anything is built
  const m: any = fitted.toJSON();
  m.featureNames = ['a', 'a', 'b', 'c'];
  assert.is(
    codeOf(() => FFNNClassifier.fromJSON(m)),
    'MODEL_FORMAT',
  );
  assert.ok(readFileSync(join(dir, 'named.json')).length > 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
