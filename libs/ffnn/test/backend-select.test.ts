/**
 * Choosing a backend: 'auto' is native when the addon loads, 'native' without the addon is an
 * error that says why, and the addon does load in this runtime (Bun, Node and Deno each run this
 * file), so the native half of the contract and parity suites is never skipped silently.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNativeBackend } from '../src/backend/native.ts';
import { selectBackend } from '../src/backend/select.ts';
import { FFNNClassifier } from '../src/index.ts';
import { ROOT, sinData } from './helpers.ts';

test('the native addon loads in this runtime', () => {
  const native = loadNativeBackend();
  assert.ok(native.backend, `native did not load: ${native.reason} (build it: npx nx run native:build)`);
  assert.is(native.reason, null);
});

test("'js' picks the reference kernels and 'auto' picks native when it loads", () => {
  assert.is(selectBackend('js').name, 'js');
  assert.is(selectBackend('auto').name, loadNativeBackend().backend ? 'native' : 'js');
  const X = sinData(20);
  const y = X.map((_, i) => i % 3);
  const clf = new FFNNClassifier({ hiddenLayerSizes: [4], maxIter: 2, randomState: 0, onWarning: () => {} }).fit(X, y);
  assert.is(clf.backendName, 'native');
});

test('without the addon, auto falls back to js and native is a clear error (FFNN_NATIVE=off, a real child process)', () => {
  const script = `
    import { FFNNClassifier } from ${JSON.stringify(join(ROOT, 'libs/ffnn/src/index.ts'))};
    const X = [[0, 1], [1, 0], [1, 1], [0, 0]], y = [0, 1, 1, 0];
    const auto = new FFNNClassifier({ hiddenLayerSizes: [2], maxIter: 1, onWarning: () => {} }).fit(X, y);
    let error = null;
    try { new FFNNClassifier({ backend: 'native', maxIter: 1 }).fit(X, y); } catch (e) { error = { code: e.code, message: e.message }; }
    console.log(JSON.stringify({ auto: auto.backendName, error }));`;
  const bun = join(ROOT, 'node_modules/.bin/bun');
  const r = spawnSync(bun, ['-e', script], { encoding: 'utf8', env: { ...process.env, FFNN_NATIVE: 'off' } });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.is(out.auto, 'js');
  assert.is(out.error.code, 'BACKEND_UNAVAILABLE');
  assert.match(out.error.message, /backend: 'native' was asked for but disabled by FFNN_NATIVE=off/);
});

test.run();
