#!/usr/bin/env node
// The arm64 (linux-arm64-gnu) build of the addon, run as an arm64 user would run it, on this
// x86-64 machine under qemu's user-mode emulator:
//  - takes the addon that ships, native/npm/linux-arm64-gnu/ffnn-native.linux-arm64-gnu.node
//    (built by `node scripts/pack-native.mjs build-dist`, which nx runs first);
//  - fetches Bun for linux-aarch64 from npm (@oven/bun-linux-aarch64, the version of the
//    workspace's own Bun, pinned below by integrity) once, into node_modules/.cache/ffnn-arm64/;
//  - runs the backend contract suite (libs/ffnn/test/backend-contract.test.ts: every kernel on
//    NEON and on the generic level, against the js backend) and every parity case
//    (tools/parity/check.ts --skip-reference: js, native and wasm against the scikit-learn
//    fixtures) under that Bun, with the arm64 addon loaded through NAPI_RS_NATIVE_LIBRARY_PATH.
// Prints the lines scripts/run-tests.mjs adds up, suites native:arm64-contract and
// native:arm64-parity. Where the emulator or the cross toolchain is missing (scripts/setup-native.sh
// installs them) it says why and counts one skipped test each. It checks correctness; emulated
// speed says nothing about an arm64 CPU's. Also the home of what scripts/cargo-test.mjs and
// scripts/pack-native.mjs need to run arm64 code here: the triple, the emulator, the check.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unpackPinnedOnce } from './npm-fetch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The Rust target of the arm64 build. */
export const AARCH64 = 'aarch64-unknown-linux-gnu';
const BUN = {
  name: '@oven/bun-linux-aarch64',
  version: '1.4.5',
  integrity: 'sha512-4BXmsSKnjOrlGWqZV4x/oWa7AVoR+B6lCXddMzOAXBIm3t50eslg9wb66gmtW1AamEQ1l1CDvmmruysEhqOWMg==',
};
/** qemu's user-mode emulator with the arm64 C library and loader where Debian's cross packages put them. */
export const QEMU = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'];
const cacheDir = join(root, 'node_modules/.cache/ffnn-arm64');
const addon = join(root, 'native/npm/linux-arm64-gnu/ffnn-native.linux-arm64-gnu.node');

const counts = (suite, passed, failed, skipped) => console.log(`ffnn-test-counts ${JSON.stringify({ suite, passed, failed, skipped })}`);
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Why arm64 code cannot run here, or null. */
export function arm64Missing() {
  if (!have('qemu-aarch64')) return 'qemu-aarch64 not found (Debian package qemu-user)';
  if (!have('aarch64-linux-gnu-gcc')) return 'aarch64-linux-gnu-gcc not found (Debian packages gcc-aarch64-linux-gnu, libc6-dev-arm64-cross)';
  const targets = spawnSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' });
  if (!(targets.stdout ?? '').split('\n').includes(AARCH64)) return `Rust target ${AARCH64} not installed (rustup target add ${AARCH64})`;
  return null;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return r;
}

function must(cmd, args, opts = {}) {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r;
}

/** The arm64 Bun binary, fetched once and checked against the pinned integrity. */
export function provisionBun() {
  const dest = join(cacheDir, `bun-${BUN.version}`);
  const bin = join(dest, 'package/bin/bun');
  unpackPinnedOnce(BUN, dest, {
    label: 'arm64-test',
    size: 'about 40 MB',
    ready: () => existsSync(bin),
    unpack: (tgz, _scratch, into) => must('tar', ['xzf', tgz, '-C', into]),
  });
  return bin;
}

/** Runs a script under the emulated arm64 Bun with the arm64 addon; returns its output. */
function underArm64(bun, args) {
  const r = run(QEMU[0], [...QEMU.slice(1), bun, ...args], {
    cwd: root,
    env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: addon, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  // a bare "N passed, N failed" line is the form of npm test's last line: label this one
  process.stdout.write((r.stdout ?? '').replace(/^(\d+ passed, \d+ failed)/gm, 'arm64: $1'));
  process.stderr.write(r.stderr ?? '');
  return r;
}

function main() {
  const why = arm64Missing();
  if (why) {
    console.log(`arm64-test: the arm64 addon was not tested: ${why}; bash scripts/setup-native.sh installs what it needs`);
    counts('native:arm64-contract', 0, 0, 1);
    counts('native:arm64-parity', 0, 0, 1);
    return true;
  }
  let ok = true;
  try {
    if (!existsSync(addon))
      throw new Error(`${addon.slice(root.length + 1)} is missing: run node scripts/pack-native.mjs build-dist (nx run native:build-dist)`);
    const bun = provisionBun();
    console.log(
      `arm64-test: ${run(QEMU[0], [...QEMU.slice(1), bun, '--version'], {}).stdout.trim()} (linux-aarch64) under qemu-aarch64, addon ${addon.slice(root.length + 1)}`,
    );

    const contract = underArm64(bun, ['--bun', '--conditions=@ffnn/source', 'node_modules/uvu/bin.js', 'libs/ffnn/test', 'backend-contract\\.test\\.ts$']);
    const text = contract.stdout ?? '';
    const num = (re) => Number((text.match(re) ?? [])[1] ?? Number.NaN);
    const [total, passed, skipped] = [num(/Total:\s+(\d+)/), num(/Passed:\s+(\d+)/), num(/Skipped:\s+(\d+)/)];
    // the suite must have run on NEON: its first line names the levels it tested
    const onNeon = /native gemm paths tested: neon/.test(text);
    if (!onNeon) console.log('arm64-test: the contract suite did not report the neon level');
    const contractOk = contract.status === 0 && Number.isFinite(total) && onNeon;
    const failedTests = Number.isFinite(total) ? total - passed - skipped : 0;
    counts(
      'native:arm64-contract',
      Number.isFinite(passed) ? passed : 0,
      contractOk ? failedTests : Math.max(1, failedTests),
      Number.isFinite(skipped) ? skipped : 0,
    );
    ok = contractOk && ok;

    const parity = underArm64(bun, ['--conditions=@ffnn/source', 'tools/parity/check.ts', '--skip-reference']);
    const m = (parity.stdout ?? '').match(/^(\d+) passed, (\d+) failed\s*$/m);
    const parityOk = parity.status === 0 && m !== null;
    const failedCases = m ? Number(m[2]) : 0;
    counts('native:arm64-parity', m ? Number(m[1]) : 0, parityOk ? failedCases : Math.max(1, failedCases), 0);
    ok = parityOk && ok;
  } catch (e) {
    console.error(`arm64-test: ${e instanceof Error ? e.message : e}`);
    counts('native:arm64', 0, 1, 0);
    ok = false;
  }
  return ok;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main() ? 0 : 1);
