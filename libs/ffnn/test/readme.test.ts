/**
 * README is the front door: its library example must run as written. The test takes the first
 * ```ts block of the "The library" section, runs it under Bun from inside the workspace (so
 * '@ffnn/core' resolves through the workspace link) with a scratch folder as cwd, and checks what
 * it printed and saved.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.ts';

test("README's library example runs and learns the digits", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'a ```ts block under "## The library"');
  const scratchDir = join(ROOT, '.tmp');
  mkdirSync(scratchDir, { recursive: true });
  const file = join(scratchDir, `readme-example-${process.pid}.ts`);
  const cwd = mkdtempSync(join(tmpdir(), 'ffnn-readme-'));
  // the example logs every epoch and then the score; also report whether the reload agrees
  writeFileSync(file, `${code}\nconsole.log('same predictions:', JSON.stringify(same.predict({ rows: 50, cols: test.cols, data: test.X.subarray(0, 50 * test.cols) })) === JSON.stringify(clf.predict({ rows: 50, cols: test.cols, data: test.X.subarray(0, 50 * test.cols) })));\n`);
  try {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/bun'), [file], { cwd, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    // colour codes off: Bun colours logged numbers when it thinks colour is wanted
    const lines = r.stdout.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n');
    assert.is(lines.filter((l) => /^\d+ \d+\.\d+/.test(l)).length, 10, 'one line per epoch');
    const score = Number(lines[lines.length - 2]);
    assert.ok(score > 0.9, `test accuracy ${score}`);
    assert.is(lines[lines.length - 1], 'same predictions: true');
    assert.ok(existsSync(join(cwd, 'model.json')));
  } finally {
    rmSync(file, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});

test.run();
