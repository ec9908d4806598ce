// Why @ffnn/native did not load, in user terms (hand-written, committed; index.js calls it only
// after napi-rs's generated loader, binding.js, has failed). It probes on its own instead of
// parsing napi-rs's messages: which platform package this machine needs, whether it is installed,
// whether this machine's libc is the one it was built for, and what dlopen says about the file.
// Every message names the cause and what to do on its first line (callers such as @ffnn/core
// show only that line, after their own "@ffnn/native did not load: "), and names the package
// involved; the original error stays in `cause`.
'use strict';

const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const BINARY = 'ffnn-native';
const SCOPE_PACKAGE = '@ffnn/native';
const FROM_SOURCE = 'or build the addon from source with Rust (see "Building from source" in the @ffnn/native README)';
const REINSTALL =
  'run `npm install @ffnn/native` again without --omit=optional / --no-optional (if it is still missing, delete node_modules and package-lock.json first: a lockfile written on another platform leaves it out)';

/** 'glibc' or 'musl' on Linux (the same probes as napi-rs's loader), null elsewhere. */
function detectLibc(platform = process.platform) {
  if (platform !== 'linux') return null;
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl') ? 'musl' : 'glibc';
  } catch {}
  try {
    const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
    if (report?.header?.glibcVersionRuntime) return 'glibc';
    if (report && Array.isArray(report.sharedObjects) && report.sharedObjects.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'))) return 'musl';
  } catch {}
  return 'glibc';
}

/** This machine's glibc version ("2.36"), when Node reports it. */
function glibcVersion() {
  try {
    const report = process.report && typeof process.report.getReport === 'function' ? process.report.getReport() : null;
    return report?.header?.glibcVersionRuntime || null;
  } catch {
    return null;
  }
}

