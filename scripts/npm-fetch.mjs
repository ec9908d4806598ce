// Fetches one npm package's tarball at a pinned version and checks it against a pinned integrity
// (what npm's lockfile would record), for the tools the tests use that npm cannot install as
// dependencies: napi-rs's cross toolchains and Bun's linux-aarch64 build (scripts/pack-native.mjs,
// scripts/arm64-test.mjs).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
