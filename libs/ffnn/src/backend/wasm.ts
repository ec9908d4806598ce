/**
 * The wasm backend: the native crate's kernels (native/src, the same Rust as @ffnn/native) built
 * for wasm32 with SIMD128 by scripts/build-wasm.mjs, shipped inside @ffnn/core (wasm-bytes.ts, no
 * network fetch), for browsers and for Node, Bun and Deno without the addon.
 *
 * Loading is asynchronous, because a browser refuses to compile a large module synchronously on
 * its main thread:
 *
 *   import { loadWasmBackend, FFNNClassifier } from '@ffnn/core';
 *   await loadWasmBackend();                       // once; never throws (see .reason)
 *   new FFNNClassifier({ backend: 'wasm' }).fit(X, y);
 *
 * After it, `backend: 'wasm'` runs here and `'auto'` picks native, then wasm, then js. Before it
 * (or where it failed), 'wasm' is a BACKEND_UNAVAILABLE error saying why. Node, Bun, Deno and Web
 * Workers may load it synchronously instead: `loadWasmBackendSync()` from @ffnn/core/backend.
 * The root entry imports the bytes only dynamically, so a bundle that never loads wasm does not
 * carry them. The module needs WebAssembly SIMD (every current browser, Node >= 16.4, Bun, Deno);
 * without it the loader reports why and 'auto' runs js.
 *
 * Typed arrays live in JS memory, not in the module's, so each call copies its inputs into one
 * arena in wasm memory (grown when a call needs more, reused by every call) and its outputs back:
 * only the entries a call uses (m*k of A, rows*cols of x, ...), and an output that is overwritten
 * (gemm with beta = 0, columnMeans, subtract) is not copied in. Every check happens in Rust before
 * any work (ops.rs, as for the addon), with the addon's codes and messages; arrays that overlap in
 * JS are laid out overlapping in the arena too, so ALIASED_BUFFERS is found the same way.
 * gatherRows runs in JS here (the same checks): copying the whole source into wasm memory to pick
 * a batch of its rows would cost more than the copy it does.
 */
import type { Backend, FloatArray } from './backend.ts';
import { jsBackend } from './js.ts';
import { Arena, IN, INOUT, kernelError, OUT, overlaps, type WasmExports } from './wasm-arena.ts';

type Kernel = (...args: number[]) => number;

/** The part of the WebAssembly global used here (the ES2022 lib this package builds with has none). */
export interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The result of loading the WebAssembly kernels: the backend, or why it did not load. */
export interface WasmLoad {
  /** The backend, or null when the module is not loaded (yet, or it failed). */
  readonly backend: Backend | null;
  /** Why it is not loaded (null when it is). */
  readonly reason: string | null;
  /** The kernels that run, e.g. "simd128: ffnn panel for every product, 1 thread". */
  readonly description: string | null;
}

/** Rust's Display of an f64, for the messages checked in JS (gatherRows). */
const rustNumber = (x: number) => (x === Infinity ? 'inf' : x === -Infinity ? '-inf' : String(x));

