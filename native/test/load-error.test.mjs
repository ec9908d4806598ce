/**
 * @ffnn/native's loader when the addon cannot load: the thrown error names the real cause (the
 * platform package this machine needs, missing / wrong libc / dlopen's refusal) and what to do,
 * on its first line, in user terms. The loader files are copied into temporary projects (outside
 * the repo) laid out as npm installs them; diagnose() is also driven with made-up machines, so
 * the musl, old-glibc and other-platform branches run on any host.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const NATIVE = join(dirname(fileURLToPath(import.meta.url)), '..');
const requireHere = createRequire(import.meta.url);
const { diagnose, platformKey, detectLibc, tripleKey } = requireHere('../load-error.js');
const manifest = JSON.parse(readFileSync(join(NATIVE, 'package.json'), 'utf8'));
const HOST_KEY = platformKey({ platform: process.platform, arch: process.arch, libc: detectLibc() });
const HOST_PACKAGE = `@ffnn/native-${HOST_KEY}`;
const BUILT = join(NATIVE, `ffnn-native.${HOST_KEY}.node`);
const scratch = [];

/** A project with node_modules/@ffnn/native as the tarball lays it out; returns its require. */
function project({ binding = true, platformPackage = null, localNode = null } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'ffnn-native-loader-'));
  scratch.push(root);
  const pkg = join(root, 'node_modules/@ffnn/native');
  mkdirSync(pkg, { recursive: true });
  for (const f of ['index.js', 'load-error.js', 'package.json', ...(binding ? ['binding.js'] : [])]) copyFileSync(join(NATIVE, f), join(pkg, f));
  if (localNode) writeFileSync(join(pkg, `ffnn-native.${HOST_KEY}.node`), localNode);
  if (platformPackage) {
    const dir = join(root, 'node_modules', HOST_PACKAGE);
    mkdirSync(dir, { recursive: true });
    const main = `ffnn-native.${HOST_KEY}.node`;
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: HOST_PACKAGE, version: platformPackage.version ?? manifest.version, main }));
    if (platformPackage.node) writeFileSync(join(dir, main), platformPackage.node);
  }
  return createRequire(join(root, 'consumer.js'));
}

function loadError(req) {
  try {
    req('@ffnn/native');
  } catch (e) {
    return e;
  }
  assert.unreachable('@ffnn/native loaded');
}

function userTerms(error) {
  assert.not.match(error.message, /\bnx\b/, 'no nx command in a user-facing message');
  assert.not.match(error.message, /npm has a bug/, "not napi's generic text");
  assert.ok(error.cause, 'the original error stays in cause');
}

test.after(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

test('napi.targets map to the platform packages in npm/', () => {
  for (const triple of manifest.napi.targets) {
    const name = `@ffnn/native-${tripleKey(triple)}`;
    const file = join(NATIVE, 'npm', tripleKey(triple), 'package.json');
    assert.ok(existsSync(file), `${file} (napi create-npm-dirs)`);
    assert.is(JSON.parse(readFileSync(file, 'utf8')).name, name);
  }
});

test('platform package not installed: names it, says it is missing and to npm install @ffnn/native', () => {
  const error = loadError(project());
  const first = error.message.split('\n')[0];
  assert.is(error.code, 'FFNN_NATIVE_NOT_INSTALLED');
  assert.is(error.package, HOST_PACKAGE);
  assert.ok(first.includes(HOST_PACKAGE), first);
  assert.match(first, /is not installed/);
  assert.match(first, /`npm install @ffnn\/native`/);
  assert.match(first, /build the addon from source with Rust/);
  userTerms(error);
});

test("corrupt .node in the platform package: a load error quoting dlopen's message", () => {
  const error = loadError(project({ platformPackage: { node: Buffer.from('not an ELF, Mach-O or PE file at all') } }));
  const first = error.message.split('\n')[0];
  assert.is(error.code, 'FFNN_NATIVE_LOAD_FAILED');
  assert.ok(first.includes(`${HOST_PACKAGE} is installed but its addon`), first);
  assert.ok(first.includes(`ffnn-native.${HOST_KEY}.node`), first);
  if (process.platform === 'linux' && !('Bun' in globalThis)) assert.match(first, /invalid ELF header|file too short/);
  assert.match(first, /reinstall it/);
  userTerms(error);
});

test('platform package installed without its .node: incomplete, reinstall', () => {
  const error = loadError(project({ platformPackage: {} }));
  assert.is(error.code, 'FFNN_NATIVE_NOT_INSTALLED');
  assert.match(error.message.split('\n')[0], /is installed but incomplete/);
  userTerms(error);
});

test('a corrupt build from source beside the loader is named as such', () => {
  const error = loadError(project({ localNode: Buffer.from('garbage') }));
  assert.is(error.code, 'FFNN_NATIVE_LOAD_FAILED');
  assert.match(error.message.split('\n')[0], /the addon built from source, .*ffnn-native\..*\.node, failed to load/);
  userTerms(error);
});

test('binding.js missing (never built): says so, and how to build or install', () => {
  const error = loadError(project({ binding: false }));
  assert.is(error.code, 'FFNN_NATIVE_NOT_BUILT');
  assert.match(error.message, /binding\.js is missing/);
  assert.match(error.message, /npm install @ffnn\/native/);
  userTerms(error);
});

test('the real addon in the platform package loads and multiplies (the loader resolves it)', () => {
  assert.ok(existsSync(BUILT), `${BUILT} is missing: build the addon first`);
  const native = project({ platformPackage: { node: readFileSync(BUILT) } })('@ffnn/native');
  const c = new Float64Array(4);
  native.gemmF64(false, false, 2, 2, 2, 1, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), 0, c);
  assert.equal([...c], [19, 22, 43, 50]);
  assert.type(native.gemmKernel().isa, 'string');
});

