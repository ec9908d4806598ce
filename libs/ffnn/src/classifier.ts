/**
 * FFNNClassifier: scikit-learn's MLPClassifier (stochastic solvers) over the shared estimator core
 * (estimator/). What is a classifier's own lives here: labels and their encoding (labels.ts),
 * softmax or logistic outputs, log loss, accuracy, and decoding outputs back into labels.
 */

import type { DriveOptions } from './async-fit.ts';
import { driveAsync, driveSync } from './async-fit.ts';
import type { ActivationName, FloatArray } from './backend/backend.ts';
import { FfnnError } from './errors.ts';
import { FFNNEstimator } from './estimator/estimator.ts';
import { forEachChunk, type OutputScorer } from './estimator/inference.ts';
import { runStreamFit, type StreamFitOptions, type StreamSource } from './estimator/stream-fit.ts';
import { checkSampleWeight, inDtype } from './estimator/training-data.ts';
import { modelFromAnyBytes } from './io/model-file.ts';
import { readModelJson } from './io/model-json.ts';
import type { RestoredModel } from './io/model-spec.ts';
import { decideRow, encodeTargets, fitEncoding, type Label, type TargetEncoding, type TargetInput, uniqueSorted } from './labels.ts';
import type { LossName } from './losses.ts';
import type { Matrix, MatrixInput } from './matrix.ts';
import { type FFNNOptions, resolveLoss } from './options.ts';

export type { AsyncFitOptions } from './estimator/estimator.ts';
export type { HistoryEntry } from './estimator/fitted-state.ts';
export { DIVERGENCE_LOSS, EXPLODING_FACTOR } from './estimator/stopping.ts';
export type { FitOptions, TrainingProgress } from './estimator/training-loop.ts';
export { MAX_PARAMETERS } from './network.ts';

/**
 * Exact row matches (sklearn's accuracy_score; with sample weights, their weighted mean). Never
 * NaN: sklearn >= 1.6 scores NaN only when the PREDICTED LABELS are not finite, and a classifier
 * predicts its classes even from non-finite outputs (decideRow decides as numpy does).
 */
function accuracy(enc: TargetEncoding): OutputScorer {
  return (out, y, rows, _nOut, w) => {
    if (w) return weightedMean(rows, (r) => (rowMatches(enc, out, r, y) ? 1 : 0), w);
    let correct = 0;
    for (let r = 0; r < rows; r++) if (rowMatches(enc, out, r, y)) correct++;
    return correct / rows;
  };
}

/** sum(w * value) / sum(w) over rows (numpy's average with weights). */
function weightedMean(rows: number, value: (r: number) => number, w: ArrayLike<number>): number {
  let sum = 0;
  let wSum = 0;
  for (let r = 0; r < rows; r++) {
    sum += w[r] * value(r);
    wSum += w[r];
  }
  return sum / wSum;
}

function rowMatches(enc: TargetEncoding, out: FloatArray, r: number, y: FloatArray): boolean {
  const nOut = enc.nOutputs;
  if (enc.kind === 'multilabel') {
    for (let j = 0; j < nOut; j++) if ((out[r * nOut + j] > 0.5 ? 1 : 0) !== y[r * nOut + j]) return false;
    return true;
  }
  const predicted = decideRow(enc, out, r * nOut);
  return enc.kind === 'binary' ? predicted === y[r] : y[r * nOut + predicted] === 1;
}

/** scikit-learn's MLPClassifier in TypeScript: binary, multiclass and multilabel targets, sgd / adam / lbfgs, the same numbers as sklearn from the same randomState. The constructor only stores options; fit validates them and returns this. */
export class FFNNClassifier extends FFNNEstimator {
  protected get estimatorName(): string {
    return 'FFNNClassifier';
  }

  protected fitTargets(y: TargetInput, classes: readonly Label[] | undefined): TargetEncoding {
    return fitEncoding(y, classes);
  }

  protected checkContinuedTargets(encoding: TargetEncoding, y: TargetInput, incremental: boolean): void {
    if (incremental || encoding.kind === 'multilabel') return;
    const now = uniqueSorted(y as ArrayLike<Label>);
    if (now.length !== encoding.classes.length || now.some((c, i) => c !== encoding.classes[i])) {
      throw new FfnnError(
        'INVALID_DATA',
        `y: warmStart needs the same classes as the previous fit ([${encoding.classes.join(', ')}]), got [${now.join(', ')}]`,
        { param: 'y' },
      );
    }
  }

  protected encode(encoding: TargetEncoding, y: TargetInput, param: string): Float64Array {
    return encodeTargets(encoding, y, param);
  }

