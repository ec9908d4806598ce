#!/usr/bin/env node
// Packaging of @ffnn/native (native/) and its prebuilt linux addons (x64 and arm64, glibc), as a
// user gets them.
//
//   node scripts/pack-native.mjs build-dist
//       Builds the addon for x86_64- and aarch64-unknown-linux-gnu against glibc 2.17 with
//       napi-rs's own `napi build --use-napi-cross` (gcc 4.8.5 + glibc 2.17 sysroots from the npm
//       packages @napi-rs/cross-toolchain-x64-target-x86_64 and -x64-target-aarch64, pinned below
//       by version and integrity and kept in ~/.napi-rs/cross-toolchain, where napi looks) into
//       native/npm/linux-x64-gnu/ and native/npm/linux-arm64-gnu/, then checks each: no GLIBC_
//       symbol version above 2.17, no library beyond libc's family. Cargo builds them in
//       native/target/dist, beside (not instead of) the dev build `nx run native:build` that the
//       tests load, so neither invalidates the other.
//   node scripts/pack-native.mjs pack --out DIR
//       Writes the tarballs into DIR: @ffnn/native (loader, load-error explainer, generated
//       binding and types, README, LICENSE; its package.json gains the optionalDependencies on
//       every platform package in native/npm/, at the exact version), @ffnn/native-linux-x64-gnu
//       and @ffnn/native-linux-arm64-gnu (the .node each). Prints their file lists.
//   node scripts/pack-native.mjs check [--out DIR] [--keep]
//       Packs (into DIR, or a temporary folder), installs the tarballs from files, offline, into
//       temporary projects outside the repo and loads the addon there: the x64 one under plain
//       node, the arm64 one under Bun's linux-aarch64 build in qemu-aarch64 (scripts/arm64-test.mjs
//       provides it; skipped, and said, without qemu); ends with a line scripts/run-tests.mjs
//       adds up: ffnn-test-counts {"suite":"native:pack-check",...}
//
// Why optionalDependencies are added at pack time and not written in native/package.json: the
// platform packages are not on the registry before the first publish, and npm then leaves them
// out of package-lock.json, so `npm ci` of this workspace fails ("Missing: @ffnn/native-... from
// lock file"). `napi prepublish` adds them at publish time for the same reason. native/'s
// prepack refuses a package.json without them, so a bare `npm pack` in native/ cannot ship a
// package that never installs its addon.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arm64Missing, provisionBun, QEMU } from './arm64-test.mjs';
import { unpackPinnedOnce } from './npm-fetch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
// The prebuilt platforms, each with napi-rs's toolchain for its triple. @napi-rs/cross-toolchain
// 1.0.5 (what @napi-rs/cli 3.10.12 pulls in) asks npm for each target package at its own version,
// 1.0.5, which was never published (the registry has 1.0.0 for x86_64 and 1.0.3 for aarch64), so
// napi's download fails; this script fetches the published one and unpacks it where napi looks,
// after which `--use-napi-cross` runs unchanged.
export const BUILT = [
  {
    platform: 'linux-x64-gnu',
    triple: 'x86_64-unknown-linux-gnu',
    loader: 'ld-linux-x86-64.so.2',
    toolchain: {
      name: '@napi-rs/cross-toolchain-x64-target-x86_64',
      version: '1.0.0',
      integrity: 'sha512-lecoghCfoTAX9MLFcIx9/nL9M8xdkZ9n8Pki8qjKUNzjiq1zbECdEbzIZAMMHRtrXxifK9dAyYuh8gSxNbr2og==',
    },
  },
  {
    platform: 'linux-arm64-gnu',
    triple: 'aarch64-unknown-linux-gnu',
    loader: 'ld-linux-aarch64.so.1',
    toolchain: {
      name: '@napi-rs/cross-toolchain-x64-target-aarch64',
      version: '1.0.3',
      integrity: 'sha512-EMFcy/ahFsmCY3BI1tMC3wRUYZ+cDuILg7nP1micaKXW1tO1+RvUB1CC6QYe+cv2W4Tuz9wr3qcFExWyjgWf2w==',
    },
  },
].map((b) => ({ ...b, dir: join(nativeDir, 'npm', b.platform), nodeFile: `ffnn-native.${b.platform}.node` }));
/** The host's own platform (the one plain node here loads). */
const HOST_BUILT = BUILT[0];
const MAX_GLIBC = '2.17';
// what the addon may link: libc and its companions, the gcc runtime and the platform's loader
// (no BLAS, no Fortran)
const ALLOWED_NEEDED = new Set(['libc.so.6', 'libm.so.6', 'libdl.so.2', 'librt.so.1', 'libpthread.so.0', 'libgcc_s.so.1', ...BUILT.map((b) => b.loader)]);

