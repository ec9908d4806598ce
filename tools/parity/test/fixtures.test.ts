/**
 * ffnn against the committed scikit-learn fixtures (fixtures/parity/*.json): one test per
 * fixture, no Python needed. The live-sklearn half of the check is `nx run parity:check`.
 * Run: bun --bun node_modules/uvu/bin.js tools/parity/test
 */
import { basename } from 'node:path';
import { loadNativeBackend, loadWasmBackendSync } from '@ffnn/core/backend';
import { caseNames, type Fixture, listFixtures, loadFixture, runCase } from '@ffnn/parity';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

let passed = 0;
let failed = 0;
function counted(name: string, fn: () => void): void {
  test(name, () => {
    try {
      fn();
      passed++;
    } catch (e) {
      failed++;
      throw e;
    }
  });
}

const files = listFixtures();

counted('every case in tools/parity/cases.json has a committed fixture', () => {
  const have = new Set(files.map((f) => basename(f, '.json')));
  const missing = caseNames().filter((n) => !have.has(n));
  assert.equal(missing, [], `missing fixtures: ${missing.join(', ')}`);
  assert.ok(files.length >= 40, `expected at least 40 fixtures, got ${files.length}`);
});

// every fixture on every backend: the native addon and wasm must match sklearn at the same tolerance
const native = loadNativeBackend();
counted('the native backend loads (npx nx run native:build)', () => {
  assert.ok(native.backend, native.reason ?? '');
});
// and so must the same Rust kernels built for WebAssembly
const wasm = loadWasmBackendSync();
counted('the wasm backend loads', () => {
  assert.ok(wasm.backend, wasm.reason ?? '');
});
const backends = ['js', ...(native.backend ? ['native'] : []), ...(wasm.backend ? ['wasm'] : [])] as ('js' | 'native' | 'wasm')[];
for (const file of files) {
  const fx = loadFixture(file);
  for (const backend of backends) {
    counted(`parity: ${fx.case} (${fx.dtype}, ${backend})`, () => {
      const r = runCase(fx, { backend });
      assert.ok(r.ok, `${fx.case} on ${backend}: ${r.failures.join('; ')}`);
    });
  }
}

// Negative controls: the harness must notice a change far below any training effect.
const clone = (fx: Fixture): Fixture => structuredClone(fx);
const base = loadFixture(files.find((f) => basename(f) === 'binary_adam_relu.json') ?? files[0]);

counted('harness catches a 1e-8 change in one loss value', () => {
  const fx = clone(base);
  fx.result.loss_curve[fx.result.loss_curve.length - 1] += 1e-8;
  const r = runCase(fx);
  assert.not.ok(r.ok);
  assert.ok(
    r.failures.some((f) => f.startsWith('lossCurve')),
    r.failures.join('; '),
  );
});

counted('harness catches a 1e-8 change in one final weight and one initial weight', () => {
  const fx = clone(base);
  fx.result.coefs[0].data[0] += 1e-8;
  fx.initial.intercepts[0].data[0] -= 1e-8;
  const r = runCase(fx);
  assert.ok(
    r.failures.some((f) => f.startsWith('coefs[0]')),
    r.failures.join('; '),
  );
  assert.ok(
    r.failures.some((f) => f.startsWith('initial intercepts[0]')),
    r.failures.join('; '),
  );
});

counted('harness catches a different seed and a flipped prediction', () => {
  const fx = clone(base);
  fx.ffnn_options.randomState = 1;
  const r = runCase(fx);
  assert.not.ok(r.ok);
  const fx2 = clone(base);
  const p = fx2.result.predict as number[];
  p[0] = p[0] === 0 ? 1 : 0;
  assert.ok(runCase(fx2).failures.some((f) => f.startsWith('predict:')));
});

test.after(() => {
  // uvu's own summary is not a line CI reads.
  console.log(`\nparity fixtures: ${passed} passed, ${failed} failed`);
});

test.run();
