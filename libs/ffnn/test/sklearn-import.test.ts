/**
 * Import from scikit-learn: tools/parity/import.mjs trains MLPClassifiers on load_digits in the
 * parity venv (pinned scikit-learn), pickles them with joblib, converts the pickles to ffnn model
 * files, and records sklearn's predict_proba and predict on 300 held-out digits. ffnn must load
 * each file and predict exactly what sklearn predicts: probabilities within 1e-12 in float64
 * (the forward pass is sklearn's operation for operation; what remains is BLAS summation order),
 * 1e-5 for the float32 model, and identical labels. Needs the venv: no venv is a failure that
 * says to run `node tools/parity/setup.mjs`, not a skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadClassifier, saveModel } from '../src/node.ts';
import { ROOT } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-sklearn-import-'));
const python = join(ROOT, 'tools/parity/.venv/bin/python');
const importer = join(ROOT, 'tools/parity/import.mjs');
const DEMOS = [
  'digits-relu-adam',
  'digits-logistic-sgd-binary',
  'digits-tanh-strings',
  'digits-identity-lbfgs',
  'digits-relu-multilabel',
  'digits-relu-float32',
];
const measured: string[] = [];
let converted = false;

function convertAll(): void {
  if (converted) return;
  assert.ok(existsSync(python), `the parity venv is missing (${python}): run \`node tools/parity/setup.mjs\``);
  const r = spawnSync('node', [importer, 'demo', 'all', dir], { encoding: 'utf8' });
  assert.is(r.status, 0, `import.mjs demo all failed:\n${r.stdout}\n${r.stderr}`);
  converted = true;
}

for (const name of DEMOS) {
  test(`sklearn ${name}: ffnn predicts what scikit-learn predicts`, () => {
    convertAll();
    const check = JSON.parse(readFileSync(join(dir, `${name}.check.json`), 'utf8'));
    const clf = loadClassifier(join(dir, `${name}.ffnn`));
    const proba = clf.predictProba(check.X);
    const want = (check.proba as number[][]).flat();
    assert.is(proba.data.length, want.length, 'probabilities shape');
    let max = 0;
    for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(proba.data[i] - want[i]));
    measured.push(
      `${name} (${check.X.length} digits, sklearn ${check.sklearn}): max |p_ffnn - p_sklearn| = ${max.toExponential(2)} (tolerance ${check.tolerance})`,
    );
    assert.ok(max <= check.tolerance, `max |diff| ${max} > ${check.tolerance}`);
    assert.equal(clf.predict(check.X), check.predict);
    // the converted file is an ordinary ffnn model: it re-saves bit for bit
    const again = join(dir, `${name}.again.ffnn`);
    saveModel(clf, again);
    assert.equal(Array.from(loadClassifier(again).predictProba(check.X).data), Array.from(proba.data));
  });
}

test('the imported model carries sklearn options, classes and training summary', () => {
  convertAll();
  const clf = loadClassifier(join(dir, 'digits-tanh-strings.ffnn'));
  assert.equal(clf.classes, ['eight', 'five', 'four', 'nine', 'one', 'seven', 'six', 'three', 'two', 'zero']);
  assert.equal(clf.layerActivations, ['tanh', 'softmax']);
  assert.equal(clf.layerSizes, [64, 24, 10]);
  const o = clf.getOptions();
  assert.equal(o.hiddenLayerSizes, [24]);
  assert.is(o.solver, 'adam');
  assert.is(o.randomState, 2);
  assert.is(clf.nIter, 30);
  assert.is(clf.lossCurve.length, 30);
  const bin = loadClassifier(join(dir, 'digits-logistic-sgd-binary.ffnn'));
  assert.is(bin.targetKind, 'binary');
  assert.equal(bin.layerActivations, ['logistic', 'logistic']);
});

test('convert a pickle given on the command line, with --check-x', () => {
  convertAll();
  const X = JSON.parse(readFileSync(join(dir, 'digits-relu-adam.check.json'), 'utf8')).X.slice(0, 20);
  writeFileSync(join(dir, 'rows.json'), JSON.stringify(X));
  const out = join(dir, 'converted.ffnn');
  const r = spawnSync(
    'node',
    [importer, 'convert', join(dir, 'digits-relu-adam.joblib'), out, '--check-x', join(dir, 'rows.json'), '--check-out', join(dir, 'rows.check.json')],
    { encoding: 'utf8' },
  );
  assert.is(r.status, 0, r.stderr);
  const check = JSON.parse(readFileSync(join(dir, 'rows.check.json'), 'utf8'));
  assert.equal(loadClassifier(out).predict(X), check.predict);
});

test.after(() => {
  console.log(measured.map((m) => `  sklearn-import: ${m}`).join('\n'));
  rmSync(dir, { recursive: true, force: true });
});
test.run();
