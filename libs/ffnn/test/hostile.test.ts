/**
 * Hostile input, everywhere: one table over the library API and one over the CLI
 * (`node apps/cli/bin/ffnn.mjs train|predict ...`). Every row gets its own clear error (code and
 * message), fails fast, and writes nothing (the output file does not exist afterwards). Then
 * divergence (learning rate 10): an error naming the epoch, or with onDivergence 'warn' a warning
 * and the last finite weights; a model file on disk is never replaced by a broken one.
 *
 * The CLI always runs under Bun (bin/ffnn.mjs starts it), so its rows run in the Bun pass of the
 * suite only; under Node and Deno they would repeat the same processes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FfnnError, type FfnnWarning } from '../src/index.ts';
import { loadClassifier, saveModel } from '../src/node.ts';
import { ROOT, sinData } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-hostile-'));
const X = sinData(12);
const y = X.map((_, i) => i % 3);
const quiet = { onWarning: () => {}, maxIter: 2, hiddenLayerSizes: [3], randomState: 0 };
const fitted = new FFNNClassifier(quiet).fit(X, y);
/** Generous: a row must fail before any real work (no allocation of a gigantic layer, no training). */
const FAST_MS = 2000;

type Row = [name: string, run: (out: string) => unknown, code: string, message: RegExp];

const trainAndSave =
  (options: Record<string, unknown>, Xin: unknown = X, yIn: unknown = y) =>
  (out: string) => {
    new FFNNClassifier({ ...quiet, ...options } as any).fit(Xin as any, yIn as any);
    throw new Error(`fit accepted the input; it would now save to ${out}`);
  };
const predictAndSave = (Xin: unknown) => (out: string) => writeFileSync(out, JSON.stringify(fitted.predict(Xin as any)));

