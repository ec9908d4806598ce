/**
 * The backend contract suite: ONE set of checks run over every available backend (js always,
 * native when the addon loads, wasm: the same Rust built for WebAssembly) and both dtypes. Each kernel is compared with a naive float64
 * reference written here (triple loops, the textbook formula), then native is compared with js.
 *
 * Tolerances, from the dtype (|got - want| <= tol * scale, scale = the sum of |terms| that
 * produced the value, so cancellation does not make the bound meaningless):
 *   float64: 1e-12. A sum of k products in float64 errs by at most about k * 2^-53 * scale, i.e.
 *            < 1e-13 for k <= 784; libm's exp/tanh/log1p differ from V8's by an ulp (1e-16).
 *   float32: 1e-5. Elementwise kernels round once (or twice) to float32: 6e-8 each; sgemm sums
 *            k <= 784 float32 products, whose rounding errors grow like sqrt(k) * 2^-24 ~ 2e-6.
 * The error path (wrong lengths, bad codes, aliasing) is the Rust backends': js.ts is the
 * readable definition and does not validate, so those tests run for native and wasm only.
 *
 * The native kernels have one path per instruction set (AVX-512, AVX2+FMA, SSE2 on x86-64; NEON
 * on arm64), products and elementwise passes alike: the suite runs once on the best this CPU has
 * (`native`) and once more for each lower one the CPU can run, forced with the addon's setGemmIsa
 * (`native[sse2]`, ...). A path the CPU lacks cannot run here and is named in the log. The
 * elementwise passes use no fused multiply-add, so every level gives the same bits: a test below.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIVATION_CODES, type Backend, type DType, type FloatArray } from '../src/backend/backend.ts';
import { jsBackend } from '../src/backend/js.ts';
import { loadNativeBackend } from '../src/backend/native.ts';
import { loadWasmBackendSync } from '../src/backend/wasm-sync.ts';

const native = loadNativeBackend();
const BACKENDS: Backend[] = [jsBackend];
/** Native, then native with gemm forced onto each lower instruction set this CPU has. */
const NATIVES: Backend[] = [];
if (native.backend && native.addon) {
  const { addon, backend } = native;
  const kernel = addon.gemmKernel();
  NATIVES.push(backend);
  for (const isa of kernel.supported.filter((i) => i !== kernel.detected)) {
    /** Runs `call` with the kernels forced onto this level; returns what it returns. */
    const forced = <R>(call: () => R): R => {
      addon.setGemmIsa(isa);
      try {
        return call();
      } finally {
        addon.setGemmIsa(null);
      }
    };
    // every kernel on the forced level: the products and the elementwise passes (activations,
    // optimizer steps, reductions) are all compiled per level
    const onLevel: Record<string, unknown> = { ...backend, name: `native[${isa}]` };
    for (const [key, value] of Object.entries(backend)) {
      if (typeof value === 'function') onLevel[key] = (...args: unknown[]) => forced(() => (value as (...a: unknown[]) => unknown)(...args));
    }
    NATIVES.push(onLevel as unknown as Backend);
  }
  BACKENDS.push(...NATIVES);
  const missing = ['avx512', 'avx2-fma', 'sse2', 'neon'].filter((i) => !kernel.supported.includes(i));
  console.log(
    `backend-contract: native gemm paths tested: ${kernel.supported.join(', ')} (best: ${kernel.detected}); not on this CPU: ${missing.join(', ') || 'none'}`,
  );
} else console.log(`backend-contract: native backend not tested (${native.reason})`);
// wasm-backend.test.ts asserts that it loads; here it is one more backend
const wasm = loadWasmBackendSync();
if (wasm.backend) BACKENDS.push(wasm.backend);
else console.log(`backend-contract: wasm backend not tested (${wasm.reason})`);
/** The Rust backends: compared with js kernel by kernel, and their error path checked. */
const CHECKED: Backend[] = [...NATIVES, ...(wasm.backend ? [wasm.backend] : [])];

const DTYPES: DType[] = ['float64', 'float32'];
const TOL: Record<DType, number> = { float64: 1e-12, float32: 1e-5 };

// ---------- deterministic data: a 32-bit LCG (Numerical Recipes constants) ----------

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32; // [0, 1)
  };
}

function alloc(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** Uniform in [lo, hi), stored in the dtype (so the reference sees the rounded values). */
function rand(dtype: DType, n: number, seed: number, lo = -1, hi = 1): FloatArray {
  const next = lcg(seed);
  const x = alloc(dtype, n);
  for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * next();
  return x;
}

function copy(x: FloatArray): FloatArray {
  return x.slice();
}

/** Asserts |got[i] - want[i]| <= tol * scale[i] for i < want.length (NaN matches NaN only). */
function close(label: string, got: ArrayLike<number>, want: ArrayLike<number>, scale: ArrayLike<number> | number, tol: number): void {
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (!(Number.isNaN(w) && Number.isNaN(g))) assert.unreachable(`${label}: [${i}] got ${g}, want ${w}`);
      continue;
    }
    if (g === w) continue;
    const s = typeof scale === 'number' ? scale : scale[i];
    const err = Math.abs(g - w);
    if (!(err <= tol * s)) {
      assert.unreachable(`${label}: [${i}] got ${g}, want ${w}, |err| ${err.toExponential(2)} > ${tol} * ${s.toExponential(2)}`);
    }
  }
}