test("ES modules import the functions by name (index.js keeps napi's named exports visible)", async () => {
  const native = await import(pathToFileURL(join(NATIVE, 'index.js')).href);
  assert.type(native.gemmF64, 'function');
  assert.type(native.gemmKernel, 'function');
});

// ---- the other branches, on made-up machines ----

const supported = manifest.napi.targets.map((t) => `@ffnn/native-${tripleKey(t)}`);
function machine(over) {
  return {
    platform: 'linux',
    arch: 'x64',
    libc: 'glibc',
    glibc: '2.36',
    dir: '/app/node_modules/@ffnn/native',
    ownVersion: '0.1.0',
    supported,
    sourceCheckout: false,
    exists: () => false,
    packageDir: () => null,
    readPackage: () => ({ version: '0.1.0', main: 'ffnn-native.linux-x64-gnu.node' }),
    load: () => null,
    ...over,
  };
}
const installed = { packageDir: (name) => `/app/node_modules/${name}`, exists: (f) => f.startsWith('/app/node_modules/@ffnn/native-') };

test('musl Linux: wrong libc, names the glibc package that cannot load and what to use', () => {
  const r = diagnose(machine({ libc: 'musl' }));
  assert.is(r.code, 'FFNN_NATIVE_WRONG_LIBC');
  assert.is(r.package, '@ffnn/native-linux-x64-musl');
  assert.match(r.message, /uses musl libc/);
  assert.match(r.message, /@ffnn\/native-linux-x64-gnu is for glibc/);
  assert.match(r.message, /glibc-based system/);
});

test('glibc older than the addon needs: wrong libc, with the versions and dlopen message', () => {
  const dlopen = new Error(
    "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.18' not found (required by /app/node_modules/@ffnn/native-linux-x64-gnu/ffnn-native.linux-x64-gnu.node)",
  );
  const r = diagnose(machine({ ...installed, glibc: '2.12', load: () => dlopen }));
  assert.is(r.code, 'FFNN_NATIVE_WRONG_LIBC');
  assert.match(r.message, /needs a newer glibc than this system's \(this system has glibc 2\.12\)/);
  assert.match(r.message, /GLIBC_2\.18' not found/);
});

test('a platform with no prebuilt addon: unsupported, lists the prebuilt ones', () => {
  const r = diagnose(machine({ platform: 'freebsd', libc: null }));
  assert.is(r.code, 'FFNN_NATIVE_UNSUPPORTED_PLATFORM');
  assert.match(r.message, /no prebuilt @ffnn\/native addon for FreeBSD x64 \(it would be @ffnn\/native-freebsd-x64\)/);
  assert.match(r.message, /linux-x64-gnu, linux-arm64-gnu, darwin-arm64, darwin-x64, win32-x64-msvc/);
  assert.match(r.message, /build the addon from source with Rust/);
});

test('macOS arm64 without its package: not installed, names @ffnn/native-darwin-arm64', () => {
  const r = diagnose(machine({ platform: 'darwin', arch: 'arm64', libc: null }));
  assert.is(r.code, 'FFNN_NATIVE_NOT_INSTALLED');
  assert.match(r.message, /@ffnn\/native-darwin-arm64 \(the prebuilt addon for macOS arm64\) is not installed/);
});

test('platform package of another version: a version mismatch', () => {
  const r = diagnose(machine({ ...installed, readPackage: () => ({ version: '0.0.9' }) }));
  assert.is(r.code, 'FFNN_NATIVE_VERSION_MISMATCH');
  assert.match(r.message, /npm install @ffnn\/native@0\.1\.0/);
});

test('a source checkout that was never built: not built, with the build command', () => {
  const r = diagnose(machine({ sourceCheckout: true }));
  assert.is(r.code, 'FFNN_NATIVE_NOT_BUILT');
  assert.match(r.message, /source checkout/);
  assert.match(r.message, /napi build --platform --release --js binding\.js/);
});

test.run();
