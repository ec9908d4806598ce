/**
 * The runs of bench:browser, written once and run both in Node (browser-run.ts, one process per
 * run) and in headless Chromium (browser-page.ts, one page per run): ffnn on its wasm and js
 * backends, ffnn native (Node only), and TensorFlow.js on its wasm backend. No `node:` import
 * here: esbuild bundles this file for the page.
 *
 * Every run trains the same net on the same digits with the same optimizer: 784-128-64-10, relu,
 * softmax output, cross-entropy, plain SGD (learning rate 0.1 constant, momentum 0), batch 200,
 * shuffled every epoch, no L2 penalty (alpha 0: tfjs's dense layers have none by default), Glorot
 * uniform initial weights (sklearn's relu init is that distribution; the draws differ).
 */
import { FFNNClassifier, loadWasmBackend } from '@ffnn/core';

/** Pixels are the mnist package's values (three decimals), sent as round(1000 x) in a Uint16Array. */
export const PIXEL_SCALE = 1000;

export const BROWSER_NET = { hiddenLayerSizes: [128, 64], activation: 'relu' } as const;
export const BROWSER_SGD = { learningRateInit: 0.1, momentum: 0, batchSize: 200 } as const;

/** Every run the bench knows, with where it can run. */
export const BROWSER_RUNS = {
  wasm32: { engine: 'ffnn', backend: 'wasm', dtype: 'float32', label: 'ffnn wasm f32', where: ['node', 'chromium'] },
  wasm64: { engine: 'ffnn', backend: 'wasm', dtype: 'float64', label: 'ffnn wasm f64', where: ['node', 'chromium'] },
  js32: { engine: 'ffnn', backend: 'js', dtype: 'float32', label: 'ffnn js f32', where: ['node', 'chromium'] },
  js64: { engine: 'ffnn', backend: 'js', dtype: 'float64', label: 'ffnn js f64', where: ['node', 'chromium'] },
  native32: { engine: 'ffnn', backend: 'native', dtype: 'float32', label: 'ffnn native f32', where: ['node'] },
  native64: { engine: 'ffnn', backend: 'native', dtype: 'float64', label: 'ffnn native f64', where: ['node'] },
  tfjs: { engine: 'tfjs', backend: 'wasm', dtype: 'float32', label: 'tfjs wasm f32', where: ['node', 'chromium'] },
  /** tfjs's threaded build: only where the page is cross-origin isolated (SharedArrayBuffer). */
  tfjsMt: { engine: 'tfjs', backend: 'wasm', dtype: 'float32', label: 'tfjs wasm f32 threaded', where: ['chromium'] },
} as const;
export type BrowserRunName = keyof typeof BROWSER_RUNS;
export type Where = 'node' | 'chromium';

/** The digits as sent to a run: pixels x PIXEL_SCALE, labels 0-9. */
export interface Digits {
  trainRows: number;
  testRows: number;
  cols: number;
  xTrain: Uint16Array;
  yTrain: Uint8Array;
  xTest: Uint16Array;
  yTest: Uint8Array;
}

export interface BrowserRunSpec {
  run: BrowserRunName;
  epochs: number;
  /** Threads: 1 for every run except tfjsMt (its threads count; 0 lets tfjs choose). */
  threads: number;
}

/** What one run reports. */
export interface BrowserRunOutput {
  epochSeconds: number[];
  /**
   * CPU seconds of the process per epoch, where the runtime tells (Node: process.cpuUsage, user +
   * system, every thread of the process); absent in a page. On a loaded machine it shows the work
   * of an epoch apart from the time spent waiting for a core.
   */
  epochCpuSeconds?: number[];
  /** Training loss per epoch (mean cross-entropy over the epoch's batches). */
  lossCurve: number[];
  accuracy: number;
  /** The kernels that ran: ffnn's wasm or native description, or tfjs's build. */
  kernel: string;
  threads: number;
  /** tfjs only: which .wasm it instantiated, and whether SIMD and threads were available. */
  tfjs?: { version: string; build: string; simd: boolean; threadsSupported: boolean; crossOriginIsolated: boolean | null };
}

/** The digits of one split in a float array of the run's dtype: the same values for every run. */
export function decodePixels(x: Uint16Array, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const out = dtype === 'float32' ? new Float32Array(x.length) : new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] / PIXEL_SCALE;
  return out;
}