function same(label: string, got: ArrayLike<number>, want: ArrayLike<number>): void {
  close(label, got, want, 0, 0);
}

/** Scale for a value that is itself the whole "term": |want|, never below the smallest normal. */
function selfScale(want: ArrayLike<number>): Float64Array {
  return Float64Array.from(want, (w) => Math.max(Math.abs(w), 1e-300));
}

// ---------- naive float64 references ----------

function refGemm(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  beta: number,
  c0: ArrayLike<number>,
): { want: Float64Array; scale: Float64Array } {
  const want = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const t = (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
        s += t;
        abs += Math.abs(t);
      }
      const cTerm = beta === 0 ? 0 : beta * c0[i * n + j];
      want[i * n + j] = alpha * s + cTerm;
      scale[i * n + j] = Math.abs(alpha) * abs + Math.abs(cTerm) + 1e-300;
    }
  }
  return { want, scale };
}

// ln(1 + e^z); log1p keeps e^z below 2^-53 (z = -40) from rounding away
const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const REF_FORWARD: Record<string, (z: number) => number> = {
  identity: (z) => z,
  relu: (z) => Math.max(z, 0),
  logistic: (z) => 1 / (1 + Math.exp(-z)),
  tanh: (z) => Math.tanh(z),
  softsign: (z) => z / (1 + Math.abs(z)),
  softplus,
};
/** f'(z) written from a = f(z). */
const REF_DERIVATIVE: Record<string, (a: number) => number> = {
  identity: () => 1,
  relu: (a) => (a === 0 ? 0 : 1),
  logistic: (a) => a * (1 - a),
  tanh: (a) => 1 - a * a,
  softsign: (a) => (1 - Math.abs(a)) ** 2,
  softplus: (a) => -Math.expm1(-a), // 1 - e^-a, accurate when a is tiny (z = -40)
};

function refSoftmax(rows: number, cols: number, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[r * cols + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[r * cols + j] - max);
    for (let j = 0; j < cols; j++) out[r * cols + j] = Math.exp(x[r * cols + j] - max) / sum;
  }
  return out;
}

// ---------- the suite, once per backend and dtype ----------

const GEMM_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [7, 3, 5],
  [1, 9, 4],
  [6, 1, 3],
  [17, 33, 65], // not a multiple of any SIMD width
  [200, 128, 784], // a forward pass of MNIST's first layer (m = batch, k = fan-in)
  [1500, 10, 300], // a thin output (n = 10) big enough to be split between threads
  [203, 70, 401], // packed op(A) with a partial last row panel, k in uneven blocks, two threads
];
const TRANSPOSES: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];
const ALPHA_BETA: [number, number][] = [
  [1, 0],
  [1, 1],
  [-0.75, 0.5],
  [2, 0],
];

