/**
 * A classifier fitted on one class, as scikit-learn's MLPClassifier fits it (LabelBinarizer: the
 * target is one all-zero column, classes_ [c], output logistic): predict always gives c and
 * predictProba has two columns [1 - p, p], as sklearn's binary output. The numbers are checked
 * against scikit-learn in tools/parity (cases single_class_*); this file checks the behaviour
 * around them: labels, shapes, the model file, JSON, ONNX (onnxruntime-node), partialFit, score.
 */
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, type FFNNOptions, FfnnError, type FfnnWarning } from '../src/index.ts';
import { exportOnnx } from '../src/io/onnx.ts';

// X[i][j] = sin(1.3 i + 0.7 j) * (1 + 0.5 j), the parity data
const X = Array.from({ length: 20 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(1.3 * i + 0.7 * j) * (1 + 0.5 * j)));
const base: Partial<FFNNOptions> = { hiddenLayerSizes: [5], maxIter: 30, randomState: 0, learningRateInit: 0.01 };

function fitOne(label: number | string, options: Partial<FFNNOptions> = {}): { clf: FFNNClassifier; warnings: FfnnWarning[] } {
  const warnings: FfnnWarning[] = [];
  const clf = new FFNNClassifier({ ...base, ...options, onWarning: (w) => warnings.push(w) }).fit(
    X,
    X.map(() => label),
  );
  return { clf, warnings };
}

function expectCode(fn: () => unknown, code: string, re: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, FfnnError, (err as Error).message);
    assert.is((err as FfnnError).code, code, (err as Error).message);
    assert.match((err as Error).message, re);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

for (const label of [7, 'only'] as const) {
  test(`one class (${JSON.stringify(label)}): classes [c], binary kind, one output, predict always c`, () => {
    const { clf, warnings } = fitOne(label);
    assert.equal(clf.classes, [label]);
    assert.is(clf.targetKind, 'binary');
    assert.equal(clf.layerSizes, [3, 5, 1]);
    assert.equal(clf.outActivation, 'logistic');
    // no warning but maxIter's (sklearn: a ConvergenceWarning only)
    assert.equal(
      warnings.map((w) => w.code),
      ['CONVERGENCE'],
    );
    assert.equal(
      clf.predict(X),
      X.map(() => label),
    );
    assert.is(
      clf.score(
        X,
        X.map(() => label),
      ),
      1,
    );
  });
}

test('one class: predictProba is [1 - p, p] with p (trained towards 0) the output; predictLogProba its log', () => {
  const { clf } = fitOne(3);
  const p = clf.predictProba(X);
  assert.is(p.rows, X.length);
  assert.is(p.cols, 2);
  for (let r = 0; r < p.rows; r++) {
    // [1 - p, p] sums to 1 up to one rounding of 1 - p (2^-53)
    assert.ok(Math.abs(p.data[2 * r] + p.data[2 * r + 1] - 1) <= 2 ** -53, `row ${r} sums to 1`);
    // the target column is all zeros, so p falls below 0.5 within a few epochs of adam at 0.01
    assert.ok(p.data[2 * r + 1] < 0.5, `row ${r}: p ${p.data[2 * r + 1]}`);
  }
  const logP = clf.predictLogProba(X);
  assert.equal(
    Array.from(logP.data),
    Array.from(p.data, (v) => Math.log(v)),
  );
  // even where the output passes 0.5 the prediction is the one class: push p up by hand
  const pushed = FFNNClassifier.fromJSON(clf.toJSON());
  pushed.intercepts[pushed.intercepts.length - 1][0] = 50;
  assert.ok(pushed.predictProba(X).data[1] > 0.5);
  assert.equal(
    pushed.predict(X),
    X.map(() => 3),
  );
});

test('one class: the model file and JSON keep the class, the probabilities and the predictions', () => {
  const { clf } = fitOne('only');
  for (const [what, back] of [
    ['toBytes / fromBytes', FFNNClassifier.fromBytes(clf.toBytes())],
    ['toJSON / fromJSON', FFNNClassifier.fromJSON(JSON.parse(JSON.stringify(clf.toJSON())))],
  ] as const) {
    assert.equal(back.classes, ['only'], what);
    assert.is(back.targetKind, 'binary', what);
    // the files hold the exact float64 weights: equal, not close
    assert.equal(Array.from(back.predictProba(X).data), Array.from(clf.predictProba(X).data), what);
    assert.equal(back.predict(X), clf.predict(X), what);
  }
});

