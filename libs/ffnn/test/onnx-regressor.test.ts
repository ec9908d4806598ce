/**
 * A regressor's ONNX export against an outside oracle: onnxruntime-node runs the graph on 400
 * held-out rows and its `predictions` must equal FFNNRegressor.predict within a relative
 * tolerance, |onnx - predict| <= tol * max(|predict|, 1) (the max with 1 keeps outputs near zero,
 * where relative error means nothing, on an absolute footing):
 *   float32 graph: 2e-6. Weights and inputs rounded to float32 (relative 6e-8 each) and sums of
 *     up to 100 products accumulated in float32 give errors of a few 1e-7 relative to the
 *     output's scale (measured 1.6e-7 to 5.7e-7 over these cases); 2e-6 leaves a factor ~3.5.
 *   float64 graph: 1e-12. Only the summation order differs from predict (measured 0 to 3e-16).
 * Cases: identity output (squared error), exp output (poisson), several outputs, float32 model,
 * and the float64 graph's spelled-out softplus/softsign.
 */
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type FFNNOptions, FFNNRegressor, RandomState } from '../src/index.ts';
import { exportOnnx, ONNX_REGRESSION_OUTPUT } from '../src/io/onnx.ts';

const N = 1200;
const NTEST = 400;
const F = 6;
const rng = new RandomState(7);
const Xall = rng.uniform(-1, 1, N * F);
const row = (r: number) => Xall.subarray(r * F, (r + 1) * F);
// smooth targets with different scales: a regression worth fitting, outputs far from zero
const f1 = (x: Float64Array) => 3 * x[0] - 2 * x[1] * x[2] + Math.sin(3 * x[3]) + 10;
const f2 = (x: Float64Array) => x[4] * x[4] - x[5] + 0.5 * x[0];
// poisson: counts with log-mean linear in x
const counts = (x: Float64Array) => Math.round(Math.exp(0.8 * x[0] - 0.5 * x[1] + 1));

const Xtrain = { rows: N - NTEST, cols: F, data: Xall.subarray(0, (N - NTEST) * F) };
const Xtest = { rows: NTEST, cols: F, data: Xall.subarray((N - NTEST) * F) };
const targets = (fn: (x: Float64Array) => number) => Array.from({ length: N - NTEST }, (_, r) => fn(row(r)));
const base: Partial<FFNNOptions> = { solver: 'adam', learningRateInit: 0.01, batchSize: 50, maxIter: 30, randomState: 0, onWarning: () => {} };
const measured: string[] = [];

async function runGraph(bytes: Uint8Array, dtype: 'float32' | 'float64'): Promise<{ data: ArrayLike<number>; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  assert.equal(session.outputNames, [ONNX_REGRESSION_OUTPUT]);
  const data = dtype === 'float32' ? Float32Array.from(Xtest.data) : Float64Array.from(Xtest.data);
  const out = await session.run({ X: new ort.Tensor(dtype, data, [Xtest.rows, F]) });
  await session.release();
  const t = out[ONNX_REGRESSION_OUTPUT];
  return { data: t.data as Float32Array | Float64Array, dims: t.dims };
}

const CASES: [string, Partial<FFNNOptions>, 'float32' | 'float64', number, 'one' | 'two' | 'poisson'][] = [
  ['identity output, float32 graph', { hiddenLayerSizes: [64, 32] }, 'float32', 2e-6, 'one'],
  ['identity output, float64 graph', { hiddenLayerSizes: [64, 32] }, 'float64', 1e-12, 'one'],
  ['two outputs, tanh, float32 graph', { hiddenLayerSizes: [100], activation: 'tanh' }, 'float32', 2e-6, 'two'],
  ['two outputs, float64 graph', { hiddenLayerSizes: [100] }, 'float64', 1e-12, 'two'],
  ['poisson (exp output), float32 graph', { hiddenLayerSizes: [32], loss: 'poisson' }, 'float32', 2e-6, 'poisson'],
  ['poisson (exp output), float64 graph', { hiddenLayerSizes: [32], loss: 'poisson' }, 'float64', 1e-12, 'poisson'],
  ['float32 model, logistic, float32 graph', { hiddenLayerSizes: [32], activation: 'logistic', dtype: 'float32' }, 'float32', 2e-6, 'one'],
  ['softsign + softplus, float64 graph', { hiddenLayerSizes: [24, 16], activation: ['softsign', 'softplus'] }, 'float64', 1e-12, 'one'],
];

for (const [name, options, dtype, tol, target] of CASES) {
  test(`onnxruntime runs a regressor's export: ${name}`, async () => {
    const y = target === 'two' ? targets((_x) => 0).map((_, r) => [f1(row(r)), f2(row(r))]) : targets(target === 'poisson' ? counts : f1);
    const reg = new FFNNRegressor({ ...base, ...options }).fit(Xtrain, y);
    // the fit must have learnt something, or the comparison would be between two near-constants
    assert.ok(reg.score(Xtrain, y) > 0.5, `${name}: R² ${reg.score(Xtrain, y)}`);
    const k = reg.nOutputs;
    const got = await runGraph(exportOnnx(reg, { dtype }), dtype);
    assert.equal(got.dims, [NTEST, k]);
    const want = (reg.predict(Xtest) as (number | number[])[]).flat();
    assert.is(got.data.length, want.length);
    let max = 0;
    let maxAbs = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got.data[i] - want[i]);
      maxAbs = Math.max(maxAbs, d);
      max = Math.max(max, d / Math.max(Math.abs(want[i]), 1));
    }
    measured.push(`${name}: max relative ${max.toExponential(2)} (absolute ${maxAbs.toExponential(2)})`);
    assert.ok(max <= tol, `${name}: max relative |diff| ${max} > ${tol}`);
  });
}

test('a regressor graph carries its kind in the metadata and refuses non-finite weights', () => {
  const reg = new FFNNRegressor({ ...base, hiddenLayerSizes: [8], maxIter: 1 }).fit(Xtrain, targets(f1));
  const text = new TextDecoder().decode(exportOnnx(reg));
  assert.ok(text.includes('target_kind') && text.includes('continuous'));
  assert.not.ok(text.includes('probabilities'));
  reg.coefs[0].data[0] = NaN;
  assert.throws(() => exportOnnx(reg), /non-finite weights/);
});

test.after(() => console.log(measured.map((m) => `  onnx regressor: ${m}`).join('\n')));
test.run();
