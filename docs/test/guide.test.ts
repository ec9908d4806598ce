/**
 * The guide does not rot: every link from docs/*.md and docs/guide/*.md to a source line
 * (`[\`symbol\`](../../libs/ffnn/src/network.ts#L145)`) must name, in backticks, text that
 * line still contains; every link to a source file carries a line anchor; every relative link
 * to another page or file points at one that exists (pages generated into dist/docs-pages by
 * docs:build are checked against the list generate.ts writes). The checker is tried on made-up
 * text first.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EXPERIMENTS } from '@ffnn/parity';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../scripts/extract.ts';

const GENERATED = new Set(['options.md', 'errors.md', 'cli.md'].map((f) => join(ROOT, 'dist/docs-pages', f)));
const LINK = /\[([^\]]*)\]\(([^)\s]+)\)/g;

/** Problems with the links of one markdown text at `file` (empty when every link holds). */
export function linkProblems(file: string, text: string, readLines: (path: string) => string[] | null): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(LINK)) {
    const [whole, label, target] = m;
    if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
    const [path, anchor] = target.split('#');
    const abs = resolve(dirname(file), path);
    const where = `${relative(ROOT, file)}: ${whole}`;
    if (/\.(ts|mjs|js|rs|py)$/.test(path)) {
      const line = /^L(\d+)$/.exec(anchor ?? '');
      if (!line) {
        problems.push(`${where}: a link to source needs a line anchor #L<n>`);
        continue;
      }
      const symbol = /^`([^`]+)`$/.exec(label);
      if (!symbol) {
        problems.push(`${where}: the link text must be the symbol in backticks`);
        continue;
      }
      const lines = readLines(abs);
      if (!lines) {
        problems.push(`${where}: ${relative(ROOT, abs)} does not exist`);
        continue;
      }
      const n = Number(line[1]);
      const at = lines[n - 1];
      if (at === undefined || !at.includes(symbol[1])) {
        const found = lines.findIndex((l) => l.includes(symbol[1]));
        problems.push(
          `${where}: line ${n} is ${JSON.stringify((at ?? '(past the end)').trim())}${found >= 0 ? `; \`${symbol[1]}\` is now on line ${found + 1}` : `; \`${symbol[1]}\` is in no line of the file`}`,
        );
      }
    } else if (!existsSync(abs) && !GENERATED.has(abs)) {
      problems.push(`${where}: ${relative(ROOT, abs)} does not exist`);
    }
  }
  return problems;
}

const readLines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n') : null);
const pages = () => [
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs', f)),
  ...readdirSync(join(ROOT, 'docs/guide'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(ROOT, 'docs/guide', f)),
];

test('the link checker catches a moved line, a missing anchor, a bare label and a missing page (self-test)', () => {
  const file = join(ROOT, 'docs/guide/x.md');
  const src = (p: string) => (p.endsWith('a.ts') ? ['const x = 1;', 'function forward() {}'] : null);
  assert.equal(linkProblems(file, '[`forward`](../../a.ts#L2) [text](https://example.org)', src), []);
  assert.is(linkProblems(file, '[`forward`](../../a.ts#L1)', src).length, 1);
  assert.match(linkProblems(file, '[`forward`](../../a.ts#L1)', src)[0], 'now on line 2');
  assert.match(linkProblems(file, '[`forward`](../../a.ts)', src)[0], 'line anchor');
  assert.match(linkProblems(file, '[forward](../../a.ts#L2)', src)[0], 'backticks');
  assert.match(linkProblems(file, '[next](nowhere.md)', src)[0], 'does not exist');
});

test('every guide page links formulas to the lines that implement them, and every link holds', () => {
  const all = pages();
  const guide = all.filter((p) => p.includes(`${join('docs', 'guide')}`));
  assert.ok(guide.length >= 5, `guide pages: ${guide.length}`);
  const problems = all.flatMap((p) => linkProblems(p, readFileSync(p, 'utf8'), readLines));
  assert.equal(problems, [], problems.join('\n'));
  // each of the four files the guide is about is linked at least once
  const text = guide.map((p) => readFileSync(p, 'utf8')).join('\n');
  for (const f of ['network.ts', 'losses.ts', 'optimizers.ts', 'init.ts', 'optimizers/lbfgsb.ts'])
    assert.ok(text.includes(`libs/ffnn/src/${f}#L`), `no line link into ${f}`);
});

test('6-experiments.md holds a whole run of docs/scripts/experiments.ts: every setting, both columns agreeing', () => {
  const text = readFileSync(join(ROOT, 'docs/guide/6-experiments.md'), 'utf8');
  const block = (name: string) => text.match(new RegExp(`<!-- experiments:${name} -->\\n([\\s\\S]*?)<!-- /experiments:${name} -->`))?.[1] ?? '';
  assert.match(block('run'), /npx ffnn experiment all --out experiments\/ --train-size \d+/);
  assert.match(block('run'), 'the columns agree.');
  for (const [name, { settings }] of Object.entries(EXPERIMENTS)) {
    const rows = block(name)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| setting'));
    assert.equal(
      rows.map((r) => r.split('|')[1].trim()),
      settings.map((s) => s.label),
      `the ${name} table: one row per setting (npx nx run docs:experiments)`,
    );
    for (const r of rows) assert.ok(r.trim().endsWith('| yes |'), `${name}: ${r}`);
    assert.ok(text.includes(`](experiments/${name}-loss.svg)`), `${name}: its loss chart is shown`);
  }
});

test.run();