const LIBRARY: Row[] = [
  ['NaN in features', trainAndSave({}, [[1, NaN, 0], ...X.slice(1)]), 'NON_FINITE_INPUT', /X: expected finite numbers, got NaN at row 0, column 1/],
  ['Infinity in features', trainAndSave({}, [...X.slice(0, 5), [0, 0, Infinity], ...X.slice(6)]), 'NON_FINITE_INPUT', /got Infinity at row 5, column 2/],
  ['-Infinity in features', trainAndSave({}, [[-Infinity, 0, 0], ...X.slice(1)]), 'NON_FINITE_INPUT', /got -Infinity at row 0, column 0/],
  [
    'ragged rows',
    trainAndSave({}, [[1, 2, 3], [4, 5], ...X.slice(2)]),
    'SHAPE_MISMATCH',
    /ragged rows: expected every row to have 3 values \(like row 0\), got 2 in row 1/,
  ],
  ['string in a numeric column', trainAndSave({}, [[1, '2', 3], ...X.slice(1)]), 'INVALID_DATA', /expected numbers, got string "2" at row 0, column 1/],
  ['null in a numeric column', trainAndSave({}, [[1, null, 3], ...X.slice(1)]), 'INVALID_DATA', /expected numbers, got object null at row 0, column 1/],
  ['no rows', trainAndSave({}, [], []), 'EMPTY_DATA', /X: expected at least one row, got 0 rows/],
  ['rows without features', trainAndSave({}, [[], []], [0, 1]), 'EMPTY_DATA', /X: expected at least one feature/],
  ['X is not a matrix', trainAndSave({}, 'a,b\n1,2'), 'INVALID_DATA', /X: expected an array of rows or a \{rows, cols, data\} matrix, got string/],
  [
    'matrix data of the wrong length',
    trainAndSave({}, { rows: 3, cols: 2, data: [1, 2, 3] }, [0, 1, 0]),
    'SHAPE_MISMATCH',
    /X: data has 3 values, expected rows \* cols = 6/,
  ],
  [
    'label column missing',
    (out) => saveModel(new FFNNClassifier(quiet).fit(X, undefined as any), out),
    'INVALID_DATA',
    /y: expected an array of labels or an indicator matrix/,
  ],
  ['fewer labels than rows', trainAndSave({}, X, y.slice(2)), 'SHAPE_MISMATCH', /y: expected 12 targets \(one per row of X\), got 10/],
  ['NaN label', trainAndSave({}, X, [NaN, ...y.slice(1)]), 'INVALID_DATA', /y: expected finite labels, got NaN at index 0/],
  ['null label', trainAndSave({}, X, [null, ...y.slice(1)]), 'INVALID_DATA', /y: expected number or string labels, got null at index 0/],
  ['batch size 0', trainAndSave({ batchSize: 0 }), 'INVALID_PARAM', /batchSize: expected 'auto' or a whole number >= 1, got 0/],
  ['negative batch size', trainAndSave({ batchSize: -5 }), 'INVALID_PARAM', /batchSize: expected 'auto' or a whole number >= 1, got -5/],
  ['fractional batch size', trainAndSave({ batchSize: 2.5 }), 'INVALID_PARAM', /batchSize: .* got 2.5/],
  ['learning rate 0', trainAndSave({ learningRateInit: 0 }), 'INVALID_PARAM', /learningRateInit: expected a finite number > 0, got 0/],
  ['negative learning rate', trainAndSave({ learningRateInit: -0.1 }), 'INVALID_PARAM', /learningRateInit: expected a finite number > 0, got -0.1/],
  ['NaN learning rate', trainAndSave({ learningRateInit: NaN }), 'INVALID_PARAM', /learningRateInit: .* got NaN/],
  ['unknown activation', trainAndSave({ activation: 'swish' }), 'INVALID_PARAM', /activation: expected one of identity, linear, relu, .* got "swish"/],
  ['hidden layer size 0', trainAndSave({ hiddenLayerSizes: [0] }), 'INVALID_PARAM', /hiddenLayerSizes: expected a whole number >= 1 .* got \[0\]/],
  ['negative hidden layer size', trainAndSave({ hiddenLayerSizes: [8, -3] }), 'INVALID_PARAM', /hiddenLayerSizes: .* got \[8, -3\]/],
  [
    'gigantic layer [1e9]',
    trainAndSave({ hiddenLayerSizes: [1e9] }),
    'INVALID_PARAM',
    /hiddenLayerSizes: layers 3-1000000000-3 would need 7.00e\+9 weights, more than the limit of 1e\+8; use smaller hidden layers/,
  ],
  ['gigantic layer 1e9 (a number)', trainAndSave({ hiddenLayerSizes: 1e9 }), 'INVALID_PARAM', /would need 7.00e\+9 weights/],
  ['two large layers', trainAndSave({ hiddenLayerSizes: [20000, 20000] }), 'INVALID_PARAM', /layers 3-20000-20000-3 would need 4.00e\+8 weights/],
  ['maxIter 0', trainAndSave({ maxIter: 0 }), 'INVALID_PARAM', /maxIter: expected a whole number >= 1, got 0/],
  ['unknown onDivergence', trainAndSave({ onDivergence: 'ignore' }), 'INVALID_PARAM', /onDivergence: expected 'error' or 'warn', got "ignore"/],
  ['unknown option name', trainAndSave({ learningrate: 0.1 }), 'INVALID_PARAM', /unknown option "learningrate"/],
  ['predict: wrong feature count', predictAndSave([[1, 2]]), 'SHAPE_MISMATCH', /X: the model expects 3 features per row, got 2/],
  ['predict: NaN', predictAndSave([[1, NaN, 2]]), 'NON_FINITE_INPUT', /got NaN at row 0, column 1/],
  ['predict: ragged rows', predictAndSave([[1, 2, 3], [1]]), 'SHAPE_MISMATCH', /ragged rows/],
  ['predict: string', predictAndSave([[1, 2, 'x']]), 'INVALID_DATA', /got string "x" at row 0, column 2/],
  ['predict: no rows', predictAndSave([]), 'EMPTY_DATA', /at least one row/],
];

for (const [name, run, code, message] of LIBRARY) {
  test(`library: ${name} -> ${code}`, () => {
    const out = join(dir, `lib-${name.replace(/\W+/g, '-')}.out`);
    const started = performance.now();
    try {
      run(out);
      assert.unreachable('expected an error');
    } catch (err) {
      assert.instance(err, FfnnError, (err as Error).message);
      assert.is((err as FfnnError).code, code, (err as Error).message);
      assert.match((err as Error).message, message);
    }
    assert.ok(performance.now() - started < FAST_MS, `took ${performance.now() - started} ms`);
    assert.not.ok(existsSync(out), 'nothing is written');
  });
}

// ---------------------------------------------------------------- the CLI

