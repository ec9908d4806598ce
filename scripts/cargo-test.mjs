#!/usr/bin/env node
// Runs the native crate's Rust unit tests (`cargo test --lib`, without the Node-API seam, which
// only links inside a Node process) and prints the counts lines scripts/run-tests.mjs adds up:
//   ffnn-test-counts {"suite":"native:cargo","passed":N,"failed":N,"skipped":N}
//   ffnn-test-counts {"suite":"native:cargo-aarch64","passed":N,"failed":N,"skipped":N}
// The second is the same tests built for arm64 and run under qemu-aarch64, so the NEON kernels
// run on every CI build although no arm64 machine does (scripts/setup-native.sh provisions the
// cross linker, qemu-user and the Rust target; without them this suite counts one skipped test
// and says why). cargo's own summary ("test result: ok. N passed; N failed; N ignored") is read
// for the counts.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AARCH64, arm64Missing, QEMU } from './arm64-test.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = ['test', '--release', '--locked', '--lib', '--no-default-features'];

/** Runs `cargo ...args` in native/ and prints its counts line; true when it passed. */
function suite(name, extraArgs, env = {}) {
  const run = spawnSync('cargo', [...args, ...extraArgs], {
    cwd: join(root, 'native'),
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  process.stdout.write(run.stdout ?? '');
  process.stderr.write(run.stderr ?? '');
  const counts = { suite: name, passed: 0, failed: 0, skipped: 0 };
  for (const m of (run.stdout ?? '').matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)) {
    counts.passed += Number(m[1]);
    counts.failed += Number(m[2]);
    counts.skipped += Number(m[3]);
  }
  // a build error or a crash reports no counts: that is a failure too
  if (run.status !== 0 && counts.failed === 0) counts.failed = 1;
  console.log(`ffnn-test-counts ${JSON.stringify(counts)}`);
  return run.status === 0;
}

let ok = suite('native:cargo', []);
const missing = arm64Missing();
if (missing) {
  console.log(`cargo-test: the arm64 (NEON) tests did not run: ${missing}; bash scripts/setup-native.sh installs what they need`);
  console.log(`ffnn-test-counts ${JSON.stringify({ suite: 'native:cargo-aarch64', passed: 0, failed: 0, skipped: 1 })}`);
} else {
  const upper = AARCH64.toUpperCase().replaceAll('-', '_');
  ok =
    suite('native:cargo-aarch64', ['--target', AARCH64], {
      [`CARGO_TARGET_${upper}_LINKER`]: 'aarch64-linux-gnu-gcc',
      [`CARGO_TARGET_${upper}_RUNNER`]: QEMU.join(' '),
    }) && ok;
}
process.exit(ok ? 0 : 1);
