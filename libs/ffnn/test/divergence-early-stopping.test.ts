/**
 * A diverging fit with early stopping (sklearn #29504, test_mlp_diverging_loss): not an error.
 * ffnn trains on as scikit-learn does while the loss is finite (DIVERGENCE_LOSS, 1e20, does not
 * stop it), and at the first non-finite loss records that epoch's validation score, restores the
 * best weights and warns DIVERGED, whatever onDivergence says. Without early stopping onDivergence
 * rules as before ('error': NON_FINITE_LOSS).
 *
 * The scikit-learn numbers below were printed by this script in the parity venv
 * (tools/parity/.venv, scikit-learn 1.8.0):
 *
 *   X = np.array([[math.sin(1.3*i + 0.7*j) * (1 + 0.5*j) * 1e3 for j in range(3)] for i in range(40)])
 *   y = np.arange(40) % 3
 *   m = MLPClassifier(hidden_layer_sizes=[8], max_iter=200, random_state=0, batch_size=10, solver="sgd",
 *                     learning_rate_init=10, momentum=0.9, early_stopping=True, n_iter_no_change=1000).fit(X, y)
 *   print(m.loss_curve_[:10], m.validation_scores_[:10], m.best_validation_score_)
 *
 * sklearn goes on to epoch 200 on NaN weights (each scoring 0.0 here); ffnn stops at epoch 10.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier, type FFNNOptions, FFNNRegressor, FfnnError, type FfnnWarning } from '../src/index.ts';
import { sinData } from './helpers.ts';

const X = sinData(40, 3).map((r) => r.map((v) => v * 1e3));
const y = X.map((_, i) => i % 3);
const lr10 = {
  hiddenLayerSizes: [8],
  maxIter: 200,
  randomState: 0,
  batchSize: 10,
  solver: 'sgd',
  learningRateInit: 10,
  momentum: 0.9,
  earlyStopping: true,
  nIterNoChange: 1000,
} as const satisfies Partial<FFNNOptions>;

// scikit-learn 1.8.0 (script above); NaN is sklearn's epoch-10 loss
const SKLEARN_LOSS = [
  4.81254567823403e18,
  8.38227500030315e50,
  3.99442495727163e82,
  7.376934576266387e112,
  1.0028732182822753e145,
  5.515672944966389e176,
  7.536194051205475e208,
  3.5611946791154875e240,
  1.1625219084755666e271,
  NaN,
];
// epoch 10 scores 0.0, not NaN: a classifier predicts classes even from NaN outputs (numpy's
// argmax takes the first NaN), and sklearn's score is NaN only when the predicted labels are
const SKLEARN_SCORES = [0.5, 0.5, 0.0, 0.0, 1.0, 1.0, 0.0, 0.5, 0.0, 0.0];

function fit(options: Partial<FFNNOptions>): { clf: FFNNClassifier; warnings: FfnnWarning[] } {
  const warnings: FfnnWarning[] = [];
  const clf = new FFNNClassifier({ ...lr10, history: { weights: true }, ...options, onWarning: (w) => warnings.push(w) }).fit(X, y);
  return { clf, warnings };
}

for (const onDivergence of ['error', 'warn'] as const) {
  test(`classifier, early stopping, onDivergence '${onDivergence}': trains as sklearn to the first non-finite loss, restores the best weights, warns`, () => {
    const { clf, warnings } = fit({ onDivergence });
    assert.is(clf.nIter, SKLEARN_LOSS.length);
    // float64: rtol 1e-9, the parity tolerance (sklearn's operation order; summation order and
    // 1-ulp libm differences remain, ~1e-15 relative here), relative as the losses reach 1e271;
    // the last loss is non-finite on both sides (NaN in sklearn; NaN or Infinity by summation order)
    clf.lossCurve.forEach((v, i) => {
      if (Number.isNaN(SKLEARN_LOSS[i])) assert.ok(!Number.isFinite(v), `lossCurve[${i}] ${v}`);
      else assert.ok(Math.abs(v - SKLEARN_LOSS[i]) <= 1e-9 * SKLEARN_LOSS[i], `lossCurve[${i}]: ${v} vs sklearn ${SKLEARN_LOSS[i]}`);
    });
    // accuracies are counts over the 4 validation rows: exact
    assert.equal(clf.validationScores, SKLEARN_SCORES);
    assert.is(clf.bestValidationScore, 1);
    const diverged = warnings.filter((w) => w.code === 'DIVERGED');
    assert.is(diverged.length, 1);
    assert.match(
      diverged[0].message,
      /^training diverged: the loss became (NaN|Infinity) in epoch 10; early stopping stopped there and restored the weights of its best validation score \(1\)/,
    );
    // the model is the epoch-5 snapshot (the first best score; later equal scores do not replace it):
    // history holds each epoch's weights, copied, so equal means restored
    const best = SKLEARN_SCORES.indexOf(1) + 1;
    const snapshot = clf.history.find((h) => h.epoch === best)!;
    clf.coefs.forEach((c, l) => assert.equal(Array.from(c.data), Array.from(snapshot.coefs![l]), `coefs[${l}]`));
    clf.intercepts.forEach((b, l) => assert.equal(Array.from(b), Array.from(snapshot.intercepts![l]), `intercepts[${l}]`));
    assert.ok(Array.from(clf.predictProba(X).data).every(Number.isFinite));
    // and it is a usable model: it saves (the model file refuses non-finite weights) and loads
    assert.equal(FFNNClassifier.fromBytes(clf.toBytes()).predict(X), clf.predict(X));
  });
}

test('the same fit without early stopping is still an error (onDivergence "error", the default): NON_FINITE_LOSS', () => {
  try {
    fit({ earlyStopping: false });
    assert.unreachable('expected NON_FINITE_LOSS');
  } catch (err) {
    assert.instance(err, FfnnError);
    assert.is((err as FfnnError).code, 'NON_FINITE_LOSS');
    // the first loss above DIVERGENCE_LOSS (1e20) ends it, as before
    assert.match((err as Error).message, /training diverged: the loss became .* \(above 1e\+20\) in epoch \d+/);
  }
});

test('the first epoch already non-finite: the initial weights come back (the snapshot sklearn >= 1.6 takes at init)', () => {
  const warnings: FfnnWarning[] = [];
  const reg = new FFNNRegressor({ ...lr10, history: { weights: true }, onWarning: (w) => warnings.push(w) }).fit(
    X,
    X.map((r) => r[0] + r[1]),
  );
  assert.is(reg.nIter, 1);
  assert.ok(!Number.isFinite(reg.lossCurve[0]));
  assert.is(reg.validationScores!.length, 1);
  assert.ok(Number.isNaN(reg.validationScores![0]), 'R² of non-finite predictions is NaN (sklearn _score_with_function)');
  const initial = reg.history.find((h) => h.epoch === 0)!;
  reg.coefs.forEach((c, l) => assert.equal(Array.from(c.data), Array.from(initial.coefs![l]), `coefs[${l}]`));
  const diverged = warnings.filter((w) => w.code === 'DIVERGED');
  assert.is(diverged.length, 1);
  assert.match(diverged[0].message, /in epoch 1; early stopping stopped there and restored the initial weights \(no epoch had a finite validation score\)/);
});

test.run();