const bin = join(ROOT, 'apps/cli/bin/ffnn.mjs');
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
const csv = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return `csv:${p}`;
};
const goodRows = Array.from({ length: 12 }, (_, i) => `${Math.sin(i)},${Math.cos(i)},${i % 3}`).join('\n');
const DATA = {
  good: csv('good.csv', `a,b,label\n${goodRows}\n`),
  nan: csv('nan.csv', 'a,b,label\n1,NaN,0\n3,4,1\n'),
  inf: csv('inf.csv', 'a,b,label\n1,2,0\n3,Infinity,1\n'),
  ragged: csv('ragged.csv', 'a,b,label\n1,2,0\n3,1\n'),
  str: csv('str.csv', 'a,b,label\n1,two,0\n3,4,1\n'),
  empty: csv('empty.csv', ''),
  headerOnly: csv('header-only.csv', 'a,b,label\n'),
  noLabel: csv('no-label.csv', 'a,b\n1,2\n3,4\n'),
  wide: csv('wide.csv', 'a,b,c,label\n1,2,3,0\n3,4,5,1\n'),
  // sin data scaled by 1e3: with learning rate 10 and momentum the loss turns NaN in epoch 10
  diverge: csv(
    'diverge.csv',
    `a,b,c,label\n${sinData(40, 3)
      .map((r, i) => [...r.map((v) => v * 1e3), i % 3].join(','))
      .join('\n')}\n`,
  ),
};
const model = join(dir, 'model.ffnn');
saveModel(fitted, model);
const truncatedModel = join(dir, 'truncated.ffnn');
writeFileSync(truncatedModel, readFileSync(model).subarray(0, 200));
const flippedModel = join(dir, 'flipped.ffnn');
const flipped = readFileSync(model);
flipped[flipped.length - 5] ^= 4;
writeFileSync(flippedModel, flipped);
const twoFeatureModel = join(dir, 'two-features.ffnn');
saveModel(
  new FFNNClassifier(quiet).fit(
    X.map((r) => r.slice(0, 2)),
    y,
  ),
  twoFeatureModel,
);

