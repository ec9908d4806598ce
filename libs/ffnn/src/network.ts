/**
 * The forward and backward passes of a multilayer perceptron over a Backend, in scikit-learn's
 * order of operations (`_forward_pass`, `_backprop`, `_compute_loss_grad`). All buffers are
 * allocated once for a batch capacity; a smaller batch uses the leading rows, so nothing is
 * allocated per batch.
 */
import { ACTIVATIONS, activationCode } from './activations.ts';
import type { ActivationName, Backend, DType, FloatArray } from './backend/backend.ts';
import { FfnnError } from './errors.ts';
import { clipEpsilon, type Loss, weightedLossValue } from './losses.ts';
import { allocate } from './matrix.ts';

/**
 * Most weights and biases a network may have (800 MB of float64 weights, several times that with
 * gradients and optimizer state): a gigantic layer fails fast with a clear error instead of
 * trying to allocate. Model files are held to the same limit.
 */
export const MAX_PARAMETERS = 100_000_000;

/** Number of weights and biases of a network with these layer sizes. */
export function parameterCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

/** Fails fast, before allocating, when a network would exceed MAX_PARAMETERS. */
export function checkNetworkSize(sizes: readonly number[]): void {
  const n = parameterCount(sizes);
  if (n > MAX_PARAMETERS) {
    throw new FfnnError(
      'INVALID_PARAM',
      `hiddenLayerSizes: layers ${sizes.join('-')} would need ${n.toExponential(2)} weights, more than the limit of ${MAX_PARAMETERS.toExponential(0)}; use smaller hidden layers`,
      { param: 'hiddenLayerSizes', expected: MAX_PARAMETERS, got: n },
    );
  }
}

export interface NetworkShape {
  /** [nFeatures, ...hidden, nOutputs] */
  layerSizes: readonly number[];
  /** One activation per non-input layer: hidden layers then the output layer. */
  activations: readonly ActivationName[];
  dtype: DType;
}

export class Network {
  readonly layerSizes: readonly number[];
  readonly activations: readonly ActivationName[];
  readonly dtype: DType;
  /** coefs[l] is layerSizes[l] x layerSizes[l+1], row-major. */
  readonly coefs: FloatArray[];
  readonly intercepts: FloatArray[];
  readonly coefGrads: FloatArray[];
  readonly interceptGrads: FloatArray[];

  private readonly codes: number[];
  private readonly paramList: FloatArray[];
  private readonly gradList: FloatArray[];
  private capacity = 0;
  /** acts[0] holds the input batch; acts[l] the output of layer l. */
  private acts: FloatArray[] = [];
  /** deltas[l] is dLoss/dZ of layer l (l >= 1); deltas[0] is unused. */
  private deltas: FloatArray[] = [];
  private targets: FloatArray = new Float64Array(0);
  /** The batch's sample weights (when training with them). */
  private weights: FloatArray = new Float64Array(0);

  constructor(
    shape: NetworkShape,
    public backend: Backend,
  ) {
    this.layerSizes = [...shape.layerSizes];
    this.activations = [...shape.activations];
    this.dtype = shape.dtype;
    this.codes = this.activations.map(activationCode);
    const L = this.layerSizes.length - 1;
    this.coefs = [];
    this.intercepts = [];
    this.coefGrads = [];
    this.interceptGrads = [];
    for (let l = 0; l < L; l++) {
      const fanIn = this.layerSizes[l];
      const fanOut = this.layerSizes[l + 1];
      this.coefs.push(allocate(this.dtype, fanIn * fanOut));
      this.intercepts.push(allocate(this.dtype, fanOut));
      this.coefGrads.push(allocate(this.dtype, fanIn * fanOut));
      this.interceptGrads.push(allocate(this.dtype, fanOut));
    }
    this.paramList = [...this.coefs, ...this.intercepts];
    this.gradList = [...this.coefGrads, ...this.interceptGrads];
  }

  get nLayers(): number {
    return this.layerSizes.length;
  }

  get nOutputs(): number {
    return this.layerSizes[this.layerSizes.length - 1];
  }

  /** Parameters in sklearn's optimizer order: all coefs, then all intercepts. */
  get params(): FloatArray[] {
    return this.paramList;
  }

  /** Gradients in the same order as params. */
  get grads(): FloatArray[] {
    return this.gradList;
  }

