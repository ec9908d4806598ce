/**
 * FFNNRegressor: scikit-learn's MLPRegressor (stochastic solvers) over the shared estimator core
 * (estimator/): identity output for 'squared_error', exp output for 'poisson', one or many
 * outputs, R² as the score. ffnn's extras (per-layer activations, init methods, L1, float32,
 * history) come with the core.
 */

import { type DriveOptions, driveAsync, driveSync } from './async-fit.ts';
import type { ActivationName, FloatArray } from './backend/backend.ts';
import { FfnnError } from './errors.ts';
import { FFNNEstimator } from './estimator/estimator.ts';
import { outputs } from './estimator/inference.ts';
import { runStreamFit, type StreamFitOptions, type StreamSource } from './estimator/stream-fit.ts';
import { checkSampleWeight, inDtype } from './estimator/training-data.ts';
import { modelFromAnyBytes } from './io/model-file.ts';
import { readModelJson } from './io/model-json.ts';
import type { RestoredModel } from './io/model-spec.ts';
import type { TargetEncoding, TargetInput } from './labels.ts';
import { LOSS_ALIASES, type LossName } from './losses.ts';
import type { MatrixInput } from './matrix.ts';
import { encodeRegressionTargets, fitRegressionTargets, r2Score } from './regression-targets.ts';

/** What the regressor's `loss` option may name, and the loss each stands for. */
const REGRESSION_LOSSES: Readonly<Record<string, LossName>> = {
  auto: 'half_squared_error',
  squared_error: 'half_squared_error',
  poisson: 'half_poisson_deviance',
  // ffnn's extra: the summed (not column-averaged) squared error the classifier offers too
  mean_squared_error: 'mean_squared_error',
};

/** scikit-learn's MLPRegressor over the same estimator core: numeric targets (one output or several), squared_error or poisson loss, R² as score. */
export class FFNNRegressor extends FFNNEstimator {
  protected get estimatorName(): string {
    return 'FFNNRegressor';
  }

  protected override get targetsExpected(): string {
    return 'an array of numbers or a matrix of them (one column per output)';
  }

  protected fitTargets(y: TargetInput): TargetEncoding {
    return fitRegressionTargets(y);
  }

  protected checkContinuedTargets(encoding: TargetEncoding, y: TargetInput): void {
    const now = fitRegressionTargets(y);
    if (now.nOutputs !== encoding.nOutputs) {
      throw new FfnnError('SHAPE_MISMATCH', `y: the model was fitted with ${encoding.nOutputs} output(s), got ${now.nOutputs}`, {
        param: 'y',
        expected: encoding.nOutputs,
        got: now.nOutputs,
      });
    }
  }

  protected encode(encoding: TargetEncoding, y: TargetInput, param: string): Float64Array {
    const Y = encodeRegressionTargets(encoding, y, param);
    if (this.lossFor(encoding) === 'half_poisson_deviance') {
      // the Poisson deviance needs y >= 0 (sklearn computes NaN losses instead)
      const i = Y.findIndex((v) => v < 0);
      if (i >= 0)
        throw new FfnnError('INVALID_DATA', `${param}: loss 'poisson' needs targets >= 0, got ${Y[i]} at row ${Math.floor(i / encoding.nOutputs)}`, { param });
    }
    return Y;
  }

  protected autoOutputActivation(encoding: TargetEncoding): ActivationName {
    return this.lossFor(encoding) === 'half_poisson_deviance' ? 'exp' : 'identity';
  }

  protected lossFor(_encoding: TargetEncoding): LossName {
    const name = this.opts.loss;
    const loss = REGRESSION_LOSSES[name];
    if (!loss) {
      throw new FfnnError(
        'INVALID_PARAM',
        `loss: FFNNRegressor takes 'squared_error' or 'poisson' (or 'mean_squared_error'), got ${JSON.stringify(name)} (${LOSS_ALIASES[name] ?? name} is a classifier's loss)`,
        {
          param: 'loss',
        },
      );
    }
    return loss;
  }

