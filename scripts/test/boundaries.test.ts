/**
 * Module boundaries, the equivalent of nx's enforce-module-boundaries without a linter: every
 * project (apps/*, libs/*, tools/*) imports another only by its package name, through a subpath
 * that package exports, and declares it in its package.json; a relative import never leaves the
 * project's folder; and no project's sources import each other in a cycle (type-only imports
 * count: a cycle of types is still two files that cannot be understood one without the other).
 * Each checker is tried on made-up sources first, so a checker that finds nothing cannot pass
 * for a tree that has nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Module specifiers of a source text: import/export ... from, bare import, dynamic import() and
 * require(), each at the start of a statement (a line's first code), so code inside a template
 * string written to a scratch file by a test is not taken for this file's imports unless it
 * starts a line; those are allowed to name packages anyway.
 */
const SPECIFIERS = [
  /^\s*(?:import|export)\b[^;'"`]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
];
export function specifiersOf(text: string): string[] {
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[1]));
}

interface Project {
  root: string;
  name: string;
  deps: Set<string>;
  devDeps: Set<string>;
  exports: Set<string>;
}

function projects(): Project[] {
  const out: Project[] = [];
  for (const group of ['apps', 'libs', 'tools']) {
    for (const dir of readdirSync(join(ROOT, group))) {
      const pkgFile = join(ROOT, group, dir, 'package.json');
      if (!existsSync(pkgFile)) continue;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
      const keys = (o: unknown) => Object.keys((o as object) ?? {});
      out.push({
        root: join(ROOT, group, dir),
        name: pkg.name,
        deps: new Set([...keys(pkg.dependencies), ...keys(pkg.optionalDependencies), ...keys(pkg.peerDependencies)]),
        devDeps: new Set(keys(pkg.devDependencies)),
        exports: new Set(typeof pkg.exports === 'object' && pkg.exports !== null && !('default' in pkg.exports) ? keys(pkg.exports) : ['.']),
      });
    }
  }
  return out;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** What is wrong with one import of `file` (in project `from`), or null. */
export function violation(file: string, spec: string, from: Project, all: Project[]): string | null {
  if (spec.startsWith('.')) {
    const target = resolve(dirname(file), spec);
    if (target === from.root || target.startsWith(from.root + sep)) return null;
    return `reaches out of ${relative(ROOT, from.root)} into ${relative(ROOT, target)} (import the package by name)`;
  }
  const m = spec.match(/^(@[^/]+\/[^/]+|[^@/][^/]*)(\/.*)?$/);
  if (!m) return null;
  const target = all.find((p) => p.name === m[1]);
  if (!target) return null; // an npm package or a node: builtin
  const subpath = m[2] ? `.${m[2]}` : '.';
  if (!target.exports.has(subpath)) return `${spec}: ${target.name} exports ${[...target.exports].join(', ')}, not ${subpath}`;
  if (target === from) return null;
  const isTest = relative(from.root, file).split(sep)[0] === 'test';
  if (!from.deps.has(target.name) && !(isTest && from.devDeps.has(target.name)))
    return `${spec}: ${target.name} is not in ${from.name}'s package.json dependencies`;
  return null;
}

function violations(): string[] {
  const all = projects();
  const found: string[] = [];
  for (const p of all) {
    for (const file of sources(p.root)) {
      for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
        const v = violation(file, spec, p, all);
        if (v) found.push(`${relative(ROOT, file)}: ${v}`);
      }
    }
  }
  return found;
}

/**
 * The import cycles among `files` (absolute paths; `read` gives a file's text): the relative
 * imports that resolve to one of the files are the edges; each cycle is listed once, as the
 * files it passes through (relative to ROOT), by a depth-first search.
 */
export function importCycles(files: readonly string[], read: (file: string) => string): string[][] {
  const known = new Set(files);
  const edges = new Map(
    files.map((f) => [
      f,
      specifiersOf(read(f))
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(dirname(f), s))
        .filter((t) => known.has(t)),
    ]),
  );
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push(stack.slice(stack.indexOf(t)).map((x) => relative(ROOT, x)));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

test('the checker reads every kind of import and finds each kind of violation', () => {
  assert.equal(
    specifiersOf(
      `import { a } from '../../../libs/ffnn/src/index.ts';\nimport type {\n  B,\n} from "@ffnn/core/node";\nexport * from './x.ts';\nimport './side.ts';\nconst m = await import('@ffnn/viz');\nconst r = require('zx');\n`,
    ),
    ['../../../libs/ffnn/src/index.ts', '@ffnn/core/node', './x.ts', './side.ts', '@ffnn/viz', 'zx'],
  );
  const mk = (root: string, name: string, deps: string[] = [], exports = ['.']): Project => ({
    root: join(ROOT, root),
    name,
    deps: new Set(deps),
    devDeps: new Set(),
    exports: new Set(exports),
  });
  const core = mk('libs/ffnn', '@ffnn/core', [], ['.', './node']);
  const cli = mk('apps/cli', '@ffnn/cli', ['@ffnn/core']);
  const viz = mk('libs/viz', '@ffnn/viz');
  const all = [core, cli, viz];
  const file = join(ROOT, 'apps/cli/src/main.ts');
  assert.match(violation(file, '../../../libs/ffnn/src/index.ts', cli, all) ?? '', /reaches out of apps\/cli into libs\/ffnn\/src\/index.ts/);
  assert.match(violation(file, '@ffnn/core/src/io/atomic.ts', cli, all) ?? '', /not \.\/src\/io\/atomic\.ts/);
  assert.match(violation(file, '@ffnn/viz', cli, all) ?? '', /not in @ffnn\/cli's package.json dependencies/);
  assert.is(violation(file, './flags.ts', cli, all), null);
  assert.is(violation(file, '@ffnn/core/node', cli, all), null);
  assert.is(violation(file, 'node:fs', cli, all), null);
});

test('the cycle checker finds a cycle through type-only imports and none in a tree without one', () => {
  const at = (name: string) => join(ROOT, 'libs/x/src', name);
  const texts: Record<string, string> = {
    [at('a.ts')]: "import { b } from './b.ts';\n",
    [at('b.ts')]: "import type { C } from './deep/c.ts';\nimport { x } from 'node:fs';\n",
    [at('deep/c.ts')]: "export type { A } from '../a.ts';\n",
    [at('d.ts')]: "import { a } from './a.ts';\n",
  };
  const read = (f: string) => texts[f];
  assert.equal(importCycles(Object.keys(texts), read), [['libs/x/src/a.ts', 'libs/x/src/b.ts', 'libs/x/src/deep/c.ts']]);
  texts[at('deep/c.ts')] = 'export type A = number;\n';
  assert.equal(importCycles(Object.keys(texts), read), []);
});

test('no import cycle among the sources of any project (libs/ffnn/src above all)', () => {
  const read = (f: string) => readFileSync(f, 'utf8');
  const ffnn = sources(join(ROOT, 'libs/ffnn/src'));
  assert.ok(ffnn.length >= 50, `found libs/ffnn/src's ${ffnn.length} files`);
  assert.equal(importCycles(ffnn, read), [], 'libs/ffnn/src');
  for (const p of projects()) assert.equal(importCycles(sources(p.root), read), [], relative(ROOT, p.root));
});

test('no project imports another but by its package name, an exported subpath and a declared dependency', () => {
  assert.ok(projects().length >= 6, 'found the projects');
  assert.equal(violations(), []);
});

test.run();
