#!/usr/bin/env node
// Runs a uvu suite under one runtime and prints one machine-readable line with its counts:
//   ffnn-test-counts {"suite":"core:bun","passed":N,"failed":N,"skipped":N}
// uvu's own closing block is not a line CI reads; scripts/run-tests.mjs adds these lines up.
// usage: node scripts/uvu.mjs <runtimes, comma-separated: bun,node,deno> <label> <dir> [pattern]
// Every runtime runs even when an earlier one failed, so the counts cover every test that ran.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [runtime, label, dir, pattern] = process.argv.slice(2);
const uvu = join(root, 'node_modules/uvu/bin.js');
const bin = (name) => join(root, 'node_modules/.bin', name);
const args = [dir, pattern ?? '.test.ts$'];
// In the repo, @ffnn/* packages resolve to their TypeScript sources through this export condition
// (package.json "exports"); without it they resolve to the built dist/ that users install.
const SOURCE = '--conditions=@ffnn/source';
const commands = {
  bun: [bin('bun'), ['--bun', SOURCE, uvu, ...args]],
  node: [process.execPath, [SOURCE, '--import', 'tsx', uvu, ...args]],
  deno: [bin('deno'), ['run', '--allow-all', SOURCE, '--node-modules-dir=manual', '--unstable-sloppy-imports', uvu, ...args]],
};
let ok = true;
for (const rt of runtime.split(',')) ok = runOne(rt, `${label}:${rt}`) && ok;
process.exit(ok ? 0 : 1);

function runOne(runtime, label) {
  if (!commands[runtime]) {
    console.error(`uvu.mjs: runtime must be one of ${Object.keys(commands).join(', ')}, got ${runtime}`);
    process.exit(2);
  }
  const [cmd, cmdArgs] = commands[runtime];
  console.log(`\n# ${label}`);
  const run = spawnSync(cmd, cmdArgs, { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  process.stdout.write(run.stdout ?? '');
  process.stderr.write(run.stderr ?? '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the terminal's colour escapes (ESC [ ... m)
  const text = (run.stdout ?? '').replace(/\x1b\[[0-9;]*m/g, '');
  const num = (re) => Number((text.match(re) ?? [])[1] ?? NaN);
  const total = num(/Total:\s+(\d+)/);
  const passed = num(/Passed:\s+(\d+)/);
  const skipped = num(/Skipped:\s+(\d+)/);
  let failed;
  if (Number.isNaN(total)) {
    // the runner died before its summary: count the suite as one failure so it cannot pass silently
    console.error(`uvu.mjs: ${label}: no uvu summary (exit ${run.status}, signal ${run.signal ?? 'none'}${run.error ? `, ${run.error.message}` : ''})`);
    failed = 1;
  } else {
    // uvu's Total counts the tests that ran: skipped ones (test.skip) are not in it
    failed = total - passed;
  }
  const counts = { suite: label, passed: Number.isNaN(passed) ? 0 : passed, failed, skipped: Number.isNaN(skipped) ? 0 : skipped };
  console.log(`ffnn-test-counts ${JSON.stringify(counts)}`);
  return run.status === 0 && failed === 0;
}
