/**
 * Activations as a table keyed by canonical name (scikit-learn `_base.py` style): each entry
 * applies the function in place and backpropagates through it using the layer OUTPUT, so the
 * forward buffers are reused by the backward pass.
 */
import { ACTIVATION_CODES, type ActivationName, type FloatArray, type KernelActivationName } from './backend/backend.ts';

export interface Activation {
  readonly name: ActivationName;
  /** x = f(x) in place over rows x cols. */
  forward(rows: number, cols: number, x: FloatArray): void;
  /** delta = delta * f'(z) in place, f' written in terms of a = f(z). */
  backward(rows: number, cols: number, a: FloatArray, delta: FloatArray): void;
}

/** Every accepted activation name mapped to its canonical name ('sigmoid' -> 'logistic', 'linear' -> 'identity'). */
export const ACTIVATION_ALIASES: Readonly<Record<string, ActivationName>> = {
  identity: 'identity',
  linear: 'identity',
  relu: 'relu',
  logistic: 'logistic',
  sigmoid: 'logistic',
  tanh: 'tanh',
  softmax: 'softmax',
  softsign: 'softsign',
  softplus: 'softplus',
  exp: 'exp',
};

function elementwise(name: ActivationName, f: (z: number) => number, dfFromOutput: (a: number) => number): Activation {
  return {
    name,
    forward(rows, cols, x) {
      const len = rows * cols;
      for (let i = 0; i < len; i++) x[i] = f(x[i]);
    },
    backward(rows, cols, a, delta) {
      const len = rows * cols;
      for (let i = 0; i < len; i++) delta[i] *= dfFromOutput(a[i]);
    },
  };
}

/** The activation table: forward function and derivative (taking the activation's output) of each activation. */
export const ACTIVATIONS: Readonly<Record<ActivationName, Activation>> = {
  identity: {
    name: 'identity',
    forward() {},
    backward() {},
  },
  relu: {
    name: 'relu',
    // np.maximum(z, 0)
    forward(rows, cols, x) {
      const len = rows * cols;
      for (let i = 0; i < len; i++) if (!(x[i] > 0)) x[i] = Number.isNaN(x[i]) ? x[i] : 0;
    },
    // sklearn: delta[a == 0] = 0 (exact equality on the output)
    backward(rows, cols, a, delta) {
      const len = rows * cols;
      for (let i = 0; i < len; i++) if (a[i] === 0) delta[i] = 0;
    },
  },
  logistic: {
    name: 'logistic',
    // scipy expit: 1 / (1 + exp(-z)), no branch on the sign of z
    forward(rows, cols, x) {
      const len = rows * cols;
      for (let i = 0; i < len; i++) x[i] = 1 / (1 + Math.exp(-x[i]));
    },
    // sklearn: delta *= a; delta *= (1 - a), two separate multiplications
    backward(rows, cols, a, delta) {
      const len = rows * cols;
      for (let i = 0; i < len; i++) {
        delta[i] *= a[i];
        delta[i] *= 1 - a[i];
      }
    },
  },
  // sklearn: delta *= (1 - a * a)
  tanh: elementwise('tanh', Math.tanh, (a) => 1 - a * a),
  // sklearn's inplace_exp (MLPRegressor's output for loss 'poisson'); exp'(z) = exp(z) = a
  exp: elementwise('exp', Math.exp, (a) => a),
  // f(z) = z / (1 + |z|);  f'(z) = 1 / (1 + |z|)^2 = (1 - |a|)^2
  softsign: elementwise(
    'softsign',
    (z) => z / (1 + Math.abs(z)),
    (a) => {
      const d = 1 - Math.abs(a);
      return d * d;
    },
  ),
  // f(z) = ln(1 + e^z), written stably as max(z, 0) + log1p(exp(-|z|));
  // f'(z) = sigmoid(z) = 1 - e^(-a) = -expm1(-a)
  softplus: elementwise(
    'softplus',
    (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
    (a) => -Math.expm1(-a),
  ),
  softmax: {
    name: 'softmax',
    // sklearn inplace_softmax: subtract the row max, exp, then DIVIDE by the row sum
    forward(rows, cols, x) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let max = -Infinity;
        for (let j = 0; j < cols; j++) if (x[o + j] > max) max = x[o + j];
        let sum = 0;
        for (let j = 0; j < cols; j++) {
          const e = Math.exp(x[o + j] - max);
          x[o + j] = e;
          sum += x[o + j];
        }
        for (let j = 0; j < cols; j++) x[o + j] /= sum;
      }
    },
    // Jacobian-vector product by row: delta = a * (delta - sum(delta * a))
    backward(rows, cols, a, delta) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += delta[o + j] * a[o + j];
        for (let j = 0; j < cols; j++) delta[o + j] = a[o + j] * (delta[o + j] - dot);
      }
    },
  },
};

/** Activations indexed by their numeric code (the form backends receive). */
export const ACTIVATIONS_BY_CODE: readonly Activation[] = (() => {
  const byCode: Activation[] = [];
  for (const [name, code] of Object.entries(ACTIVATION_CODES)) byCode[code] = ACTIVATIONS[name as ActivationName];
  return byCode;
})();

/** The backend's code for an activation, or -1 for one without a kernel (applied in TypeScript). */
export function activationCode(name: ActivationName): number {
  return Object.hasOwn(ACTIVATION_CODES, name) ? ACTIVATION_CODES[name as KernelActivationName] : -1;
}
