/**
 * Releases people can trust: every published package carries one version (changesets' fixed
 * group, checked by running `changeset version` on a copy), package.json fields ready for npm
 * provenance, and `npm publish --dry-run` of every publishable package as npm would publish it.
 * The dry runs use the dist/ that nx built (--ignore-scripts: a real publish runs prepack, which
 * rebuilds dist/; here other test targets read dist/ at the same time, so it must not be
 * deleted under them). @ffnn/native and its linux-x64-gnu and linux-arm64-gnu packages are
 * packed by scripts/pack-native.mjs (which adds the optionalDependencies at pack time) and the
 * tarballs dry-run published; the other platform packages carry binaries built on their own
 * runners (darwin, windows), so here only their fields are checked.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (f: string) => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));
const PUBLISHED = ['libs/ffnn', 'libs/viz', 'libs/parity', 'apps/cli', 'native'];
const PLATFORMS = readdirSync(join(ROOT, 'native/npm'))
  .filter((d) => existsSync(join(ROOT, 'native/npm', d, 'package.json')))
  .map((d) => `native/npm/${d}`);
const version = readJson('libs/ffnn/package.json').version as string;

// npm run from here must see none of the npm_config_* of the npm that started the tests
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^npm_(config|package|lifecycle)_/i.test(k) && k !== 'INIT_CWD' && k !== 'NODE_OPTIONS') env[k] = v;
  return env;
}
function npm(args: string[], cwd: string) {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: cleanEnv(), maxBuffer: 1 << 26 });
}

test('every published package (and native platform package) has one version; internal dependencies and VERSION are pinned to it', () => {
  const wrong: string[] = [];
  for (const dir of [...PUBLISHED, ...PLATFORMS]) {
    const pkg = readJson(`${dir}/package.json`);
    if (pkg.version !== version) wrong.push(`${pkg.name}@${pkg.version}`);
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const [name, spec] of Object.entries<string>(pkg[field] ?? {}))
        if (name.startsWith('@ffnn/') && spec !== version) wrong.push(`${pkg.name} ${field} ${name}@${spec}`);
    }
  }
  const versionTs = readFileSync(join(ROOT, 'libs/ffnn/src/version.ts'), 'utf8');
  if (!versionTs.includes(`export const VERSION = '${version}';`)) wrong.push(`libs/ffnn/src/version.ts is not ${version}`);
  assert.equal(wrong, [], `out of step with ${version}: ${wrong.join('; ')} (node release/sync-versions.mjs)`);
});

test("changesets' fixed group is exactly the published workspace packages", () => {
  const config = readJson('.changeset/config.json');
  const names = PUBLISHED.map((d) => readJson(`${d}/package.json`).name).sort();
  assert.equal(
    config.fixed.map((g: string[]) => [...g].sort()),
    [names],
  );
  const workspaces = ['libs', 'apps', 'tools'].flatMap((g) => readdirSync(join(ROOT, g)).map((d) => `${g}/${d}`)).concat('native');
  const publicOnes = workspaces.filter((d) => existsSync(join(ROOT, d, 'package.json')) && !readJson(`${d}/package.json`).private).sort();
  assert.equal(publicOnes, [...PUBLISHED].sort());
});

test('provenance-ready fields: repository (one URL, the package folder as directory), homepage, bugs, license, public access', () => {
  const urls = new Set<string>();
  const problems: string[] = [];
  for (const dir of [...PUBLISHED, ...PLATFORMS]) {
    const p = readJson(`${dir}/package.json`);
    const where = `${dir}/package.json`;
    if (p.repository?.type !== 'git' || !/^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/.test(p.repository?.url ?? ''))
      problems.push(`${where}: repository {type: git, url: git+https://github.com/OWNER/NAME.git}`);
    else urls.add(p.repository.url);
    if (p.repository?.directory !== dir) problems.push(`${where}: repository.directory should be ${dir}`);
    if (!/^https:\/\//.test(p.homepage ?? '')) problems.push(`${where}: homepage`);
    if (!/^https:\/\/.*\/issues$/.test(p.bugs?.url ?? '')) problems.push(`${where}: bugs.url`);
    if (p.license !== 'MIT') problems.push(`${where}: license`);
    if (p.publishConfig?.access !== 'public') problems.push(`${where}: publishConfig.access public (a scoped package is private by default)`);
    if (!String(p.name).startsWith('@ffnn/')) problems.push(`${where}: name`);
  }
  assert.equal(problems, []);
  assert.is(urls.size, 1, [...urls].join(', '));
});

test('changeset version bumps the whole fixed group together, and sync-versions brings version.ts and the platform packages along', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-release-'));
  try {
    for (const f of [
      'package.json',
      '.changeset/config.json',
      'libs/ffnn/src/version.ts',
      ...['libs', 'apps', 'tools'].flatMap((g) => readdirSync(join(ROOT, g)).map((d) => `${g}/${d}/package.json`)),
      'native/package.json',
      ...PLATFORMS.map((d) => `${d}/package.json`),
    ]) {
      if (!existsSync(join(ROOT, f))) continue;
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      cpSync(join(ROOT, f), join(dir, f));
    }
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // one patch to @ffnn/viz alone: a fixed group still moves every package
    writeFileSync(join(dir, '.changeset/viz-fix.md'), "---\n'@ffnn/viz': patch\n---\n\nA fix in @ffnn/viz only.\n");
    const bin = join(ROOT, 'node_modules/@changesets/cli/bin.js');
    const r = spawnSync(process.execPath, [bin, 'version'], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    assert.is(r.status, 0, `changeset version: ${r.stdout}${r.stderr}`);
    const s = spawnSync(process.execPath, [join(ROOT, 'release/sync-versions.mjs'), dir], { encoding: 'utf8' });
    assert.is(s.status, 0, s.stderr);
    const [maj, min, pat] = version.split('.').map(Number);
    const next = `${maj}.${min}.${pat + 1}`;
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
    for (const d of [...PUBLISHED, ...PLATFORMS]) assert.is(read(`${d}/package.json`).version, next, d);
    assert.is(read('libs/viz/package.json').version, next);
    assert.is(read('apps/cli/package.json').dependencies['@ffnn/core'], next);
    assert.is(read('libs/ffnn/package.json').optionalDependencies['@ffnn/native'], next);
    assert.match(readFileSync(join(dir, 'libs/ffnn/src/version.ts'), 'utf8'), `VERSION = '${next}'`);
    assert.match(readFileSync(join(dir, 'libs/viz/CHANGELOG.md'), 'utf8'), 'A fix in @ffnn/viz only.');
    assert.ok(existsSync(join(dir, 'libs/ffnn/CHANGELOG.md')), 'the fixed group writes every package a CHANGELOG entry');
    // private workspace packages are not versioned
    assert.is(read('apps/bench/package.json').version, readJson('apps/bench/package.json').version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** `npm publish --dry-run --json` of a folder or tarball: the package's name, version and files. */
