/**
 * The root entry @ffnn/core is environment-neutral: esbuild bundles it for the browser with zero
 * errors and no stubs, and nothing in the bundle imports a `node:` module. Checked on the built
 * dist/ (what users install) and on the sources (the @ffnn/source condition), and the bundle is
 * then run to train and round-trip a model through bytes. The check itself is shown to fail on
 * @ffnn/core/node, which does import node:fs, so a checker that finds nothing cannot pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
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
    assert.ok(b.inputs.some((i) => /libs\/ffnn\/(dist|src)\/classifier\.(js|ts)$/.test(i)), `the bundle holds the library: ${b.inputs.join(', ')}`);
    assert.ok(b.inputs.some((i) => i.includes('@noble/hashes')), 'SHA-256 comes from @noble/hashes');
    assert.equal(nodeImports(b), []);
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

test('the check finds node: imports where there are some (@ffnn/core/node)', () => {
  const b = bundle('node-entry', `import { saveModel } from '@ffnn/core/node';\nexport { saveModel };\n`, ['@ffnn/source']);
  // esbuild refuses node: builtins for the browser platform: errors, or (with --external) imports
  assert.ok(b.status !== 0 || nodeImports(b).length > 0, 'bundling @ffnn/core/node for the browser must fail or keep node: imports');
  assert.match(b.stderr, /node:fs/);
});

test.run();