/** napi-rs's platform name for a machine: linux-x64-gnu, darwin-arm64, win32-x64-msvc, ... */
function platformKey({ platform, arch, libc }) {
  if (platform === 'linux') {
    if (arch === 'arm') return `linux-arm-${libc === 'musl' ? 'musleabihf' : 'gnueabihf'}`;
    return `linux-${arch}-${libc === 'musl' ? 'musl' : 'gnu'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

const ARCH = {
  x86_64: 'x64',
  aarch64: 'arm64',
  i686: 'ia32',
  armv7: 'arm',
  riscv64gc: 'riscv64',
  powerpc64le: 'ppc64',
  s390x: 's390x',
  loongarch64: 'loong64',
};

/** napi-rs's platform name for a target triple: x86_64-unknown-linux-gnu -> linux-x64-gnu. */
function tripleKey(triple) {
  const parts = triple.split('-');
  const arch = ARCH[parts[0]] ?? parts[0];
  if (triple.includes('-linux-')) return `linux-${arch}-${parts[parts.length - 1]}`;
  if (triple.includes('-darwin')) return `darwin-${arch}`;
  if (triple.includes('-windows-')) return `win32-${arch}-${parts[parts.length - 1]}`;
  const os = ['freebsd', 'android'].find((o) => triple.includes(o));
  return os ? `${os}-${arch}` : triple;
}

function describeMachine({ platform, arch, libc }) {
  const os = { linux: 'Linux', darwin: 'macOS', win32: 'Windows', freebsd: 'FreeBSD', android: 'Android' }[platform] ?? platform;
  return `${os} ${arch}${libc ? ` with ${libc}` : ''}`;
}

function firstLine(error) {
  const text = error && typeof error.message === 'string' ? error.message : String(error);
  return text.split('\n')[0].trim();
}

/**
 * The cause, as { code, message, package }, from a description of the machine and a few probes
 * (all injectable, so every branch can be tested on any machine):
 *   platform, arch, libc         the machine (libc: 'glibc' | 'musl' | null)
 *   dir                          @ffnn/native's folder
 *   ownVersion, supported        @ffnn/native's version and its platform packages' names
 *   sourceCheckout               a checkout of the sources (Cargo.toml beside the loader)
 *   exists(path)                 does the file exist
 *   packageDir(name)             the installed package's folder, or null
 *   readPackage(dir)             its package.json
 *   load(path)                   the error dlopen gives for the file, or null when it loads
 *   glibc                        this machine's glibc version, when known
 */
function diagnose(m) {
  const key = platformKey(m);
  const expected = `${SCOPE_PACKAGE}-${key}`;
  const machine = describeMachine(m);
  const prebuilt = m.supported.map((name) => name.slice(SCOPE_PACKAGE.length + 1)).join(', ');
  const result = (code, message) => ({ code, package: expected, message });
  const loadFailure = (file, error, where) => {
    const reason = firstLine(error);
    if (/GLIBC_[0-9.]+'? not found/.test(reason)) {
      const have = m.glibc ? ` (this system has glibc ${m.glibc})` : '';
      return result(
        'FFNN_NATIVE_WRONG_LIBC',
        `${where} needs a newer glibc than this system's${have}: the prebuilt Linux addons need glibc 2.17 or newer; use a newer Linux distribution, ${FROM_SOURCE}. dlopen said: ${reason}`,
      );
    }
    if (m.libc === 'musl' && /ld-linux|libc\.so\.6|__libc|GLIBC/.test(reason)) {
      return result(
        'FFNN_NATIVE_WRONG_LIBC',
        `${where} was built for glibc but this Linux uses musl (e.g. Alpine); use a glibc-based system (Debian, Ubuntu, ...), ${FROM_SOURCE}. dlopen said: ${reason}`,
      );
    }
    if (where === expected) {
      return result(
        'FFNN_NATIVE_LOAD_FAILED',
        `${expected} is installed but its addon ${file} failed to load: ${reason}. To fix it, reinstall it (delete node_modules/${expected} and run \`npm install @ffnn/native\`), ${FROM_SOURCE}.`,
      );
    }
    return result(
      'FFNN_NATIVE_LOAD_FAILED',
      `${where}, ${file}, failed to load: ${reason}. To fix it, rebuild it, or delete it to use the platform package ${expected}.`,
    );
  };

  // a build from source sits beside the loader and wins over the platform package
  const local = join(m.dir, `${BINARY}.${key}.node`);
  if (m.exists(local)) {
    const error = m.load(local);
    if (error) return loadFailure(local, error, 'the addon built from source');
  } else if (m.sourceCheckout && !m.packageDir(expected)) {
    return result(
      'FFNN_NATIVE_NOT_BUILT',
      `@ffnn/native is a source checkout here (Cargo.toml beside the loader) and its addon ${BINARY}.${key}.node is not built: build it with Rust, \`npx napi build --platform --release --js binding.js\` in ${m.dir}, or install the published package: \`npm install @ffnn/native\`.`,
    );
  }

  if (!m.supported.includes(expected)) {
    if (m.platform === 'linux' && m.libc === 'musl') {
      const glibcTwin = `${SCOPE_PACKAGE}-${platformKey({ ...m, libc: 'glibc' })}`;
      const twin = m.supported.includes(glibcTwin) ? ` (${glibcTwin} is for glibc and cannot load here)` : '';
      return result(
        'FFNN_NATIVE_WRONG_LIBC',
        `no prebuilt @ffnn/native addon for ${machine}: this Linux uses musl libc (e.g. Alpine) and the prebuilt Linux addons are built for glibc${twin}; use a glibc-based system or image (Debian, Ubuntu, ...), ${FROM_SOURCE}. Prebuilt: ${prebuilt}.`,
      );
    }
    return result(
      'FFNN_NATIVE_UNSUPPORTED_PLATFORM',
      `no prebuilt @ffnn/native addon for ${machine} (it would be ${expected}); prebuilt: ${prebuilt}. Use a supported platform, ${FROM_SOURCE}.`,
    );
  }

  const pkgDir = m.packageDir(expected);
  if (!pkgDir) {
    return result(
      'FFNN_NATIVE_NOT_INSTALLED',
      `the platform package ${expected} (the prebuilt addon for ${machine}) is not installed. To fix it, ${REINSTALL}; ${FROM_SOURCE}.`,
    );
  }
  let meta = {};
  try {
    meta = m.readPackage(pkgDir) || {};
  } catch {}
  const file = join(pkgDir, meta.main || `${BINARY}.${key}.node`);
  if (!m.exists(file)) {
    return result(
      'FFNN_NATIVE_NOT_INSTALLED',
      `the platform package ${expected} is installed but incomplete: ${file} is missing. To fix it, ${REINSTALL}; ${FROM_SOURCE}.`,
    );
  }
  const error = m.load(file);
  if (error) return loadFailure(file, error, expected);
  if (meta.version && m.ownVersion && meta.version !== m.ownVersion) {
    return result(
      'FFNN_NATIVE_VERSION_MISMATCH',
      `${expected} is version ${meta.version} but @ffnn/native is ${m.ownVersion}; install matching versions: \`npm install @ffnn/native@${m.ownVersion}\`.`,
    );
  }
  return null;
}