test('one class: a model document with no class or three binary classes is refused', () => {
  const { clf } = fitOne(1);
  const doc = clf.toJSON() as { target: { classes: unknown[] } };
  for (const classes of [[], [0, 1, 2]]) {
    const bad = JSON.parse(JSON.stringify(doc));
    bad.target.classes = classes;
    expectCode(() => FFNNClassifier.fromJSON(bad), 'MODEL_FORMAT', /.+/);
  }
});

for (const label of [4, 2.5, 'only'] as const) {
  test(`one class (${JSON.stringify(label)}): ONNX export runs in onnxruntime-node as predictProba and predict`, async () => {
    const { clf } = fitOne(label, { activation: 'tanh' });
    // push some outputs above 0.5 too (tanh units take both signs), so the label's gather sees both ArgMax results
    const pushed = FFNNClassifier.fromJSON(clf.toJSON());
    const L = pushed.intercepts.length - 1;
    // hidden unit 0 = tanh(x0), which takes both signs; the output = logistic(4 * unit 0)
    const units = pushed.layerSizes[1];
    for (let i = 0; i < 3; i++) pushed.coefs[0].data[i * units] = i === 0 ? 1 : 0;
    pushed.intercepts[0][0] = 0;
    pushed.intercepts[L][0] = 0;
    pushed.coefs[L].data.fill(0);
    pushed.coefs[L].data[0] = 4;
    const want = pushed.predictProba(X);
    assert.ok(want.data.some((v, i) => i % 2 === 1 && v > 0.5) && want.data.some((v, i) => i % 2 === 1 && v < 0.5), 'outputs on both sides of 0.5');
    const session = await ort.InferenceSession.create(exportOnnx(pushed, { dtype: 'float64' }));
    const out = await session.run({ X: new ort.Tensor('float64', Float64Array.from(X.flat()), [X.length, 3]) });
    await session.release();
    assert.equal(out.probabilities.dims, [X.length, 2]);
    // float64 graph: only the summation order differs from predictProba (onnx.test.ts: 1e-12)
    const got = out.probabilities.data as Float64Array;
    for (let i = 0; i < want.data.length; i++) assert.ok(Math.abs(got[i] - want.data[i]) <= 1e-12, `probabilities[${i}]`);
    const labels = Array.from(out.label.data as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v));
    assert.equal(
      labels,
      X.map(() => label),
    );
  });
}

test('one class: partialFit with classes [c], then more calls; a new label is UNKNOWN_LABEL', () => {
  const clf = new FFNNClassifier({ ...base, onWarning: () => {} });
  clf.partialFit(X.slice(0, 10), Array(10).fill('a'), ['a']);
  clf.partialFit(X.slice(10), Array(10).fill('a'));
  assert.equal(clf.classes, ['a']);
  assert.is(clf.nIter, 1);
  assert.equal(
    clf.predict(X),
    X.map(() => 'a'),
  );
  expectCode(() => clf.partialFit(X.slice(0, 2), ['a', 'b']), 'UNKNOWN_LABEL', /label "b" at index 1 is not one of the classes \["a"\]/);
  // classes may be repeated, not changed
  expectCode(() => clf.partialFit(X.slice(0, 2), ['a', 'a'], ['a', 'b']), 'INVALID_PARAM', /classes: \[a, b\] is not the same/);
});

test('one class: warmStart keeps the class set; score counts another label as wrong', () => {
  const { clf } = fitOne(1, { warmStart: true });
  expectCode(
    () =>
      clf.fit(
        X,
        X.map((_, i) => i % 2),
      ),
    'INVALID_DATA',
    /warmStart needs the same classes/,
  );
  assert.is(
    clf.score(
      X,
      X.map((_, i) => (i < 5 ? 0 : 1)),
    ),
    15 / 20,
  );
});

test('one class with early stopping: every validation score is 1 (sklearn: accuracy of predicting c)', () => {
  const { clf } = fitOne('c', { earlyStopping: true, validationFraction: 0.2, nIterNoChange: 3 });
  assert.ok(clf.validationScores!.length > 0);
  assert.ok(
    clf.validationScores!.every((s) => s === 1),
    `${clf.validationScores}`,
  );
  // no improvement after the first epoch: stops after nIterNoChange + 1 more epochs
  assert.is(clf.nIter, 5);
});

test.run();