  protected autoOutputActivation(encoding: TargetEncoding): ActivationName {
    return encoding.kind === 'multiclass' ? 'softmax' : 'logistic';
  }

  protected lossFor(encoding: TargetEncoding): LossName {
    return resolveLoss(this.opts, encoding.kind === 'multiclass');
  }

  protected readonly scoreOutputs: OutputScorer = (out, y, rows, nOut, w) => accuracy(this.fitted('score').state.encoding)(out, y, rows, nOut, w);

  protected stratify(encoding: TargetEncoding): boolean {
    // sklearn stratifies only when there is one output column (binary), not multiclass
    return encoding.nOutputs === 1;
  }

  /** The class labels, sorted (sklearn's classes_). */
  get classes(): Label[] {
    return this.fitted('classes').state.encoding.classes;
  }

  /** What the targets were: 'binary', 'multiclass' or 'multilabel'. */
  get targetKind(): TargetEncoding['kind'] {
    return this.fitted('targetKind').state.encoding.kind;
  }

  // ---------------------------------------------------------------- training

  /**
   * One epoch over X, y, keeping the optimizer state; `classes` is required on the first call.
   * `sampleWeight`: one weight per row (sklearn's sample_weight).
   */
  partialFit(X: MatrixInput, y: TargetInput, classes?: readonly Label[], options: { sampleWeight?: ArrayLike<number> | null } = {}): this {
    this.checkPartialFitClasses(y, classes);
    driveSync(this.train(X, y, true, classes, { sampleWeight: options.sampleWeight }, false));
    return this;
  }

  /** partialFit that yields to the event loop, as fitAsync. */
  async partialFitAsync(
    X: MatrixInput,
    y: TargetInput,
    classes?: readonly Label[],
    options: DriveOptions & { sampleWeight?: ArrayLike<number> | null } = {},
  ): Promise<this> {
    this.checkPartialFitClasses(y, classes);
    await driveAsync(this.train(X, y, true, classes, { sampleWeight: options.sampleWeight }, true), options);
    return this;
  }

  /**
   * Trains on batches from a stream (estimator/stream-fit.ts): each batch of `source` is one
   * partialFit call, so `classes` is required as in partialFit; `epochs` passes, an optional
   * seeded `shuffleBuffer` of rows, `signal` and `onProgress` as in fitAsync.
   */
  async fitStream(source: StreamSource, options: StreamFitOptions & { classes?: readonly Label[] } = {}): Promise<this> {
    const classes = options?.classes;
    await runStreamFit(this, source, options, this.opts.randomState ?? null, (X, y, fitOptions) => {
      this.checkPartialFitClasses(y, classes);
      return this.train(X, y, true, classes, fitOptions, false);
    });
    return this;
  }

  private checkPartialFitClasses(y: TargetInput, classes?: readonly Label[]): void {
    this.checkPartialFit();
    if (!this.model && !classes && !(Array.isArray(y) && Array.isArray(y[0]))) {
      throw new FfnnError('INVALID_PARAM', 'classes: the first call to partialFit needs the list of all classes', { param: 'classes' });
    }
    // as sklearn: later calls may repeat the classes, not change them
    if (this.model && classes && this.model.state.encoding.kind !== 'multilabel') {
      const now = uniqueSorted(classes, 'classes');
      const was = this.model.state.encoding.classes;
      if (now.length !== was.length || now.some((c, i) => c !== was[i])) {
        throw new FfnnError('INVALID_PARAM', `classes: [${now.join(', ')}] is not the same as in the first call to partialFit ([${was.join(', ')}])`, {
          param: 'classes',
        });
      }
    }
  }

  // ---------------------------------------------------------------- inference

  /**
   * Class probabilities: binary gives two columns [1 - p, p]; multilabel the raw per-label outputs.
   * A single class c (classes [c]) gives two columns as sklearn does: [1 - p, p], where p, trained
   * towards 0, is the probability of "not c".
   */
  predictProba(Xin: MatrixInput): Matrix<Float64Array> {
    const X = this.checkedInput(Xin, 'predictProba');
    const { net, state } = this.fitted('predictProba');
    const binary = state.encoding.kind === 'binary';
    const nOut = net.nOutputs;
    const cols = binary ? 2 : nOut;
    const data = new Float64Array(X.rows * cols);
    forEachChunk(net, X.data, X.rows, (out, first, count) => {
      for (let r = 0; r < count; r++) {
        if (binary) {
          data[(first + r) * 2] = 1 - out[r];
          data[(first + r) * 2 + 1] = out[r];
        } else for (let j = 0; j < nOut; j++) data[(first + r) * nOut + j] = out[r * nOut + j];
      }
    });
    return { rows: X.rows, cols, data };
  }

