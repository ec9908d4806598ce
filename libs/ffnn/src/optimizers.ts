/**
 * scikit-learn's stochastic optimizers (`_stochastic_optimizers.py`) over a Backend. Parameters
 * are updated in place; state (velocities, Adam moments) is allocated once per parameter.
 */
import type { Backend, DType, FloatArray } from './backend/backend.ts';
import { allocate } from './matrix.ts';

export type LearningRateSchedule = 'constant' | 'invscaling' | 'adaptive';

export interface Optimizer {
  /** The learning rate in force for the next update. */
  readonly learningRate: number;
  /** Applies one batch's gradients: params[i] += update(grads[i]). */
  update(params: readonly FloatArray[], grads: readonly FloatArray[]): void;
  /** Called once per epoch after the convergence bookkeeping, with t = samples seen so far. */
  iterationEnds(t: number): void;
  /** Called when the loss stopped improving: true means stop training. */
  triggerStopping(verbose: boolean, log: (line: string) => void): boolean;
}

export class SgdOptimizer implements Optimizer {
  learningRate: number;
  private readonly velocities: FloatArray[];

  constructor(
    private readonly backend: Backend,
    params: readonly FloatArray[],
    dtype: DType,
    private readonly learningRateInit: number,
    private readonly schedule: LearningRateSchedule,
    private readonly momentum: number,
    private readonly nesterov: boolean,
    private readonly powerT: number,
  ) {
    this.learningRate = learningRateInit;
    this.velocities = params.map((p) => allocate(dtype, p.length));
  }

  update(params: readonly FloatArray[], grads: readonly FloatArray[]): void {
    for (let i = 0; i < params.length; i++) {
      this.backend.sgdStep(params[i].length, params[i], grads[i], this.velocities[i], this.learningRate, this.momentum, this.nesterov);
    }
  }

  // invscaling: lr = lr_init / (t + 1)^power_t
  iterationEnds(t: number): void {
    if (this.schedule === 'invscaling') this.learningRate = this.learningRateInit / (t + 1) ** this.powerT;
  }

  triggerStopping(verbose: boolean, log: (line: string) => void): boolean {
    if (this.schedule !== 'adaptive') {
      if (verbose) log('Learning rate is not adaptive: training stops.');
      return true;
    }
    if (this.learningRate <= 1e-6) {
      if (verbose) log('Learning rate too small. Stopping.');
      return true;
    }
    this.learningRate /= 5.0;
    if (verbose) log(`Setting learning rate to ${this.learningRate}`);
    return false;
  }
}

export class AdamOptimizer implements Optimizer {
  readonly learningRate: number;
  private readonly ms: FloatArray[];
  private readonly vs: FloatArray[];
  private t = 0;

  constructor(
    private readonly backend: Backend,
    params: readonly FloatArray[],
    dtype: DType,
    learningRateInit: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.learningRate = learningRateInit;
    this.ms = params.map((p) => allocate(dtype, p.length));
    this.vs = params.map((p) => allocate(dtype, p.length));
  }

  update(params: readonly FloatArray[], grads: readonly FloatArray[]): void {
    this.t += 1;
    // lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t), evaluated left to right
    const lrT = (this.learningRate * Math.sqrt(1 - this.beta2 ** this.t)) / (1 - this.beta1 ** this.t);
    for (let i = 0; i < params.length; i++) {
      this.backend.adamStep(params[i].length, params[i], grads[i], this.ms[i], this.vs[i], lrT, this.beta1, this.beta2, this.epsilon);
    }
  }

  iterationEnds(): void {}

  triggerStopping(verbose: boolean, log: (line: string) => void): boolean {
    if (verbose) log('Adam does not adapt its learning rate: training stops.');
    return true;
  }
}

/** The options an optimizer is built from (a subset of FFNNOptions, named as there). */
export interface OptimizerOptions {
  dtype: DType;
  learningRateInit: number;
  learningRate: LearningRateSchedule;
  momentum: number;
  nesterovsMomentum: boolean;
  powerT: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The per-batch solvers (sklearn's _STOCHASTIC_SOLVERS). */
export type StochasticSolverName = 'sgd' | 'adam';
/** Every `solver`: lbfgs is full-batch L-BFGS-B (optimizers/lbfgsb.ts, driven by estimator/fit-lbfgs.ts). */
export type SolverName = StochasticSolverName | 'lbfgs';

export const isStochastic = (solver: SolverName): solver is StochasticSolverName => solver !== 'lbfgs';

/** One constructor per stochastic `solver`: sklearn's `_fit_stochastic` picks from the same two. */
export const OPTIMIZERS: Readonly<Record<StochasticSolverName, (backend: Backend, params: readonly FloatArray[], o: OptimizerOptions) => Optimizer>> = {
  sgd: (backend, params, o) => new SgdOptimizer(backend, params, o.dtype, o.learningRateInit, o.learningRate, o.momentum, o.nesterovsMomentum, o.powerT),
  adam: (backend, params, o) => new AdamOptimizer(backend, params, o.dtype, o.learningRateInit, o.beta1, o.beta2, o.epsilon),
};
