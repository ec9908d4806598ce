/**
 * scikit-learn 1.8.0's sklearn/neural_network/tests/test_mlp.py, ported to ffnn: every test
 * function of that file is either ported here under its own name (one uvu test per pytest
 * parametrization, named `test_x[param]` as pytest names them) or listed below as not applicable.
 * test_mlp.py has 42 test functions; 41 are ported, 1 does not apply. None is skipped.
 *
 * Not applicable (Python mechanics only):
 *   - test_sparse_matrices[csr_matrix|csr_array]: checks scipy.sparse CSR input gives the same
 *     predictions as dense input. ffnn has no sparse matrix type (X is dense rows, object rows or a
 *     dense {rows, cols, data}), so there is nothing to compare.
 *
 * Ported with ffnn's equivalent of a Python mechanism (the assertion itself is unchanged):
 *   - test_mlp_loading_from_joblib_partial_fit: joblib.dump/load becomes ffnn's own persistence,
 *     toBytes/fromBytes (the model file), which is what the non-regression test is about.
 *   - test_preserve_feature_names: a pandas DataFrame becomes object rows (ffnn's named columns);
 *     "no UserWarning" becomes "no ffnn warning and no error".
 *   - test_verbose_sgd: capsys becomes capturing console.log (verbose's default output).
 *   - test_partial_fit_errors: `not hasattr(MLPClassifier(solver="lbfgs"), "partial_fit")`: ffnn
 *     has one class for every solver, so partialFit exists and refuses lbfgs with INVALID_PARAM.
 *   - pytest.warns(ConvergenceWarning) is a CONVERGENCE FfnnWarning seen by onWarning;
 *     pytest.raises(ValueError, match=...) is an FfnnError whose message says the same thing in
 *     ffnn's words (each test names what it matches).
 *   - sklearn's tests read private attributes (`_optimizer.learning_rate`, `_no_improvement_count`,
 *     `_loss_grad_lbfgs`); the port reads ffnn's private equivalents the same way (`internals`).
 *
 * Data: fixtures/sklearn-test-mlp.json, written by tools/parity/sklearn_test_mlp_data.py in the
 * parity venv (scikit-learn 1.8.0): digits, iris, make_regression and
 * make_multilabel_classification exactly as test_mlp.py builds them. Two references are computed
 * by scikit-learn itself: PoissonRegressor's prediction in test_mlp_vs_poisson_glm_equivalent
 * (global_random_seed 42, sklearn's default), compared with sklearn's own rtol 1e-4 (the MLP and
 * the GLM are different optimizers converging to the same minimum, tol 1e-7); and MLPRegressor's
 * own run of test_mlp_diverging_loss, whose curves ffnn's must equal (rtol 1e-9, the parity
 * tolerance; reason at the test). Every other tolerance is the one test_mlp.py states
 * (assert_almost_equal's decimal d means |diff| < 1.5 * 10^-d; assert_allclose's default rtol is 1e-7).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { FittedModel } from '../src/estimator/fitted-state.ts';
import { FFNNClassifier, type FFNNOptions, FFNNRegressor, FfnnError, type FfnnWarning, LOSSES, type Matrix, RandomState } from '../src/index.ts';
import { ROOT } from './helpers.ts';

const FIX = JSON.parse(readFileSync(join(ROOT, 'fixtures/sklearn-test-mlp.json'), 'utf8'));
const D = FIX.data;

type Rows = number[][];
const X_digits_multi: Rows = D.X_digits_multi;
const y_digits_multi: number[] = D.y_digits_multi;
const X_digits_binary: Rows = D.X_digits_binary;
const y_digits_binary: number[] = D.y_digits_binary;
const X_digits: Rows = D.X_digits; // load_digits(n_class=2), unscaled, as test_mlp.py leaves it
const y_digits: number[] = D.y_digits;
const X_reg: Rows = D.X_reg;
const y_reg: number[] = D.y_reg;
const X_iris: Rows = D.X_iris;
const y_iris: number[] = D.y_iris;

const ACTIVATION_TYPES = ['identity', 'logistic', 'tanh', 'relu'] as const;
const classification_datasets: [string, Rows, number[]][] = [
  ['X_digits_multi-y_digits_multi', X_digits_multi, y_digits_multi],
  ['X_digits_binary-y_digits_binary', X_digits_binary, y_digits_binary],
];
const ESTIMATORS = [
  ['MLPClassifier', FFNNClassifier],
  ['MLPRegressor', FFNNRegressor],
] as const;
type Estimator = FFNNClassifier | FFNNRegressor;

/** Warnings collected instead of printed (sklearn's ignore_warnings / pytest.warns). */
function collector(): { warnings: FfnnWarning[]; onWarning: (w: FfnnWarning) => void } {
  const warnings: FfnnWarning[] = [];
  return { warnings, onWarning: (w) => warnings.push(w) };
}
const quiet = { onWarning: () => {} };

/** sklearn's tests read private attributes; these are ffnn's (the fitted model and its optimizer). */
const internals = (est: Estimator): FittedModel => (est as unknown as { model: FittedModel }).model;

/** assert_almost_equal(actual, desired, decimal): |actual - desired| < 1.5 * 10^-decimal. */
function almostEqual(actual: ArrayLike<number>, desired: ArrayLike<number>, decimal: number, what: string): void {
  assert.is(actual.length, desired.length, `${what}: length`);
  const bound = 1.5 * 10 ** -decimal;
  for (let i = 0; i < desired.length; i++) {
    const d = Math.abs(actual[i] - desired[i]);
    assert.ok(d < bound, `${what}[${i}]: ${actual[i]} vs ${desired[i]} (|diff| ${d} >= ${bound})`);
  }
}

