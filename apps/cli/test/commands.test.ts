/** predict, evaluate and train on CSV and IDX files written here, and their errors and exit codes (0 ok, 1 data, 2 usage). */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeIdxFolder } from './idx-folder.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-cmd-'));
const ffnn = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });
const p = (name: string) => join(dir, name);

// three well separated classes in 4 features: class c sits around (c, -c, c/2, 1), deterministic jitter
function rows(n: number, offset: number): (number | string)[][] {
  const out: (number | string)[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const j = (k: number) => 0.15 * Math.sin(1.7 * (i + offset) + k);
    out.push([c + j(0), -c + j(1), c / 2 + j(2), 1 + j(3), ['a', 'b', 'c'][c]]);
  }
  return out;
}
const csv = (header: string[], data: (number | string)[][]) => `${[header.join(','), ...data.map((r) => r.join(','))].join('\n')}\n`;
writeFileSync(p('train.csv'), csv(['f1', 'f2', 'f3', 'f4', 'label'], rows(90, 0)));
writeFileSync(p('test.csv'), csv(['f1', 'f2', 'f3', 'f4', 'label'], rows(30, 1000)));
writeFileSync(
  p('nolabel.csv'),
  csv(
    ['f1', 'f2', 'f3', 'f4'],
    rows(6, 50).map((r) => r.slice(0, 4)),
  ),
);
writeFileSync(
  p('threefeatures.csv'),
  csv(
    ['f1', 'f2', 'f3', 'label'],
    rows(6, 50).map((r) => [r[0], r[1], r[2], r[4]]),
  ),
);
writeFileSync(p('bad.csv'), 'f1,f2,f3,f4,label\n1,2,3,4,a\n1,2,x3,4,b\n');

const model = p('csv-model.json');
const TRAIN = ['--hidden', '8', '--solver', 'adam', '--lr', '0.05', '--epochs', '60', '--batch-size', '30'];

test('train --data csv:FILE --test-data csv:FILE learns string labels and saves the model', () => {
  const r = ffnn('train', '--data', `csv:${p('train.csv')}`, '--test-data', `csv:${p('test.csv')}`, ...TRAIN, '--out', model, '--json');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.ok(out.epochs.length >= 10 && out.epochs.length <= 60, String(out.epochs.length)); // may stop early (tol)
  assert.ok(out.testAccuracy >= 0.9, String(out.testAccuracy)); // separable data
  assert.equal(JSON.parse(readFileSync(model, 'utf8')).target.classes, ['a', 'b', 'c']);
});

test('predict writes one label per row as CSV; --proba rows sum to 1 (|sum - 1| < 1e-12)', () => {
  const r = ffnn('predict', model, '--data', `csv:${p('test.csv')}`);
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], 'row,label');
  assert.is(lines.length, 31);
  for (const l of lines.slice(1)) assert.match(l, /^\d+,[abc]$/);
  const pr = ffnn('predict', model, '--data', `csv:${p('nolabel.csv')}`, '--proba', '--out', p('proba.csv'));
  assert.is(pr.status, 0, pr.stderr);
  const pl = readFileSync(p('proba.csv'), 'utf8').trim().split('\n');
  assert.is(pl[0], 'row,p_a,p_b,p_c');
  assert.is(pl.length, 7);
  for (const l of pl.slice(1)) {
    const v = l.split(',').slice(1).map(Number);
    assert.ok(Math.abs(v.reduce((a, b) => a + b, 0) - 1) < 1e-12, l);
  }
});

