/**
 * ffnn with FFNNRegressor, run as a real process: train --task regression on CSV files written
 * here (one target and two), then evaluate, predict, export (the ONNX graph run in
 * onnxruntime-node) and report on the saved model, and the errors of bad input (exit 1 data,
 * 2 usage; under --json the error as JSON on stdout).
 *
 * Tolerances: numbers printed by the CLI are JavaScript's shortest round-trip form of a double
 * (String(v) / JSON), so predictions parsed back equal the library's predict exactly; metrics the
 * test recomputes in its own code may differ by summation order: 1e-12 relative. ONNX: see
 * libs/ffnn/test/onnx-regressor.test.ts (float32 graph 2e-6 relative to max(|y|, 1), float64 1e-12).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRegressor } from '@ffnn/core/node';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-reg-'));
const ffnn = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });
const p = (name: string) => join(dir, name);
const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

// three features; y = 2 x1 - x2 + x3² and z = x1 x2 + x3, deterministic jitter in the features
function rows(n: number, offset: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const x = [0, 1, 2].map((k) => Math.sin(1.3 * (i + offset) + 2.1 * k));
    const r = (v: number) => Number(v.toFixed(6));
    return [...x.map(r), r(2 * x[0] - x[1] + x[2] * x[2]), r(x[0] * x[1] + x[2])];
  });
}
const csv = (header: string[], data: (number | string)[][]) => `${[header.join(','), ...data.map((r) => r.join(','))].join('\n')}\n`;
const HEADER = ['x1', 'x2', 'x3', 'y', 'z'];
const trainRows = rows(200, 0);
const testRows = rows(60, 500);
writeFileSync(p('train.csv'), csv(HEADER, trainRows));
writeFileSync(p('test.csv'), csv(HEADER, testRows));
// the columns in another order, and without the targets (predict matches features by name)
writeFileSync(
  p('features.csv'),
  csv(
    ['x3', 'x1', 'x2'],
    testRows.map((r) => [r[2], r[0], r[1]]),
  ),
);
const TRAIN = ['--hidden', '32', '--lr', '0.01', '--epochs', '150', '--batch-size', '20'];
const model = p('reg.ffnn');
const model2 = p('reg2.json');
const Xtest = { rows: testRows.length, cols: 3, data: Float64Array.from(testRows.flatMap((r) => r.slice(0, 3))) };

test('train --task regression: per-epoch loss, then R², MSE and MAE on --test-data; the file records a regressor', () => {
  const r = ffnn(
    'train',
    '--task',
    'regression',
    '--data',
    `csv:${p('train.csv')}`,
    '--label-column',
    'y',
    '--test-data',
    `csv:${p('test.csv')}`,
    ...TRAIN,
    '--tol',
    '0',
    '--out',
    model,
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /training a regressor 4-32-1 /); // z is a feature when only y is the target
  assert.match(r.stdout, /epoch {3}1 {2}loss \d+\.\d{6}/);
  assert.match(r.stdout, /epoch 150 {2}loss /);
  const m = /test R² (\S+) {2}MSE (\S+) {2}MAE (\S+) on 60 rows of csv:/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m![1]) > 0.9, m![1]); // a smooth function of the features: learnt well
  assert.match(r.stdout, /model saved to /);
  const reg = loadRegressor(model);
  assert.is(reg.nOutputs, 1);
  assert.equal(reg.featureNamesIn, ['x1', 'x2', 'x3', 'z']);
});

test('train --target-columns y,z --validation-split --json: scores per output on the held-out rows', () => {
  const r = ffnn(
    'train',
    '--task',
    'regression',
    '--data',
    `csv:${p('train.csv')}`,
    '--target-columns',
    'y,z',
    '--validation-split',
    '0.25',
    ...TRAIN,
    '--out',
    model2,
    '--json',
  );
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.task, 'regression');
  assert.is(out.test, null);
  assert.is(out.validation.rows, 50);
  assert.equal(
    out.validation.perOutput.map((o: { output: string }) => o.output),
    ['y', 'z'],
  );
  assert.ok(out.validation.r2 > 0.8, String(out.validation.r2));
  // the average is the uniform mean of the outputs (sklearn's multioutput='uniform_average')
  assert.ok(close(out.validation.r2, (out.validation.perOutput[0].r2 + out.validation.perOutput[1].r2) / 2));
  assert.ok(out.epochs.length > 0 && typeof out.epochs[0].validationLoss === 'number');
  const json = JSON.parse(readFileSync(model2, 'utf8'));
  assert.is(json.target.kind, 'continuous');
  assert.equal(json.layerSizes, [3, 32, 2]);
});

test('evaluate: R², MSE and MAE equal the library score and the test recomputing them', () => {
  const r = ffnn('evaluate', model, '--data', `csv:${p('test.csv')}`, '--label-column', 'y', '--json');
  assert.is(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  const reg = loadRegressor(model);
  const X = { rows: testRows.length, cols: 4, data: Float64Array.from(testRows.flatMap((row) => [row[0], row[1], row[2], row[4]])) };
  const y = testRows.map((row) => row[3]);
  const pred = reg.predict(X) as number[];
  assert.ok(close(e.r2, reg.score(X, y)), `${e.r2} vs ${reg.score(X, y)}`);
  assert.ok(close(e.mse, pred.reduce((a, v, i) => a + (v - y[i]) ** 2, 0) / y.length));
  assert.ok(close(e.mae, pred.reduce((a, v, i) => a + Math.abs(v - y[i]), 0) / y.length));
  assert.is(e.rows, 60);
  const text = ffnn('evaluate', model2, '--data', `csv:${p('test.csv')}`, '--target-columns', 'y,z');
  assert.is(text.status, 0, text.stderr);
  assert.match(text.stdout, /^R² \S+ {2}MSE \S+ {2}MAE \S+ on 60 rows of csv:.*\(averaged over 2 outputs\)/);
  assert.match(text.stdout, /\ny +\S+ +\S+ +\S+\nz +\S+ +\S+ +\S+\nmean /);
});

test('predict: row,prediction (one output), one column per target (two), JSON; features matched by name', () => {
  const reg = loadRegressor(model2);
  const want = reg.predict(Xtest) as number[][];
  const r = ffnn('predict', model2, '--data', `csv:${p('features.csv')}`, '--target-columns', 'y,z');
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], 'row,y,z');
  assert.is(lines.length, 61);
  lines.slice(1).forEach((l, i) => assert.equal(l.split(',').map(Number), [i, ...want[i]]));
  const j = ffnn('predict', model2, '--data', `csv:${p('test.csv')}`, '--target-columns', 'y,z', '--json');
  assert.is(j.status, 0, j.stderr);
  assert.equal(JSON.parse(j.stdout), { outputs: ['y', 'z'], predictions: want });
  const one = ffnn('predict', model, '--data', `csv:${p('test.csv')}`, '--label-column', 'y', '--out', p('pred.csv'));
  assert.is(one.status, 0, one.stderr);
  const pl = readFileSync(p('pred.csv'), 'utf8').trim().split('\n');
  assert.is(pl[0], 'row,prediction');
  assert.is(pl.length, 61);
});

for (const dtype of ['float32', 'float64'] as const) {
  test(`export --onnx (${dtype}): onnxruntime's predictions equal predict`, async () => {
    const onnx = p(`reg2-${dtype}.onnx`);
    const r = ffnn('export', model2, '--onnx', onnx, '--onnx-dtype', dtype, '--json');
    assert.is(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.is(info.task, 'regression');
    assert.is(info.outputs, 2);
    const session = await ort.InferenceSession.create(readFileSync(onnx));
    assert.equal(session.outputNames, ['predictions']);
    const X = dtype === 'float32' ? Float32Array.from(Xtest.data) : Float64Array.from(Xtest.data);
    const out = await session.run({ X: new ort.Tensor(dtype, X, [Xtest.rows, 3]) });
    await session.release();
    const got = out.predictions.data as Float32Array | Float64Array;
    const want = (loadRegressor(model2).predict(Xtest) as number[][]).flat();
    let max = 0;
    for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1));
    console.log(`  cli export ${dtype}: max |onnx - predict| / max(|predict|, 1) = ${max.toExponential(2)}`);
    assert.ok(max <= (dtype === 'float32' ? 2e-6 : 1e-12), String(max));
  });
}

test('report: a regressor page names its outputs, not classes', () => {
  const out = p('report.html');
  const r = ffnn('report', model2, '--out', out, '--json');
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).charts, ['network', 'loss-curve', 'weight-histograms']);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /continuous \(a regressor\), 2 outputs/);
  assert.not.match(html, /\d+ classes/);
});

test('bad input: clear errors naming the flag, file:line:column, and the right exit code', () => {
  writeFileSync(p('bad.csv'), 'x1,x2,x3,y\n1,2,3,4\n1,2,3,four\n');
  writeFileSync(
    p('notarget.csv'),
    csv(
      ['x1', 'x2', 'x3', 'z'],
      testRows.map((r) => [r[0], r[1], r[2], r[4]]),
    ),
  );
  const cases: [string[], number, RegExp][] = [
    [
      ['train', '--task', 'regression', '--data', `csv:${p('bad.csv')}`, '--label-column', 'y'],
      1,
      /bad\.csv:3: column 4 \("y"\): expected a finite number, got "four"/,
    ],
    [['train', '--task', 'regression', '--data', 'mnist'], 2, /--data mnist: --task regression reads csv:FILE data/],
    [['train', '--task', 'regression'], 2, /--data: --task regression needs csv:FILE data/],
    [['train', '--task', 'regression', '--data', `idx:${dir}`], 2, /--task regression reads csv:FILE data .*IDX files are classification data/],
    [['train', '--task', 'clustering', '--data', `csv:${p('train.csv')}`], 2, /--task: expected classification or regression, got "clustering"/],
    [['train', '--task', 'regression', '--task', 'regression', '--data', `csv:${p('train.csv')}`], 2, /--task is given twice/],
    [['train', '--target-columns', 'y,z', '--data', `csv:${p('train.csv')}`], 2, /--target-columns: only with --task regression/],
    [['train', '--task', 'regression', '--data', `csv:${p('train.csv')}`, '--target-columns', 'y,y'], 2, /--target-columns: the column "y" is named twice/],
    [['train', '--task', 'regression', '--data', `csv:${p('train.csv')}`, '--target-columns', 'y', '--label-column', 'z'], 2, /give one of them/],
    [
      ['train', '--task', 'regression', '--data', `csv:${p('train.csv')}`, '--target-columns', 'price'],
      1,
      /no target column "price" in the header \(columns: x1, x2, x3, y, z\)/,
    ],
    [['evaluate', model, '--data', `csv:${p('notarget.csv')}`, '--label-column', 'y'], 1, /--data: .*notarget\.csv: no target column "y" in the header/],
    [['evaluate', model, '--data', 'mnist'], 2, /is a regressor; it reads csv:FILE data/],
    [['evaluate', model2, '--data', `csv:${p('test.csv')}`, '--label-column', 'y'], 1, /--target-columns: .*predicts 2 outputs, got 1 target column \(y\)/],
    [['predict', model, '--data', `csv:${p('test.csv')}`, '--label-column', 'y', '--proba'], 2, /--proba: .* is a regressor; it has no class probabilities/],
  ];
  for (const [args, code, message] of cases) {
    const r = ffnn(...args);
    assert.is(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
  // under --json the error is JSON on stdout
  const j = ffnn('evaluate', model, '--data', `csv:${p('notarget.csv')}`, '--label-column', 'y', '--json');
  assert.is(j.status, 1);
  const err = JSON.parse(j.stdout).error;
  assert.is(err.code, 'INVALID_DATA');
  assert.equal(err.details.missing, ['y']);
});

test('outputs are checked before any work: --out naming the training data fails and leaves it intact', () => {
  const before = readFileSync(p('train.csv'), 'utf8');
  const r = ffnn('train', '--task', 'regression', '--data', `csv:${p('train.csv')}`, '--label-column', 'y', '--out', p('train.csv'), '--json');
  assert.is(r.status, 1);
  assert.is(JSON.parse(r.stdout).error.code, 'OUTPUT_CONFLICT');
  assert.not.match(r.stdout + r.stderr, /epoch/);
  assert.is(readFileSync(p('train.csv'), 'utf8'), before);
  const e = ffnn('predict', model, '--data', `csv:${p('test.csv')}`, '--label-column', 'y', '--out', model);
  assert.is(e.status, 1);
  assert.match(e.stderr, /--out .*is also the input of MODEL/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