/** assert_allclose(actual, desired, rtol, atol): |actual - desired| <= atol + rtol * |desired|. */
function allclose(actual: ArrayLike<number>, desired: ArrayLike<number>, rtol = 1e-7, atol = 0, what = 'array'): void {
  assert.is(actual.length, desired.length, `${what}: length`);
  for (let i = 0; i < desired.length; i++) {
    const d = Math.abs(actual[i] - desired[i]);
    assert.ok(d <= atol + rtol * Math.abs(desired[i]), `${what}[${i}]: ${actual[i]} vs ${desired[i]} (|diff| ${d}, rtol ${rtol}, atol ${atol})`);
  }
}

/** np.allclose(a, b, rtol) with numpy's default atol 1e-8. */
function npAllclose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number): boolean {
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i] - b[i]) <= 1e-8 + rtol * Math.abs(b[i]))) return false;
  return true;
}

const sumAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + Math.abs(v), 0);
const argmaxRows = (m: Matrix): number[] =>
  Array.from({ length: m.rows }, (_, r) => {
    let best = 0;
    for (let j = 1; j < m.cols; j++) if (m.data[r * m.cols + j] > m.data[r * m.cols + best]) best = j;
    return best;
  });
const sameArray = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);
const flatCoefs0 = (e: Estimator) => Array.from(e.coefs[0].data);

/** sklearn's roc_auc_score for binary y and scores (ties count one half). */
function rocAuc(y: number[], score: ArrayLike<number>): number {
  const pos = y.flatMap((v, i) => (v === 1 ? [score[i]] : []));
  const neg = y.flatMap((v, i) => (v === 1 ? [] : [score[i]]));
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

/** A float32 matrix: X.astype(np.float32) (ffnn keeps a Float32Array X in float32, as sklearn). */
const f32 = (X: Rows): Matrix => ({ rows: X.length, cols: X[0].length, data: Float32Array.from(X.flat()) });

/** pytest.raises(ValueError, match=re): an FfnnError whose message matches. */
function raises(fn: () => unknown, re: RegExp, what: string): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, FfnnError, `${what}: ${(err as Error).message}`);
    assert.match((err as Error).message, re, what);
    return;
  }
  assert.unreachable(`${what}: no error`);
}

/**
 * uvu's report reads `err.details` as a string and FfnnError's is an object: an FfnnError escaping
 * a test would end the whole run at that test. Each test reports it as a plain Error instead.
 */
function guard(fn: () => void): () => void {
  return () => {
    try {
      fn();
    } catch (err) {
      if (err instanceof FfnnError) throw new Error(`FfnnError ${err.code}: ${err.message}`);
      throw err;
    }
  };
}
const test = Object.assign((name: string, fn: () => void) => uvuTest(name, guard(fn)), {
  skip: (name: string, fn: () => void) => uvuTest.skip(name, guard(fn)),
  run: () => uvuTest.run(),
});

// ---------------------------------------------------------------------------------------------

test('test_alpha', () => {
  // larger alpha yields weights closer to zero
  const X = X_digits_binary.slice(0, 100);
  const y = y_digits_binary.slice(0, 100);
  const alphaVectors = [0, 1].map((alpha) => {
    const mlp = new FFNNClassifier({ hiddenLayerSizes: 10, alpha, randomState: 1, ...quiet }).fit(X, y);
    return [sumAbs(mlp.coefs[0].data), sumAbs(mlp.coefs[1].data)];
  });
  for (let i = 0; i < alphaVectors.length - 1; i++)
    assert.ok(
      alphaVectors[i].every((v, j) => v > alphaVectors[i + 1][j]),
      `${alphaVectors}`,
    );
});

test('test_fit', () => {
  // the algorithm's solution equals a worked-out example
  const X = [[0.6, 0.8, 0.7]];
  const y = [0];
  const options: Partial<FFNNOptions> = {
    solver: 'sgd',
    learningRateInit: 0.1,
    alpha: 0.1,
    activation: 'logistic',
    randomState: 1,
    maxIter: 1,
    hiddenLayerSizes: 2,
    momentum: 0,
    ...quiet,
  };
  // sklearn assigns coefs_ and intercepts_ by hand and fresh optimizer state; ffnn: build the
  // network, set its weights, and reload it through the model document (no optimizer state)
  const shaped = new FFNNClassifier(options).partialFit(X, y, [0, 1]);
  shaped.coefs[0].data.set([0.1, 0.2, 0.3, 0.1, 0.5, 0]);
  shaped.coefs[1].data.set([0.1, 0.2]);
  shaped.intercepts[0].set([0.1, 0.1]);
  shaped.intercepts[1].set([1.0]);
  const mlp = FFNNClassifier.fromJSON(shaped.toJSON()).setOptions(options);
  assert.equal(Array.from(mlp.coefs[0].data), [0.1, 0.2, 0.3, 0.1, 0.5, 0]);
  mlp.partialFit(X, y, [0, 1]);
  almostEqual(mlp.coefs[0].data, [0.098, 0.195756, 0.2956664, 0.096008, 0.4939998, -0.002244], 3, 'coefs[0]');
  almostEqual(mlp.coefs[1].data, [0.04706, 0.154089], 3, 'coefs[1]');
  almostEqual(mlp.intercepts[0], [0.098333, 0.09626], 3, 'intercepts[0]');
  almostEqual(mlp.intercepts[1], [0.9235], 3, 'intercepts[1]');
  almostEqual([mlp.predictProba(X).data[1]], [0.739], 3, 'predict_proba');
});

