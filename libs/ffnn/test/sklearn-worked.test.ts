/**
 * End-to-end parity on the worked cases of shared/sklearn-mlp-parity.md section 15 (copied to
 * fixtures/sklearn-worked-values.json; made by Debian scikit-learn 1.2.1 / numpy 1.24.2).
 * Tolerance 1e-12 relative: the only differences allowed are BLAS summation order and 1-ulp
 * differences between V8/JSC Math functions and libm, measured at ~1e-15 on these cases.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier } from '../src/index.ts';
import { allClose, close, sinData, workedValues } from './helpers.ts';

const TOL = 1e-12;
const W = workedValues();
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const nums = (a: string[]) => a.map(Number);

test('glorot init of a 2->3 relu layer equals sklearn _init_coef with random_state=0', () => {
  const w = W.numpy_legacy_random.seed0_init_coef_fanin2_fanout3_relu;
  const X = [
    [0, 1],
    [1, 0],
    [1, 1],
  ];
  const clf = new FFNNClassifier({ hiddenLayerSizes: [3], randomState: 0, maxIter: 1, onWarning: () => {} }).fit(X, [0, 1, 2]);
  allClose(clf.initialCoefs[0].data, nums(w.coef.flat()), 0, 'coef');
  allClose(clf.initialIntercepts[0], nums(w.intercept), 0, 'intercept');
  const logistic = new FFNNClassifier({ hiddenLayerSizes: [3], activation: 'logistic', randomState: 0, maxIter: 1, onWarning: () => {} }).fit(X, [0, 1, 2]);
  assert.is(logistic.initialCoefs[0].data[0], Number(W.numpy_legacy_random.seed0_init_coef_fanin2_fanout3_logistic_first));
});

for (const [name, c] of Object.entries<any>(W.mlp_classifier)) {
  test(`sklearn worked case ${name}`, () => {
    const options: Record<string, unknown> = { onWarning: () => {} };
    for (const [k, v] of Object.entries(c.params)) options[camel(k)] = v;
    const X = sinData(c.n);
    const clf = new FFNNClassifier(options).fit(X, c.y);
    allClose(clf.lossCurve, nums(c.loss_curve), TOL, 'lossCurve');
    assert.is(clf.nIter, c.n_iter);
    assert.is(clf.t, c.t);
    close(clf.coefs[0].data[0], Number(c.coef0_00), TOL, 'coefs[0][0][0]');
    close(clf.coefs[clf.coefs.length - 1].data[0], Number(c.coef_last_flat_first), TOL, 'last coef');
    allClose(clf.intercepts[clf.intercepts.length - 1], nums(c.intercept_last), TOL, 'last intercept');
    allClose(clf.predictProba(X.slice(0, 3)).data, nums(c.proba_Xq.flat()), TOL, 'predictProba');
    if (c.validation_scores.length) assert.equal(clf.validationScores, nums(c.validation_scores));
  });
}

test.run();
