/** Bad input gets an FfnnError with a stable code and a message naming the parameter. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, FfnnError } from '../src/index.ts';
import { codeOf, sinData } from './helpers.ts';

const X = sinData(12);
const y = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2];
const quiet = { onWarning: () => {}, maxIter: 2, hiddenLayerSizes: [3], randomState: 0 };

function expectError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, FfnnError);
    assert.is((err as FfnnError).code, code, (err as Error).message);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

const BAD_OPTIONS: [Record<string, unknown>, RegExp][] = [
  [{ activation: 'swish' }, /activation: expected one of identity, linear, relu/],
  [{ solver: 'newton-cg' }, /solver: expected 'sgd', 'adam' or 'lbfgs', got "newton-cg"/],
  [{ hiddenLayerSizes: [4, 0] }, /hiddenLayerSizes/],
  [{ batchSize: 0 }, /batchSize: expected 'auto' or a whole number >= 1, got 0/],
  [{ batchSize: -5 }, /batchSize/],
  [{ learningRateInit: 0 }, /learningRateInit: expected a finite number > 0, got 0/],
  [{ learningRateInit: -0.1 }, /learningRateInit/],
  [{ alpha: -1 }, /alpha/],
  [{ momentum: 1.5 }, /momentum/],
  [{ beta1: 1 }, /beta1/],
  [{ validationFraction: 1 }, /validationFraction/],
  [{ maxIter: 0 }, /maxIter/],
  [{ nIterNoChange: 0 }, /nIterNoChange/],
  [{ learningRate: 'cosine' }, /learningRate: expected 'constant', 'invscaling' or 'adaptive'/],
  [{ loss: 'hinge' }, /loss: expected 'auto' or one of/],
  [{ init: 'orthogonal' }, /init: expected one of glorot, zero/],
  [{ init: { method: 'uniform', low: 1, high: 0 } }, /init/],
  [{ dtype: 'float16' }, /dtype/],
  [{ randomState: -3 }, /randomState/],
  [{ activation: ['relu', 'tanh'] }, /activation: expected one activation per hidden layer \(1\), got 2/],
];
for (const [opts, pattern] of BAD_OPTIONS) {
  test(`INVALID_PARAM for ${JSON.stringify(opts)}`, () => {
    expectError(() => new FFNNClassifier({ ...quiet, ...opts } as any).fit(X, y), 'INVALID_PARAM', pattern);
  });
}

test('unknown option names fail at construction', () => {
  expectError(() => new FFNNClassifier({ learningrate: 0.1 } as any), 'INVALID_PARAM', /unknown option "learningrate"; valid options are: hiddenLayerSizes/);
});

test('shape mismatch between X and y', () => {
  expectError(() => new FFNNClassifier(quiet).fit(X, y.slice(1)), 'SHAPE_MISMATCH', /y: expected 12 targets \(one per row of X\), got 11/);
});

test('ragged rows', () => {
  expectError(
    () => new FFNNClassifier(quiet).fit([[1, 2], [3]], [0, 1]),
    'SHAPE_MISMATCH',
    /ragged rows: expected every row to have 2 values .* got 1 in row 1/,
  );
});

test('NaN and Infinity in X', () => {
  expectError(
    () =>
      new FFNNClassifier(quiet).fit(
        [
          [1, NaN],
          [0, 1],
        ],
        [0, 1],
      ),
    'NON_FINITE_INPUT',
    /got NaN at row 0, column 1/,
  );
  expectError(
    () =>
      new FFNNClassifier(quiet).fit(
        [
          [1, 2],
          [Infinity, 1],
        ],
        [0, 1],
      ),
    'NON_FINITE_INPUT',
    /got Infinity at row 1, column 0/,
  );
});

test('strings in numeric columns', () => {
  expectError(
    () =>
      new FFNNClassifier(quiet).fit(
        [
          [1, '2' as any],
          [0, 1],
        ],
        [0, 1],
      ),
    'INVALID_DATA',
    /expected numbers, got string "2" at row 0, column 1/,
  );
});

test('empty data', () => {
  expectError(() => new FFNNClassifier(quiet).fit([], []), 'EMPTY_DATA', /X: expected at least one row/);
  expectError(() => new FFNNClassifier(quiet).fit([[], []], [0, 1]), 'EMPTY_DATA', /at least one feature/);
});

test('partialFit with no classes', () => {
  // a single class is a model (as sklearn's, single-class.test.ts); no class at all is not
  expectError(() => new FFNNClassifier(quiet).partialFit(X.slice(0, 2), [2, 2], []), 'INVALID_PARAM', /^classes: expected at least one class, got none/);
});

test('mixed label types', () => {
  expectError(() => new FFNNClassifier(quiet).fit(X.slice(0, 2), [1, 'a'] as any), 'INVALID_DATA', /labels of one type/);
});

test('wrong number of features at predict', () => {
  const clf = new FFNNClassifier(quiet).fit(X, y);
  expectError(() => clf.predict([[1, 2]]), 'SHAPE_MISMATCH', /the model expects 3 features per row, got 2/);
  expectError(() => clf.predictProba([[1, 2, 3, 4]]), 'SHAPE_MISMATCH', /expects 3 features/);
});

test('fitted attributes before fit', () => {
  const clf = new FFNNClassifier(quiet);
  for (const read of [() => clf.coefs, () => clf.lossCurve, () => clf.nIter, () => clf.classes, () => clf.predict(X), () => clf.toJSON()]) {
    assert.is(codeOf(read), 'NOT_FITTED');
  }
});

test('labels unseen in training count as wrong in score (as sklearn), and partialFit needs classes', () => {
  const clf = new FFNNClassifier(quiet).fit(X, y);
  const predicted = clf.predict(X) as number[];
  assert.is(
    clf.score(
      X,
      y.map((v) => v + 5),
    ),
    0,
  );
  // half of the rows keep a label the model predicts, half get one it never saw
  const mixed = predicted.map((p, i) => (i % 2 === 0 ? p : 99));
  assert.is(clf.score(X, mixed), Math.ceil(X.length / 2) / X.length);
  expectError(() => clf.score(X, y.map(() => null) as never), 'INVALID_DATA', /expected number or string labels, got null/);
  const inc = new FFNNClassifier({ ...quiet, solver: 'sgd' });
  expectError(() => inc.partialFit(X, y), 'INVALID_PARAM', /classes: the first call to partialFit needs/);
});

test('a loss that turns non-finite stops training, names the epoch, and leaves no fitted model', () => {
  const big = X.map((r) => r.map((v) => v * 1e150));
  const clf = new FFNNClassifier({ ...quiet, solver: 'sgd', learningRateInit: 10, momentum: 0, maxIter: 50 });
  expectError(() => clf.fit(big, y), 'NON_FINITE_LOSS', /the loss became (NaN|Infinity) in epoch \d+/);
  assert.is(clf.isFitted, false);
  assert.is(
    codeOf(() => clf.coefs),
    'NOT_FITTED',
  );
});

test('a failed warm-start fit leaves the previous weights in place', () => {
  const clf = new FFNNClassifier({ ...quiet, solver: 'sgd', momentum: 0 }).fit(X, y);
  const before = clf.coefs.map((c) => Array.from(c.data));
  clf.setOptions({ warmStart: true, learningRateInit: 10, maxIter: 50 });
  const big = X.map((r) => r.map((v) => v * 1e150));
  assert.is(
    codeOf(() => clf.fit(big, y)),
    'NON_FINITE_LOSS',
  );
  assert.equal(
    clf.coefs.map((c) => Array.from(c.data)),
    before,
  );
});

test.run();
