/**
 * Gradient check (scikit-learn's test_gradient): analytic gradients from the backward pass against
 * central differences of the loss, in float64, for every hidden activation, every output
 * activation and loss pair (natural pairs use delta = P - Y, the others the full chain rule), and
 * for the L2 and L1 penalties.
 * Tolerance 1e-6 (relative above 1): central differences with h = 1e-6 have truncation error
 * O(h^2) ~ 1e-12 and rounding error ~ eps * |loss| / h ~ 1e-10, far below it, while a wrong
 * derivative is off by O(1).
 */
import { test } from 'uvu';
import { ACTIVATION_CODES, type ActivationName } from '../src/backend/backend.ts';
import { jsBackend } from '../src/backend/js.ts';
import { LOSSES, type LossName } from '../src/losses.ts';
import { Network } from '../src/network.ts';
import { RandomState } from '../src/random.ts';
import { close } from './helpers.ts';

const H = 1e-6;
const TOL = 1e-6;

function check(hidden: ActivationName[], out: ActivationName, lossName: LossName, alpha: number, l1: number, seed: number): void {
  const rng = new RandomState(seed);
  const sizes = [4, ...hidden.map((_, i) => 5 - i), 3];
  const rows = 6;
  const net = new Network({ layerSizes: sizes, activations: [...hidden, out], dtype: 'float64' }, jsBackend);
  net.params.forEach((p) => p.set(rng.uniform(-0.8, 0.8, p.length)));
  const X = rng.uniform(-1, 1, rows * sizes[0]);
  const Y = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    if (lossName === 'categorical_cross_entropy') Y[r * 3 + rng.interval(2)] = 1;
    else if (lossName === 'binary_cross_entropy') for (let j = 0; j < 3; j++) Y[r * 3 + j] = rng.interval(1);
    else for (let j = 0; j < 3; j++) Y[r * 3 + j] = rng.nextDouble();
  }
  const idx = Int32Array.from({ length: rows }, (_, i) => i);
  const loss = LOSSES[lossName];
  net.reserve(rows);
  net.gatherBatch(X, Y, idx, 0, rows);
  const lossAt = () => net.forwardBackward(rows, loss, alpha, l1);
  lossAt();
  const analytic = net.grads.map((g) => g.slice());
  net.params.forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const saved = p[i];
      p[i] = saved + H;
      const up = lossAt();
      p[i] = saved - H;
      const down = lossAt();
      p[i] = saved;
      close(analytic[k][i], (up - down) / (2 * H), TOL, `${hidden}/${out}/${lossName} alpha=${alpha} l1=${l1}: param ${k}[${i}]`);
    }
  });
}

const HIDDEN = Object.keys(ACTIVATION_CODES) as ActivationName[];
const PAIRS: [ActivationName, LossName][] = [
  ['softmax', 'categorical_cross_entropy'],
  ['logistic', 'binary_cross_entropy'],
  ['identity', 'mean_squared_error'],
  ['softmax', 'mean_squared_error'],
  ['logistic', 'mean_squared_error'],
  ['logistic', 'categorical_cross_entropy'],
  ['softmax', 'binary_cross_entropy'],
  ['tanh', 'mean_squared_error'],
  ['relu', 'mean_squared_error'],
  ['softsign', 'mean_squared_error'],
  ['softplus', 'mean_squared_error'],
  // the Poisson regressor's pair (targets in [0, 1) here: any y >= 0 is valid)
  ['exp', 'half_poisson_deviance'],
  // exp with another loss backpropagates through exp's own derivative (applied in TypeScript)
  ['exp', 'mean_squared_error'],
];
// exp has no kernel code, so the loop over HIDDEN misses it: as a hidden layer too
test('gradient check: hidden exp (two layers), softmax + categorical CE', () => check(['exp', 'exp'], 'softmax', 'categorical_cross_entropy', 0, 0, 6));

for (const h of HIDDEN) {
  test(`gradient check: hidden ${h} (two layers), softmax + categorical CE`, () => check([h, h], 'softmax', 'categorical_cross_entropy', 0, 0, 1));
}
for (const [out, lossName] of PAIRS) {
  test(`gradient check: output ${out} with ${lossName}`, () => check(['tanh'], out, lossName, 0, 0, 2));
}
test('gradient check: L2 penalty (alpha)', () => check(['relu', 'logistic'], 'softmax', 'categorical_cross_entropy', 0.3, 0, 3));
test('gradient check: L1 penalty', () => check(['tanh'], 'logistic', 'binary_cross_entropy', 0, 0.2, 4));
test('gradient check: L1 and L2 together', () => check(['softplus'], 'identity', 'mean_squared_error', 0.1, 0.05, 5));

test.run();
