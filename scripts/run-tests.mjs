#!/usr/bin/env node
// `npm test`: provisions what the tests need (scripts/provision.sh: the parity venv, Chromium, the
// addon's build prerequisites; quick when they are there), then through nx, with its cache off (a
// result replayed from another clone's cache proves nothing about this one), type-checks every
// project (sources and tests, `tsc --noEmit`), runs the linters and formatters (scripts/lint.mjs) and its tests; then adds up the per-suite
// counts that scripts/uvu.mjs prints and ends with the one line CI reads: "N passed, N failed,
// N skipped".
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extra = process.argv.slice(2);
const provision = spawnSync('bash', [join(root, 'scripts/provision.sh')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
if (provision.status !== 0) {
  console.error('npm test: scripts/provision.sh failed (see above); no test ran');
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const child = spawn(join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'typecheck', 'lint', 'test', '--outputStyle=stream', '--skip-nx-cache', ...extra], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false' },
});
let buffer = '';
const totals = { passed: 0, failed: 0, skipped: 0 };
const suites = [];
function consume(line) {
  const m = line.match(/ffnn-test-counts (\{.*\})\s*$/);
  if (!m) return;
  const c = JSON.parse(m[1]);
  suites.push(c);
  totals.passed += c.passed;
  totals.failed += c.failed;
  totals.skipped += c.skipped;
}
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString();
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    consume(buffer.slice(0, nl));
    buffer = buffer.slice(nl + 1);
  }
});
child.on('close', (code) => {
  if (buffer) consume(buffer);
  console.log('\nsuites:');
  for (const s of suites) console.log(`  ${s.suite.padEnd(28)} ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  // a target that failed without reporting counts (a crash, a build error) is a failure too
  if (code !== 0 && totals.failed === 0) totals.failed += 1;
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(code === 0 && totals.failed === 0 ? 0 : 1);
});