/** Wraps an instantiated module into the Backend contract; the output array picks the dtype. */
export function wrapWasmExports(exports: WasmExports): Backend {
  const arena = new Arena(exports);
  const pair = (name: string): readonly [Kernel, Kernel] => {
    const f64 = exports[`${name}_f64`];
    const f32 = exports[`${name}_f32`];
    if (typeof f64 !== 'function' || typeof f32 !== 'function')
      throw new Error(`the ffnn wasm module has no ${name}_f64/${name}_f32: wasm-bytes.ts is stale (node scripts/build-wasm.mjs)`);
    return [f64 as Kernel, f32 as Kernel];
  };
  const [gemm64, gemm32] = pair('gemm');
  const [addRow64, addRow32] = pair('add_row_vector');
  const [means64, means32] = pair('column_means');
  const [act64, act32] = pair('activate');
  const [back64, back32] = pair('activation_backward');
  const [sub64, sub32] = pair('subtract');
  const [fwg64, fwg32] = pair('finish_weight_gradient');
  const [sgd64, sgd32] = pair('sgd_step');
  const [adam64, adam32] = pair('adam_step');
  const [sq64, sq32] = pair('sum_squares');
  const [abs64, abs32] = pair('sum_abs');
  const [fwd64, fwd32] = pair('linear_forward');
  const [bwd64, bwd32] = pair('linear_backward');
  const [wg64, wg32] = pair('weight_gradient');
  const { ptrs, counts } = arena;
  // the native backend's check, with its message: every array has the output's dtype
  const differs = (f32: boolean, x?: FloatArray) => x !== undefined && x instanceof Float32Array !== f32;
  const is32 = (kernel: string, out: FloatArray, a?: FloatArray, b?: FloatArray, c?: FloatArray): boolean => {
    const f32 = out instanceof Float32Array;
    if (differs(f32, a) || differs(f32, b) || differs(f32, c)) {
      const dtype = f32 ? 'Float32Array' : 'Float64Array';
      throw kernelError('DTYPE_MISMATCH', `DTYPE_MISMATCH: ${kernel}: expected every array to be a ${dtype}, like the output`);
    }
    return f32;
  };
  const sum = (kernel: Kernel, length: number, x: FloatArray): number => {
    arena.add(x, length, IN);
    arena.stage();
    arena.finish(kernel(length, ptrs[0], counts[0], arena.resultPtr));
    return arena.result();
  };

  return {
    name: 'wasm',
    gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      const f = is32('gemm', c, a, b) ? gemm32 : gemm64;
      arena.add(a, m * k, IN);
      arena.add(b, k * n, IN);
      arena.add(c, m * n, beta === 0 ? OUT : INOUT);
      arena.stage();
      arena.finish(f(+transA, +transB, m, n, k, alpha, ptrs[0], counts[0], ptrs[1], counts[1], beta, ptrs[2], counts[2]));
    },
    addRowVector(rows, cols, x, v) {
      const f = is32('addRowVector', x, v) ? addRow32 : addRow64;
      arena.add(x, rows * cols, INOUT);
      arena.add(v, cols, IN);
      arena.stage();
      arena.finish(f(rows, cols, ptrs[0], counts[0], ptrs[1], counts[1]));
    },
    columnMeans(rows, cols, x, divisor, out) {
      const f = is32('columnMeans', out, x) ? means32 : means64;
      arena.add(x, rows * cols, IN);
      arena.add(out, cols, OUT);
      arena.stage();
      arena.finish(f(rows, cols, ptrs[0], counts[0], divisor, ptrs[1], counts[1]));
    },
    activate(activation, rows, cols, x) {
      const f = is32('activate', x) ? act32 : act64;
      arena.add(x, rows * cols, INOUT);
      arena.stage();
      arena.finish(f(activation, rows, cols, ptrs[0], counts[0]));
    },
    activationBackward(activation, rows, cols, a, delta) {
      const f = is32('activationBackward', delta, a) ? back32 : back64;
      arena.add(a, rows * cols, IN);
      arena.add(delta, rows * cols, INOUT);
      arena.stage();
      arena.finish(f(activation, rows, cols, ptrs[0], counts[0], ptrs[1], counts[1]));
    },
    subtract(length, p, y, out) {
      const f = is32('subtract', out, p, y) ? sub32 : sub64;
      arena.add(p, length, IN);
      arena.add(y, length, IN);
      arena.add(out, length, OUT);
      arena.stage();
      arena.finish(f(length, ptrs[0], counts[0], ptrs[1], counts[1], ptrs[2], counts[2]));
    },
    finishWeightGradient(length, g, w, alpha, l1, divisor) {
      const f = is32('finishWeightGradient', g, w) ? fwg32 : fwg64;
      arena.add(g, length, INOUT);
      arena.add(w, length, IN);
      arena.stage();
      arena.finish(f(length, ptrs[0], counts[0], ptrs[1], counts[1], alpha, l1, divisor));
    },
    sgdStep(length, p, g, v, lr, momentum, nesterov) {
      const f = is32('sgdStep', p, g, v) ? sgd32 : sgd64;
      arena.add(p, length, INOUT);
      arena.add(g, length, IN);
      arena.add(v, length, INOUT);
      arena.stage();
      arena.finish(f(length, ptrs[0], counts[0], ptrs[1], counts[1], ptrs[2], counts[2], lr, momentum, +nesterov));
    },
    adamStep(length, p, g, m, v, lrT, beta1, beta2, epsilon) {
      const f = is32('adamStep', p, g, m, v) ? adam32 : adam64;
      arena.add(p, length, INOUT);
      arena.add(g, length, IN);
      arena.add(m, length, INOUT);
      arena.add(v, length, INOUT);
      arena.stage();
      arena.finish(f(length, ptrs[0], counts[0], ptrs[1], counts[1], ptrs[2], counts[2], ptrs[3], counts[3], lrT, beta1, beta2, epsilon));
    },
    sumSquares(length, x) {
      return sum(is32('sumSquares', x) ? sq32 : sq64, length, x);
    },
    sumAbs(length, x) {
      return sum(is32('sumAbs', x) ? abs32 : abs64, length, x);
    },
    gatherRows(cols, src, indices, start, count, dst) {
      is32('gatherRows', dst, src);
      checkGatherRows(cols, src, indices, start, count, dst);
      jsBackend.gatherRows(cols, src, indices, start, count, dst);
    },
    linearForward(rows, fanIn, fanOut, a, w, bias, activation, out) {
      const f = is32('linearForward', out, a, w, bias) ? fwd32 : fwd64;
      arena.add(a, rows * fanIn, IN);
      arena.add(w, fanIn * fanOut, IN);
      arena.add(bias, fanOut, IN);
      arena.add(out, rows * fanOut, OUT);
      arena.stage();
      arena.finish(f(rows, fanIn, fanOut, ptrs[0], counts[0], ptrs[1], counts[1], ptrs[2], counts[2], activation, ptrs[3], counts[3]));
    },
    linearBackward(rows, fanIn, fanOut, delta, w, activation, a, out) {
      const f = is32('linearBackward', out, delta, w, a) ? bwd32 : bwd64;
      arena.add(delta, rows * fanOut, IN);
      arena.add(w, fanIn * fanOut, IN);
      arena.add(a, rows * fanIn, IN);
      arena.add(out, rows * fanIn, OUT);
      arena.stage();
      arena.finish(f(rows, fanIn, fanOut, ptrs[0], counts[0], ptrs[1], counts[1], activation, ptrs[2], counts[2], ptrs[3], counts[3]));
    },
    weightGradient(fanIn, fanOut, rows, a, delta, w, alpha, l1, divisor, out) {
      const f = is32('weightGradient', out, a, delta, w) ? wg32 : wg64;
      arena.add(a, rows * fanIn, IN);
      arena.add(delta, rows * fanOut, IN);
      arena.add(w, fanIn * fanOut, IN);
      arena.add(out, fanIn * fanOut, OUT);
      arena.stage();
      arena.finish(f(fanIn, fanOut, rows, ptrs[0], counts[0], ptrs[1], counts[1], ptrs[2], counts[2], alpha, l1, divisor, ptrs[3], counts[3]));
    },
  };
}

