/**
 * Plain Node (no TypeScript loader) consumes the published shape of @ffnn/core: the compiled
 * dist/ that `nx run ffnn:build` writes, reached through the package's "default" export
 * condition. In the repo the test runners add the "@ffnn/source" condition to reach the sources.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.ts';

test('node without tsx imports @ffnn/core and @ffnn/core/node from dist/ and trains', () => {
  assert.ok(existsSync(join(ROOT, 'libs/ffnn/dist/index.js')), 'dist/ is missing: run npx nx run ffnn:build');
  const scratch = join(ROOT, '.tmp');
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, `node-consumer-${process.pid}.mjs`);
  writeFileSync(
    file,
    `import { FFNNClassifier, VERSION } from '@ffnn/core';
import { loadMnist } from '@ffnn/core/node';
const { train, test } = loadMnist({ trainSize: 1000, testSize: 300 });
const clf = new FFNNClassifier({ hiddenLayerSizes: [32], maxIter: 5, learningRateInit: 0.01, randomState: 0, onWarning: () => {} });
clf.fit({ rows: train.rows, cols: train.cols, data: train.X }, train.y);
console.log(JSON.stringify({ version: VERSION, backend: clf.backendName, score: clf.score({ rows: test.rows, cols: test.cols, data: test.X }, test.y) }));
`,
  );
  try {
    // process.execPath is node when this suite runs under Node; elsewhere use the node on PATH
    const node = process.release?.name === 'node' && !('Bun' in globalThis) && !('Deno' in globalThis) ? process.execPath : 'node';
    const r = spawnSync(node, [file], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    assert.is(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.is(out.version, '0.1.0');
    assert.ok(out.score > 0.7, `score ${out.score}`);
  } finally {
    rmSync(file, { force: true });
  }
});

test.run();
