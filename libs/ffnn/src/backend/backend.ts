/**
 * The backend contract: the small set of kernels the one training algorithm needs.
 *
 * Every matrix is dense and row-major in a Float64Array (the parity dtype) or a Float32Array
 * (the speed dtype); all arrays passed to one call share a dtype. Outputs are always owned by
 * the caller, so nothing is allocated per batch, and nothing but typed arrays and numbers
 * crosses the seam. `m, n, k` are gemm's dimensions; `rows, cols` describe a matrix.
 *
 * A backend is correct when it passes the contract suite (test/backend-contract.test.ts),
 * which compares it with the reference kernels in js.ts within a tolerance taken from the dtype.
 */

export type FloatArray = Float64Array | Float32Array;
/** Floating point type of weights and arithmetic. */
export type DType = 'float64' | 'float32';

/** Activations every backend has a kernel for (the native addon knows them by code). */
export type KernelActivationName = 'identity' | 'relu' | 'logistic' | 'tanh' | 'softmax' | 'softsign' | 'softplus';

/**
 * Canonical activation names (aliases are resolved in activations.ts before reaching a backend).
 * 'exp' (the Poisson regressor's output) has no kernel: network.ts applies it in TypeScript on
 * every backend, so the numbers are the same everywhere.
 */
export type ActivationName = KernelActivationName | 'exp';

/** Numeric codes for activations, shared with the native addon (keep in sync with native/src/activations.rs). */
export const ACTIVATION_CODES: Readonly<Record<KernelActivationName, number>> = {
  identity: 0,
  relu: 1,
  logistic: 2,
  tanh: 3,
  softmax: 4,
  softsign: 5,
  softplus: 6,
};

/** The kernel contract: every kernel the training algorithm calls, on caller-allocated typed arrays, in float64 and float32. js.ts is the reference; the native addon passes the same contract suite. */
export interface Backend {
  /** 'js' or 'native'. */
  readonly name: string;

  /**
   * C = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
   * A is stored m x k (or k x m when transA), B is k x n (or n x k when transB), C is m x n.
   * beta = 0 means C is overwritten (its old contents, even NaN, are ignored).
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: FloatArray, b: FloatArray, beta: number, c: FloatArray): void;

  /** x[i, j] += v[j] for a rows x cols matrix x. */
  addRowVector(rows: number, cols: number, x: FloatArray, v: FloatArray): void;

  /** out[j] = (sum over i of x[i, j]) / divisor, summing rows in order (numpy's axis-0 reduction). */
  columnMeans(rows: number, cols: number, x: FloatArray, divisor: number, out: FloatArray): void;

  /** Applies the activation in place to the first `rows * cols` entries of x (softmax works by row). */
  activate(activation: number, rows: number, cols: number, x: FloatArray): void;

  /**
   * Backpropagates through an activation in place: delta = delta * f'(z), with f' written in
   * terms of the layer OUTPUT a = f(z) (so forward buffers are reused). For softmax this is the
   * Jacobian-vector product by row: delta = a * (delta - sum(delta * a)).
   */
  activationBackward(activation: number, rows: number, cols: number, a: FloatArray, delta: FloatArray): void;

  /** out[i] = p[i] - y[i] for the first `length` entries. */
  subtract(length: number, p: FloatArray, y: FloatArray, out: FloatArray): void;

  /**
   * Finishes a weight gradient, in sklearn's order: g = (g + alpha * w + l1 * sign(w)) / divisor.
   * The l1 term is skipped when l1 is 0, so the result is bit-identical to sklearn's L2-only path.
   */
  finishWeightGradient(length: number, g: FloatArray, w: FloatArray, alpha: number, l1: number, divisor: number): void;

  /**
   * SGD with momentum, fused, in sklearn's order:
   *   v = momentum * v - lr * g
   *   update = nesterov ? momentum * v - lr * g : v
   *   p += update
   */
  sgdStep(length: number, p: FloatArray, g: FloatArray, v: FloatArray, lr: number, momentum: number, nesterov: boolean): void;

  /**
   * Adam, fused, in sklearn's order (lrT already holds the bias correction):
   *   m = beta1 * m + (1 - beta1) * g
   *   v = beta2 * v + (1 - beta2) * (g * g)
   *   p += ((-lrT) * m) / (sqrt(v) + epsilon)
   */
  adamStep(length: number, p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, lrT: number, beta1: number, beta2: number, epsilon: number): void;

  /** Sum of x[i] * x[i] over the first `length` entries (the L2 penalty's np.dot(w, w)). */
  sumSquares(length: number, x: FloatArray): number;

  /** Sum of |x[i]| over the first `length` entries (the L1 penalty). */
  sumAbs(length: number, x: FloatArray): number;

  /** Copies rows indices[start .. start+count) of src (cols wide) into dst, in that order. */
  gatherRows(cols: number, src: FloatArray, indices: Int32Array, start: number, count: number, dst: FloatArray): void;

  // The layer steps: each is exactly the calls it replaces (js.ts composes them), so the same
  // numbers; a backend may run them as one pass (the native one applies the bias, activation or
  // finish to each thread's share of the product while it is in that core's cache). An
  // activation code of -1 means none (the caller applies an activation that has no kernel).

  /**
   * A layer's forward pass, out = f(A W + b): gemm(false, false, rows, fanOut, fanIn, 1, a, w, 0,
   * out), addRowVector(rows, fanOut, out, bias), then activate(activation, rows, fanOut, out).
   */
  linearForward(rows: number, fanIn: number, fanOut: number, a: FloatArray, w: FloatArray, bias: FloatArray, activation: number, out: FloatArray): void;

  /**
   * The delta of the layer below, out = (D W^T) * f'(a): gemm(false, true, rows, fanIn, fanOut, 1,
   * delta, w, 0, out), then activationBackward(activation, rows, fanIn, a, out).
   */
  linearBackward(rows: number, fanIn: number, fanOut: number, delta: FloatArray, w: FloatArray, activation: number, a: FloatArray, out: FloatArray): void;

  /**
   * A layer's weight gradient, out = (A^T D + alpha W [+ l1 sign W]) / divisor: gemm(true, false,
   * fanIn, fanOut, rows, 1, a, delta, 0, out), then finishWeightGradient(fanIn * fanOut, out, w,
   * alpha, l1, divisor).
   */
  weightGradient(
    fanIn: number,
    fanOut: number,
    rows: number,
    a: FloatArray,
    delta: FloatArray,
    w: FloatArray,
    alpha: number,
    l1: number,
    divisor: number,
    out: FloatArray,
  ): void;
}
