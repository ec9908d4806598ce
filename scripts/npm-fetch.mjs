// Fetches one npm package's tarball at a pinned version and checks it against a pinned integrity
// (what npm's lockfile would record), for the tools the tests use that npm cannot install as
// dependencies: napi-rs's cross toolchains and Bun's linux-aarch64 build (scripts/pack-native.mjs,
// scripts/arm64-test.mjs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** `npm pack NAME@VERSION` into `dir`; returns the tarball's path once its sha512 matches. */
export function fetchPinnedTarball({ name, version, integrity }, dir) {
  const r = spawnSync('npm', ['pack', `${name}@${version}`, '--json', '--pack-destination', dir], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`npm pack ${name}@${version} failed (${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  const tgz = join(dir, JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].filename);
  const digest = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  if (digest !== integrity) throw new Error(`${name}@${version}: integrity ${digest}, expected ${integrity}`);
  return tgz;
}

/**
 * Makes folder `dest` from the pinned package `pkg`, once: fetches and checks its tarball into a
 * scratch folder, has `unpack(tgz, scratch, into)` fill a folder beside `dest`, and renames that
 * into place, so `dest` is either absent or whole. `ready()` says whether `dest` is already there
 * (also after a concurrent run renamed its folder first).
 */
export function unpackPinnedOnce(pkg, dest, { label, size, ready, unpack }) {
  if (ready()) return;
  console.log(`${label}: fetching ${pkg.name}@${pkg.version} (${size}, once) into ${dest}`);
  mkdirSync(dirname(dest), { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'ffnn-npm-fetch-'));
  const partial = `${dest}.partial-${process.pid}`;
  try {
    const tgz = fetchPinnedTarball(pkg, scratch);
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    unpack(tgz, scratch, partial);
    try {
      renameSync(partial, dest);
    } catch (e) {
      // another run got there first
      if (!ready()) throw e;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!existsSync(dest)) throw new Error(`${dest} was not made`);
}
