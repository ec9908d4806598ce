/**
 * Losses as a table keyed by canonical name. Each gives the batch's data loss (a mean over rows)
 * and dL/dP per row (no division by the batch size: the gradient step divides once). When the
 * output activation is the loss's natural partner (softmax + categorical CE, logistic + binary
 * CE, identity + MSE) the chain rule collapses to delta = P - Y, which network.ts uses directly;
 * any other pairing backpropagates dL/dP through the activation's own derivative.
 */
import type { ActivationName, DType, FloatArray } from './backend/backend.ts';

/** A loss by its canonical name (the aliases in LOSS_ALIASES map to these). */
export type LossName = 'categorical_cross_entropy' | 'binary_cross_entropy' | 'mean_squared_error' | 'half_squared_error' | 'half_poisson_deviance';

/** Every accepted `loss` option value mapped to its canonical name ('log_loss' is resolved by the target kind). */
export const LOSS_ALIASES: Readonly<Record<string, LossName | 'log_loss'>> = {
  categorical_cross_entropy: 'categorical_cross_entropy',
  binary_cross_entropy: 'binary_cross_entropy',
  mean_squared_error: 'mean_squared_error',
  squared_error: 'mean_squared_error',
  // sklearn's log_loss is categorical for multiclass targets and binary otherwise
  log_loss: 'log_loss',
  // MLPRegressor's: the half Poisson deviance (FFNNRegressor only)
  poisson: 'half_poisson_deviance',
};

/** Machine epsilon of the output dtype: sklearn clips probabilities to [eps, 1 - eps] in the loss. */
export function clipEpsilon(dtype: DType): number {
  return dtype === 'float32' ? 1.1920928955078125e-7 : 2.220446049250313e-16;
}

export interface Loss {
  readonly name: LossName;
  /** The output activation for which delta = P - Y holds. */
  readonly naturalActivation: ActivationName;
  /** Mean over the `rows` rows of the summed per-output loss. */
  value(rows: number, cols: number, p: FloatArray, y: FloatArray, eps: number): number;
  /** out = dL/dP per row (the unclipped P, like sklearn's deltas). */
  gradient(length: number, p: FloatArray, y: FloatArray, out: FloatArray): void;
  /** One element's share of the loss (what value() sums), for the sample-weighted loss. */
  term(p: number, y: number, eps: number): number;
  /** Whether the loss is a mean over output columns (MLPRegressor's squared_error), not a sum. */
  readonly columnMean?: boolean;
}

/**
 * The loss with sample weights (sklearn >= 1.7): each row's summed terms weighted by w, divided
 * by the sum of the weights (np.average per column, then summed or averaged over columns).
 */
export function weightedLossValue(loss: Loss, rows: number, cols: number, p: FloatArray, y: FloatArray, eps: number, w: ArrayLike<number>): number {
  let total = 0;
  let wSum = 0;
  for (let r = 0; r < rows; r++) {
    let row = 0;
    for (let j = 0; j < cols; j++) row += loss.term(p[r * cols + j], y[r * cols + j], eps);
    total += w[r] * row;
    wSum += w[r];
  }
  return loss.columnMean ? total / wSum / cols : total / wSum;
}

/** The loss table: value and output delta of each loss, by canonical name. */
export const LOSSES: Readonly<Record<LossName, Loss>> = {
  // -(1/n) sum Y ln P ; terms with Y = 0 are exactly 0 (xlogy)
  categorical_cross_entropy: {
    name: 'categorical_cross_entropy',
    naturalActivation: 'softmax',
    value(rows, cols, p, y, eps) {
      let sum = 0;
      const len = rows * cols;
      for (let i = 0; i < len; i++) {
        if (y[i] !== 0) sum += y[i] * Math.log(Math.min(Math.max(p[i], eps), 1 - eps));
      }
      return -sum / rows;
    },
    gradient(length, p, y, out) {
      for (let i = 0; i < length; i++) out[i] = y[i] === 0 ? 0 : -y[i] / p[i];
    },
    term: (p, y, eps) => (y !== 0 ? -y * Math.log(Math.min(Math.max(p, eps), 1 - eps)) : 0),
  },
  // -(1/n) sum [Y ln P + (1 - Y) ln(1 - P)], 1 - P taken after clipping
  binary_cross_entropy: {
    name: 'binary_cross_entropy',
    naturalActivation: 'logistic',
    value(rows, cols, p, y, eps) {
      // two sums then added, as sklearn: -(xlogy(Y, P).sum() + xlogy(1 - Y, 1 - P).sum()) / n
      let positive = 0;
      let negative = 0;
      const len = rows * cols;
      for (let i = 0; i < len; i++) {
        const pc = Math.min(Math.max(p[i], eps), 1 - eps);
        if (y[i] !== 0) positive += y[i] * Math.log(pc);
        if (y[i] !== 1) negative += (1 - y[i]) * Math.log(1 - pc);
      }
      return -(positive + negative) / rows;
    },
    gradient(length, p, y, out) {
      for (let i = 0; i < length; i++) out[i] = -y[i] / p[i] + (1 - y[i]) / (1 - p[i]);
    },
    term(p, y, eps) {
      const pc = Math.min(Math.max(p, eps), 1 - eps);
      return -((y !== 0 ? y * Math.log(pc) : 0) + (y !== 1 ? (1 - y) * Math.log(1 - pc) : 0));
    },
  },
  // (1/n) sum 0.5 (P - Y)^2: the half makes dL/dP = P - Y (sklearn's squared_error for one output)
  mean_squared_error: {
    name: 'mean_squared_error',
    naturalActivation: 'identity',
    value(rows, cols, p, y) {
      let sum = 0;
      const len = rows * cols;
      for (let i = 0; i < len; i++) {
        const d = p[i] - y[i];
        sum += d * d;
      }
      return (0.5 * sum) / rows;
    },
    gradient(length, p, y, out) {
      for (let i = 0; i < length; i++) out[i] = p[i] - y[i];
    },
    term: (p, y) => 0.5 * (p - y) * (p - y),
  },
  // MLPRegressor's squared_error: 0.5 * (per-column mean of (Y - P)^2), averaged over columns.
  // With several outputs sklearn reports this mean but steps with delta = P - Y (the gradient of
  // the SUM over columns); both are kept, so loss curves and weights match sklearn's.
  half_squared_error: {
    name: 'half_squared_error',
    naturalActivation: 'identity',
    value(rows, cols, p, y) {
      let total = 0;
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) {
          const d = y[r * cols + j] - p[r * cols + j];
          sum += d * d;
        }
        total += sum / rows;
      }
      return 0.5 * (total / cols);
    },
    gradient(length, p, y, out) {
      for (let i = 0; i < length; i++) out[i] = p[i] - y[i];
    },
    term: (p, y) => 0.5 * (y - p) * (y - p),
    columnMean: true,
  },
  // MLPRegressor's poisson: per column the mean of xlogy(Y, Y/P) - Y + P, summed over columns;
  // with the exp output, delta = P - Y
  half_poisson_deviance: {
    name: 'half_poisson_deviance',
    naturalActivation: 'exp',
    value(rows, cols, p, y) {
      let total = 0;
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) {
          const t = y[r * cols + j];
          const q = p[r * cols + j];
          sum += (t === 0 ? 0 : t * Math.log(t / q)) - t + q;
        }
        total += sum / rows;
      }
      return total;
    },
    gradient(length, p, y, out) {
      for (let i = 0; i < length; i++) out[i] = 1 - y[i] / p[i];
    },
    term: (p, y) => (y === 0 ? 0 : y * Math.log(y / p)) - y + p,
  },
};