/** The machine as it is, with real probes. */
function probeMachine(dir) {
  const platform = process.platform;
  let own = {};
  try {
    own = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {}
  return {
    platform,
    arch: process.arch,
    libc: detectLibc(platform),
    glibc: platform === 'linux' ? glibcVersion() : null,
    dir,
    ownVersion: own.version,
    // the platform packages: napi.targets (also in a source checkout), and any optionalDependencies
    supported: [
      ...new Set([
        ...(own.napi?.targets || []).map((t) => `${SCOPE_PACKAGE}-${tripleKey(t)}`),
        ...Object.keys(own.optionalDependencies || {}).filter((name) => name.startsWith(`${SCOPE_PACKAGE}-`)),
      ]),
    ],
    sourceCheckout: existsSync(join(dir, 'Cargo.toml')),
    exists: existsSync,
    packageDir(name) {
      try {
        return dirname(require.resolve(`${name}/package.json`, { paths: [dir] }));
      } catch {
        return null;
      }
    },
    readPackage: (pkgDir) => JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')),
    load(file) {
      try {
        require(file);
        return null;
      } catch (error) {
        return error;
      }
    },
  };
}

/** The error to throw instead of the one requiring binding.js threw. */
function explainLoadError(original, dir, machine = probeMachine(dir)) {
  let found;
  if (!machine.exists(join(dir, 'binding.js'))) {
    found = {
      code: 'FFNN_NATIVE_NOT_BUILT',
      package: SCOPE_PACKAGE,
      message:
        `@ffnn/native's generated loader binding.js is missing, so this copy of @ffnn/native was never built. ` +
        `A published @ffnn/native ships it: run \`npm install @ffnn/native\`; in a source checkout, build the addon with Rust: \`npx napi build --platform --release --js binding.js\` in its folder.`,
    };
  } else {
    try {
      found = diagnose(machine);
    } catch {
      found = null;
    }
  }
  if (!found) {
    // the probes found nothing wrong: say what napi-rs's loader saw
    const seen = [];
    for (let e = original?.cause; e && seen.length < 8; e = e.cause) seen.push(firstLine(e));
    found = {
      code: 'FFNN_NATIVE_LOAD_FAILED',
      package: `${SCOPE_PACKAGE}-${platformKey(machine)}`,
      message: `the @ffnn/native addon did not load: ${firstLine(original)}${seen.length ? ` (${seen.join('; ')})` : ''}. To fix it, ${REINSTALL}; ${FROM_SOURCE}.`,
    };
  }
  const error = new Error(found.message);
  error.code = found.code;
  error.package = found.package;
  error.cause = original;
  return error;
}

module.exports = { explainLoadError, diagnose, platformKey, tripleKey, detectLibc };