const TRAIN = ['train', '--hidden', '4', '--max-iter', '2'];
type CliRow = [name: string, args: string[], exit: number, stderr: RegExp];
const CLI: CliRow[] = [
  ['train: NaN in features', [...TRAIN, '--data', DATA.nan], 1, /nan.csv:2: column 2 \("b"\): expected a finite number, got "NaN" \[INVALID_DATA\]/],
  ['train: Infinity in features', [...TRAIN, '--data', DATA.inf], 1, /inf.csv:3: column 2 \("b"\): expected a finite number, got "Infinity" \[INVALID_DATA\]/],
  ['train: ragged rows', [...TRAIN, '--data', DATA.ragged], 1, /ragged.csv:3: expected 3 fields \(as in the header\), got 2 \[INVALID_DATA\]/],
  ['train: string in a numeric column', [...TRAIN, '--data', DATA.str], 1, /str.csv:2: column 2 \("b"\): expected a finite number, got "two" \[INVALID_DATA\]/],
  ['train: empty file', [...TRAIN, '--data', DATA.empty], 1, /empty.csv: the file is empty .*\[EMPTY_DATA\]/],
  ['train: header but no rows', [...TRAIN, '--data', DATA.headerOnly], 1, /\[EMPTY_DATA\]/],
  ['train: label column missing', [...TRAIN, '--data', DATA.noLabel], 1, /no label column "label" in the header \(columns: a, b\).*\[INVALID_DATA\]/],
  ['train: missing data file', [...TRAIN, '--data', `csv:${join(dir, 'nope.csv')}`], 1, /does not exist \[IO_ERROR\]/],
  [
    'train: batch size 0',
    [...TRAIN, '--data', DATA.good, '--batch-size', '0'],
    1,
    /batchSize: expected 'auto' or a whole number >= 1, got 0 \(flag --batch-size\) \[INVALID_PARAM\]/,
  ],
  ['train: negative batch size', [...TRAIN, '--data', DATA.good, '--batch-size', '-5'], 1, /batchSize: .* got -5 \(flag --batch-size\)/],
  [
    'train: learning rate 0',
    [...TRAIN, '--data', DATA.good, '--lr', '0'],
    1,
    /learningRateInit: expected a finite number > 0, got 0 \(flag --learning-rate-init\) \[INVALID_PARAM\]/,
  ],
  [
    'train: negative learning rate',
    [...TRAIN, '--data', DATA.good, '--learning-rate-init', '-0.5'],
    1,
    /learningRateInit: .* got -0.5 \(flag --learning-rate-init\)/,
  ],
  ['train: learning rate not a number', [...TRAIN, '--data', DATA.good, '--lr', 'fast'], 2, /--lr: expected a number, got "fast"/],
  [
    'train: unknown activation',
    [...TRAIN, '--data', DATA.good, '--activation', 'swish'],
    1,
    /activation: expected one of .* got "swish" \(flag --activation\) \[INVALID_PARAM\]/,
  ],
  [
    'train: hidden layer size 0',
    ['train', '--max-iter', '2', '--data', DATA.good, '--hidden', '0'],
    1,
    /hiddenLayerSizes: .* got \[0\] \(flag --hidden-layer-sizes\) \[INVALID_PARAM\]/,
  ],
  [
    'train: gigantic layer',
    ['train', '--max-iter', '2', '--data', DATA.good, '--hidden', '1000000000'],
    1,
    /hiddenLayerSizes: layers 2-1000000000-3 would need 6.00e\+9 weights, more than the limit .*\[INVALID_PARAM\]/,
  ],
  [
    'train: unknown onDivergence',
    [...TRAIN, '--data', DATA.good, '--on-divergence', 'ignore'],
    1,
    /onDivergence: expected 'error' or 'warn', got "ignore" \(flag --on-divergence\)/,
  ],
  ['predict: wrong feature count', ['predict', model, '--data', DATA.good], 1, /rows have 2 features, the model expects 3 \[SHAPE_MISMATCH\]/],
  ['predict: too many features', ['predict', twoFeatureModel, '--data', DATA.wide], 1, /rows have 3 features, the model expects 2 \[SHAPE_MISMATCH\]/],
  ['predict: NaN in features', ['predict', twoFeatureModel, '--data', DATA.nan], 1, /expected a finite number, got "NaN" \[INVALID_DATA\]/],
  ['predict: ragged rows', ['predict', twoFeatureModel, '--data', DATA.ragged], 1, /expected 3 fields .*\[INVALID_DATA\]/],
  ['predict: empty file', ['predict', twoFeatureModel, '--data', DATA.empty], 1, /the file is empty .*\[EMPTY_DATA\]/],
  [
    'predict: truncated model',
    ['predict', truncatedModel, '--data', DATA.good],
    1,
    /model file .*truncated.ffnn: the header declares \d+ bytes but only 192 follow the length field \(truncated or corrupt file\) \[MODEL_FORMAT\]/,
  ],
  [
    'predict: corrupted model',
    ['predict', flippedModel, '--data', DATA.good],
    1,
    /the weights do not match their checksum \(sha256_tensors\): the file is corrupted \[MODEL_FORMAT\]/,
  ],
  ['predict: a CSV file as the model', ['predict', join(dir, 'good.csv'), '--data', DATA.good], 1, /\[MODEL_FORMAT\]/],
  ['predict: missing model', ['predict', join(dir, 'none.ffnn'), '--data', DATA.good], 1, /could not read .*none.ffnn.*\[IO_ERROR\]/],
];