for (const backend of BACKENDS) {
  for (const dtype of DTYPES) {
    const tol = TOL[dtype];
    const tag = `${backend.name}/${dtype}`;

    test(`${tag}: gemm, every shape, transpose and alpha/beta, against a triple loop`, () => {
      let seed = 1;
      for (const [m, n, k] of GEMM_SHAPES) {
        const big = m * n * k > 1e6;
        for (const [ta, tb] of TRANSPOSES) {
          for (const [alpha, beta] of big ? ALPHA_BETA.slice(0, 3) : ALPHA_BETA) {
            const a = rand(dtype, m * k, seed++);
            const b = rand(dtype, k * n, seed++);
            // beta = 0 must ignore C's old contents, NaN included
            const c = beta === 0 ? alloc(dtype, m * n).fill(Number.NaN) : rand(dtype, m * n, seed++);
            const { want, scale } = refGemm(ta, tb, m, n, k, alpha, a, b, beta, c);
            backend.gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
            close(`gemm ${m}x${n}x${k} ta=${ta} tb=${tb} alpha=${alpha} beta=${beta}`, c, want, scale, tol);
          }
        }
      }
    });

    test(`${tag}: linearForward, linearBackward and weightGradient equal the calls they replace, value for value`, () => {
      // a fused op is defined as those calls (backend.ts): the same backend must give the same
      // numbers, bit for bit, whatever it fuses (each value is rounded at the same steps)
      let seed = 7000;
      const codes = [-1, ...Object.values(ACTIVATION_CODES)];
      const shapes: [number, number, number][] = [
        [1, 1, 1],
        [7, 5, 3],
        [17, 65, 33],
        [200, 784, 128], // MNIST's first layer: packed op(A), two threads
        [203, 401, 70], // partial row panels and column panels, k in uneven blocks
        [150, 30, 10], // a thin output layer
      ];
      for (const [rows, fanIn, fanOut] of shapes) {
        const a = rand(dtype, rows * fanIn, seed++, 0.01, 0.99); // a layer's outputs: in (0, 1) suits every f'
        const w = rand(dtype, fanIn * fanOut, seed++);
        const bias = rand(dtype, fanOut, seed++);
        const delta = rand(dtype, rows * fanOut, seed++);
        for (const code of codes) {
          const fused = alloc(dtype, rows * fanOut).fill(Number.NaN);
          backend.linearForward(rows, fanIn, fanOut, a, w, bias, code, fused);
          const parts = alloc(dtype, rows * fanOut);
          backend.gemm(false, false, rows, fanOut, fanIn, 1, a, w, 0, parts);
          backend.addRowVector(rows, fanOut, parts, bias);
          if (code !== -1) backend.activate(code, rows, fanOut, parts);
          same(`linearForward ${rows}x${fanIn}x${fanOut} activation ${code}`, fused, parts);

          const back = alloc(dtype, rows * fanIn).fill(Number.NaN);
          backend.linearBackward(rows, fanIn, fanOut, delta, w, code, a, back);
          const backParts = alloc(dtype, rows * fanIn);
          backend.gemm(false, true, rows, fanIn, fanOut, 1, delta, w, 0, backParts);
          if (code !== -1) backend.activationBackward(code, rows, fanIn, a, backParts);
          same(`linearBackward ${rows}x${fanIn}x${fanOut} activation ${code}`, back, backParts);
        }
        for (const [alpha, l1] of [
          [0, 0],
          [1e-4, 0],
          [1e-3, 2e-4],
        ]) {
          const g = alloc(dtype, fanIn * fanOut).fill(Number.NaN);
          backend.weightGradient(fanIn, fanOut, rows, a, delta, w, alpha, l1, rows, g);
          const gParts = alloc(dtype, fanIn * fanOut);
          backend.gemm(true, false, fanIn, fanOut, rows, 1, a, delta, 0, gParts);
          backend.finishWeightGradient(fanIn * fanOut, gParts, w, alpha, l1, rows);
          same(`weightGradient ${fanIn}x${fanOut} over ${rows} rows, alpha ${alpha}, l1 ${l1}`, g, gParts);
        }
      }
    });

    test(`${tag}: gemm with k = 0, alpha = 0, m = 0 and arrays longer than needed`, () => {
      const c = rand(dtype, 6, 10);
      const c0 = copy(c);
      backend.gemm(false, false, 2, 3, 0, 1, alloc(dtype, 0), alloc(dtype, 0), 0.5, c);
      close(
        'k = 0 scales C by beta',
        c,
        Array.from(c0, (v) => 0.5 * v),
        selfScale(c),
        tol,
      );
      const a = rand(dtype, 4, 11);
      const b = rand(dtype, 6, 12);
      backend.gemm(false, false, 2, 3, 2, 0, a, b, 0, c.fill(Number.NaN));
      same('alpha = 0, beta = 0 zeroes C', c, [0, 0, 0, 0, 0, 0]);
      backend.gemm(false, false, 0, 3, 2, 1, a, b, 0, c.fill(7));
      same('m = 0 touches nothing', c, [7, 7, 7, 7, 7, 7]);
      // only the first m*n entries of C are written; a and b may hold more than needed
      const long = alloc(dtype, 8).fill(-3);
      const { want, scale } = refGemm(false, true, 2, 3, 2, 1, a, b, 0, long);
      backend.gemm(false, true, 2, 3, 2, 1, rand(dtype, 9, 11).subarray(0, 9), b, 0, long);
      close('longer C', long.subarray(0, 6), want, scale, tol);
      same('tail of C untouched', long.subarray(6), [-3, -3]);
    });

    test(`${tag}: outputs into small arrays and subarray views (Bun once dropped such writes)`, () => {
      const a = alloc(dtype, 1).fill(3);
      const b = alloc(dtype, 1).fill(-2);
      const c = alloc(dtype, 1).fill(Number.NaN);
      backend.gemm(false, false, 1, 1, 1, 1, a, b, 0, c);
      same('1x1 gemm', c, [-6]);
      const out = alloc(dtype, 2);
      backend.subtract(2, alloc(dtype, 2).fill(1), alloc(dtype, 2).fill(0.25), out);
      same('length-2 subtract', out, [0.75, 0.75]);
      // a view in the middle of a larger buffer: its byte offset must be honoured
      const host = alloc(dtype, 10).fill(9);
      const view = host.subarray(3, 7);
      backend.gemm(false, false, 2, 2, 1, 1, alloc(dtype, 2).fill(1), alloc(dtype, 2).fill(2), 0, view);
      same('gemm into a view', host, [9, 9, 9, 2, 2, 2, 2, 9, 9, 9]);
      const x = host.subarray(1, 3);
      backend.activate(ACTIVATION_CODES.logistic, 1, 2, x);
      const s9 = 1 / (1 + Math.exp(-9));
      close('activate a view', host.subarray(0, 4), [9, s9, s9, 2], 1, tol);
    });

    test(`${tag}: addRowVector and columnMeans`, () => {
      for (const [rows, cols] of [
        [1, 1],
        [3, 5],
        [200, 128],
      ]) {
        const x = rand(dtype, rows * cols, rows + cols);
        const v = rand(dtype, cols, 7);
        const want = Float64Array.from(x, (xv, i) => xv + v[i % cols]);
        const scale = Float64Array.from(x, (xv, i) => Math.abs(xv) + Math.abs(v[i % cols]));
        backend.addRowVector(rows, cols, x, v);
        close(`addRowVector ${rows}x${cols}`, x, want, scale, tol);

        const out = alloc(dtype, cols + 1).fill(5); // one spare entry: must stay 5
        const means = new Float64Array(cols);
        const sums = new Float64Array(cols);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            means[j] += x[i * cols + j];
            sums[j] += Math.abs(x[i * cols + j]);
          }
        }
        const divisor = rows + 0.5;
        backend.columnMeans(rows, cols, x, divisor, out);
        // float32 rounds the running sum on every store (rows roundings): rows * 2^-24 * sum|x|
        const meanTol = dtype === 'float32' ? Math.max(tol, rows * 2 ** -24) : tol;
        close(
          `columnMeans ${rows}x${cols}`,
          out,
          Array.from(means, (s) => s / divisor),
          Array.from(sums, (s) => s / divisor),
          meanTol,
        );
        same('columnMeans spare entry', out.subarray(cols), [5]);
      }
    });

    test(`${tag}: activations forward and backward`, () => {
      for (const [name, code] of Object.entries(ACTIVATION_CODES)) {
        for (const [rows, cols] of [
          [1, 1],
          [3, 5],
          [200, 10],
        ]) {
          const len = rows * cols;
          const z = rand(dtype, len + 2, code * 100 + len, -4, 4);
          // values that test the edges: exact zero, negative zero, large magnitudes
          z[0] = 0;
          if (len > 2) z[1] = -0;
          if (len > 4) z[2] = 40;
          if (len > 4) z[3] = -40;
          const spare = [z[len], z[len + 1]];
          const want = name === 'softmax' ? refSoftmax(rows, cols, z) : Float64Array.from(z.subarray(0, len), REF_FORWARD[name]);
          const a = copy(z);
          backend.activate(code, rows, cols, a);
          close(`${name} forward ${rows}x${cols}`, a, want, selfScale(want), tol);
          same(`${name} forward leaves the tail`, a.subarray(len), spare);

          const delta = rand(dtype, len + 1, code * 7 + len);
          const deltaTail = delta[len];
          let dWant: Float64Array;
          let dScale: Float64Array;
          if (name === 'softmax') {
            dWant = new Float64Array(len);
            dScale = new Float64Array(len);
            for (let r = 0; r < rows; r++) {
              let dot = 0;
              let dotAbs = 0;
              for (let j = 0; j < cols; j++) {
                dot += delta[r * cols + j] * a[r * cols + j];
                dotAbs += Math.abs(delta[r * cols + j] * a[r * cols + j]);
              }
              for (let j = 0; j < cols; j++) {
                const i = r * cols + j;
                dWant[i] = a[i] * (delta[i] - dot);
                dScale[i] = Math.abs(a[i]) * (Math.abs(delta[i]) + dotAbs) + 1e-300;
              }
            }
          } else {
            dWant = Float64Array.from(a.subarray(0, len), (av, i) => delta[i] * REF_DERIVATIVE[name](av));
            dScale = selfScale(dWant);
          }
          backend.activationBackward(code, rows, cols, a, delta);
          close(`${name} backward ${rows}x${cols}`, delta, dWant, dScale, tol);
          same(`${name} backward leaves the tail`, delta.subarray(len), [deltaTail]);
        }
      }
    });

    test(`${tag}: relu backward zeroes delta exactly where a == 0`, () => {
      const a = alloc(dtype, 4);
      a.set([0, 0.5, -0, 2]);
      const delta = alloc(dtype, 4).fill(3);
      backend.activationBackward(ACTIVATION_CODES.relu, 2, 2, a, delta);
      same('relu backward', delta, [0, 3, 0, 3]);
    });

    test(`${tag}: subtract, finishWeightGradient, sgdStep, adamStep`, () => {
      const n = 1000;
      const p = rand(dtype, n, 21);
      const y = rand(dtype, n, 22);
      const out = alloc(dtype, n);
      backend.subtract(n, p, y, out);
      close(
        'subtract',
        out,
        Array.from(p, (pv, i) => pv - y[i]),
        Array.from(p, (pv, i) => Math.abs(pv) + Math.abs(y[i])),
        tol,
      );

      for (const l1 of [0, 1e-3]) {
        const g = rand(dtype, n, 23);
        const w = rand(dtype, n, 24);
        w[0] = 0;
        w[1] = -0;
        const alpha = 1e-4;
        const divisor = 200;
        const want = Float64Array.from(g, (gv, i) => (gv + alpha * w[i] + l1 * Math.sign(w[i])) / divisor);
        const scale = Float64Array.from(g, (gv, i) => (Math.abs(gv) + Math.abs(alpha * w[i]) + l1) / divisor);
        backend.finishWeightGradient(n, g, w, alpha, l1, divisor);
        close(`finishWeightGradient l1=${l1}`, g, want, scale, tol);
      }

      for (const nesterov of [false, true]) {
        const params = rand(dtype, n, 25);
        const g = rand(dtype, n, 26);
        const v = rand(dtype, n, 27, -0.1, 0.1);
        const [lr, momentum] = [0.1, 0.9];
        const vWant = Float64Array.from(v, (vv, i) => momentum * vv - lr * g[i]);
        const vScale = Float64Array.from(v, (vv, i) => Math.abs(momentum * vv) + Math.abs(lr * g[i]));
        const pWant = Float64Array.from(params, (pv, i) => pv + (nesterov ? momentum * vWant[i] - lr * g[i] : vWant[i]));
        const pScale = Float64Array.from(params, (pv, i) => Math.abs(pv) + 2 * vScale[i] + Math.abs(lr * g[i]));
        backend.sgdStep(n, params, g, v, lr, momentum, nesterov);
        close(`sgdStep v nesterov=${nesterov}`, v, vWant, vScale, tol);
        close(`sgdStep p nesterov=${nesterov}`, params, pWant, pScale, tol);
      }

      const params = rand(dtype, n, 28);
      const g = rand(dtype, n, 29);
      const m = rand(dtype, n, 30, -0.1, 0.1);
      const v = rand(dtype, n, 31, 0, 0.01);
      const [lrT, beta1, beta2, eps] = [(0.001 * Math.sqrt(1 - 0.999 ** 3)) / (1 - 0.9 ** 3), 0.9, 0.999, 1e-8];
      const mWant = Float64Array.from(m, (mv, i) => beta1 * mv + (1 - beta1) * g[i]);
      const vWant = Float64Array.from(v, (vv, i) => beta2 * vv + (1 - beta2) * g[i] * g[i]);
      const pWant = Float64Array.from(params, (pv, i) => pv - (lrT * mWant[i]) / (Math.sqrt(vWant[i]) + eps));
      const mScale = Float64Array.from(m, (mv, i) => Math.abs(beta1 * mv) + Math.abs((1 - beta1) * g[i]));
      const pScale = Float64Array.from(params, (pv, i) => Math.abs(pv) + Math.abs((lrT * mScale[i]) / (Math.sqrt(vWant[i]) + eps)));
      backend.adamStep(n, params, g, m, v, lrT, beta1, beta2, eps);
      close('adamStep m', m, mWant, mScale, tol);
      close('adamStep v', v, vWant, selfScale(vWant), tol);
      close('adamStep p', params, pWant, pScale, tol);
    });

    test(`${tag}: sumSquares and sumAbs (the L2 and L1 penalties)`, () => {
      const n = 1001;
      const x = rand(dtype, n + 3, 41);
      const squares = Array.from(x.subarray(0, n), (v) => v * v);
      const abs = Array.from(x.subarray(0, n), (v) => Math.abs(v));
      const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
      // relative to the sum itself: every term is non-negative, so no cancellation
      const sq = backend.sumSquares(n, x);
      const ab = backend.sumAbs(n, x);
      assert.ok(Math.abs(sq - sum(squares)) <= 1e-12 * sum(squares), `sumSquares ${sq} vs ${sum(squares)}`);
      assert.ok(Math.abs(ab - sum(abs)) <= 1e-12 * sum(abs), `sumAbs ${ab} vs ${sum(abs)}`);
      assert.is(backend.sumSquares(0, x), 0);
    });

    test(`${tag}: gatherRows copies the chosen rows in order`, () => {
      const cols = 7;
      const src = rand(dtype, 10 * cols, 40);
      const indices = Int32Array.from([9, 0, 3, 3, 5, 1]);
      const dst = alloc(dtype, 4 * cols + 1).fill(-1);
      backend.gatherRows(cols, src, indices, 1, 4, dst);
      const want: number[] = [];
      for (const r of [0, 3, 3, 5]) want.push(...src.subarray(r * cols, (r + 1) * cols));
      same('gatherRows', dst.subarray(0, 4 * cols), want);
      same('gatherRows spare entry', dst.subarray(4 * cols), [-1]);
    });
  }
}