test('test_gradient', () => {
  // the analytic gradient (sklearn: _loss_grad_lbfgs; ffnn: the network's forwardBackward, which
  // lbfgs minimises) is close to central differences of the loss
  for (const nLabels of [2, 3]) {
    const nSamples = 5;
    const nFeatures = 10;
    const X = Array.from({ length: nSamples }, () => [] as number[]);
    const flat = new RandomState(42).randomSample(nSamples * nFeatures); // np.random.RandomState(42).rand(5, 10)
    for (let i = 0; i < nSamples; i++) X[i] = Array.from(flat.subarray(i * nFeatures, (i + 1) * nFeatures));
    const y = Array.from({ length: nSamples }, (_, i) => 1 + ((i + 1) % nLabels));
    // LabelBinarizer().fit_transform(y): one column for two classes, else one per class
    const classes = [...new Set(y)].sort();
    const nOut = classes.length === 2 ? 1 : classes.length;
    const Y = new Float64Array(nSamples * nOut);
    y.forEach((v, i) => {
      if (nOut === 1) Y[i] = v === classes[1] ? 1 : 0;
      else Y[i * nOut + classes.indexOf(v)] = 1;
    });
    for (const activation of ACTIVATION_TYPES) {
      const mlp = new FFNNClassifier({
        activation,
        hiddenLayerSizes: 10,
        solver: 'lbfgs',
        alpha: 1e-5,
        learningRateInit: 0.2,
        maxIter: 1,
        randomState: 1,
        ...quiet,
      }).fit(X, y);
      const { net, state } = internals(mlp);
      const params = net.params;
      const theta = params.flatMap((p) => Array.from(p));
      const idx = Int32Array.from({ length: nSamples }, (_, i) => i);
      const Xf = Float64Array.from(X.flat());
      net.reserve(nSamples);
      const lossGrad = (t: number[]): [number, number[]] => {
        let k = 0;
        for (const p of params) for (let i = 0; i < p.length; i++) p[i] = t[k++];
        net.gatherBatch(Xf, Y, idx, 0, nSamples);
        const value = net.forwardBackward(nSamples, LOSSES[state.lossName], 1e-5, 0);
        return [value, net.grads.flatMap((g) => Array.from(g))];
      };
      const [, grad] = lossGrad(theta);
      const eps = 1e-5;
      const numgrad = theta.map((_, i) => {
        const up = theta.slice();
        const down = theta.slice();
        up[i] += eps;
        down[i] -= eps;
        return (lossGrad(up)[0] - lossGrad(down)[0]) / (eps * 2);
      });
      almostEqual(numgrad, grad, 7, `n_labels ${nLabels} ${activation}: gradient`);
    }
  }
});

for (const [name, X, y] of classification_datasets) {
  test(`test_lbfgs_classification[${name}]`, () => {
    const XTrain = X.slice(0, 150);
    const yTrain = y.slice(0, 150);
    const XTest = X.slice(150);
    for (const activation of ACTIVATION_TYPES) {
      const mlp = new FFNNClassifier({ solver: 'lbfgs', hiddenLayerSizes: 50, maxIter: 150, shuffle: true, randomState: 1, activation, ...quiet }).fit(
        XTrain,
        yTrain,
      );
      const yPredict = mlp.predict(XTest) as number[];
      const score = mlp.score(XTrain, yTrain);
      assert.ok(score > 0.95, `${activation}: score ${score}`);
      // (shape[0], dtype.kind) == (n_test, 'i'): one integer label per row, as y_train's
      assert.is(yPredict.length, XTest.length);
      assert.ok(
        yPredict.every((v) => Number.isInteger(v)),
        `${activation}: labels are integers`,
      );
    }
  });
}

test('test_lbfgs_regression[X_reg-y_reg]', () => {
  for (const activation of ACTIVATION_TYPES) {
    const mlp = new FFNNRegressor({ solver: 'lbfgs', hiddenLayerSizes: 50, maxIter: 200, tol: 1e-3, shuffle: true, randomState: 1, activation, ...quiet }).fit(
      X_reg,
      y_reg,
    );
    const score = mlp.score(X_reg, y_reg);
    // non-linear models do much better than the linear bottleneck
    assert.ok(activation === 'identity' ? score > 0.8 : score > 0.98, `${activation}: score ${score}`);
  }
});

for (const [name, X, y] of classification_datasets) {
  test(`test_lbfgs_classification_maxfun[${name}]`, () => {
    const maxFun = 10;
    for (const activation of ACTIVATION_TYPES) {
      const w = collector();
      const mlp = new FFNNClassifier({
        solver: 'lbfgs',
        hiddenLayerSizes: 50,
        maxIter: 150,
        maxFun,
        shuffle: true,
        randomState: 1,
        activation,
        onWarning: w.onWarning,
      }).fit(X, y);
      assert.ok(
        w.warnings.some((x) => x.code === 'CONVERGENCE'),
        `${activation}: ConvergenceWarning`,
      );
      assert.ok(maxFun >= mlp.nIter, `${activation}: nIter ${mlp.nIter}`);
    }
  });
}

test('test_lbfgs_regression_maxfun[X_reg-y_reg]', () => {
  const maxFun = 10;
  for (const activation of ACTIVATION_TYPES) {
    const w = collector();
    const mlp = new FFNNRegressor({
      solver: 'lbfgs',
      hiddenLayerSizes: 50,
      tol: 0,
      maxIter: 150,
      maxFun,
      shuffle: true,
      randomState: 1,
      activation,
      onWarning: w.onWarning,
    }).fit(X_reg, y_reg);
    assert.ok(
      w.warnings.some((x) => x.code === 'CONVERGENCE'),
      `${activation}: ConvergenceWarning`,
    );
    assert.ok(maxFun >= mlp.nIter, `${activation}: nIter ${mlp.nIter}`);
  }
});

test('test_learning_rate_warmstart', () => {
  // warm_start reuses past solutions
  const X = [
    [3, 2],
    [1, 6],
    [5, 6],
    [-2, -4],
  ];
  const y = [1, 1, 1, 0];
  for (const learningRate of ['invscaling', 'constant'] as const) {
    const mlp = new FFNNClassifier({ solver: 'sgd', hiddenLayerSizes: 4, learningRate, maxIter: 1, powerT: 0.25, warmStart: true, ...quiet });
    mlp.fit(X, y);
    const prevEta = internals(mlp).optimizer!.learningRate;
    mlp.fit(X, y);
    const postEta = internals(mlp).optimizer!.learningRate;
    if (learningRate === 'constant') assert.is(prevEta, postEta);
    else assert.is(mlp.getParams().learningRateInit / (8 + 1) ** mlp.getParams().powerT, postEta);
  }
});