const ffnn = (args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8', cwd: ROOT });

if (isBun) {
  for (const [name, args, exit, stderr] of CLI) {
    test(`cli: ${name} -> exit ${exit}`, () => {
      const out = join(dir, `cli-${name.replace(/\W+/g, '-')}.out`);
      const r = ffnn([...args, '--out', out]);
      assert.is(r.status, exit, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, stderr);
      assert.not.ok(/at .*\.ts:\d+/.test(r.stderr), `a stack trace: ${r.stderr}`);
      assert.not.ok(existsSync(out), 'nothing is written');
    });
  }
} else console.log(`  hostile: the ${CLI.length} CLI rows run in the Bun pass (the CLI always runs under Bun)`);

// ---------------------------------------------------------------- divergence

const divergeX = sinData(40, 3).map((r) => r.map((v) => v * 1e3));
const divergeY = divergeX.map((_, i) => i % 3);
const lr10 = { hiddenLayerSizes: [8], maxIter: 200, randomState: 0, batchSize: 10, solver: 'sgd', learningRateInit: 10, momentum: 0.9 } as const;

// the loss is 2.4e17 after epoch 1 and 2.0e49 after epoch 2 (NaN only in epoch 10): a finite loss
// above DIVERGENCE_LOSS (1e20) is divergence too, so both modes stop in epoch 2
test('divergence (learning rate 10), onDivergence "error" (the default): NON_FINITE_LOSS naming the epoch, no model', () => {
  const clf = new FFNNClassifier({ ...lr10, onWarning: () => {} });
  try {
    clf.fit(divergeX, divergeY);
    assert.unreachable('expected NON_FINITE_LOSS');
  } catch (err) {
    assert.is((err as FfnnError).code, 'NON_FINITE_LOSS');
    assert.match(
      (err as Error).message,
      /training diverged: the loss became 2\.04\d*e\+49 \(above 1e\+20\) in epoch 2; try a smaller learningRateInit \(now 10\)/,
    );
    assert.is((err as FfnnError).details.epoch, 2);
  }
  assert.is(clf.isFitted, false);
});

test('divergence, onDivergence "warn": a DIVERGED warning naming the epoch, the last finite weights, a usable model', () => {
  const warnings: FfnnWarning[] = [];
  const clf = new FFNNClassifier({ ...lr10, onDivergence: 'warn', onWarning: (w) => warnings.push(w) }).fit(divergeX, divergeY);
  const diverged = warnings.filter((w) => w.code === 'DIVERGED');
  assert.is(diverged.length, 1);
  assert.match(
    diverged[0].message,
    /training diverged: the loss became 2\.04\d*e\+49 \(above 1e\+20\) in epoch 2; stopped and kept the weights from before that epoch/,
  );
  assert.is(clf.nIter, 1);
  assert.is(clf.lossCurve.length, 1);
  assert.ok(clf.lossCurve.every(Number.isFinite));
  for (const c of clf.coefs) assert.ok(Array.from(c.data).every(Number.isFinite));
  assert.ok(Array.from(clf.predictProba(divergeX).data).every(Number.isFinite));
  const path = join(dir, 'warned.ffnn');
  saveModel(clf, path);
  assert.equal(loadClassifier(path).predict(divergeX), clf.predict(divergeX));
  // the same run in error mode reports the same epoch: 'warn' changes only what happens next
  assert.equal(
    clf.lossCurve,
    (() => {
      const seen: number[] = [];
      try {
        new FFNNClassifier({ ...lr10, onEpoch: (m) => void seen.push(m.loss), onWarning: () => {} }).fit(divergeX, divergeY);
      } catch {
        /* NON_FINITE_LOSS in epoch 2 */
      }
      return seen;
    })(),
  );
});

test('a diverging warm start leaves the model and the good file on disk untouched', () => {
  // learning rate 0.001 keeps the loss near 23 for 5 epochs (0.01 already explodes: 17.7, 5.7e6, 1.8e14, 1.9e21)
  const clf = new FFNNClassifier({ ...lr10, learningRateInit: 0.001, maxIter: 5, onWarning: () => {} }).fit(divergeX, divergeY);
  const path = join(dir, 'good-model.ffnn');
  saveModel(clf, path);
  const before = readFileSync(path);
  clf.setOptions({ warmStart: true, learningRateInit: 10, maxIter: 200 });
  const huge = divergeX.map((r) => r.map((v) => v * 1e150));
  assert.throws(
    () => {
      clf.fit(huge, divergeY);
      saveModel(clf, path); // not reached
    },
    (err: FfnnError) => err.code === 'NON_FINITE_LOSS',
  );
  assert.equal(readFileSync(path), before);
  clf.setOptions({ warmStart: false, learningRateInit: 0.001, maxIter: 5 });
  assert.equal(clf.toBytes(), new Uint8Array(before), 'the model in memory is the one before the call');
});

if (isBun) {
  test('cli: a diverging run exits 1 naming the epoch and leaves the existing --out file untouched; --on-divergence warn saves the last finite model', () => {
    const out = join(dir, 'cli-existing.ffnn');
    saveModel(fitted, out);
    const before = readFileSync(out);
    const args = ['train', '--data', DATA.diverge, '--hidden', '8', '--max-iter', '200', '--batch-size', '10', '--lr', '10', '--momentum', '0.9', '--out', out];
    const r = ffnn(args);
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /training diverged: the loss became 2\.04\d*e\+49 \(above 1e\+20\) in epoch 2; .*\[NON_FINITE_LOSS\]/);
    assert.equal(readFileSync(out), before);
    const w = ffnn([...args, '--on-divergence', 'warn']);
    assert.is(w.status, 0, w.stderr);
    assert.match(
      w.stderr,
      /warning: training diverged: the loss became 2\.04\d*e\+49 \(above 1e\+20\) in epoch 2; stopped and kept the weights from before that epoch/,
    );
    const saved = loadClassifier(out);
    assert.is(saved.nIter, 1);
    assert.ok(Array.from(saved.predictProba(divergeX).data).every(Number.isFinite));
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