// ---------- native and wasm against js, kernel by kernel on the same inputs ----------

for (const nat of CHECKED) {
  for (const dtype of DTYPES) {
    const tol = TOL[dtype];
    /** Runs `call` on js and on native with copies of the same arrays and compares them. */
    function agree(label: string, arrays: FloatArray[], call: (b: Backend, xs: FloatArray[]) => void, scale = 1): void {
      const onJs = arrays.map(copy);
      const onNative = arrays.map(copy);
      call(jsBackend, onJs);
      call(nat, onNative);
      onJs.forEach((x, i) =>
        close(
          `${label} [array ${i}]`,
          onNative[i],
          x,
          Array.from(x, (v) => Math.max(Math.abs(v), 1e-300) * scale),
          tol,
        ),
      );
    }

    test(`${nat.name}/${dtype} agrees with js on every kernel`, () => {
      const [m, n, k] = [64, 10, 128];
      for (const [ta, tb] of TRANSPOSES) {
        // gemm: scale by sum |a||b| ~ k/4 * |c|; compare relative to that typical size
        agree(
          `gemm ta=${ta} tb=${tb}`,
          [rand(dtype, m * k, 1), rand(dtype, k * n, 2), rand(dtype, m * n, 3)],
          (b, [a, bb, c]) => b.gemm(ta, tb, m, n, k, 0.5, a, bb, 0.25, c),
          k,
        );
      }
      for (const code of Object.values(ACTIVATION_CODES)) {
        agree(`activate ${code}`, [rand(dtype, m * n, 4, -5, 5)], (b, [x]) => b.activate(code, m, n, x));
        const a = rand(dtype, m * n, 5, -5, 5);
        jsBackend.activate(code, m, n, a);
        agree(`activationBackward ${code}`, [a, rand(dtype, m * n, 6)], (b, [aa, d]) => b.activationBackward(code, m, n, aa, d), n);
        // the edges of the kernels' own exp and tanh (native/src/vector_math.rs): overflow,
        // subnormal and zero results, infinities, NaN, tiny inputs, the clamps at -746, 710, 20
        const edges = [-800, -746, -745.2, -745, -740, -709, -40, -20, -1e-300, -0, 0, 1e-300, 1e-8, 0.17, 0.35, 20, 40, 709, 709.79, 710, 800];
        const row = [...edges, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
        const x = alloc(dtype, 2 * row.length);
        x.set(row);
        x.set(
          row.map((v) => -v),
          row.length,
        );
        agree(`activate ${code} at the edges`, [x], (b, [xx]) => b.activate(code, 2, row.length, xx));
      }
      agree('addRowVector', [rand(dtype, m * n, 7), rand(dtype, n, 8)], (b, [x, v]) => b.addRowVector(m, n, x, v), 4);
      agree('columnMeans', [rand(dtype, m * n, 9), alloc(dtype, n)], (b, [x, o]) => b.columnMeans(m, n, x, m, o), m);
      agree('subtract', [rand(dtype, 99, 10), rand(dtype, 99, 11), alloc(dtype, 99)], (b, [p, y, o]) => b.subtract(99, p, y, o), 4);
      agree('finishWeightGradient', [rand(dtype, 99, 12), rand(dtype, 99, 13)], (b, [g, w]) => b.finishWeightGradient(99, g, w, 1e-4, 1e-3, 32), 4);
      agree('sgdStep', [rand(dtype, 99, 14), rand(dtype, 99, 15), rand(dtype, 99, 16)], (b, [p, g, v]) => b.sgdStep(99, p, g, v, 0.1, 0.9, true), 4);
      agree(
        'adamStep',
        [rand(dtype, 99, 17), rand(dtype, 99, 18), rand(dtype, 99, 19), rand(dtype, 99, 20, 0, 1)],
        (b, [p, g, mm, v]) => b.adamStep(99, p, g, mm, v, 1e-3, 0.9, 0.999, 1e-8),
        4,
      );
      const idx = Int32Array.from([3, 1, 4, 1, 5]);
      agree('gatherRows', [rand(dtype, 6 * 3, 21), alloc(dtype, 5 * 3)], (b, [s, d]) => b.gatherRows(3, s, idx, 0, 5, d));
    });
  }
}

for (const nat of [native.backend, wasm.backend]) {
  if (!nat) continue;
  const name = nat.name;

  // ---------- the error path (native and wasm validate; js.ts is the unchecked reference) ----------

  function throwsCode(label: string, code: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      const e = error as Error & { code?: string };
      assert.is(e.code, code, `${label}: code (message: ${e.message})`);
      assert.ok(e.message.startsWith(`${code}: `), `${label}: message names the code: ${e.message}`);
      return;
    }
    assert.unreachable(`${label}: did not throw`);
  }

  for (const dtype of DTYPES) {
    test(`${name}/${dtype}: wrong lengths throw SHAPE_MISMATCH with expected and got, and write nothing`, () => {
      const f = (n: number, seed = n) => rand(dtype, n, seed);
      /** Each case: a call on fresh arrays, and which of them must stay unchanged. */
      const cases: [string, FloatArray[], (xs: FloatArray[]) => void][] = [
        ['gemm short a', [f(5), f(6), f(6)], ([a, b, c]) => nat.gemm(false, false, 2, 3, 3, 1, a, b, 0, c)],
        ['gemm short b', [f(6), f(5), f(6)], ([a, b, c]) => nat.gemm(false, false, 2, 3, 2, 1, a, b, 0, c)],
        ['gemm short c', [f(6), f(9), f(5)], ([a, b, c]) => nat.gemm(true, true, 2, 3, 3, 1, a, b, 0, c)],
        ['addRowVector short x', [f(5), f(3)], ([x, v]) => nat.addRowVector(2, 3, x, v)],
        ['addRowVector short v', [f(6), f(2)], ([x, v]) => nat.addRowVector(2, 3, x, v)],
        ['columnMeans short out', [f(6), f(2)], ([x, o]) => nat.columnMeans(2, 3, x, 2, o)],
        ['activate short x', [f(5)], ([x]) => nat.activate(ACTIVATION_CODES.softmax, 2, 3, x)],
        ['activationBackward short delta', [f(6), f(5)], ([a, d]) => nat.activationBackward(ACTIVATION_CODES.tanh, 2, 3, a, d)],
        ['subtract short y', [f(4), f(3), f(4)], ([p, y, o]) => nat.subtract(4, p, y, o)],
        ['finishWeightGradient short w', [f(4), f(3)], ([g, w]) => nat.finishWeightGradient(4, g, w, 1, 0, 1)],
        ['sgdStep short v', [f(4), f(4, 1), f(3)], ([p, g, v]) => nat.sgdStep(4, p, g, v, 0.1, 0.9, false)],
        ['adamStep short m', [f(4), f(4, 1), f(3), f(4, 2)], ([p, g, m, v]) => nat.adamStep(4, p, g, m, v, 0.1, 0.9, 0.999, 1e-8)],
        ['gatherRows short dst', [f(12), f(5)], ([s, d]) => nat.gatherRows(3, s, Int32Array.from([0, 1]), 0, 2, d)],
        ['sumSquares short x', [f(3)], ([x]) => nat.sumSquares(4, x)],
        ['sumAbs short x', [f(3)], ([x]) => nat.sumAbs(4, x)],
        ['linearForward short bias', [f(6), f(6, 1), f(1), f(4)], ([a, w, b, o]) => nat.linearForward(2, 3, 2, a, w, b, 1, o)],
        ['linearForward short out', [f(6), f(6, 1), f(2), f(3)], ([a, w, b, o]) => nat.linearForward(2, 3, 2, a, w, b, 1, o)],
        ['linearBackward short a', [f(4), f(6), f(5), f(6, 1)], ([d, w, a, o]) => nat.linearBackward(2, 3, 2, d, w, 1, a, o)],
        ['weightGradient short w', [f(6), f(4), f(5), f(6, 1)], ([a, d, w, o]) => nat.weightGradient(3, 2, 2, a, d, w, 1e-4, 0, 2, o)],
      ];
      for (const [label, arrays, call] of cases) {
        const before = arrays.map(copy);
        throwsCode(label, 'SHAPE_MISMATCH', () => call(arrays));
        arrays.forEach((x, i) => same(`${label}: array ${i} unchanged`, x, before[i]));
      }
      try {
        nat.gemm(false, false, 2, 3, 3, 1, f(5), f(9), 0, f(6));
      } catch (error) {
        assert.match((error as Error).message, /a\.length >= m\*k = 6, got 5/);
      }
    });

    test(`${name}/${dtype}: arrays of the other dtype throw DTYPE_MISMATCH and write nothing`, () => {
      const other: DType = dtype === 'float64' ? 'float32' : 'float64';
      const out = rand(dtype, 6, 1);
      const before = copy(out);
      throwsCode('gemm with a foreign a', 'DTYPE_MISMATCH', () => nat.gemm(false, false, 2, 3, 2, 1, rand(other, 4, 2), rand(dtype, 6, 3), 0, out));
      throwsCode('adamStep with a foreign v', 'DTYPE_MISMATCH', () =>
        nat.adamStep(6, out, rand(dtype, 6, 4), rand(dtype, 6, 5), rand(other, 6, 6), 1e-3, 0.9, 0.999, 1e-8),
      );
      throwsCode('subtract with a foreign y', 'DTYPE_MISMATCH', () => nat.subtract(6, rand(dtype, 6, 7), rand(other, 6, 8), out));
      same('output unchanged', out, before);
    });

    test(`${name}/${dtype}: bad parameters, indices and aliasing throw their codes and write nothing`, () => {
      const x = rand(dtype, 6, 1);
      const x0 = copy(x);
      throwsCode('activation code 7', 'INVALID_PARAM', () => nat.activate(7, 2, 3, x));
      throwsCode('activation code 1.5', 'INVALID_PARAM', () => nat.activate(1.5, 2, 3, x));
      throwsCode('linearForward activation code -2', 'INVALID_PARAM', () => nat.linearForward(2, 1, 3, x0, x0, x0, -2, x));
      throwsCode('rows -1', 'INVALID_PARAM', () => nat.activate(1, -1, 3, x));
      throwsCode('cols 2.5', 'INVALID_PARAM', () => nat.addRowVector(2, 2.5, x, rand(dtype, 3, 2)));
      throwsCode('m NaN', 'INVALID_PARAM', () => nat.gemm(false, false, Number.NaN, 1, 1, 1, x, x0, 0, rand(dtype, 1, 3)));
      same('x unchanged', x, x0);
      const dst = alloc(dtype, 6).fill(4);
      throwsCode('index 2 of 2 rows', 'INDEX_OUT_OF_RANGE', () => nat.gatherRows(3, x, Int32Array.from([0, 2]), 0, 2, dst));
      throwsCode('index -1', 'INDEX_OUT_OF_RANGE', () => nat.gatherRows(3, x, Int32Array.from([-1, 0]), 0, 2, dst));
      throwsCode('indices too short', 'SHAPE_MISMATCH', () => nat.gatherRows(3, x, Int32Array.from([0, 1]), 1, 2, dst));
      same('dst unchanged', dst, [4, 4, 4, 4, 4, 4]);
      throwsCode('gemm c is a', 'ALIASED_BUFFERS', () => nat.gemm(false, false, 2, 2, 2, 1, x, x0, 0, x));
      throwsCode('subtract out overlaps y', 'ALIASED_BUFFERS', () => nat.subtract(3, x0, x.subarray(2, 5), x.subarray(0, 3)));
      throwsCode('linearForward out is a', 'ALIASED_BUFFERS', () => nat.linearForward(2, 3, 3, x, rand(dtype, 9, 2), rand(dtype, 3, 3), 1, x));
      throwsCode('weightGradient out is w', 'ALIASED_BUFFERS', () => nat.weightGradient(3, 2, 2, x0, rand(dtype, 4, 4), x, 1e-4, 0, 2, x));
      same('x unchanged after aliasing', x, x0);
      // a mixed-dtype call is refused by the addon's argument conversion, before any work
      const other = dtype === 'float64' ? new Float32Array(4) : new Float64Array(4);
      const c = alloc(dtype, 4).fill(1);
      assert.throws(() => nat.gemm(false, false, 2, 2, 2, 1, other, other, 0, c));
      same('c unchanged after a dtype mismatch', c, [1, 1, 1, 1]);
    });
  }
}