test('test_multilabel_classification', () => {
  const X: Rows = D.multilabel.X;
  const y: Rows = D.multilabel.Y;
  let mlp = new FFNNClassifier({
    solver: 'lbfgs',
    hiddenLayerSizes: 50,
    alpha: 1e-5,
    maxIter: 150,
    randomState: 0,
    activation: 'logistic',
    learningRateInit: 0.2,
    ...quiet,
  }).fit(X, y);
  assert.ok(mlp.score(X, y) > 0.97, `lbfgs score ${mlp.score(X, y)}`);
  // partial fit
  mlp = new FFNNClassifier({
    solver: 'sgd',
    hiddenLayerSizes: 50,
    maxIter: 150,
    randomState: 0,
    activation: 'logistic',
    alpha: 1e-5,
    learningRateInit: 0.2,
    ...quiet,
  });
  for (let i = 0; i < 100; i++) mlp.partialFit(X, y, [0, 1, 2, 3, 4]);
  assert.ok(mlp.score(X, y) > 0.9, `partialFit score ${mlp.score(X, y)}`);
  // early stopping still works (the stratified split is disabled for multilabel)
  new FFNNClassifier({ earlyStopping: true, ...quiet }).fit(X, y).predict(X);
});

test('test_multioutput_regression', () => {
  const X: Rows = D.multioutput.X;
  const y: Rows = D.multioutput.Y;
  const mlp = new FFNNRegressor({ solver: 'lbfgs', hiddenLayerSizes: 50, maxIter: 200, tol: 1e-2, randomState: 1, ...quiet }).fit(X, y);
  assert.ok(mlp.score(X, y) > 0.9, `score ${mlp.score(X, y)}`);
});

test('test_partial_fit_classes_error', () => {
  // passing different classes to partialFit raises an error
  const X = [[3, 2]];
  const y = [0];
  const clf = new FFNNClassifier({ solver: 'sgd', ...quiet });
  clf.partialFit(X, y, [0, 1]);
  raises(() => clf.partialFit(X, y, [1, 2]), /classes: \[1, 2\] is not the same as in the first call/, 'changed classes');
});

test('test_partial_fit_classification', () => {
  // partialFit yields the same results as fit, binary and multiclass
  for (const [name, X, y] of classification_datasets) {
    let mlp = new FFNNClassifier({ solver: 'sgd', maxIter: 100, randomState: 1, tol: 0, alpha: 1e-5, learningRateInit: 0.2, ...quiet }).fit(X, y);
    const pred1 = mlp.predict(X);
    mlp = new FFNNClassifier({ solver: 'sgd', randomState: 1, alpha: 1e-5, learningRateInit: 0.2, ...quiet });
    const classes = [...new Set(y)].sort((a, b) => a - b);
    for (let i = 0; i < 100; i++) mlp.partialFit(X, y, classes);
    const pred2 = mlp.predict(X);
    assert.equal(pred1, pred2, name);
    assert.ok(mlp.score(X, y) > 0.95, `${name}: score ${mlp.score(X, y)}`);
  }
});

test('test_partial_fit_unseen_classes', () => {
  // non-regression test for sklearn bug 6994: labelling errors in partial fit
  const clf = new FFNNClassifier({ randomState: 0, ...quiet });
  clf.partialFit([[1], [2], [3]], ['a', 'b', 'c'], ['a', 'b', 'c', 'd']);
  clf.partialFit([[4]], ['d']);
  assert.ok(clf.score([[1], [2], [3], [4]], ['a', 'b', 'c', 'd']) > 0);
});

test('test_partial_fit_regression', () => {
  // partialFit yields the same results as fit for regression
  for (const momentum of [0, 0.9]) {
    let mlp = new FFNNRegressor({
      solver: 'sgd',
      maxIter: 100,
      activation: 'relu',
      randomState: 1,
      learningRateInit: 0.01,
      batchSize: X_reg.length,
      momentum,
      ...quiet,
    }).fit(X_reg, y_reg);
    const pred1 = mlp.predict(X_reg) as number[];
    mlp = new FFNNRegressor({ solver: 'sgd', activation: 'relu', learningRateInit: 0.01, randomState: 1, batchSize: X_reg.length, momentum, ...quiet });
    for (let i = 0; i < 100; i++) mlp.partialFit(X_reg, y_reg);
    const pred2 = mlp.predict(X_reg) as number[];
    allclose(pred1, pred2, 1e-7, 0, `momentum ${momentum}: predictions`);
    const score = mlp.score(X_reg, y_reg);
    assert.ok(score > 0.65, `momentum ${momentum}: score ${score}`);
  }
});

test('test_partial_fit_errors', () => {
  const X = [
    [3, 2],
    [1, 6],
  ];
  const y = [1, 0];
  // classes that do not hold y's labels
  raises(() => new FFNNClassifier({ solver: 'sgd', ...quiet }).partialFit(X, y, [2]), /./, 'classes=[2]');
  // lbfgs does not support partialFit (sklearn: the method is absent; ffnn: it refuses)
  raises(
    () => new FFNNClassifier({ solver: 'lbfgs', ...quiet }).partialFit(X, y, [0, 1]),
    /partialFit is only available for the stochastic solvers/,
    'lbfgs partialFit',
  );
});

test('test_nonfinite_params', () => {
  // FFNNRegressor refuses to end with non-finite weights (huge inputs overflow)
  const clf = new FFNNRegressor({ ...quiet });
  // sklearn: "Solver produced non-finite parameter weights. The input data may contain large values
  // and need to be preprocessed."; ffnn: NON_FINITE_LOSS "training diverged: ... scale the inputs"
  try {
    clf.fit(D.nonfinite.X, D.nonfinite.y);
    assert.unreachable('no error');
  } catch (err) {
    assert.instance(err, FfnnError, (err as Error).message);
    assert.is((err as FfnnError).code, 'NON_FINITE_LOSS');
    assert.match((err as Error).message, /scale the inputs/);
  }
});

