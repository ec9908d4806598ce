/**
 * Runs one of README's library examples as written: the ```ts block under "## The library" that
 * `pick` chooses, plus `extra` lines the test appends, under Bun from inside the workspace (so
 * '@ffnn/core' resolves through the workspace link), with a scratch folder as cwd. `check` gets
 * what it printed (colour codes off: Bun colours logged numbers) and the cwd, before both go.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';

/** The terminal's colour escapes (ESC [ ... m), built from the code point so no control character sits in a regex literal. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

import { ROOT } from './helpers.ts';

export function runReadmeExample(
  name: string,
  pick: (blocks: string[]) => string | undefined,
  extra: string,
  check: (lines: string[], cwd: string) => void,
): void {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## The library');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 3));
  const code = pick([...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
  assert.ok(code, `the ${name} example: a \`\`\`ts block under "## The library"`);
  const scratchDir = join(ROOT, '.tmp');
  mkdirSync(scratchDir, { recursive: true });
  const file = join(scratchDir, `readme-${name}-${process.pid}.ts`);
  const cwd = mkdtempSync(join(tmpdir(), `ffnn-readme-${name}-`));
  writeFileSync(file, `${code}\n${extra}\n`);
  try {
    const r = spawnSync(join(ROOT, 'node_modules/.bin/bun'), [file], { cwd, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    check(r.stdout.replace(ANSI_COLOUR, '').trim().split('\n'), cwd);
  } finally {
    rmSync(file, { force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}