/** ops.rs's gather_rows checks, in its order and words (this kernel runs in JS, see above). */
function checkGatherRows(cols: number, src: FloatArray, indices: Int32Array, start: number, count: number, dst: FloatArray): void {
  const fail = (code: string, detail: string) => kernelError(code, `${code}: gatherRows: ${detail}`);
  for (const [name, x] of [
    ['cols', cols],
    ['start', start],
    ['count', count],
  ] as const) {
    if (!(Number.isFinite(x) && x >= 0 && Number.isInteger(x) && x <= 2 ** 31 - 1)) {
      throw fail('INVALID_PARAM', `expected ${name} to be an integer in [0, 2^31), got ${rustNumber(x)}`);
    }
  }
  if (indices.length < start + count) throw fail('SHAPE_MISMATCH', `expected indices.length >= start+count = ${start + count}, got ${indices.length}`);
  if (dst.length < count * cols) throw fail('SHAPE_MISMATCH', `expected dst.length >= count*cols = ${count * cols}, got ${dst.length}`);
  if (overlaps(dst, src)) throw fail('ALIASED_BUFFERS', 'dst shares memory with src; pass separate arrays');
  if (cols === 0) return;
  const srcRows = Math.floor(src.length / cols);
  for (let r = 0; r < count; r++) {
    const i = indices[start + r];
    if (i < 0 || i >= srcRows) throw fail('INDEX_OUT_OF_RANGE', `expected indices[${start + r}] in [0, ${srcRows}) (src.length / cols), got ${i}`);
  }
}

// ---------- loading ----------

const NOT_LOADED = 'the wasm module is not loaded yet: call `await loadWasmBackend()` (from @ffnn/core) first';
let loaded: WasmLoad = { backend: null, reason: NOT_LOADED, description: null };
let loading: Promise<WasmLoad> | undefined;

/** Where the wasm backend stands now, without loading anything. */
export function wasmBackendStatus(): WasmLoad {
  return loaded;
}

export function decodeBase64(text: string): Uint8Array {
  const from = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (from) return from(text);
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The WebAssembly global, or why it cannot be used (FFNN_WASM=off, as FFNN_NATIVE=off for the addon). */
export function webAssembly(): WebAssemblyApi | string {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env?.FFNN_WASM === 'off') return 'disabled by FFNN_WASM=off';
  return (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly ?? 'this runtime has no WebAssembly';
}

/** Records a load: an instance becomes the backend, an error or a reason becomes `reason`. */
export function adoptWasm(outcome: { exports: unknown } | { error: unknown } | string): WasmLoad {
  if (typeof outcome === 'string') loaded = { backend: null, reason: outcome, description: null };
  else if ('error' in outcome) {
    const message = (outcome.error as Error)?.message ?? String(outcome.error);
    loaded = { backend: null, reason: `the wasm module did not load (WebAssembly with SIMD128 is needed): ${message}`, description: null };
  } else {
    const exports = outcome.exports as WasmExports;
    const backend = wrapWasmExports(exports);
    const len = exports.ffnn_describe();
    const description = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, exports.ffnn_error_ptr(), len));
    loaded = { backend, reason: null, description };
  }
  return loaded;
}

/**
 * Compiles and instantiates the embedded module once (later calls return the same result). Never
 * throws: where WebAssembly or its SIMD is missing, `reason` says so and 'auto' runs js.
 * (Node, Bun, Deno and workers may also load it synchronously: loadWasmBackendSync in
 * @ffnn/core/backend.)
 */
export function loadWasmBackend(): Promise<WasmLoad> {
  if (loaded.backend) return Promise.resolve(loaded);
  loading ??= (async (): Promise<WasmLoad> => {
    const wasm = webAssembly();
    if (typeof wasm === 'string') return adoptWasm(wasm);
    try {
      // a separate chunk for bundlers: 140 KB that only a wasm user loads
      const { WASM_BASE64 } = await import('./wasm-bytes.ts');
      return adoptWasm((await wasm.instantiate(decodeBase64(WASM_BASE64), {})).instance);
    } catch (error) {
      return adoptWasm({ error });
    }
  })();
  return loading;
}