test('test_predict_proba_binary', () => {
  const X = X_digits_binary.slice(0, 50);
  const y = y_digits_binary.slice(0, 50);
  const clf = new FFNNClassifier({ hiddenLayerSizes: 5, activation: 'logistic', randomState: 1, ...quiet }).fit(X, y);
  const yProba = clf.predictProba(X);
  const yLogProba = clf.predictLogProba(X);
  assert.equal([yProba.rows, yProba.cols], [y.length, 2]);
  assert.equal(argmaxRows(yProba), argmaxRows(yLogProba));
  allclose(yLogProba.data, Array.from(yProba.data, Math.log), 1e-7, 0, 'log proba');
  assert.is(
    rocAuc(
      y,
      Array.from({ length: y.length }, (_, i) => yProba.data[i * 2 + 1]),
    ),
    1.0,
  );
});

test('test_predict_proba_multiclass', () => {
  const X = X_digits_multi.slice(0, 10);
  const y = y_digits_multi.slice(0, 10);
  const clf = new FFNNClassifier({ hiddenLayerSizes: 5, ...quiet }).fit(X, y);
  const yProba = clf.predictProba(X);
  const yLogProba = clf.predictLogProba(X);
  assert.equal([yProba.rows, yProba.cols], [y.length, new Set(y).size]);
  assert.equal(argmaxRows(yProba), argmaxRows(yLogProba));
  allclose(yLogProba.data, Array.from(yProba.data, Math.log), 1e-7, 0, 'log proba');
});

test('test_predict_proba_multilabel', () => {
  // multilabel does not use softmax: the probabilities do not sum to 1
  const X: Rows = D.multilabel.X;
  const Y: Rows = D.multilabel.Y;
  const clf = new FFNNClassifier({ solver: 'lbfgs', hiddenLayerSizes: 30, randomState: 0, ...quiet }).fit(X, Y);
  const yProba = clf.predictProba(X);
  assert.equal([yProba.rows, yProba.cols], [Y.length, Y[0].length]);
  assert.equal(
    Array.from(yProba.data, (p) => (p > 0.5 ? 1 : 0)),
    Y.flat(),
  );
  const yLogProba = clf.predictLogProba(X);
  let dot = 0;
  for (let r = 0; r < yProba.rows; r++) {
    let s = 0;
    for (let j = 0; j < yProba.cols; j++) s += yProba.data[r * yProba.cols + j];
    dot += (s - 1) * (s - 1);
  }
  assert.ok(dot > 1e-10, `(sum - 1) . (sum - 1) = ${dot}`);
  assert.equal(argmaxRows(yProba), argmaxRows(yLogProba));
  allclose(yLogProba.data, Array.from(yProba.data, Math.log), 1e-7, 0, 'log proba');
});

test('test_shuffle', () => {
  // the shuffle parameter affects training
  const X: Rows = D.shuffle.X;
  const y: number[] = D.shuffle.y;
  const opts = { hiddenLayerSizes: 1, maxIter: 1, batchSize: 1, randomState: 0, ...quiet } as const;
  // identical coefficients when both do or both do not shuffle
  for (const shuffle of [true, false]) {
    const mlp1 = new FFNNRegressor({ ...opts, shuffle }).fit(X, y);
    const mlp2 = new FFNNRegressor({ ...opts, shuffle }).fit(X, y);
    assert.ok(sameArray(flatCoefs0(mlp1), flatCoefs0(mlp2)), `shuffle ${shuffle}`);
  }
  // different ones when only one shuffles
  const mlp1 = new FFNNRegressor({ ...opts, shuffle: true }).fit(X, y);
  const mlp2 = new FFNNRegressor({ ...opts, shuffle: false }).fit(X, y);
  assert.not.ok(sameArray(flatCoefs0(mlp1), flatCoefs0(mlp2)));
});

test('test_tolerance', () => {
  // tol ends the loop once converged
  const clf = new FFNNClassifier({ tol: 0.5, maxIter: 3000, solver: 'sgd', ...quiet }).fit(
    [
      [3, 2],
      [1, 6],
    ],
    [1, 0],
  );
  assert.ok(clf.getParams().maxIter > clf.nIter, `nIter ${clf.nIter}`);
});

test('test_verbose_sgd', () => {
  const X = [
    [3, 2],
    [1, 6],
  ];
  const y = [1, 0];
  const clf = new FFNNClassifier({ solver: 'sgd', maxIter: 2, verbose: 10, hiddenLayerSizes: 2, ...quiet });
  // capsys: what verbose prints to stdout (console.log, its default destination)
  const out: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void out.push(args.join(' '));
  try {
    clf.fit(X, y);
    clf.partialFit(X, y);
  } finally {
    console.log = log;
  }
  assert.ok(out.join('\n').includes('Iteration'), out.join('\n'));
});

for (const [name, Est] of ESTIMATORS) {
  test(`test_early_stopping[${name}]`, () => {
    const X = X_digits_binary.slice(0, 100);
    const y = y_digits_binary.slice(0, 100);
    const tol = 0.2;
    let mlp: Estimator = new Est({ tol, maxIter: 3000, solver: 'sgd', earlyStopping: true, ...quiet }).fit(X, y);
    assert.ok(3000 > mlp.nIter, `nIter ${mlp.nIter}`);
    assert.is(mlp.bestLoss, null);
    assert.ok(Array.isArray(mlp.validationScores));
    const validScores = mlp.validationScores!;
    const bestValidScore = mlp.bestValidationScore!;
    assert.is(Math.max(...validScores), bestValidScore);
    assert.ok(bestValidScore + tol > validScores[validScores.length - 2]);
    assert.ok(bestValidScore + tol > validScores[validScores.length - 1]);
    // validationScores and bestValidationScore are null without early stopping
    mlp = new Est({ tol, maxIter: 3000, solver: 'sgd', earlyStopping: false, ...quiet }).fit(X, y);
    assert.is(mlp.validationScores, null);
    assert.is(mlp.bestValidationScore, null);
    assert.is.not(mlp.bestLoss, null);
  });
}