  /** Makes sure the batch buffers hold `rows` rows (grows only; called outside the batch loop). */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    this.acts = this.layerSizes.map((size) => allocate(this.dtype, rows * size));
    this.deltas = this.layerSizes.map((size, l) => (l === 0 ? allocate(this.dtype, 0) : allocate(this.dtype, rows * size)));
    this.targets = allocate(this.dtype, rows * this.nOutputs);
    this.weights = allocate(this.dtype, rows);
  }

  /** The input buffer of the current batch (rows x nFeatures, leading rows used). */
  get input(): FloatArray {
    return this.acts[0];
  }

  /** The output of the last forward pass (rows x nOutputs, leading rows used). */
  get output(): FloatArray {
    return this.acts[this.acts.length - 1];
  }

  /** Loads batch rows of X and Y, picked by indices[start .. start+rows). */
  gatherBatch(x: FloatArray, y: FloatArray, indices: Int32Array, start: number, rows: number, w: FloatArray | null = null): void {
    this.backend.gatherRows(this.layerSizes[0], x, indices, start, rows, this.acts[0]);
    this.backend.gatherRows(this.nOutputs, y, indices, start, rows, this.targets);
    if (w) this.backend.gatherRows(1, w, indices, start, rows, this.weights);
  }

  /** Z = A W + b, then the layer's activation, for every layer: reads `input`, fills `output`. */
  forward(rows: number): FloatArray {
    const b = this.backend;
    for (let l = 0; l < this.coefs.length; l++) {
      const fanIn = this.layerSizes[l];
      const fanOut = this.layerSizes[l + 1];
      // gemm, bias and activation in one backend call (-1: an activation without a kernel, after)
      b.linearForward(rows, fanIn, fanOut, this.acts[l], this.coefs[l], this.intercepts[l], this.codes[l], this.acts[l + 1]);
      if (this.codes[l] < 0) ACTIVATIONS[this.activations[l]].forward(rows, fanOut, this.acts[l + 1]);
    }
    return this.output;
  }

  /** The regularisation part of the batch loss: (0.5 alpha sum ||W||^2 + l1 sum |W|) / rows. */
  penalty(rows: number, alpha: number, l1: number): number {
    let loss = 0;
    if (alpha !== 0) {
      // sklearn: values = sum of np.dot(w, w) over layers; loss += (0.5 * alpha) * values / n
      let values = 0;
      for (const w of this.coefs) values += this.backend.sumSquares(w.length, w);
      loss += (0.5 * alpha * values) / rows;
    }
    if (l1 !== 0) {
      let values = 0;
      for (const w of this.coefs) values += this.backend.sumAbs(w.length, w);
      loss += (l1 * values) / rows;
    }
    return loss;
  }

  /**
   * Forward then backward over the gathered batch: fills coefGrads and interceptGrads and
   * returns the batch loss (data loss plus penalty, with the weights before this update).
   * `weighted`: use the sample weights gatherBatch loaded (sklearn >= 1.7): the loss is their
   * weighted mean, each row's output delta is scaled by its weight, and every division by the
   * batch size becomes one by the sum of the weights.
   */
  forwardBackward(rows: number, loss: Loss, alpha: number, l1: number, weighted = false): number {
    const b = this.backend;
    const p = this.forward(rows);
    const nOut = this.nOutputs;
    const L = this.coefs.length;
    const outAct = this.activations[L - 1];
    const w = this.weights;
    let n = rows; // sw_sum in sklearn
    if (weighted) {
      n = 0;
      for (let r = 0; r < rows; r++) n += w[r];
    }
    const eps = clipEpsilon(this.dtype);
    const value =
      (weighted ? weightedLossValue(loss, rows, nOut, p, this.targets, eps, w) : loss.value(rows, nOut, p, this.targets, eps)) + this.penalty(n, alpha, l1);

    // output delta: P - Y for the natural pairs, else dL/dP through the activation's derivative
    const top = this.deltas[L];
    if (outAct === loss.naturalActivation) b.subtract(rows * nOut, p, this.targets, top);
    else {
      loss.gradient(rows * nOut, p, this.targets, top);
      this.activationBackward(L - 1, rows, nOut, p, top);
    }
    // deltas[last] *= sample_weight (per row)
    if (weighted) for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) top[r * nOut + j] *= w[r];

    for (let l = L - 1; l >= 0; l--) {
      const fanIn = this.layerSizes[l];
      const fanOut = this.layerSizes[l + 1];
      // gW = (A^T D + alpha W [+ l1 sign W]) / n ;  gb = sum of D over rows / n
      b.weightGradient(fanIn, fanOut, rows, this.acts[l], this.deltas[l + 1], this.coefs[l], alpha, l1, n, this.coefGrads[l]);
      b.columnMeans(rows, fanOut, this.deltas[l + 1], n, this.interceptGrads[l]);
      if (l > 0) {
        // D_{l} = D_{l+1} W^T, then through layer l's activation (-1: one without a kernel, after)
        b.linearBackward(rows, fanIn, fanOut, this.deltas[l + 1], this.coefs[l], this.codes[l - 1], this.acts[l], this.deltas[l]);
        if (this.codes[l - 1] < 0) ACTIVATIONS[this.activations[l - 1]].backward(rows, fanIn, this.acts[l], this.deltas[l]);
      }
    }
    return value;
  }

  /** Backpropagates through layer l's activation: the backend's kernel, or TypeScript for one without a code ('exp'). */
  private activationBackward(l: number, rows: number, cols: number, a: FloatArray, delta: FloatArray): void {
    if (this.codes[l] >= 0) this.backend.activationBackward(this.codes[l], rows, cols, a, delta);
    else ACTIVATIONS[this.activations[l]].backward(rows, cols, a, delta);
  }

  /** Copies all parameters (for snapshots). */
  snapshot(): FloatArray[] {
    return this.params.map((p) => p.slice());
  }

  restore(snapshot: readonly FloatArray[]): void {
    this.params.forEach((p, i) => p.set(snapshot[i]));
  }
}
