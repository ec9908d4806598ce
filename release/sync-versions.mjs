#!/usr/bin/env node
// After `npx changeset version` has bumped the fixed group (@ffnn/core, @ffnn/native, @ffnn/viz,
// @ffnn/parity, @ffnn/cli), brings along what changesets does not see:
//   - libs/ffnn/src/version.ts (VERSION, which model files record as the library that wrote them)
//   - native/npm/*/package.json, the per-platform addon packages (not workspaces; napi's
//     `napi version` does the same; pack-native.mjs refuses versions out of step)
// Then run `npm install --package-lock-only` so package-lock.json follows.
//   usage: node release/sync-versions.mjs [ROOT]      (ROOT defaults to the repository)
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));
const version = readJson(join(root, 'libs/ffnn/package.json')).version;
const native = readJson(join(root, 'native/package.json')).version;
if (native !== version) throw new Error(`@ffnn/native is ${native} but @ffnn/core is ${version}: the changesets group is fixed, run npx changeset version`);

const changed = [];
const versionFile = join(root, 'libs/ffnn/src/version.ts');
const text = readFileSync(versionFile, 'utf8');
const next = text.replace(/export const VERSION = '[^']*';/, `export const VERSION = '${version}';`);
if (!/export const VERSION = '/.test(text)) throw new Error(`${versionFile}: no VERSION constant`);
if (next !== text) {
  writeFileSync(versionFile, next);
  changed.push('libs/ffnn/src/version.ts');
}
const npmDir = join(root, 'native/npm');
for (const dir of readdirSync(npmDir)) {
  const file = join(npmDir, dir, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = readJson(file);
  if (pkg.version === version) continue;
  pkg.version = version;
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  changed.push(`native/npm/${dir}/package.json`);
}
console.log(`release: version ${version}; ${changed.length ? `updated ${changed.join(', ')}` : 'everything already in step'}`);
