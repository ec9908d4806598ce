/**
 * The classWeight option: expanded to one weight per row as scikit-learn's
 * compute_sample_weight(class_weight, y), multiplied with sampleWeight. Whole training runs are
 * checked against live sklearn by the parity fixtures cw_*; here the expansion itself, against
 * values printed by sklearn 1.8.0 (tools/parity/.venv):
 *   from sklearn.utils.class_weight import compute_sample_weight as c
 *   c('balanced', [0,0,0,1,1,2,2,2,2,2,2]); c({0: 2, 2: 0.5}, [...same]);
 *   c('balanced', ['b','a','c','a','a','a','c']); c('balanced', np.array([[1,0,1],[0,0,1],[1,1,1],[0,0,1]]))
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classSampleWeights } from '../src/estimator/class-weight.ts';
import { FFNNClassifier, FFNNRegressor, FfnnError } from '../src/index.ts';
import { encodeTargets, fitEncoding, type TargetInput } from '../src/labels.ts';
import { sinData } from './helpers.ts';

const quiet = { onWarning: () => {}, log: () => {} } as const;

function expand(cw: Parameters<typeof classSampleWeights>[0], y: TargetInput): number[] {
  const enc = fitEncoding(y);
  return Array.from(classSampleWeights(cw, y, enc, encodeTargets(enc, y)));
}

function errorOf(fn: () => unknown): FfnnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FfnnError) return e;
    throw e;
  }
  throw new Error('expected an FfnnError');
}

test("expansion equals sklearn's compute_sample_weight (worked examples, exact)", () => {
  const y = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2];
  // balanced: n / (nClasses * count) = 11 / (3 * 3), 11 / (3 * 2), 11 / (3 * 6)
  assert.equal(expand('balanced', y), [...Array(3).fill(1.2222222222222223), ...Array(2).fill(1.8333333333333333), ...Array(6).fill(0.6111111111111112)]);
  // a map: classes it leaves out (1) weigh 1
  assert.equal(expand({ 0: 2, 2: 0.5 }, y), [2, 2, 2, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.equal(
    expand('balanced', ['b', 'a', 'c', 'a', 'a', 'a', 'c']),
    [2.3333333333333335, 0.5833333333333334, 1.1666666666666667, 0.5833333333333334, 0.5833333333333334, 0.5833333333333334, 1.1666666666666667],
  );
  // multilabel: balanced per column, then the product over columns (the all-ones column weighs 1)
  assert.equal(
    expand('balanced', [
      [1, 0, 1],
      [0, 0, 1],
      [1, 1, 1],
      [0, 0, 1],
    ]),
    [0.6666666666666666, 0.6666666666666666, 2, 0.6666666666666666],
  );
  // an empty map is uniform
  assert.equal(expand({}, [0, 1, 1]), [1, 1, 1]);
});

const X = sinData(30, 3);
const y = X.map((r) => (r[0] + r[1] > 0 ? 1 : 0));
const opts = { hiddenLayerSizes: [4], maxIter: 4, randomState: 0, ...quiet } as const;

test('classWeight trains exactly as sampleWeight = the expanded weights, and multiplies a given sampleWeight', () => {
  const cw = { 0: 3, 1: 0.5 };
  const expanded = y.map((c) => (c === 0 ? 3 : 0.5));
  const a = new FFNNClassifier({ ...opts, classWeight: cw }).fit(X, y);
  const b = new FFNNClassifier(opts).fit(X, y, { sampleWeight: expanded });
  assert.equal(Array.from(a.coefs[0].data), Array.from(b.coefs[0].data));
  const sw = X.map((_, i) => 0.25 + (i % 4) * 0.5);
  const c = new FFNNClassifier({ ...opts, classWeight: cw }).fit(X, y, { sampleWeight: sw });
  const d = new FFNNClassifier(opts).fit(X, y, { sampleWeight: expanded.map((w, i) => w * sw[i]) });
  assert.equal(Array.from(c.coefs[0].data), Array.from(d.coefs[0].data));
  assert.equal(c.lossCurve, d.lossCurve);
  // and it does change training: on unequal classes balanced is not the unweighted fit
  const uneven = X.map((r) => (r[0] > 0.4 ? 1 : 0));
  assert.ok(uneven.filter((c) => c === 1).length * 2 !== uneven.length);
  const plain = new FFNNClassifier(opts).fit(X, uneven);
  const balanced = new FFNNClassifier({ ...opts, classWeight: 'balanced' }).fit(X, uneven);
  assert.not.equal(Array.from(balanced.coefs[0].data), Array.from(plain.coefs[0].data));
});

test('invalid classWeight values are refused naming the option', () => {
  for (const bad of ['auto', [1, 2], { 0: -1 }, { 0: NaN }, { 0: '2' }, new Map([[0, 1]])]) {
    const e = errorOf(() => new FFNNClassifier({ ...opts, classWeight: bad as never }).fit(X, y));
    assert.is(e.code, 'INVALID_PARAM');
    assert.ok(e.message.startsWith('classWeight: expected '), e.message);
    assert.is(e.details.param, 'classWeight');
  }
});

test('a map naming a label that is not a class, while leaving a class out, is refused as sklearn does', () => {
  const e = errorOf(() => new FFNNClassifier({ ...opts, classWeight: { 0: 2, 5: 1 } }).fit(X, y));
  assert.is(e.code, 'INVALID_PARAM');
  assert.match(e.message, /^classWeight: the classes \[1\] are not in classWeight, which names "5"/);
  // naming every class plus a stray label is accepted (sklearn ignores the stray)
  new FFNNClassifier({ ...opts, classWeight: { 0: 2, 1: 1, 5: 1 } }).fit(X, y);
});

test('a regressor refuses classWeight; partialFit refuses balanced but takes a map', () => {
  const e = errorOf(() =>
    new FFNNRegressor({ ...opts, classWeight: 'balanced' }).fit(
      X,
      X.map((r) => r[0]),
    ),
  );
  assert.is(e.code, 'INVALID_PARAM');
  assert.match(e.message, /^classWeight: a regressor has no classes/);
  const p = errorOf(() => new FFNNClassifier({ ...opts, classWeight: 'balanced' }).partialFit(X, y, [0, 1]));
  assert.match(p.message, /^classWeight: 'balanced' is not supported by partialFit/);
  const clf = new FFNNClassifier({ ...opts, classWeight: { 0: 2 } }).partialFit(X, y, [0, 1]);
  const ref = new FFNNClassifier(opts).partialFit(X, y, [0, 1], { sampleWeight: y.map((c) => (c === 0 ? 2 : 1)) });
  assert.equal(Array.from(clf.coefs[0].data), Array.from(ref.coefs[0].data));
});

test('weights that all come to 0 are named as classWeight', () => {
  const e = errorOf(() => new FFNNClassifier({ ...opts, classWeight: { 0: 0, 1: 0 } }).fit(X, y));
  assert.is(e.code, 'INVALID_DATA');
  assert.match(e.message, /^classWeight: the weights sum to 0/);
});

test.run();
