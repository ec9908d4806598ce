#!/usr/bin/env node
// The ffnn command runs its TypeScript entry under Bun (shipped by the `bun` npm package).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, '..', 'src', 'main.ts');
let bun = 'bun';
try {
  const pkg = createRequire(import.meta.url).resolve('bun/package.json');
  const candidate = join(dirname(pkg), 'bin', 'bun.exe');
  if (existsSync(candidate)) bun = candidate;
} catch {
  /* fall back to a bun on PATH */
}
const run = spawnSync(bun, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
if (run.error) {
  console.error(`ffnn: could not start Bun (${run.error.message}); run "npm install" first`);
  process.exit(127);
}
process.exit(run.status ?? 1);