  /** The natural logarithm of predictProba (sklearn's predict_log_proba): -Infinity where a probability is 0. */
  predictLogProba(Xin: MatrixInput): Matrix<Float64Array> {
    const p = this.predictProba(Xin);
    for (let i = 0; i < p.data.length; i++) p.data[i] = Math.log(p.data[i]);
    return p;
  }

  /** Predicted labels; for a multilabel model, rows of 0/1. */
  predict(Xin: MatrixInput): Label[] | number[][] {
    const X = this.checkedInput(Xin, 'predict');
    const { net, state } = this.fitted('predict');
    const enc = state.encoding;
    const nOut = net.nOutputs;
    const labels: Label[] = [];
    const rowsOut: number[][] = [];
    forEachChunk(net, X.data, X.rows, (out, _first, count) => {
      for (let r = 0; r < count; r++) {
        if (enc.kind === 'multilabel') rowsOut.push(Array.from(out.subarray(r * nOut, (r + 1) * nOut), (p) => (p > 0.5 ? 1 : 0)));
        else labels.push(enc.classes[decideRow(enc, out, r * nOut)]);
      }
    });
    return enc.kind === 'multilabel' ? rowsOut : labels;
  }

  /**
   * Mean accuracy (for multilabel, the fraction of rows predicted exactly). A label the model never
   * saw in training counts as a wrong prediction, as in sklearn: it is not an error. With
   * `sampleWeight`, the weighted mean of the row matches (sklearn's score(X, y, sample_weight)).
   */
  score(Xin: MatrixInput, y: TargetInput, sampleWeight?: ArrayLike<number> | null): number {
    const X = this.checkedInput(Xin, 'score');
    if (!y || typeof y !== 'object' || y.length !== X.rows) {
      throw new FfnnError('SHAPE_MISMATCH', `y: expected ${X.rows} targets (one per row of X), got ${typeof y === 'object' ? y?.length : typeof y}`, {
        param: 'y',
      });
    }
    const { net, state } = this.fitted('score');
    const w = checkSampleWeight(sampleWeight, X.rows, 'float64');
    if (state.encoding.kind !== 'multilabel') {
      uniqueSorted(y as ArrayLike<Label>, 'y'); // labels must be numbers or strings, of one type
      const predicted = this.predict(X) as Label[];
      const truth = y as ArrayLike<Label>;
      if (w) return weightedMean(X.rows, (i) => (predicted[i] === truth[i] ? 1 : 0), w);
      let correct = 0;
      for (let i = 0; i < X.rows; i++) if (predicted[i] === truth[i]) correct++;
      return correct / X.rows;
    }
    const Y = inDtype(encodeTargets(state.encoding, y), net.dtype);
    const out = new Float64Array(X.rows * net.nOutputs);
    forEachChunk(net, X.data, X.rows, (chunk, first, count) => out.set(chunk.subarray(0, count * net.nOutputs), first * net.nOutputs));
    return accuracy(state.encoding)(out, Y, X.rows, net.nOutputs, w);
  }

  // ---------------------------------------------------------------- persistence

  /** Reads a classifier from a parsed JSON model document (version 1). */
  static fromJSON(json: unknown): FFNNClassifier {
    return FFNNClassifier.fromState(readModelJson(json));
  }

  /** Reads a model from bytes in either format (binary version 2 or JSON version 1 text). */
  static fromBytes(bytes: Uint8Array): FFNNClassifier {
    return FFNNClassifier.fromState(modelFromAnyBytes(bytes));
  }

  /** @internal Rebuilds a fitted classifier from serialised parts (what io reads). */
  static restore(
    options: Partial<FFNNOptions>,
    shape: RestoredModel['shape'],
    coefs: ArrayLike<number>[],
    intercepts: ArrayLike<number>[],
    fitted: RestoredModel['fitted'],
  ): FFNNClassifier {
    return FFNNClassifier.fromState({ options, shape, coefs, intercepts, fitted, warnings: [] });
  }

  private static fromState(restored: RestoredModel): FFNNClassifier {
    if (restored.fitted.encoding.kind === 'continuous') {
      throw new FfnnError('MODEL_FORMAT', 'model file: this is a regressor (continuous target); load it with FFNNRegressor', { kind: 'continuous' });
    }
    return FFNNEstimator.fill(new FFNNClassifier(restored.options), restored);
  }
}

/** Reads a classifier from a parsed JSON model document (FFNNClassifier.fromJSON). */
export function modelFromJSON(json: unknown): FFNNClassifier {
  return FFNNClassifier.fromJSON(json);
}
