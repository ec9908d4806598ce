/**
 * numpy's legacy RandomState (MT19937), the only source of randomness in ffnn, so that the same
 * integer seed gives the same weights, shuffles and splits as scikit-learn.
 * Spec: shared/sklearn-mlp-parity.md section 3 (init_genrand seeding, 53-bit doubles, masked
 * rejection for bounded integers, Fisher-Yates from the end, legacy polar-method gauss).
 */
import { FfnnError } from './errors.ts';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** numpy's RandomState (MT19937): the same seed gives the same draws as numpy, the only source of randomness in ffnn. */
export class RandomState {
  private readonly key = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gaussCache = 0;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new FfnnError('INVALID_PARAM', `randomState: expected an integer in [0, 4294967295], got ${seed}`, {
        param: 'randomState',
        got: seed,
      });
    }
    // init_genrand (mt19937_seed), not init_by_array
    const key = this.key;
    key[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = key[i - 1];
      key[i] = (Math.imul(1812433253, (prev ^ (prev >>> 30)) >>> 0) + i) >>> 0;
    }
    this.pos = N;
  }

  private regenerate(): void {
    const key = this.key;
    for (let i = 0; i < N; i++) {
      const y = ((key[i] & UPPER_MASK) | (key[(i + 1) % N] & LOWER_MASK)) >>> 0;
      key[i] = (key[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    this.pos = 0;
  }

  /** Next tempered 32-bit output (mt19937_next). */
  nextUint32(): number {
    if (this.pos >= N) this.regenerate();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y = (y ^ ((y << 7) & 0x9d2c5680)) >>> 0;
    y = (y ^ ((y << 15) & 0xefc60000)) >>> 0;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: (a * 2^26 + b) / 2^53, a drawn first. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** numpy random_sample(size), filled in order. */
  randomSample(size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.nextDouble();
    return out;
  }

  /** numpy uniform(low, high, size): low + (high - low) * U, the range computed once. */
  uniform(low: number, high: number, size: number): Float64Array {
    const range = high - low;
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /** Legacy polar-method gauss: returns f*x2 and caches f*x1 for the next call. */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gaussCache;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.nextDouble() - 1.0;
      x2 = 2.0 * this.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gaussCache = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** numpy normal(loc, scale, size) = loc + scale * gauss(), filled in order. */
  normal(loc: number, scale: number, size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = loc + scale * this.gauss();
    return out;
  }

  /** An integer in [0, max] by masked rejection (legacy random_interval). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    do {
      v = (this.nextUint32() & mask) >>> 0;
    } while (v > max);
    return v;
  }

  /** In-place Fisher-Yates from the end (RandomState.shuffle on a 1-D array). */
  shuffle(x: { length: number; [i: number]: number }): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.interval(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
  }

  /** permutation(n) = shuffle(arange(n)). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }
}
