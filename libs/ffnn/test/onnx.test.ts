/**
 * ONNX export against an outside oracle: onnxruntime-node runs the exported graph on the 2,000
 * test digits of the bundled MNIST split, and its probabilities must equal predictProba within
 * 1e-5 (float32 graph: float32 rounding of weights and sums, measured ~1e-7) or 1e-12 (float64
 * graph: only summation order differs, measured ~1e-16). Labels must equal predict, except
 * where the two best probabilities are closer than the tolerance (a float32 near-tie).
 * onnxruntime-node runs under Bun, Node and Deno, so this suite runs in all three.
 */
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMnist } from '../src/data/index.ts';
import { FFNNClassifier, type FFNNOptions, type Matrix } from '../src/index.ts';
import { exportOnnx } from '../src/io/onnx.ts';

const { train, test: digits } = loadMnist({ trainSize: 2000, testSize: 2000, seed: 0 });
const Xtrain = { rows: train.rows, cols: train.cols, data: train.X };
const Xtest = { rows: digits.rows, cols: digits.cols, data: digits.X };
const base: Partial<FFNNOptions> = { solver: 'adam', learningRateInit: 0.01, batchSize: 100, maxIter: 4, randomState: 0, onWarning: () => {} };
const measured: string[] = [];

async function run(bytes: Uint8Array, dtype: 'float32' | 'float64'): Promise<{ proba: Float32Array | Float64Array; label: ArrayLike<unknown> }> {
  const session = await ort.InferenceSession.create(bytes);
  const data = dtype === 'float32' ? Float32Array.from(digits.X) : Float64Array.from(digits.X);
  const out = await session.run({ X: new ort.Tensor(dtype, data, [digits.rows, digits.cols]) });
  await session.release();
  assert.equal(out.probabilities.dims, [digits.rows, out.probabilities.dims[1]]);
  return { proba: out.probabilities.data as Float32Array | Float64Array, label: out.label.data as ArrayLike<unknown> };
}

function compare(name: string, clf: FFNNClassifier, got: { proba: ArrayLike<number>; label: ArrayLike<unknown> }, tol: number): void {
  const want: Matrix = clf.predictProba(Xtest);
  assert.is(got.proba.length, want.data.length, `${name}: probabilities shape`);
  let max = 0;
  for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.proba[i] - want.data[i]));
  measured.push(`${name}: max |p_onnx - predictProba| = ${max.toExponential(2)}`);
  assert.ok(max <= tol, `${name}: max |diff| ${max} > ${tol}`);
  const labels = clf.predict(Xtest) as (number | string)[];
  let ties = 0;
  for (let r = 0; r < want.rows; r++) {
    const row = Array.from(want.data.subarray(r * want.cols, (r + 1) * want.cols)).sort((a, b) => b - a);
    const onnxLabel = typeof got.label[r] === 'bigint' ? Number(got.label[r]) : got.label[r];
    if (onnxLabel !== labels[r]) {
      assert.ok(row[0] - row[1] <= 2 * tol, `${name}: row ${r}: onnx label ${onnxLabel}, predict ${labels[r]} (margin ${row[0] - row[1]})`);
      ties++;
    }
  }
  assert.ok(ties <= 2, `${name}: ${ties} labels differ`);
}

const CASES: [string, Partial<FFNNOptions>, 'float32' | 'float64', number, 'digits' | 'binary' | 'strings'][] = [
  ['multiclass relu, float32 graph', { hiddenLayerSizes: [64, 32] }, 'float32', 1e-5, 'digits'],
  ['multiclass relu, float64 graph', { hiddenLayerSizes: [64, 32] }, 'float64', 1e-12, 'digits'],
  ['logistic + tanh, float32 model and graph', { hiddenLayerSizes: [32, 16], activation: ['logistic', 'tanh'], dtype: 'float32' }, 'float32', 1e-5, 'digits'],
  [
    'softsign + softplus + identity, float32 graph',
    { hiddenLayerSizes: [24, 16, 12], activation: ['softsign', 'softplus', 'identity'] },
    'float32',
    1e-5,
    'digits',
  ],
  ['softsign + softplus, float64 graph', { hiddenLayerSizes: [24, 16], activation: ['softsign', 'softplus'] }, 'float64', 1e-12, 'digits'],
  ['binary (is it a 3?), both columns [1-p, p]', { hiddenLayerSizes: [32], activation: 'tanh' }, 'float32', 1e-5, 'binary'],
  ['binary, float64 graph', { hiddenLayerSizes: [32] }, 'float64', 1e-12, 'binary'],
  ['string classes', { hiddenLayerSizes: [32] }, 'float32', 1e-5, 'strings'],
];

const NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
for (const [name, options, dtype, tol, target] of CASES) {
  test(`onnxruntime runs the export: ${name}`, async () => {
    const y = Array.from(train.y as ArrayLike<number>, (d) => (target === 'binary' ? (d === 3 ? 'three' : 'other') : target === 'strings' ? NAMES[d] : d));
    const clf = new FFNNClassifier({ ...base, ...options }).fit(Xtrain, y);
    const got = await run(exportOnnx(clf, { dtype }), dtype);
    if (target === 'binary') assert.is(got.proba.length, digits.rows * 2);
    compare(name, clf, got, tol);
  });
}

test('a multilabel export thresholds at 0.5 like predict', async () => {
  const Y = Array.from(train.y as ArrayLike<number>, (d) => [d % 2, d >= 5 ? 1 : 0]);
  const clf = new FFNNClassifier({ ...base, hiddenLayerSizes: [32] }).fit(Xtrain, Y);
  const got = await run(exportOnnx(clf), 'float32');
  const want = clf.predict(Xtest) as number[][];
  const proba = clf.predictProba(Xtest).data;
  let differ = 0;
  for (let i = 0; i < want.length * 2; i++) {
    if (Number(got.label[i]) !== want[Math.floor(i / 2)][i % 2]) {
      assert.ok(Math.abs(proba[i] - 0.5) < 1e-5, `label ${i}`);
      differ++;
    }
  }
  assert.ok(differ <= 2);
  let max = 0;
  for (let i = 0; i < proba.length; i++) max = Math.max(max, Math.abs(got.proba[i] - proba[i]));
  measured.push(`multilabel: max |p_onnx - predictProba| = ${max.toExponential(2)}`);
  assert.ok(max <= 1e-5, `max |diff| ${max}`);
});

test('the graph is what the README says: opset 13, inputs, outputs, metadata', async () => {
  const clf = new FFNNClassifier({ ...base, hiddenLayerSizes: [8], maxIter: 1 }).fit(Xtrain, train.y);
  const session = await ort.InferenceSession.create(exportOnnx(clf));
  assert.equal(session.inputNames, ['X']);
  assert.equal(session.outputNames, ['probabilities', 'label']);
  await session.release();
});

test('non-finite weights are refused', () => {
  const clf = new FFNNClassifier({ ...base, hiddenLayerSizes: [8], maxIter: 1 }).fit(Xtrain, train.y);
  clf.coefs[0].data[0] = Infinity;
  assert.throws(() => exportOnnx(clf), /refusing to write a model with non-finite weights/);
});

test.after(() => console.log(measured.map((m) => `  onnx: ${m}`).join('\n')));
test.run();