function dryRun(target: string, cwd: string): { id: string; name: string; version: string; files: string[] } {
  const r = npm(['publish', '--dry-run', '--json', '--ignore-scripts', '--tag', 'latest', ...(target === '.' ? [] : [target])], cwd);
  assert.is(r.status, 0, `npm publish --dry-run ${target} (in ${cwd}) exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
  const one = json.id ? json : Object.values(json)[0];
  return { id: one.id, name: one.name, version: one.version, files: one.files.map((f: { path: string }) => f.path) };
}

for (const [dir, expected] of [
  ['libs/ffnn', ['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/backend/index.js', 'dist/data/index.js', 'README.md', 'LICENSE']],
  ['libs/viz', ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE']],
  ['libs/parity', ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE']],
  ['apps/cli', ['bin/ffnn.mjs', 'dist/run.js', 'dist/main.js', 'README.md', 'LICENSE']],
] as const) {
  test(`npm publish --dry-run ${dir}`, () => {
    const pkg = readJson(`${dir}/package.json`);
    const out = dryRun('.', join(ROOT, dir));
    assert.is(out.id, `${pkg.name}@${version}`);
    const missing = expected.filter((f) => !out.files.includes(f));
    assert.equal(missing, [], `missing from the tarball (build it: npx nx run-many -t build): ${missing.join(', ')}`);
    assert.not.ok(
      out.files.some((f) => f.startsWith('src/') || f.startsWith('test/')),
      'sources or tests in the tarball',
    );
  });
}

test('npm publish --dry-run @ffnn/native, @ffnn/native-linux-x64-gnu and @ffnn/native-linux-arm64-gnu (tarballs from scripts/pack-native.mjs)', async () => {
  if (!(process.platform === 'linux' && process.arch === 'x64')) return; // pack-native builds the linux packages on that host only
  const { pack } = await import(join(ROOT, 'scripts/pack-native.mjs'));
  const out = mkdtempSync(join(tmpdir(), 'ffnn-native-publish-'));
  try {
    const t = pack(out);
    const main = dryRun(t.main.file, out);
    assert.is(main.id, `@ffnn/native@${version}`);
    assert.ok(main.files.includes('index.js') && main.files.includes('binding.js'), main.files.join(' '));
    assert.equal(Object.keys(t.platforms).sort(), ['linux-arm64-gnu', 'linux-x64-gnu']);
    for (const [name, tarball] of Object.entries(t.platforms) as [string, { file: string }][]) {
      const platform = dryRun(tarball.file, out);
      assert.is(platform.id, `@ffnn/native-${name}@${version}`);
      assert.ok(platform.files.includes(`ffnn-native.${name}.node`), platform.files.join(' '));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('docs/releases.md states the model file versions this library reads and writes, and the library version', () => {
  const text = readFileSync(join(ROOT, 'docs/releases.md'), 'utf8');
  const json = /export const MODEL_VERSION = (\d+);/.exec(readFileSync(join(ROOT, 'libs/ffnn/src/io/model-json.ts'), 'utf8'))?.[1];
  const binary = /MODEL_FILE_VERSION = (\d+)/.exec(
    readFileSync(join(ROOT, 'libs/ffnn/src/io/model-file.ts'), 'utf8') + readFileSync(join(ROOT, 'libs/ffnn/src/io/model-spec.ts'), 'utf8'),
  )?.[1];
  assert.ok(json && binary, `MODEL_VERSION ${json}, MODEL_FILE_VERSION ${binary}`);
  // the row of the current library version names both format versions
  const row = text.split('\n').find((l) => l.startsWith(`| ${version} `) || l.startsWith(`| ${version} (`));
  assert.ok(row, `docs/releases.md has no table row for ${version}`);
  assert.match(row!, `JSON ${json}`);
  assert.match(row!, `binary ${binary}`);
});

test.run();
