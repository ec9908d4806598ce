#!/usr/bin/env node
// `nx run workspace:lint` (part of `npm test`): the linters and formatters, each counted as one test
//   - Biome (biome.json): lint and format check of every TypeScript and JavaScript file
//   - rustfmt (native/rustfmt.toml): `cargo fmt --check`
//   - clippy: `cargo clippy --all-targets -- -D warnings` (every warning is an error)
// A failure prints the tool's own output; fix with `npx biome check --write .` and `cargo fmt`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const checks = [
  ['biome check', join(root, 'node_modules/.bin/biome'), ['check', '--max-diagnostics=50', '.'], root],
  ['cargo fmt --check', 'cargo', ['fmt', '--check'], native],
  ['cargo clippy -D warnings', 'cargo', ['clippy', '--release', '--all-targets', '--quiet', '--', '-D', 'warnings'], native],
];
let passed = 0;
let failed = 0;
for (const [name, cmd, args, cwd] of checks) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status === 0) {
    passed++;
    console.log(`lint: ${name}: ok`);
  } else {
    failed++;
    console.log(`lint: ${name}: FAILED (${r.error ? r.error.message : `exit ${r.status}`})\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
}
console.log(`ffnn-test-counts ${JSON.stringify({ suite: 'lint', passed, failed, skipped: 0 })}`);
process.exit(failed ? 1 : 0);
