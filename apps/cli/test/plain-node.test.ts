/**
 * The ffnn command needs nothing but node: bin/ffnn.mjs runs the built dist/ under the node that
 * started it, with a PATH that holds node alone (no bun, no deno, no npx), from a folder outside
 * the repository. It trains, saves, predicts and reports the runtime it ran on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-plain-node-'));
const pathDir = join(dir, 'bin');

/** The node on this machine: this process when it is node, else the one PATH finds. */
function nodeExe(): string {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  if (g.Bun === undefined && g.Deno === undefined) return process.execPath;
  const r = spawnSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' });
  return r.stdout.trim();
}

const node = nodeExe();
spawnSync('mkdir', [pathDir]);
symlinkSync(node, join(pathDir, 'node'));
const env = { PATH: pathDir, HOME: dir, NODE_OPTIONS: '' };
const ffnn = (...args: string[]) => spawnSync(node, [bin, ...args], { encoding: 'utf8', cwd: dir, env });

test('the PATH the command gets holds node and nothing else', () => {
  assert.equal(readdirSync(pathDir), ['node']);
  // asked from inside that environment (Bun's spawnSync looks commands up on its own PATH)
  const probe = `const { spawnSync } = require('node:child_process'); console.log(['bun', 'deno', 'npx'].map((c) => spawnSync(c, ['--version']).error?.code).join(' '))`;
  const r = spawnSync(node, ['-e', probe], { encoding: 'utf8', env });
  assert.is(r.stdout.trim(), 'ENOENT ENOENT ENOENT', r.stderr);
});

test('ffnn info runs under plain node', () => {
  const r = ffnn('info', '--json');
  assert.is(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.match(info.runtime, /^node v\d+/);
});

test('ffnn train, then predict, under plain node from a folder outside the repo', () => {
  const r = ffnn('train', '--hidden', '16', '--max-iter', '2', '--train-size', '500', '--test-size', '100', '--out', 'm.ffnn');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /test accuracy \d+\.\d\d% on 100 digits/);
  assert.ok(existsSync(join(dir, 'm.ffnn')));
  const p = ffnn('predict', 'm.ffnn', '--data', 'mnist', '--json');
  assert.is(p.status, 0, p.stderr);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
