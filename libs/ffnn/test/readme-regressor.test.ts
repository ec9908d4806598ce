/**
 * README's regressor example must run as written: the ```ts block under "## The library" that
 * uses FFNNRegressor (readme.test.ts runs the first block, the classifier's), run under Bun from
 * inside the workspace so '@ffnn/core' resolves, in a scratch cwd. The data is a smooth function
 * of two features, so a fit that works scores R² > 0.9; the reloaded model must be a regressor
 * predicting exactly what the fitted one does (same weights, same arithmetic).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.ts';

test("README's regressor example runs, fits (R² > 0.9) and reloads as a regressor", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library'), readme.indexOf('\n## ', readme.indexOf('## The library') + 3));
  const code = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((c) => c.includes('FFNNRegressor'));
  assert.ok(code, 'a ```ts block using FFNNRegressor under "## The library"');
  const scratchDir = join(ROOT, '.tmp');
  mkdirSync(scratchDir, { recursive: true });
  const file = join(scratchDir, `readme-regressor-${process.pid}.ts`);
  const cwd = mkdtempSync(join(tmpdir(), 'ffnn-readme-reg-'));
  writeFileSync(file, `${code}\nconsole.log('reloaded:', back.constructor.name, JSON.stringify(back.predict(X)) === JSON.stringify(reg.predict(X)));\n`);
  try {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/bun'), [file], { cwd, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const lines = r.stdout.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n');
    const r2 = Number(/^R2 (\S+)$/.exec(lines[0])?.[1]);
    assert.ok(r2 > 0.9, `R² ${lines[0]}`);
    assert.match(lines[1], /^\[\s*-?\d/);
    assert.is(lines[lines.length - 1], 'reloaded: FFNNRegressor true');
    assert.ok(existsSync(join(cwd, 'regressor.ffnn')));
  } finally {
    rmSync(file, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});

test.run();