// The optimizer steps and the weight-gradient finish on a large layer run in chunks on several
// threads in the addon (gemm.rs PARALLEL_MIN_VALUES = 65,536). Each value's arithmetic is the same
// in any chunk, so the result must equal the js kernels bit for bit, at 1 thread and at 2.
if (native.backend && native.addon) {
  const { backend, addon } = native;
  for (const dtype of DTYPES) {
    test(`native: optimizer steps over 200,003 values (split between threads) equal js exactly, at 1 and 2 threads (${dtype})`, () => {
      const n = 200_003;
      const saved = addon.maxThreads();
      try {
        for (const threads of [1, 2]) {
          addon.setMaxThreads(threads);
          const run = (b: Backend) => {
            const g = rand(dtype, n, 61);
            const w = rand(dtype, n, 62);
            b.finishWeightGradient(n, g, w, 1e-4, 1e-3, 200);
            const p = rand(dtype, n, 63);
            const v = rand(dtype, n, 64, -0.1, 0.1);
            b.sgdStep(n, p, g, v, 0.1, 0.9, true);
            const m = rand(dtype, n, 65, -0.1, 0.1);
            const v2 = rand(dtype, n, 66, 0, 0.01);
            b.adamStep(n, p, g, m, v2, 1e-3, 0.9, 0.999, 1e-8);
            return [g, v, p, m, v2];
          };
          const want = run(jsBackend);
          const got = run(backend);
          for (let k = 0; k < want.length; k++) same(`threads=${threads} array ${k}`, got[k], want[k]);
        }
      } finally {
        addon.setMaxThreads(saved);
      }
    });

    test(`native: every instruction-set level gives the same bits on the elementwise kernels (${dtype})`, () => {
      const [rows, cols] = [37, 19];
      const len = rows * cols;
      /** Every elementwise kernel once, on fresh copies of the same inputs; returns every output. */
      const run = (b: Backend): FloatArray[] => {
        const out: FloatArray[] = [];
        for (const code of Object.values(ACTIVATION_CODES)) {
          const a = rand(dtype, len, 70 + code, -30, 30);
          a[0] = Number.NaN;
          a[1] = -750;
          b.activate(code, rows, cols, a);
          const delta = rand(dtype, len, 80 + code);
          b.activationBackward(code, rows, cols, a, delta);
          out.push(a, delta);
        }
        const x = rand(dtype, len, 90);
        b.addRowVector(rows, cols, x, rand(dtype, cols, 91));
        const means = alloc(dtype, cols);
        b.columnMeans(rows, cols, x, rows, means);
        const g = rand(dtype, len, 92);
        b.finishWeightGradient(len, g, rand(dtype, len, 93), 1e-4, 1e-3, 200);
        const [p, v] = [rand(dtype, len, 94), rand(dtype, len, 95, -0.1, 0.1)];
        b.sgdStep(len, p, g, v, 0.1, 0.9, true);
        const [m, v2] = [rand(dtype, len, 96, -0.1, 0.1), rand(dtype, len, 97, 0, 0.01)];
        b.adamStep(len, p, g, m, v2, 1e-3, 0.9, 0.999, 1e-8);
        out.push(x, means, g, p, v, m, v2, Float64Array.of(b.sumSquares(len, g), b.sumAbs(len, g)));
        return out;
      };
      const want = run(NATIVES[0]);
      for (const level of NATIVES.slice(1)) {
        const got = run(level);
        for (let k = 0; k < want.length; k++) same(`${level.name} output ${k}`, got[k], want[k]);
      }
    });
  }
}

test.run();
