#!/usr/bin/env node
// Runs the native crate's Rust unit tests (`cargo test --lib`, without the Node-API seam, which
// only links inside a Node process) and prints the counts line scripts/run-tests.mjs adds up:
//   ffnn-test-counts {"suite":"native:cargo","passed":N,"failed":N,"skipped":N}
// cargo's own summary ("test result: ok. N passed; N failed; N ignored; ...") is read for them.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = spawnSync('cargo', ['test', '--release', '--locked', '--lib', '--no-default-features'], {
  cwd: join(root, 'native'),
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
process.stdout.write(run.stdout ?? '');
process.stderr.write(run.stderr ?? '');
const counts = { suite: 'native:cargo', passed: 0, failed: 0, skipped: 0 };
for (const m of (run.stdout ?? '').matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
  counts.passed += Number(m[1]);
  counts.failed += Number(m[2]);
  counts.skipped += Number(m[3]);
}
// a build error or a crash reports no counts: that is a failure too
if (run.status !== 0 && counts.failed === 0) counts.failed = 1;
console.log(`ffnn-test-counts ${JSON.stringify(counts)}`);
process.exit(run.status === 0 ? 0 : 1);
