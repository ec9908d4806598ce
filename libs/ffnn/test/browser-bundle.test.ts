/**
 * The root entry @ffnn/core is environment-neutral: esbuild bundles it for the browser with zero
 * errors and no stubs, and nothing in the bundle imports a `node:` module. Checked on the built
 * dist/ (what users install) and on the sources (the @ffnn/source condition), and the bundle is
 * then run, in this runtime and in headless Chromium, to train and round-trip a model through
 * bytes ('auto' picks the JS kernels there, with the reason), then, after `await loadWasmBackend()`,
 * to train on the wasm backend with the same predictions. A bundle that never loads wasm does not
 * carry its bytes (a separate dynamic import). The check itself is shown to fail on
 * @ffnn/core/node, which does import node:fs, so a checker that finds nothing cannot pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dumpElementText, requireChromium } from '@ffnn/test-browser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WASM_BASE64 } from '../src/backend/wasm-bytes.ts';
import { FFNNClassifier } from '../src/index.ts';
import { ROOT } from './helpers.ts';

const ESBUILD = join(ROOT, 'node_modules/.bin/esbuild');
const scratch = join(ROOT, '.tmp');

interface Bundle {
  status: number | null;
  stderr: string;
  code: string;
  /** Every module esbuild put in the bundle (its metafile's inputs). */
  inputs: string[];
}

/** Bundles `source` (an entry file's text) for the browser as ESM; conditions as esbuild's --conditions. */
function bundle(name: string, source: string, conditions: string[] = []): Bundle {
  mkdirSync(scratch, { recursive: true });
  const entry = join(scratch, `bundle-${name}-${process.pid}.mjs`);
  const out = join(scratch, `bundle-${name}-${process.pid}.out.mjs`);
  const meta = join(scratch, `bundle-${name}-${process.pid}.meta.json`);
  writeFileSync(entry, source);
  try {
    const args = [entry, '--bundle', '--platform=browser', '--format=esm', `--outfile=${out}`, `--metafile=${meta}`, '--log-level=warning'];
    if (conditions.length) args.push(`--conditions=${conditions.join(',')}`);
    const r = spawnSync(ESBUILD, args, { cwd: ROOT, encoding: 'utf8' });
    const code = existsSync(out) ? readFileSync(out, 'utf8') : '';
    const inputs = existsSync(meta) ? Object.keys(JSON.parse(readFileSync(meta, 'utf8')).inputs) : [];
    return { status: r.status, stderr: r.stderr, code, inputs };
  } finally {
    for (const f of [entry, out, meta]) rmSync(f, { force: true });
  }
}

/** Import statements, dynamic imports and requires of node: modules in bundled code. */
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']node:[a-z_/]+["']/g;
const nodeImports = (b: Bundle) => [...(b.code.match(NODE_IMPORT) ?? []), ...b.inputs.filter((i) => i.startsWith('node:') || i.includes('(disabled)'))];

const TRAIN = `import { FFNNClassifier, selectBackend } from '@ffnn/core';
const X = Array.from({ length: 80 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const y = X.map(([a, b]) => (a * b > 0 ? 'same' : 'different'));
const clf = new FFNNClassifier({ hiddenLayerSizes: [8], maxIter: 30, solver: 'adam', learningRateInit: 0.05, randomState: 0, onWarning: () => {} }).fit(X, y);
const back = FFNNClassifier.fromBytes(clf.toBytes());
const json = FFNNClassifier.fromJSON(JSON.parse(JSON.stringify(clf.toJSON())));
export const result = { same: JSON.stringify(back.predict(X)) === JSON.stringify(clf.predict(X)) && JSON.stringify(json.predict(X)) === JSON.stringify(clf.predict(X)), nIter: clf.nIter, js: selectBackend('js').name };
`;

for (const [label, conditions] of [
  ['the built dist/', []],
  ['the sources (@ffnn/source)', ['@ffnn/source']],
] as const) {
  test(`@ffnn/core from ${label} bundles for the browser with zero errors and no node: import`, async () => {
    if (conditions.length === 0) assert.ok(existsSync(join(ROOT, 'libs/ffnn/dist/index.js')), 'dist/ is missing: run npx nx run ffnn:build');
    const b = bundle(conditions.length ? 'source' : 'dist', TRAIN, [...conditions]);
    assert.is(b.status, 0, b.stderr);
    assert.not.match(b.stderr, /error/i);
    assert.ok(
      b.inputs.some((i) => /libs\/ffnn\/(dist|src)\/classifier\.(js|ts)$/.test(i)),
      `the bundle holds the library: ${b.inputs.join(', ')}`,
    );
    assert.ok(
      b.inputs.some((i) => i.includes('@noble/hashes')),
      'SHA-256 comes from @noble/hashes',
    );
    assert.equal(nodeImports(b), []);
    // esbuild lists the dynamic import's module among its inputs, but drops it with loadWasmBackend
    assert.not.ok(b.code.includes(WASM_BASE64.slice(1000, 1064)), 'a bundle that never calls loadWasmBackend does not carry the wasm bytes');
    // the bundle runs: it trains and round-trips through bytes and JSON (checksums included)
    const file = join(scratch, `bundle-run-${process.pid}-${conditions.length}.mjs`);
    writeFileSync(file, b.code);
    try {
      const { result } = await import(file);
      assert.equal(result, { same: true, nIter: 30, js: 'js' });
    } finally {
      rmSync(file, { force: true });
    }
  });
}

