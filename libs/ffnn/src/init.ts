/**
 * Weight initialisation. Every method draws from the one RandomState, layer by layer, weights
 * (fanIn x fanOut, row-major) then biases, so a seed gives the same numbers as the parity tool's
 * scikit-learn subclass. Values are drawn in float64 and then rounded to the dtype, as sklearn does.
 */
import type { ActivationName } from './backend/backend.ts';
import type { RandomState } from './random.ts';

/** The weight initialisation methods by name. */
export type InitMethodName = 'glorot' | 'zero' | 'uniform' | 'normal' | 'xavierUniform' | 'xavierNormal' | 'heUniform' | 'heNormal';

/** The `init` option: a method name, or uniform / normal with their parameters. */
export type InitSpec =
  | InitMethodName
  | { method: 'uniform'; low?: number; high?: number }
  | { method: 'normal'; mean?: number; std?: number }
  | { method: Exclude<InitMethodName, 'uniform' | 'normal'> };

export interface LayerInit {
  weights: Float64Array;
  biases: Float64Array;
}

export const INIT_DEFAULTS = { uniform: { low: -0.05, high: 0.05 }, normal: { mean: 0, std: 0.05 } } as const;

type Drawer = (rng: RandomState, fanIn: number, fanOut: number, activation: ActivationName, spec: InitSpec) => LayerInit;

const zeros = (n: number) => new Float64Array(n);

/** The init table: the drawer of each method, fed the one RandomState layer by layer. */
export const INIT_METHODS: Readonly<Record<InitMethodName, Drawer>> = {
  // sklearn _init_coef: bound = sqrt(factor / (fanIn + fanOut)), factor 2 for logistic else 6
  glorot(rng, fanIn, fanOut, activation) {
    const factor = activation === 'logistic' ? 2.0 : 6.0;
    const bound = Math.sqrt(factor / (fanIn + fanOut));
    const weights = rng.uniform(-bound, bound, fanIn * fanOut);
    const biases = rng.uniform(-bound, bound, fanOut);
    return { weights, biases };
  },
  zero(_rng, fanIn, fanOut) {
    return { weights: zeros(fanIn * fanOut), biases: zeros(fanOut) };
  },
  uniform(rng, fanIn, fanOut, _a, spec) {
    const o: { low?: number; high?: number } = typeof spec === 'object' && spec.method === 'uniform' ? spec : {};
    const low = o.low ?? INIT_DEFAULTS.uniform.low;
    const high = o.high ?? INIT_DEFAULTS.uniform.high;
    const weights = rng.uniform(low, high, fanIn * fanOut);
    const biases = rng.uniform(low, high, fanOut);
    return { weights, biases };
  },
  normal(rng, fanIn, fanOut, _a, spec) {
    const o: { mean?: number; std?: number } = typeof spec === 'object' && spec.method === 'normal' ? spec : {};
    const mean = o.mean ?? INIT_DEFAULTS.normal.mean;
    const std = o.std ?? INIT_DEFAULTS.normal.std;
    const weights = rng.normal(mean, std, fanIn * fanOut);
    const biases = rng.normal(mean, std, fanOut);
    return { weights, biases };
  },
  // Glorot & Bengio: limit = sqrt(6 / (fanIn + fanOut)); biases start at zero
  xavierUniform(rng, fanIn, fanOut) {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return { weights: rng.uniform(-limit, limit, fanIn * fanOut), biases: zeros(fanOut) };
  },
  xavierNormal(rng, fanIn, fanOut) {
    const std = Math.sqrt(2 / (fanIn + fanOut));
    return { weights: rng.normal(0.0, std, fanIn * fanOut), biases: zeros(fanOut) };
  },
  // He et al.: limit = sqrt(6 / fanIn), std = sqrt(2 / fanIn); biases start at zero
  heUniform(rng, fanIn, fanOut) {
    const limit = Math.sqrt(6 / fanIn);
    return { weights: rng.uniform(-limit, limit, fanIn * fanOut), biases: zeros(fanOut) };
  },
  heNormal(rng, fanIn, fanOut) {
    const std = Math.sqrt(2 / fanIn);
    return { weights: rng.normal(0.0, std, fanIn * fanOut), biases: zeros(fanOut) };
  },
};

export function initMethodName(spec: InitSpec): InitMethodName {
  return typeof spec === 'string' ? spec : spec.method;
}

export function initLayer(rng: RandomState, fanIn: number, fanOut: number, activation: ActivationName, spec: InitSpec): LayerInit {
  return INIT_METHODS[initMethodName(spec)](rng, fanIn, fanOut, activation, spec);
}