test('test_adaptive_learning_rate', () => {
  const clf = new FFNNClassifier({ tol: 0.5, maxIter: 3000, solver: 'sgd', learningRate: 'adaptive', ...quiet }).fit(
    [
      [3, 2],
      [1, 6],
    ],
    [1, 0],
  );
  assert.ok(3000 > clf.nIter, `nIter ${clf.nIter}`);
  const lr = internals(clf).optimizer!.learningRate;
  assert.ok(1e-6 > lr, `learning rate ${lr}`);
});

test('test_warm_start', () => {
  const X = X_iris;
  const y = y_iris;
  const rep = (parts: [number, number][]) => parts.flatMap(([label, n]) => Array(n).fill(label) as number[]);
  const y2 = rep([
    [0, 75],
    [1, 75],
  ]);
  const y3 = rep([
    [0, 40],
    [1, 40],
    [2, 70],
  ]);
  const y3alt = rep([
    [0, 50],
    [1, 50],
    [3, 50],
  ]);
  const y4 = rep([
    [0, 37],
    [1, 37],
    [2, 38],
    [3, 38],
  ]);
  const y5 = rep([
    [0, 30],
    [1, 30],
    [2, 30],
    [3, 30],
    [4, 30],
  ]);
  const opts = { hiddenLayerSizes: 2, solver: 'lbfgs', warmStart: true, randomState: 42, tol: 1e-2, ...quiet } as const;
  // no error
  const clf = new FFNNClassifier(opts).fit(X, y);
  clf.fit(X, y);
  clf.fit(X, y3);
  for (const yi of [y2, y3alt, y4, y5]) {
    const c = new FFNNClassifier(opts).fit(X, y);
    const got = [...new Set(yi)].sort((a, b) => a - b).join(', ');
    // sklearn: "warm_start can only be used where `y` has the same classes as in the previous call
    // to fit. Previously got [0 1 2], `y` has [...]"
    raises(() => c.fit(X, yi), new RegExp(`warmStart needs the same classes as the previous fit \\(\\[0, 1, 2\\]\\), got \\[${got}\\]`), `classes ${got}`);
  }
});

for (const [name, Est] of ESTIMATORS) {
  test(`test_warm_start_full_iteration[${name}]`, () => {
    // sklearn #16812: a warm-started estimator runs maxIter epochs
    const maxIter = 3;
    const clf: Estimator = new Est({ hiddenLayerSizes: 2, solver: 'sgd', warmStart: true, maxIter, ...quiet });
    clf.fit(X_iris, y_iris);
    assert.is(clf.nIter, maxIter);
    clf.fit(X_iris, y_iris);
    assert.is(clf.nIter, maxIter);
  });
}

test('test_n_iter_no_change', () => {
  const X = X_digits_binary.slice(0, 100);
  const y = y_digits_binary.slice(0, 100);
  const tol = 0.01;
  const maxIter = 3000;
  for (const nIterNoChange of [2, 5, 10, 50, 100]) {
    const clf = new FFNNClassifier({ tol, maxIter, solver: 'sgd', nIterNoChange, ...quiet }).fit(X, y);
    assert.is(internals(clf).state.noImprovementCount, nIterNoChange + 1, `nIterNoChange ${nIterNoChange}`);
    assert.ok(maxIter > clf.nIter, `nIterNoChange ${nIterNoChange}: nIter ${clf.nIter}`);
  }
});

test('test_n_iter_no_change_inf', () => {
  // with nIterNoChange Infinity training runs to maxIter
  const X = X_digits_binary.slice(0, 100);
  const y = y_digits_binary.slice(0, 100);
  const maxIter = 3000;
  // a ridiculous tolerance: the no-improvement count goes up every epoch
  const clf = new FFNNClassifier({ tol: 1e9, maxIter, solver: 'sgd', nIterNoChange: Infinity, ...quiet }).fit(X, y);
  assert.is(clf.nIter, maxIter);
  assert.is(internals(clf).state.noImprovementCount, clf.nIter - 1);
});

test('test_early_stopping_stratified', () => {
  // the early-stopping split is stratified
  const X = [
    [1, 2],
    [2, 3],
    [3, 4],
    [4, 5],
  ];
  const y = [0, 0, 0, 1];
  const mlp = new FFNNClassifier({ earlyStopping: true, ...quiet });
  // sklearn: "The least populated classes in y have only 1 member ... Classes with too few members
  // are: ['True']" (its split sees the binarized label True); ffnn names the class label itself
  raises(() => mlp.fit(X, y), /the least populated class in y \(1\) has only 1 member/, 'stratified');
});

test('test_mlp_classifier_dtypes_casting', () => {
  const opts = { alpha: 1e-5, hiddenLayerSizes: [5, 3], randomState: 1, maxIter: 100, tol: 1e-1, ...quiet };
  const mlp64 = new FFNNClassifier(opts).fit(X_digits.slice(0, 300), y_digits.slice(0, 300));
  const pred64 = mlp64.predict(X_digits.slice(300));
  const proba64 = mlp64.predictProba(X_digits.slice(300));
  const mlp32 = new FFNNClassifier(opts).fit(f32(X_digits.slice(0, 300)), y_digits.slice(0, 300));
  const pred32 = mlp32.predict(f32(X_digits.slice(300)));
  const proba32 = mlp32.predictProba(f32(X_digits.slice(300)));
  assert.equal(pred64, pred32);
  allclose(proba64.data, proba32.data, 1e-2, 0, 'proba');
});

