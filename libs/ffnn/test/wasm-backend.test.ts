/**
 * The wasm backend beyond the kernel contract (backend-contract.test.ts runs that on wasm too):
 * the module loads in this runtime (Bun, Node and Deno each run this file), the committed module
 * was built from the Rust sources as they are now, loading and choosing it behave as documented,
 * its arena survives wasm memory growing, and a whole fit on it matches the JS kernels.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsBackend } from '../src/backend/js.ts';
import { loadWasmBackend } from '../src/backend/wasm.ts';
import { WASM_BYTES } from '../src/backend/wasm-bytes.ts';
import { loadWasmBackendSync } from '../src/backend/wasm-sync.ts';
import { FFNNClassifier } from '../src/index.ts';
import { ROOT, sinData } from './helpers.ts';

const wasm = loadWasmBackendSync();

test('the wasm module loads in this runtime, and the async loader returns the same backend', async () => {
  assert.ok(wasm.backend, `wasm did not load: ${wasm.reason}`);
  assert.is(wasm.reason, null);
  assert.is(wasm.backend!.name, 'wasm');
  assert.match(wasm.description!, /^simd128: ffnn panel for every product, 1 thread$/);
  const again = await loadWasmBackend();
  assert.is(again.backend, wasm.backend);
  console.log(`wasm-backend: ${WASM_BYTES} bytes, ${wasm.description}`);
});

test('the committed module is built from native/src as it is now (else: node scripts/build-wasm.mjs)', () => {
  // the script holds the one definition of the source hash; --check compares it with the module's
  const r = spawnSync('node', [join(ROOT, 'scripts/build-wasm.mjs'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, `${r.stderr}(needs rustup target add wasm32-unknown-unknown; commit the regenerated module)`);
});

test('the arena grows with wasm memory and keeps working for small calls after a large one', () => {
  const b = wasm.backend!;
  const small = () => {
    const c = new Float64Array(4);
    b.gemm(false, false, 2, 2, 2, 1, Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), 0, c);
    assert.equal(Array.from(c), [19, 22, 43, 50]);
  };
  small();
  // 3 x 24 MB of float64: past any arena so far, so wasm memory grows and old views detach
  const [m, n, k] = [1000, 3000, 3000];
  const a = new Float64Array(m * k).fill(0.5);
  const bb = new Float64Array(k * n).fill(2);
  const c = new Float64Array(m * n);
  b.gemm(false, false, m, n, 1, 1, a, bb, 0, c); // k = 1: a row of A times a row of B
  assert.is(c[0], 1);
  assert.is(c[m * n - 1], 1);
  small();
  const x = new Float64Array(m * k).fill(-1);
  b.activate(1, m, k, x); // relu over 3,000,000 entries, copied in and out
  assert.is(x[m * k - 1], 0);
  small();
  assert.is(b.sumAbs(4, Float64Array.of(1, -2, 3, -4)), 10);
});

test('inputs passed twice (A times its own transpose) are fine; only outputs may not overlap', () => {
  const b = wasm.backend!;
  const a = Float64Array.of(1, 2, 3, 4, 5, 6); // 2 x 3
  const c = new Float64Array(4);
  b.gemm(false, true, 2, 2, 3, 1, a, a, 0, c);
  assert.equal(Array.from(c), [14, 32, 32, 77]);
  // two views of one buffer that do not overlap are two separate arrays
  const host = new Float64Array(8).fill(1);
  b.subtract(4, host.subarray(0, 4), Float64Array.of(1, 2, 3, 4), host.subarray(4, 8));
  assert.equal(Array.from(host), [1, 1, 1, 1, 0, -1, -2, -3]);
});

for (const dtype of ['float64', 'float32'] as const) {
  test(`a fit on wasm matches the JS kernels (${dtype}, adam and sgd, relu and tanh)`, () => {
    const X = sinData(120, 4);
    const y = X.map((r) => (r[0] + r[1] > 0 ? (r[2] > 0 ? 'a' : 'b') : 'c'));
    for (const [solver, activation] of [
      ['adam', 'relu'],
      ['sgd', 'tanh'],
    ] as const) {
      const opts = { hiddenLayerSizes: [16, 8], activation, solver, maxIter: 20, batchSize: 32, randomState: 3, dtype, onWarning: () => {} };
      const onJs = new FFNNClassifier({ ...opts, backend: 'js' }).fit(X, y);
      const onWasm = new FFNNClassifier({ ...opts, backend: 'wasm' }).fit(X, y);
      assert.is(onWasm.backendName, 'wasm');
      // float64: sums in another order (SIMD lanes) differ in the last bits, 20 epochs amplify it
      // little: 1e-9 relative; float32 rounds each store to 2^-24: 1e-3 after 20 epochs
      const tol = dtype === 'float64' ? 1e-9 : 1e-3;
      onJs.lossCurve.forEach((l, i) =>
        assert.ok(Math.abs(l - onWasm.lossCurve[i]) <= tol * Math.abs(l), `${solver} epoch ${i}: js ${l}, wasm ${onWasm.lossCurve[i]}`),
      );
      assert.equal(onWasm.predict(X), onJs.predict(X));
    }
    assert.ok(jsBackend.name === 'js');
  });
}

test("'wasm' before loading is an error that says how; after, it runs, and 'auto' picks it without native (a child process)", () => {
  const script = `
    import { FFNNClassifier, loadWasmBackend, selectBackend } from ${JSON.stringify(join(ROOT, 'libs/ffnn/src/index.ts'))};
    const X = [[0, 1], [1, 0], [1, 1], [0, 0]], y = [0, 1, 1, 0];
    const out = { autoBefore: selectBackend('auto').name };
    try { new FFNNClassifier({ backend: 'wasm', maxIter: 1 }).fit(X, y); } catch (e) { out.error = { code: e.code, message: e.message }; }
    out.load = (await loadWasmBackend()).reason;
    out.wasm = new FFNNClassifier({ backend: 'wasm', hiddenLayerSizes: [2], maxIter: 1, onWarning: () => {} }).fit(X, y).backendName;
    out.autoAfter = selectBackend('auto').name;
    console.log(JSON.stringify(out));`;
  const bun = join(ROOT, 'node_modules/.bin/bun');
  const run = (env: Record<string, string>) => {
    const r = spawnSync(bun, ['-e', script], { encoding: 'utf8', env: { ...process.env, FFNN_NATIVE: 'off', ...env } });
    assert.is(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  };
  const out = run({});
  assert.is(out.autoBefore, 'js');
  assert.is(out.error.code, 'BACKEND_UNAVAILABLE');
  assert.match(out.error.message, /backend: 'wasm' was asked for but the wasm module is not loaded yet: call `await loadWasmBackend\(\)`/);
  assert.is(out.load, null);
  assert.is(out.wasm, 'wasm');
  assert.is(out.autoAfter, 'wasm');
  // FFNN_WASM=off: the loader says so, and the fit with 'wasm' throws (so the child exits 1)
  const off = spawnSync(bun, ['-e', script], { encoding: 'utf8', env: { ...process.env, FFNN_NATIVE: 'off', FFNN_WASM: 'off' } });
  assert.is(off.status, 1);
  assert.match(off.stderr, /backend: 'wasm' was asked for but disabled by FFNN_WASM=off/);
});

test.run();