// npm, run from here, must see none of the npm_config_* of an npm that started us (npm test)
const cleanEnv = () => {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_(config|package|lifecycle)_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  env.NODE_OPTIONS = '';
  return env;
};
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv(), maxBuffer: 1 << 26, ...opts });
  if (r.error) {
    const hint = { objdump: ' (Debian: apt-get install binutils)', tar: ' (Debian: apt-get install tar xz-utils)' }[cmd] ?? '';
    throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}${r.error.code === 'ENOENT' ? hint : ''}`);
  }
  return r;
};
const must = (cmd, args, opts) => {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r;
};
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const versionGt = (a, b) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

/** The highest GLIBC_x.y symbol version and the NEEDED libraries of an ELF file (binutils). */
export function elfRequirements(file) {
  const dyn = must('objdump', ['-T', file]).stdout;
  const versions = [...new Set(dyn.match(/GLIBC_[0-9.]+/g) ?? [])].map((v) => v.slice(6));
  const maxGlibc = versions.reduce((a, b) => (versionGt(b, a) ? b : a), '0');
  const needed = [...must('objdump', ['-p', file]).stdout.matchAll(/^\s*NEEDED\s+(\S+)/gm)].map((m) => m[1]);
  return { maxGlibc, needed };
}

/** Problems with a linux-x64-gnu addon as shipped: too new a glibc, unexpected libraries. */
export function distProblems(file) {
  const { maxGlibc, needed } = elfRequirements(file);
  const problems = [];
  if (versionGt(maxGlibc, MAX_GLIBC)) problems.push(`needs GLIBC_${maxGlibc}, above ${MAX_GLIBC}`);
  const extra = needed.filter((lib) => !ALLOWED_NEEDED.has(lib));
  if (extra.length) problems.push(`links ${extra.join(', ')} (only libc, libm, libdl, librt, libpthread, libgcc_s are expected: no BLAS, no Fortran)`);
  return { maxGlibc, needed, problems };
}

function napiToolchainDir(triple) {
  const req = createRequire(join(nativeDir, 'node_modules/@napi-rs/cli/package.json'));
  const { version } = req('@napi-rs/cross-toolchain/package.json');
  return join(homedir(), '.napi-rs', 'cross-toolchain', version, triple);
}

function provisionToolchain({ triple, toolchain }) {
  const dest = napiToolchainDir(triple);
  if (existsSync(join(dest, 'package.json'))) {
    const have = readJson(join(dest, 'package.json'));
    if (have.name !== toolchain.name || have.version !== toolchain.version)
      throw new Error(`${dest} holds ${have.name}@${have.version}, expected ${toolchain.name}@${toolchain.version}: remove that folder and run again`);
  }
  unpackPinnedOnce(toolchain, dest, {
    label: 'pack-native',
    size: 'about 49 MB',
    ready: () => existsSync(join(dest, 'package.json')),
    unpack: (tgz, scratch, into) => {
      must('tar', ['xzf', tgz, '-C', scratch]);
      // the toolchain is an xz tarball inside the npm package (xz-utils, as on every Debian)
      must('tar', ['xJf', join(scratch, 'package', `${triple}.tar.xz`), '-C', into]);
    },
  });
  return dest;
}

const HOST_OK = process.platform === 'linux' && process.arch === 'x64';
const HOST_SKIP = `this host is ${process.platform}-${process.arch}: ${BUILT.map((b) => b.platform).join(' and ')} are built and checked on a Linux x64 host (napi's cross toolchains run there; the other targets build on their own runners)`;

function buildDist() {
  if (!HOST_OK) {
    console.log(`pack-native: build-dist skipped: ${HOST_SKIP}`);
    return;
  }
  for (const built of BUILT) {
    provisionToolchain(built);
    // its own cargo target dir: with --target equal to the host, cargo would put the build scripts
    // and proc macros (linked by the cross gcc) in target/release beside the dev build's, and
    // the two builds would keep rebuilding each other's dependencies from scratch
    const targetDir = join(nativeDir, 'target', 'dist');
    const staging = join(targetDir, 'napi-dist');
    rmSync(join(staging, built.nodeFile), { force: true });
    const napi = join(nativeDir, 'node_modules/.bin/napi');
    const args = [
      'build',
      '--platform',
      '--release',
      '--use-napi-cross',
      '--target',
      built.triple,
      '--target-dir',
      targetDir,
      '--output-dir',
      staging,
      '--no-js',
    ];
    const r = run(napi, args, { cwd: nativeDir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`napi build --use-napi-cross --target ${built.triple} exited ${r.status}`);
    cpSync(join(staging, built.nodeFile), join(built.dir, built.nodeFile));
    const { maxGlibc, needed, problems } = distProblems(join(built.dir, built.nodeFile));
    console.log(`pack-native: native/npm/${built.platform}/${built.nodeFile}: highest GLIBC_${maxGlibc}; NEEDED ${needed.join(' ')}`);
    if (problems.length) throw new Error(`native/npm/${built.platform}/${built.nodeFile} ${problems.join('; ')}`);
  }
}

/** Every platform package native/npm/ declares, checked against napi.targets and the version. */
function platformPackages(manifest) {
  const dirs = readdirSync(join(nativeDir, 'npm')).filter((d) => existsSync(join(nativeDir, 'npm', d, 'package.json')));
  const packages = dirs.map((d) => readJson(join(nativeDir, 'npm', d, 'package.json')));
  const wrong = packages.filter((p) => p.version !== manifest.version).map((p) => `${p.name}@${p.version}`);
  if (wrong.length) throw new Error(`native/npm/ has ${wrong.join(', ')} but @ffnn/native is ${manifest.version} (napi version syncs them)`);
  if (packages.length !== manifest.napi.targets.length)
    throw new Error(`native/npm/ has ${packages.length} platform packages for ${manifest.napi.targets.length} napi.targets (napi create-npm-dirs makes them)`);
  return packages.map((p) => p.name).sort();
}

function packJson(stdout) {
  // lifecycle output (prepack) may come first
  const start = stdout.search(/^\[/m);
  return JSON.parse(stdout.slice(start))[0];
}

/**
 * Packs @ffnn/native and every BUILT platform package into `out`; returns { main, platforms },
 * main { file, files } and platforms { [platform]: { file, files } }.
 */
export function pack(out) {
  mkdirSync(out, { recursive: true });
  const manifest = readJson(join(nativeDir, 'package.json'));
  for (const f of manifest.files)
    if (!existsSync(join(nativeDir, f))) throw new Error(`native/${f} is missing: build the addon first (npx nx run native:build)`);
  for (const built of BUILT)
    if (!existsSync(join(built.dir, built.nodeFile)))
      throw new Error(`native/npm/${built.platform}/${built.nodeFile} is missing: run node scripts/pack-native.mjs build-dist (npx nx run native:build-dist)`);
  const stage = mkdtempSync(join(tmpdir(), 'ffnn-native-stage-'));
  try {
    for (const f of [...manifest.files, 'README.md', 'LICENSE']) cpSync(join(nativeDir, f), join(stage, f));
    const optionalDependencies = Object.fromEntries(platformPackages(manifest).map((name) => [name, manifest.version]));
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify({ ...manifest, optionalDependencies }, null, 2)}\n`);
    const packed = (cwd) => {
      const p = packJson(must('npm', ['pack', '--json', '--pack-destination', resolve(out)], { cwd }).stdout);
      return { file: join(resolve(out), p.filename), files: p.files.map((f) => f.path).sort() };
    };
    return { main: packed(stage), platforms: Object.fromEntries(BUILT.map((b) => [b.platform, packed(b.dir)])) };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function newProject(name) {
  const dir = mkdtempSync(join(tmpdir(), `ffnn-${name}-`));
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, private: true }, null, 2)}\n`);
  return dir;
}

const npmInstall = (dir, tarballs) => must('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: dir });

// runs in the consumer project under plain node: the addon from the platform package, and a product
const CONSUMER = `
const assert = require('node:assert');
const { existsSync, readdirSync } = require('node:fs');
const { dirname } = require('node:path');
const native = require('@ffnn/native');
const kernel = native.gemmKernel();
assert.strictEqual(typeof kernel.isa, 'string');
const c = new Float64Array(4);
// [1 2; 3 4] * [5 6; 7 8]
native.gemmF64(false, false, 2, 2, 2, 1, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), 0, c);
assert.deepStrictEqual([...c], [19, 22, 43, 50]);
const mainDir = dirname(require.resolve('@ffnn/native/package.json'));
assert.deepStrictEqual(readdirSync(mainDir).filter((f) => f.endsWith('.node')), [], 'no .node beside the loader');
const addon = require.resolve('@ffnn/native-' + process.env.FFNN_PLATFORM);
assert.ok(addon.endsWith('ffnn-native.' + process.env.FFNN_PLATFORM + '.node') && existsSync(addon), addon);
console.log(JSON.stringify({ isa: kernel.isa, description: kernel.description, c: [...c], addon }));
`;

// the same from an ES module: named imports need index.js's re-export to stay visible to Node
const CONSUMER_ESM = `
import { gemmKernel, gemmF64 } from '@ffnn/native';
const c = new Float64Array(1);
gemmF64(false, false, 1, 1, 1, 1, new Float64Array([3]), new Float64Array([4]), 0, c);
if (c[0] !== 12 || typeof gemmKernel().isa !== 'string') throw new Error('ESM import: ' + c[0]);
console.log('esm ok');
`;

const MISSING = `
try {
  require('@ffnn/native');
  console.log(JSON.stringify({ loaded: true }));
} catch (e) {
  console.log(JSON.stringify({ code: e.code, package: e.package, message: e.message }));
}
`;

function check(args) {
  if (!HOST_OK) {
    console.log(`# native:pack-check skipped: ${HOST_SKIP}`);
    console.log(`ffnn-test-counts ${JSON.stringify({ suite: 'native:pack-check', passed: 0, failed: 0, skipped: 5 })}`);
    return true;
  }
  const keep = args.includes('--keep');
  const outArg = args.indexOf('--out');
  const out = outArg >= 0 ? resolve(args[outArg + 1]) : mkdtempSync(join(tmpdir(), 'ffnn-native-tarballs-'));
  const scratch = [];
  const counts = { suite: 'native:pack-check', passed: 0, failed: 0, skipped: 0 };
  let tarballs = null;
  const test = (name, fn) => {
    try {
      const skipped = fn();
      if (skipped) {
        counts.skipped++;
        console.log(`  - ${name} (skipped: ${skipped})`);
        return;
      }
      counts.passed++;
      console.log(`  ✔ ${name}`);
    } catch (e) {
      counts.failed++;
      console.log(`  ✘ ${name}\n    ${String(e?.stack ? e.stack : e).replace(/\n/g, '\n    ')}`);
    }
  };
  const needTarballs = () => {
    if (!tarballs) throw new Error('no tarballs (packing failed above)');
    return tarballs;
  };
  const host = HOST_BUILT.platform;
  console.log(`# native:pack-check (tarballs in ${out})`);
  test(`packs @ffnn/native and ${BUILT.map((b) => `@ffnn/native-${b.platform}`).join(', ')} with exactly the files a user needs`, () => {
    tarballs = pack(out);
    console.log(`    ${tarballs.main.file}: ${tarballs.main.files.join(', ')}`);
    assertEqual(tarballs.main.files, ['LICENSE', 'README.md', 'binding.js', 'index.d.ts', 'index.js', 'load-error.js', 'package.json']);
    for (const built of BUILT) {
      const t = tarballs.platforms[built.platform];
      console.log(`    ${t.file}: ${t.files.join(', ')}`);
      assertEqual(t.files, ['LICENSE', 'README.md', built.nodeFile, 'package.json'].sort());
    }
  });
  test('each packed addon needs glibc <= 2.17 and links no BLAS or Fortran library', () => {
    for (const built of BUILT) {
      const dir = mkdtempSync(join(tmpdir(), 'ffnn-native-unpack-'));
      scratch.push(dir);
      must('tar', ['xzf', needTarballs().platforms[built.platform].file, '-C', dir]);
      const { maxGlibc, needed, problems } = distProblems(join(dir, 'package', built.nodeFile));
      console.log(`    ${built.platform}: highest GLIBC_${maxGlibc}; NEEDED ${needed.join(' ')}`);
      if (problems.length) throw new Error(`${built.platform}: ${problems.join('; ')}`);
    }
  });
  /** A project with @ffnn/native and the platform package installed from the tarballs, offline. */
  const consumerFor = (built, npmArgs = []) => {
    const { main, platforms } = needTarballs();
    const dir = newProject(`native-consumer-${built.platform}`);
    scratch.push(dir);
    npmInstall(dir, [...npmArgs, main.file, platforms[built.platform].file]);
    const installed = readJson(join(dir, 'node_modules/@ffnn/native/package.json'));
    for (const [name, spec] of Object.entries(installed.optionalDependencies ?? {}))
      if (spec !== installed.version) throw new Error(`optionalDependencies ${name}: ${spec}, expected ${installed.version}`);
    if (!installed.optionalDependencies?.[`@ffnn/native-${built.platform}`])
      throw new Error(`the installed package.json has no optionalDependency on @ffnn/native-${built.platform}`);
    return dir;
  };
  test(`installed from the tarballs offline in a project outside the repo, plain node loads the ${host} addon and multiplies (require and import)`, () => {
    const dir = consumerFor(HOST_BUILT);
    if (!/gemmF64/.test(readFileSync(join(dir, 'node_modules/@ffnn/native/index.d.ts'), 'utf8'))) throw new Error('index.d.ts does not declare gemmF64');
    const env = { ...cleanEnv(), FFNN_PLATFORM: host };
    const r = run(process.execPath, ['-e', CONSUMER], { cwd: dir, env });
    if (r.status !== 0) throw new Error(`node exited ${r.status}\n${r.stdout}${r.stderr}`);
    console.log(`    ${r.stdout.trim()}`);
    const esm = run(process.execPath, ['--input-type=module', '-e', CONSUMER_ESM], { cwd: dir, env });
    if (esm.status !== 0) throw new Error(`node (ESM) exited ${esm.status}\n${esm.stdout}${esm.stderr}`);
  });
  test('installed for linux-arm64 (npm --cpu=arm64), Bun for linux-aarch64 under qemu-aarch64 loads the linux-arm64-gnu addon and multiplies', () => {
    const why = arm64Missing();
    if (why) return why;
    const arm64 = BUILT.find((b) => b.platform === 'linux-arm64-gnu');
    // npm refuses a package for another cpu even with --cpu=arm64 when it is named directly: --force
    const dir = consumerFor(arm64, ['--os=linux', '--cpu=arm64', '--libc=glibc', '--force']);
    const bun = provisionBun();
    const r = run(QEMU[0], [...QEMU.slice(1), bun, '-e', CONSUMER], { cwd: dir, env: { ...cleanEnv(), FFNN_PLATFORM: arm64.platform } });
    if (r.status !== 0) throw new Error(`bun (linux-aarch64, qemu) exited ${r.status}\n${r.stdout}${r.stderr}`);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`    ${JSON.stringify(seen)}`);
    if (seen.isa !== 'neon') throw new Error(`the arm64 addon runs on ${seen.isa}, expected neon`);
  });
  test(`installed without its platform package, the error names @ffnn/native-${host} and the fix`, () => {
    const { main } = needTarballs();
    const dir = newProject('native-missing');
    scratch.push(dir);
    // offline, the optional platform package cannot be fetched: npm skips it, as --omit=optional would
    npmInstall(dir, [main.file]);
    if (existsSync(join(dir, `node_modules/@ffnn/native-${host}`))) throw new Error('the platform package got installed');
    const r = run(process.execPath, ['-e', MISSING], { cwd: dir });
    const seen = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`    ${seen.message}`);
    if (seen.code !== 'FFNN_NATIVE_NOT_INSTALLED') throw new Error(`code ${seen.code}`);
    if (!seen.message.split('\n')[0].includes(`@ffnn/native-${host}`)) throw new Error('the first line does not name the platform package');
    if (!seen.message.includes('npm install @ffnn/native')) throw new Error('no npm install advice');
    if (/\bnx\b/.test(seen.message)) throw new Error('the message mentions nx');
  });
  if (!keep) {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    if (outArg < 0) rmSync(out, { recursive: true, force: true });
  } else console.log(`# kept: ${[out, ...scratch].join(' ')}`);
  console.log(`ffnn-test-counts ${JSON.stringify(counts)}`);
  return counts.failed === 0;
}

function assertEqual(actual, expected) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (command === 'build-dist') buildDist();
    else if (command === 'pack') {
      const i = args.indexOf('--out');
      if (i < 0) throw new Error('pack needs --out DIR');
      const t = pack(resolve(args[i + 1]));
      for (const p of [t.main, ...Object.values(t.platforms)]) console.log(`${p.file}\n  ${p.files.join('\n  ')}`);
    } else if (command === 'check') process.exit(check(args) ? 0 : 1);
    else {
      console.error('usage: node scripts/pack-native.mjs build-dist | pack --out DIR | check [--out DIR] [--keep]');
      process.exit(2);
    }
  } catch (e) {
    console.error(`pack-native: ${e.message}`);
    process.exit(1);
  }
}