test('test_mlp_regressor_dtypes_casting', () => {
  const opts = { alpha: 1e-5, hiddenLayerSizes: [5, 3], randomState: 1, maxIter: 150, tol: 1e-3, ...quiet };
  const mlp64 = new FFNNRegressor(opts).fit(X_digits.slice(0, 300), y_digits.slice(0, 300));
  const pred64 = mlp64.predict(X_digits.slice(300)) as number[];
  const mlp32 = new FFNNRegressor(opts).fit(f32(X_digits.slice(0, 300)), y_digits.slice(0, 300));
  const pred32 = mlp32.predict(f32(X_digits.slice(300))) as number[];
  allclose(pred64, pred32, 5e-4, 0, 'predictions');
});

for (const [name, Est] of ESTIMATORS) {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`test_mlp_param_dtypes[${name}-${dtype}]`, () => {
      // the input's dtype is the network's and the predictions'
      const X = dtype === 'float32' ? f32(X_digits) : { rows: X_digits.length, cols: X_digits[0].length, data: Float64Array.from(X_digits.flat()) };
      const rows = (a: number, b: number) => ({ rows: b - a, cols: X.cols, data: X.data.subarray(a * X.cols, b * X.cols) });
      const mlp: Estimator = new Est({ alpha: 1e-5, hiddenLayerSizes: [5, 3], randomState: 1, maxIter: 50, tol: 1e-1, ...quiet });
      mlp.fit(rows(0, 300), y_digits.slice(0, 300));
      const pred = mlp.predict(rows(300, X.rows));
      const Typed = dtype === 'float32' ? Float32Array : Float64Array;
      assert.ok(
        mlp.intercepts.every((b) => b instanceof Typed),
        'intercepts dtype',
      );
      assert.ok(
        mlp.coefs.every((c) => c.data instanceof Typed),
        'coefs dtype',
      );
      // pred.dtype == dtype: ffnn returns JS numbers, so a float32 prediction is one a float32 holds
      if (name === 'MLPRegressor' && dtype === 'float32')
        assert.ok(
          (pred as number[]).every((v) => Math.fround(v) === v),
          'float32 predictions',
        );
    });
  }
}

test('test_mlp_loading_from_joblib_partial_fit', () => {
  // sklearn #19626: a saved and loaded model keeps learning with partialFit
  const pre = new FFNNRegressor({ hiddenLayerSizes: [42], randomState: 42, learningRateInit: 0.01, maxIter: 200, ...quiet });
  pre.fit([[2]], [4]);
  // joblib.dump / joblib.load: ffnn's model file
  const load = FFNNRegressor.fromBytes(pre.toBytes()).setOptions(quiet);
  for (let i = 0; i < 200; i++) load.partialFit([[2]], [1]);
  allclose(load.predict([[2]]) as number[], [1], 1e-4, 0, 'fine-tuned prediction');
});

for (const [name, Est] of ESTIMATORS) {
  // y is one class (np.full(10, 1)): sklearn's MLPClassifier fits it (classes_ [1]), and so does
  // ffnn's (single-class.test.ts checks that model against scikit-learn)
  test(`test_preserve_feature_names[${name}]`, () => {
    // sklearn gh-24846: feature names survive the early-stopping split
    const cols: string[] = D.feature_names.columns;
    const X = (D.feature_names.X as Rows).map((r) => Object.fromEntries(cols.map((c, j) => [c, r[j]])));
    const y = Array(10).fill(1) as number[];
    const w = collector();
    const model: Estimator = new Est({ earlyStopping: true, validationFraction: 0.2, onWarning: w.onWarning });
    model.fit(X, y);
    assert.equal(w.warnings, []);
    assert.equal(model.featureNamesIn, cols);
  });
}

for (const [name, Est] of ESTIMATORS) {
  test(`test_mlp_warm_start_with_early_stopping[${name}]`, () => {
    const mlp: Estimator = new Est({ maxIter: 10, randomState: 0, warmStart: true, earlyStopping: true, ...quiet });
    mlp.fit(X_iris, y_iris);
    const n = mlp.validationScores!.length;
    mlp.setParams({ maxIter: 20 });
    mlp.fit(X_iris, y_iris);
    assert.ok(mlp.validationScores!.length > n, `${mlp.validationScores!.length} <= ${n}`);
  });
}

for (const solver of ['sgd', 'adam', 'lbfgs'] as const) {
  for (const [name, Est] of ESTIMATORS) {
    test(`test_mlp_warm_start_no_convergence[${solver}-${name}]`, () => {
      // sklearn #24764: warm starting stops at maxIter
      let w = collector();
      const model: Estimator = new Est({
        solver,
        warmStart: true,
        earlyStopping: false,
        maxIter: 10,
        nIterNoChange: Infinity,
        randomState: 0,
        onWarning: w.onWarning,
      });
      model.fit(X_iris, y_iris);
      assert.ok(
        w.warnings.some((x) => x.code === 'CONVERGENCE'),
        'ConvergenceWarning',
      );
      assert.is(model.nIter, 10);
      w = collector();
      model.setParams({ maxIter: 20, onWarning: w.onWarning });
      model.fit(X_iris, y_iris);
      assert.ok(
        w.warnings.some((x) => x.code === 'CONVERGENCE'),
        'ConvergenceWarning',
      );
      assert.is(model.nIter, 20);
    });
  }
}

for (const [name, Est] of ESTIMATORS) {
  test(`test_mlp_partial_fit_after_fit[${name}]`, () => {
    // sklearn gh-25693: partialFit after an early-stopping fit fails with a clear message
    const mlp: Estimator = new Est({ earlyStopping: true, randomState: 0, ...quiet }).fit(X_iris, y_iris);
    // sklearn: "partial_fit does not support early_stopping=True"
    raises(
      () => (mlp instanceof FFNNClassifier ? mlp.partialFit(X_iris, y_iris) : mlp.partialFit(X_iris, y_iris)),
      /partialFit does not support early stopping/,
      'partialFit',
    );
  });
}