const IN_PAGE = `import { FFNNClassifier, loadWasmBackend } from '@ffnn/core';
import { loadNativeBackend } from '@ffnn/core/backend';
const X = Array.from({ length: 80 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const y = X.map(([a, b]) => (a * b > 0 ? 'same' : 'different'));
const out = { error: null };
try {
  const clf = new FFNNClassifier({ hiddenLayerSizes: [8], maxIter: 30, solver: 'adam', learningRateInit: 0.05, randomState: 0, onWarning: () => {} }).fit(X, y);
  const back = FFNNClassifier.fromBytes(clf.toBytes());
  out.backend = clf.backendName;
  out.roundTrip = JSON.stringify(back.predict(X)) === JSON.stringify(clf.predict(X));
  out.predictions = clf.predict(X);
  out.reason = loadNativeBackend().reason;
  try { new FFNNClassifier({ backend: 'native', maxIter: 1 }).fit(X, y); } catch (err) { out.nativeError = err.code; }
  // the main thread may not compile it synchronously: the async loader
  out.wasmReason = (await loadWasmBackend()).reason;
  const onWasm = new FFNNClassifier({ hiddenLayerSizes: [8], maxIter: 30, solver: 'adam', learningRateInit: 0.05, randomState: 0, onWarning: () => {} }).fit(X, y);
  out.wasmBackend = onWasm.backendName;
  out.wasmPredictions = onWasm.predict(X);
} catch (err) { out.error = String(err && err.stack || err); }
document.getElementById('out').textContent = JSON.stringify(out);
`;

test('in headless Chromium the bundle trains on the JS kernels, round-trips through bytes, says why not native, then trains on wasm', () => {
  requireChromium();
  const b = bundle('chromium', IN_PAGE);
  assert.is(b.status, 0, b.stderr);
  const page = join(scratch, `bundle-page-${process.pid}.html`);
  // inline: Chromium does not load module scripts from file:// URLs
  writeFileSync(
    page,
    `<!doctype html><html><body><pre id="out">not run</pre><script type="module">${b.code.replace(/<\/script/gi, '<\\/script')}</script></body></html>`,
  );
  try {
    const out = JSON.parse(dumpElementText(pathToFileURL(page).href, 'out', { budgetMs: 20_000, timeout: 90_000 }));
    assert.is(out.error, null);
    assert.is(out.backend, 'js');
    assert.is(out.roundTrip, true);
    // the same math as the sources on the JS kernels here: the same predictions, label for label
    const X = Array.from({ length: 80 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
    const y = X.map(([a, b]) => (a * b > 0 ? 'same' : 'different'));
    const here = new FFNNClassifier({
      hiddenLayerSizes: [8],
      maxIter: 30,
      solver: 'adam',
      learningRateInit: 0.05,
      randomState: 0,
      backend: 'js',
      onWarning: () => {},
    }).fit(X, y);
    assert.equal(out.predictions, here.predict(X));
    assert.match(out.reason, /native addons load only under Node, Bun or Deno/);
    assert.is(out.nativeError, 'BACKEND_UNAVAILABLE');
    // after loadWasmBackend, 'auto' is wasm; the same fit, the same labels
    assert.is(out.wasmReason, null);
    assert.is(out.wasmBackend, 'wasm');
    assert.equal(out.wasmPredictions, here.predict(X));
  } finally {
    rmSync(page, { force: true });
  }
});

test('the check finds node: imports where there are some (@ffnn/core/node)', () => {
  const b = bundle('node-entry', `import { saveModel } from '@ffnn/core/node';\nexport { saveModel };\n`, ['@ffnn/source']);
  // esbuild refuses node: builtins for the browser platform: errors, or (with --external) imports
  assert.ok(b.status !== 0 || nodeImports(b).length > 0, 'bundling @ffnn/core/node for the browser must fail or keep node: imports');
  assert.match(b.stderr, /node:fs/);
});

test.run();