test('evaluate: accuracy, confusion matrix and per-class metrics agree with the predictions', () => {
  const pred = ffnn('predict', model, '--data', `csv:${p('test.csv')}`, '--json');
  const labels = JSON.parse(pred.stdout).predictions as string[];
  const truth = rows(30, 1000).map((r) => r[4]);
  const r = ffnn('evaluate', model, '--data', `csv:${p('test.csv')}`, '--json');
  assert.is(r.status, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assert.equal(e.labels, ['a', 'b', 'c']);
  assert.is(e.accuracy, labels.filter((l, i) => l === truth[i]).length / 30);
  assert.is(
    e.confusion.flat().reduce((a: number, b: number) => a + b, 0),
    30,
  );
  for (let c = 0; c < 3; c++) {
    const tp = e.confusion[c][c];
    const support = e.confusion[c].reduce((a: number, b: number) => a + b, 0);
    assert.is(e.perClass[c].support, support);
    assert.ok(Math.abs(e.perClass[c].recall - (support ? tp / support : 0)) < 1e-12);
    const { precision: pc, recall: rc, f1 } = e.perClass[c];
    assert.ok(Math.abs(f1 - (pc + rc ? (2 * pc * rc) / (pc + rc) : 0)) < 1e-12);
  }
  const text = ffnn('evaluate', model, '--data', `csv:${p('test.csv')}`);
  assert.match(text.stdout, /^accuracy \d+\.\d\d% on 30 rows of csv:/);
  assert.match(text.stdout, /confusion matrix \(rows: true, columns: predicted\)/);
  assert.match(text.stdout, /macro/);
});

test('IDX: train on a folder in the MNIST layout (gzipped), evaluate it, predict from one images file', () => {
  const idxDir = p('idx');
  mkdirSync(idxDir);
  // 2x2 images of 3 classes: class c lights the pixels p with p % 3 == c (plus faint noise)
  writeIdxFolder(idxDir, 2, 60, 30);
  const m = p('idx-model.json');
  const t = ffnn('train', '--data', `idx:${idxDir}`, ...TRAIN, '--out', m);
  assert.is(t.status, 0, t.stderr);
  assert.match(t.stdout, /test accuracy \d+\.\d\d% on 30 rows of idx:/);
  const e = ffnn('evaluate', m, '--data', `idx:${idxDir}`, '--json');
  assert.is(e.status, 0, e.stderr);
  const ev = JSON.parse(e.stdout);
  assert.is(ev.rows, 30);
  assert.ok(ev.accuracy >= 0.9, String(ev.accuracy));
  const pr = ffnn('predict', m, '--data', `idx:${join(idxDir, 't10k-images-idx3-ubyte')}`, '--json');
  assert.is(pr.status, 0, pr.stderr);
  assert.is(JSON.parse(pr.stdout).predictions.length, 30);
  // a single images file has no labels: evaluate says so (exit 1)
  const noLabels = ffnn('evaluate', m, '--data', `idx:${join(idxDir, 't10k-images-idx3-ubyte')}`);
  assert.is(noLabels.status, 1);
  assert.match(noLabels.stderr, /single IDX images file has no labels/);
});

test('data errors exit 1 and name the file (and line and column, or the flag)', () => {
  const missing = ffnn('predict', model, '--data', `csv:${p('missing.csv')}`);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /--data csv:.*missing\.csv: .*missing\.csv does not exist/);
  const badValue = ffnn('evaluate', model, '--data', `csv:${p('bad.csv')}`);
  assert.is(badValue.status, 1);
  assert.match(badValue.stderr, /bad\.csv:3: column 3 \("f3"\): expected a finite number, got "x3"/);
  const features = ffnn('predict', model, '--data', `csv:${p('threefeatures.csv')}`);
  assert.is(features.status, 1);
  // the model was trained on a CSV, so it knows its columns by name and says which one is missing
  assert.match(
    features.stderr,
    /--data csv:.*threefeatures\.csv: the columns do not match the ones the model was trained on \(missing "f4"\) \[SHAPE_MISMATCH\]/,
  );
  const noModel = ffnn('predict', p('nope.json'), '--data', `csv:${p('test.csv')}`);
  assert.is(noModel.status, 1);
  assert.match(noModel.stderr, /nope\.json/);
  writeFileSync(p('notmodel.json'), '{"format": "something"}');
  const wrongFormat = ffnn('evaluate', p('notmodel.json'), '--data', `csv:${p('test.csv')}`);
  assert.is(wrongFormat.status, 1);
  assert.match(wrongFormat.stderr, /MODEL_FORMAT/);
  const noLabelCol = ffnn('train', '--data', `csv:${p('nolabel.csv')}`, '--epochs', '1');
  assert.is(noLabelCol.status, 1);
  assert.match(noLabelCol.stderr, /nolabel\.csv: no label column "label".*--label-column/);
  writeFileSync(p('config.json'), '{"hiddenLayerSize": [4]}');
  const badConfig = ffnn('train', '--data', `csv:${p('train.csv')}`, '--config', p('config.json'));
  assert.is(badConfig.status, 1);
  assert.match(badConfig.stderr, /--config .*config\.json: unknown option "hiddenLayerSize"/);
});