/** Packs digits into one byte buffer: a 16-byte header (4 x uint32) then xTrain, xTest, yTrain, yTest. */
export function packDigits(d: Digits): Uint8Array {
  const header = 16;
  const xBytes = (d.trainRows + d.testRows) * d.cols * 2;
  const out = new Uint8Array(header + xBytes + d.trainRows + d.testRows);
  new Uint32Array(out.buffer, 0, 4).set([0x64676974, d.trainRows, d.testRows, d.cols]);
  new Uint16Array(out.buffer, header, xBytes / 2).set(d.xTrain);
  new Uint16Array(out.buffer, header + d.trainRows * d.cols * 2, d.testRows * d.cols).set(d.xTest);
  out.set(d.yTrain, header + xBytes);
  out.set(d.yTest, header + xBytes + d.trainRows);
  return out;
}

export function unpackDigits(bytes: Uint8Array): Digits {
  const buf = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const [magic, trainRows, testRows, cols] = new Uint32Array(buf.buffer, buf.byteOffset, 4);
  if (magic !== 0x64676974) throw new Error('digits: not a bench:browser digits file');
  const header = buf.byteOffset + 16;
  const xBytes = (trainRows + testRows) * cols * 2;
  return {
    trainRows,
    testRows,
    cols,
    xTrain: new Uint16Array(buf.buffer, header, trainRows * cols),
    xTest: new Uint16Array(buf.buffer, header + trainRows * cols * 2, testRows * cols),
    yTrain: new Uint8Array(buf.buffer, header + xBytes, trainRows),
    yTest: new Uint8Array(buf.buffer, header + xBytes + trainRows, testRows),
  };
}

/** ffnn's options for this bench (sklearn's names in camelCase). */
export function ffnnOptions(epochs: number): Record<string, unknown> {
  return {
    hiddenLayerSizes: [...BROWSER_NET.hiddenLayerSizes],
    activation: BROWSER_NET.activation,
    solver: 'sgd',
    learningRate: 'constant',
    learningRateInit: BROWSER_SGD.learningRateInit,
    momentum: BROWSER_SGD.momentum,
    nesterovsMomentum: false,
    batchSize: BROWSER_SGD.batchSize,
    alpha: 0,
    shuffle: true,
    randomState: 0,
    tol: 0,
    maxIter: epochs,
    nIterNoChange: epochs + 1,
    earlyStopping: false,
  };
}

export interface RunHooks {
  /** Called after each epoch (for progress lines). */
  onEpoch?: (epoch: number, seconds: number) => void;
  /** CPU seconds of the process so far (Node); unset in a page. */
  cpuSeconds?: () => number;
  /** Native only (Node): sets the addon's thread cap and names its kernel; returns the kernel. */
  prepareNative?: (threads: number) => string;
  /** tfjs only: where its .wasm files are (a URL prefix in a page; unset in Node: its package). */
  tfjsWasmPrefix?: string;
}

/** Runs one spec on the digits; the same code in Node and in the page. */
export async function runBrowserSpec(spec: BrowserRunSpec, digits: Digits, hooks: RunHooks = {}): Promise<BrowserRunOutput> {
  const run = BROWSER_RUNS[spec.run];
  return run.engine === 'tfjs' ? runTfjs(spec, digits, hooks) : runFfnnSpec(spec, digits, hooks);
}

async function runFfnnSpec(spec: BrowserRunSpec, d: Digits, hooks: RunHooks): Promise<BrowserRunOutput> {
  const run = BROWSER_RUNS[spec.run];
  let kernel = 'TypeScript loops (one thread)';
  if (run.backend === 'wasm') {
    const w = await loadWasmBackend();
    if (!w.backend) throw new Error(`ffnn wasm backend did not load: ${w.reason}`);
    kernel = w.description ?? 'wasm';
  } else if (run.backend === 'native') {
    if (!hooks.prepareNative) throw new Error('the native backend runs only in Node');
    kernel = hooks.prepareNative(spec.threads);
  }
  const xTrain = decodePixels(d.xTrain, run.dtype);
  const xTest = decodePixels(d.xTest, run.dtype);
  const epochSeconds: number[] = [];
  const epochCpu: number[] = [];
  let cpu = hooks.cpuSeconds?.() ?? 0;
  const clf = new FFNNClassifier({
    ...ffnnOptions(spec.epochs),
    backend: run.backend,
    dtype: run.dtype,
    onWarning: () => {},
    onEpoch: (m) => {
      epochSeconds.push(m.seconds);
      if (hooks.cpuSeconds) {
        const now = hooks.cpuSeconds();
        epochCpu.push(now - cpu);
        cpu = now;
      }
      hooks.onEpoch?.(m.epoch, m.seconds);
    },
  });
  clf.fit({ rows: d.trainRows, cols: d.cols, data: xTrain }, Int32Array.from(d.yTrain));
  const accuracy = clf.score({ rows: d.testRows, cols: d.cols, data: xTest }, Int32Array.from(d.yTest));
  return { epochSeconds, ...(hooks.cpuSeconds ? { epochCpuSeconds: epochCpu } : {}), lossCurve: [...clf.lossCurve], accuracy, kernel, threads: 1 };
}