  protected readonly scoreOutputs = r2Score;

  protected stratify(): boolean {
    return false; // sklearn stratifies only classifiers
  }

  // ---------------------------------------------------------------- training

  /** One epoch over X, y, keeping the optimizer state (sklearn's partial_fit); `sampleWeight`: one weight per row. */
  partialFit(X: MatrixInput, y: TargetInput, options: { sampleWeight?: ArrayLike<number> | null } = {}): this {
    this.checkPartialFit();
    driveSync(this.train(X, y, true, undefined, { sampleWeight: options.sampleWeight }, false));
    return this;
  }

  /** partialFit that yields to the event loop, as fitAsync. */
  async partialFitAsync(X: MatrixInput, y: TargetInput, options: DriveOptions & { sampleWeight?: ArrayLike<number> | null } = {}): Promise<this> {
    this.checkPartialFit();
    await driveAsync(this.train(X, y, true, undefined, { sampleWeight: options.sampleWeight }, true), options);
    return this;
  }

  /**
   * Trains on batches from a stream (estimator/stream-fit.ts): each batch of `source` is one
   * partialFit call; `epochs` passes, an optional seeded `shuffleBuffer` of rows, `signal` and
   * `onProgress` as in fitAsync.
   */
  async fitStream(source: StreamSource, options: StreamFitOptions = {}): Promise<this> {
    await runStreamFit(this, source, options, this.opts.randomState ?? null, (X, y, fitOptions) => {
      this.checkPartialFit();
      return this.train(X, y, true, undefined, fitOptions, false);
    });
    return this;
  }

  // ---------------------------------------------------------------- inference

  /** Predictions: a number per row for a single-output model (as sklearn ravels), else a row of outputs. */
  predict(Xin: MatrixInput): number[] | number[][] {
    const X = this.checkedInput(Xin, 'predict');
    const { net } = this.fitted('predict');
    const out = outputs(net, X.data, X.rows);
    const k = net.nOutputs;
    if (k === 1) return Array.from(out);
    return Array.from({ length: X.rows }, (_, r) => Array.from(out.subarray(r * k, (r + 1) * k)));
  }

  /** R² of the predictions (sklearn's score: r2_score, averaged uniformly over outputs; weighted by `sampleWeight`). */
  score(Xin: MatrixInput, y: TargetInput, sampleWeight?: ArrayLike<number> | null): number {
    const X = this.checkedInput(Xin, 'score');
    const { net, state } = this.fitted('score');
    if (!y || typeof y !== 'object' || y.length !== X.rows) {
      throw new FfnnError('SHAPE_MISMATCH', `y: expected ${X.rows} targets (one per row of X), got ${typeof y === 'object' ? y?.length : typeof y}`, {
        param: 'y',
      });
    }
    const Y: FloatArray = inDtype(encodeRegressionTargets(state.encoding, y), 'float64');
    return r2Score(outputs(net, X.data, X.rows), Y, X.rows, net.nOutputs, checkSampleWeight(sampleWeight, X.rows, 'float64'));
  }

  // ---------------------------------------------------------------- persistence

  /** Reads a regressor from a parsed JSON model document (version 1). */
  static fromJSON(json: unknown): FFNNRegressor {
    return FFNNRegressor.fromState(readModelJson(json));
  }

  /** Reads a regressor from bytes in either format (binary version 2 or JSON version 1 text). */
  static fromBytes(bytes: Uint8Array): FFNNRegressor {
    return FFNNRegressor.fromState(modelFromAnyBytes(bytes));
  }

  private static fromState(restored: RestoredModel): FFNNRegressor {
    if (restored.fitted.encoding.kind !== 'continuous') {
      throw new FfnnError('MODEL_FORMAT', `model file: this is a classifier (target ${restored.fitted.encoding.kind}); load it with FFNNClassifier`, {
        kind: restored.fitted.encoding.kind,
      });
    }
    return FFNNEstimator.fill(new FFNNRegressor(restored.options), restored);
  }
}