test('usage errors exit 2 and name the flag', () => {
  const cases: [string[], RegExp][] = [
    [['predict', model, '--data', 'parquet:x'], /--data: expected mnist \| idx:DIR \| idx:FILE \| csv:FILE, got "parquet:x"/],
    [['predict', '--data', `csv:${p('test.csv')}`], /expected a model file/],
    [['evaluate', model], /--data: required/],
    [['predict', model, '--data', 'mnist', '--part', 'middle'], /--part: expected train or test/],
    [['train', '--data', `csv:${p('train.csv')}`, '--validation-split', '1.5'], /--validation-split: expected a fraction in \(0, 1\), got "1\.5"/],
    [['report', model], /--out: required/],
    [['experiment', 'depthh', '--out', p('x')], /unknown experiment "depthh"/],
    [['parity', 'no_such_case'], /unknown case\(s\): no_such_case/],
    [['evaluate', model, '--data', 'mnist', '--hidden', '3'], /unknown flag --hidden for evaluate/],
  ];
  for (const [args, re] of cases) {
    const r = ffnn(...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test('--help on every command exits 0 and shows its usage', () => {
  for (const c of ['train', 'predict', 'evaluate', 'report', 'experiment', 'parity', 'info']) {
    const r = ffnn(c, '--help');
    assert.is(r.status, 0, c);
    assert.match(r.stdout, new RegExp(`usage: ffnn ${c}`));
  }
});

test('train --validation-split records a validation loss per epoch in the model; --config sets options', () => {
  writeFileSync(p('good-config.json'), JSON.stringify({ hiddenLayerSizes: [5], solver: 'adam', learningRateInit: 0.05, maxIter: 7 }));
  const m = p('val-model.json');
  const r = ffnn(
    'train',
    '--data',
    `csv:${p('train.csv')}`,
    '--config',
    p('good-config.json'),
    '--epochs',
    '9',
    '--validation-split',
    '0.2',
    '--out',
    m,
    '--json',
  );
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.epochs.length, 9); // the flag overrides the config's maxIter
  assert.type(out.epochs[0].validationLoss, 'number');
  const saved = JSON.parse(readFileSync(m, 'utf8'));
  assert.equal(saved.layerSizes, [4, 5, 3]); // hiddenLayerSizes from the config
  assert.is(saved.training.validationLossCurve.length, 9);
  assert.is(saved.options.solver, 'adam');
});

test('parity for one case ends with the equal/not-equal block', () => {
  const r = ffnn('parity', 'alpha_large_sgd');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /alpha_large_sgd +float64 .* PASS/);
  for (const w of ['weights', 'biases', 'predictions', 'probabilities', 'loss', 'accuracy']) assert.match(r.stdout, new RegExp(`\\n  ${w} +equal `));
  assert.match(r.stdout, /parity: equal\n$/);
});

test('parity --backend native trains the cases on the addon; other backends are a usage error', () => {
  const r = ffnn('parity', 'mnist_adam_relu_16', '--backend', 'native');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /ffnn \(native backend\) vs scikit-learn/);
  assert.match(r.stdout, /mnist_adam_relu_16 +float64 .* PASS/);
  const bad = ffnn('parity', '--backend', 'gpu');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--backend: expected js or native, got "gpu"/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test('--class-weight takes balanced or a JSON map of label to weight, and the model keeps it; a bad map names the flag', () => {
  const mapped = p('class-weight-model.json');
  const r = ffnn('train', '--data', `csv:${p('train.csv')}`, ...TRAIN, '--class-weight', '{"a": 1, "b": 5, "c": 1}', '--out', mapped, '--json');
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(mapped, 'utf8')).options.classWeight, { a: 1, b: 5, c: 1 });
  const balanced = ffnn('train', '--data', `csv:${p('train.csv')}`, ...TRAIN, '--class-weight', 'balanced', '--out', p('balanced-model.json'), '--json');
  assert.is(balanced.status, 0, balanced.stderr);
  assert.is(JSON.parse(readFileSync(p('balanced-model.json'), 'utf8')).options.classWeight, 'balanced');
  const bad = ffnn('train', '--data', `csv:${p('train.csv')}`, ...TRAIN, '--class-weight', '{"a": 1,', '--out', p('never.json'));
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--class-weight: expected 'balanced' or a JSON object/);
});

test.run();