async function runTfjs(spec: BrowserRunSpec, d: Digits, hooks: RunHooks): Promise<BrowserRunOutput> {
  const tf = await import('@tensorflow/tfjs');
  const tfw = await import('@tensorflow/tfjs-backend-wasm');
  const threaded = spec.run === 'tfjsMt';
  // the single-threaded row runs the SIMD build without threads even in an isolated page
  if (!threaded) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (threaded && spec.threads > 0) tfw.setThreadsCount(spec.threads);
  if (hooks.tfjsWasmPrefix) tfw.setWasmPaths(hooks.tfjsWasmPrefix);
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threadsSupported = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  if (threaded && !threadsSupported) throw new Error('tfjs wasm: no thread support here (needs SharedArrayBuffer: a cross-origin isolated page)');
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  const threads = tfw.getThreadsCount();
  const build = simd && threadsSupported ? 'tfjs-backend-wasm-threaded-simd.wasm' : simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
  const g = globalThis as { crossOriginIsolated?: boolean };

  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [d.cols], units: BROWSER_NET.hiddenLayerSizes[0], activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: BROWSER_NET.hiddenLayerSizes[1], activation: 'relu', kernelInitializer: init(2) }),
      tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(BROWSER_SGD.learningRateInit), loss: 'categoricalCrossentropy' });
  const xs = tf.tensor2d(decodePixels(d.xTrain, 'float32') as Float32Array, [d.trainRows, d.cols]);
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(d.yTrain), 'int32'), 10));
  const epochSeconds: number[] = [];
  const lossCurve: number[] = [];
  const epochCpu: number[] = [];
  let t0 = 0;
  let cpu0 = 0;
  await model.fit(xs, ys, {
    batchSize: BROWSER_SGD.batchSize,
    epochs: spec.epochs,
    shuffle: true,
    verbose: 0,
    // no pause for a frame between batches: the epoch is compute only, as ffnn's
    yieldEvery: 'never',
    callbacks: {
      onEpochBegin: async () => {
        t0 = performance.now();
        cpu0 = hooks.cpuSeconds?.() ?? 0;
      },
      onEpochEnd: async (epoch, logs) => {
        const s = (performance.now() - t0) / 1000;
        epochSeconds.push(s);
        if (hooks.cpuSeconds) epochCpu.push(hooks.cpuSeconds() - cpu0);
        lossCurve.push(Number(logs?.loss));
        hooks.onEpoch?.(epoch + 1, s);
      },
    },
  });
  const xTest = tf.tensor2d(decodePixels(d.xTest, 'float32') as Float32Array, [d.testRows, d.cols]);
  const predicted = tf.tidy(() => (model.predict(xTest) as import('@tensorflow/tfjs').Tensor).argMax(-1).dataSync());
  let right = 0;
  for (let i = 0; i < d.testRows; i++) if (predicted[i] === d.yTest[i]) right++;
  tf.dispose([xs, ys, xTest]);
  model.dispose();
  return {
    epochSeconds,
    ...(hooks.cpuSeconds ? { epochCpuSeconds: epochCpu } : {}),
    lossCurve,
    accuracy: right / d.testRows,
    kernel: `tfjs ${tf.version.tfjs} ${build} (XNNPACK), ${threads} thread${threads === 1 ? '' : 's'}`,
    threads,
    tfjs: {
      version: tf.version.tfjs,
      build,
      simd,
      threadsSupported,
      crossOriginIsolated: typeof g.crossOriginIsolated === 'boolean' ? g.crossOriginIsolated : null,
    },
  };
}