// With early stopping a diverging fit is not an error (ffnn's DIVERGENCE_LOSS does not stop it):
// it trains on as sklearn's does while the loss is finite, and at the first non-finite loss it
// records that epoch's (NaN) validation score, restores the best weights and warns DIVERGED.
// sklearn trains its remaining epochs on NaN weights (each scoring NaN) and restores the same best
// weights, so both end with the same model and a validation curve ending in NaN.
test('test_mlp_diverging_loss', () => {
  // sklearn #29504: a diverging model does not raise with early stopping
  const w = collector();
  const mlp = new FFNNRegressor({
    hiddenLayerSizes: 100,
    activation: 'identity',
    solver: 'sgd',
    alpha: 0.0001,
    learningRate: 'constant',
    learningRateInit: 1,
    shuffle: true,
    maxIter: 20,
    earlyStopping: true,
    nIterNoChange: 10,
    randomState: 0,
    onWarning: w.onWarning,
  });
  mlp.fit(X_iris, y_iris);
  const last = mlp.validationScores![mlp.validationScores!.length - 1];
  assert.ok(Number.isNaN(last), `last validation score ${last}`);
  assert.type(last, 'number');

  // beyond sklearn's assertions: scikit-learn's own run of this test (fixture: NaN is null)
  const ref = D.diverging_loss as {
    loss_curve: (number | null)[];
    validation_scores: (number | null)[];
    best_validation_score: number;
    predict_first_rows: number[];
  };
  const stop = ref.loss_curve.indexOf(null) + 1; // the epoch of sklearn's first non-finite loss
  assert.ok(stop > 1, 'sklearn diverges to a non-finite loss');
  assert.is(mlp.nIter, stop, 'ffnn stops at the first non-finite loss');
  // float64 tolerance: rtol 1e-9, the parity tolerance (ffnn follows sklearn's operation order;
  // what remains is summation order and 1-ulp libm differences, ~1e-14 relative), relative here
  // because the curves climb from 1 to 1e210. A non-finite value must meet a non-finite one: an
  // overflowing sum gives Infinity or NaN depending on the order its terms meet (the same summation
  // order difference), so the stop epoch's loss is NaN in sklearn and NaN or Infinity in ffnn.
  const sameCurve = (got: readonly number[], want: (number | null)[], what: string) => {
    assert.is(got.length, stop, `${what}: length`);
    got.forEach((v, i) => {
      const r = want[i];
      if (r === null) assert.ok(!Number.isFinite(v), `${what}[${i}]: ${v}, sklearn NaN`);
      else assert.ok(Math.abs(v - r) <= 1e-9 * Math.abs(r), `${what}[${i}]: ${v} vs sklearn ${r}`);
    });
  };
  sameCurve(mlp.lossCurve, ref.loss_curve, 'lossCurve');
  sameCurve(mlp.validationScores!, ref.validation_scores, 'validationScores');
  allclose([mlp.bestValidationScore!], [ref.best_validation_score], 1e-9, 0, 'bestValidationScore');
  // the best weights are restored: sklearn's final model (same rtol and reason)
  allclose(mlp.predict(X_iris.slice(0, 10)) as number[], ref.predict_first_rows, 1e-9, 0, 'predict after the restore');
  const diverged = w.warnings.filter((x) => x.code === 'DIVERGED');
  assert.is(diverged.length, 1, 'one DIVERGED warning');
  assert.match(diverged[0].message, new RegExp(`in epoch ${stop}; early stopping stopped there and restored the weights of its best validation score`));
});

test('test_mlp_sample_weight_with_early_stopping', () => {
  // the inner validation split's code path with sample weights
  const X: Rows = D.sample_weight_early_stopping.X;
  const y: number[] = D.sample_weight_early_stopping.y;
  const sw = y.map(() => 1);
  const params = {
    hiddenLayerSizes: 10,
    solver: 'adam',
    earlyStopping: true,
    tol: 1e-2,
    learningRateInit: 0.01,
    batchSize: 10,
    randomState: 42,
    ...quiet,
  } as const;
  const m1 = new FFNNRegressor(params).fit(X, y, { sampleWeight: sw });
  const m2 = new FFNNRegressor(params).fit(X, y, { sampleWeight: null });
  allclose(m1.predict(X) as number[], m2.predict(X) as number[], 1e-7, 0, 'predictions');
});

test(`test_mlp_vs_poisson_glm_equivalent[${D.poisson_glm.global_random_seed}]`, () => {
  // an MLP with Poisson loss and no hidden layer (one identity unit) equals the GLM
  const P = D.poisson_glm;
  const X: Rows = P.X;
  const y: number[] = P.y;
  const glmPredict: number[] = P.glm_predict; // sklearn's PoissonRegressor(alpha=0, tol=1e-7)
  let mlp = new FFNNRegressor({
    loss: 'poisson',
    hiddenLayerSizes: [1],
    activation: 'identity',
    alpha: 0,
    solver: 'lbfgs',
    tol: 1e-7,
    randomState: P.mlp_random_state,
    ...quiet,
  }).fit(X, y);
  allclose(mlp.predict(X) as number[], glmPredict, 1e-4, 0, 'poisson MLP vs GLM');
  // not with the squared error: its output activation is the identity, not exp
  mlp = new FFNNRegressor({
    loss: 'squared_error',
    hiddenLayerSizes: [1],
    activation: 'identity',
    alpha: 0,
    solver: 'lbfgs',
    tol: 1e-7,
    randomState: P.mlp_random_state,
    ...quiet,
  }).fit(X, y);
  assert.not.ok(npAllclose(mlp.predict(X) as number[], glmPredict, 1e-4));
});

test('test_minimum_input_sample_size', () => {
  // the message when the validation set is too small
  const model = new FFNNRegressor({ earlyStopping: true, randomState: 0, ...quiet });
  // sklearn: "The validation set is too small"
  raises(
    () => model.fit(D.minimum_input.X, D.minimum_input.y),
    /the early-stopping validation set would have 1 row\(s\) of 2; it needs at least 2/,
    'too small',
  );
});

test.run();
