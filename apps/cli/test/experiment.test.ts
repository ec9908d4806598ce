/**
 * ffnn experiment end to end with the real scikit-learn venv (tools/parity/.venv, made by
 * node tools/parity/setup.mjs): the width experiment on a small subset. The two columns must agree:
 * test accuracy exactly (same predictions), loss curves and final weights within 1e-9 absolute
 * (float64, same operation order; measured ~1e-15). The ffnn column is also checked against a model
 * this test trains itself with the same options, so the report cannot show numbers it did not compute.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FFNNClassifier } from '@ffnn/core';
import { loadMnist } from '@ffnn/core/node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeIdxFolder } from './idx-folder.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'apps', 'cli', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-experiment-'));
const TOL = 1e-9;

test('the parity venv exists (node tools/parity/setup.mjs)', () => {
  assert.ok(existsSync(join(root, 'tools', 'parity', '.venv', 'bin', 'python')), 'run: node tools/parity/setup.mjs');
});

test('experiment width: ffnn and scikit-learn columns agree; report.md and report.html are written', () => {
  const out = join(dir, 'width');
  const r = spawnSync('node', [bin, 'experiment', 'width', '--out', out, '--train-size', '400', '--test-size', '150', '--epochs', '6', '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  assert.is(r.status, 0, r.stderr.slice(-2000));
  const res = JSON.parse(r.stdout);
  assert.is(res.results.length, 3);
  assert.equal(
    res.results.map((x: { setting: string }) => x.setting),
    ['(5)', '(15)', '(30)'],
  );
  for (const x of res.results) {
    assert.is(x.ffnn.error, undefined);
    assert.is(x.sklearn.error, undefined);
    assert.is(x.ffnn.accuracy, x.sklearn.accuracy, `${x.setting}: accuracy`);
    assert.is(x.diff.predictions, 0);
    assert.ok(x.diff.loss <= TOL, `${x.setting}: loss diff ${x.diff.loss}`);
    assert.ok(x.diff.weights <= TOL, `${x.setting}: weight diff ${x.diff.weights}`);
    assert.is(x.ffnn.lossCurve.length, 6);
  }
  assert.ok(res.results[2].ffnn.accuracy > 0.5, String(res.results[2].ffnn.accuracy)); // 30 units learn something in 6 epochs
  assert.is(res.agree, true);
  assert.ok(res.largest.weights <= TOL);

  // the ffnn column is what ffnn computes for these options on these rows
  const { train, test: te } = loadMnist({ trainSize: 400, testSize: 150, seed: 0 });
  const clf = new FFNNClassifier({
    backend: 'js',
    hiddenLayerSizes: [15],
    activation: 'relu',
    solver: 'sgd',
    learningRateInit: 0.01,
    momentum: 0.9,
    batchSize: 100,
    alpha: 0,
    maxIter: 6,
    tol: 1e-4,
    randomState: 0,
    onWarning: () => {},
  });
  clf.fit({ rows: train.rows, cols: train.cols, data: train.X }, train.y);
  assert.is(clf.score({ rows: te.rows, cols: te.cols, data: te.X }, te.y), res.results[1].ffnn.accuracy);
  const lc = res.results[1].ffnn.lossCurve as number[];
  clf.lossCurve.forEach((v, i) => assert.ok(Math.abs(v - lc[i]) <= 1e-12, `epoch ${i + 1}`));

  const md = readFileSync(join(out, 'report.md'), 'utf8');
  assert.match(md, /\| setting \| scikit-learn \| ffnn \| Δ accuracy \|/);
  assert.match(md, /\| \(15\) \| \d+\.\d% \| \d+\.\d% \| 0 \|/);
  assert.match(md, /largest difference ffnn vs scikit-learn over 3 runs: accuracy 0, /);
  assert.match(md, /400 training and 150 test rows/);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  for (const name of ['width-loss', 'width-15-weights', 'width-15-gradients']) assert.match(html, new RegExp(`data-chart="${name}"><svg`));
  assert.ok(existsSync(join(out, 'charts', 'width-loss.svg')));
});

test('experiment --data idx:DIR runs both sides on the same rows of an MNIST-layout folder', () => {
  const idxDir = join(dir, 'idx');
  mkdirSync(idxDir, { recursive: true });
  writeIdxFolder(idxDir, 6, 90, 30);
  const out = join(dir, 'idx-width');
  const r = spawnSync(
    'node',
    [bin, 'experiment', 'width', '--data', `idx:${idxDir}`, '--out', out, '--train-size', '80', '--test-size', '30', '--epochs', '8', '--json'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  assert.is(r.status, 0, r.stderr.slice(-2000));
  const res = JSON.parse(r.stdout);
  assert.is(res.agree, true);
  assert.ok(res.largest.weights <= TOL, `weights ${res.largest.weights}`);
  for (const x of res.results) assert.is(x.ffnn.accuracy, x.sklearn.accuracy, x.setting);
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /80 training and 30 test rows of .*idx \(IDX, pixels \/ 255\)/);
  const tooMany = spawnSync('node', [bin, 'experiment', 'width', '--data', `idx:${idxDir}`, '--out', out, '--train-size', '500'], { encoding: 'utf8' });
  assert.is(tooMany.status, 2);
  assert.match(tooMany.stderr, /has 90 training and 30 test rows, asked for 500 and 500/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
