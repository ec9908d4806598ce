/**
 * `ffnn train --stream`: CSV and IDX read a chunk at a time end to end (it learns, saves a model
 * that evaluates, reports per-epoch lines like a whole-file fit), the flags that need the data in
 * memory refused, bad rows named by file and line before training, and a file too large for
 * the whole-file reader refused with --stream suggested instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FfnnError } from '@ffnn/core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { refuseIfOverMemory } from '../src/stream-source.ts';
import { writeIdxFolder } from './idx-folder.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-stream-'));
const ffnn = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });
const p = (name: string) => join(dir, name);

// three well separated classes in 4 features (as commands.test.ts), sorted by class: the worst
// order for a stream, which the shuffle buffer mixes
function rows(n: number, offset: number, sorted: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = sorted ? Math.floor((3 * i) / n) : i % 3;
    const j = (k: number) => 0.15 * Math.sin(1.7 * (i + offset) + k);
    out.push(`${(c + j(0)).toFixed(6)},${(-c + j(1)).toFixed(6)},${(c / 2 + j(2)).toFixed(6)},${(1 + j(3)).toFixed(6)},${['a', 'b', 'c'][c]}`);
  }
  return out;
}
const header = 'f1,f2,f3,f4,label';
writeFileSync(p('train.csv'), `${[header, ...rows(900, 0, true)].join('\n')}\n`);
writeFileSync(p('test.csv'), `${[header, ...rows(90, 1000, false)].join('\n')}\n`);
const TRAIN = ['--hidden', '8', '--solver', 'adam', '--lr', '0.05', '--epochs', '8', '--batch-size', '30'];

test('csv:FILE --stream learns, prints an epoch line per pass, saves a model that evaluates', () => {
  const model = p('m.ffnn');
  const r = ffnn(
    'train',
    '--data',
    `csv:${p('train.csv')}`,
    '--stream',
    '--shuffle-buffer',
    '900',
    '--test-data',
    `csv:${p('test.csv')}`,
    ...TRAIN,
    '--out',
    model,
  );
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /on 900 rows of csv:.*train\.csv \(streamed in batches of 300 rows, shuffle buffer 900\)/);
  assert.is(r.stdout.match(/^epoch +\d+ +loss \d/gm)?.length, 8);
  assert.not.match(r.stderr, /^warning:/m, r.stderr);
  const acc = Number(/test accuracy ([\d.]+)%/.exec(r.stdout)?.[1]);
  assert.ok(acc >= 90, r.stdout);
  const e = ffnn('evaluate', model, '--data', `csv:${p('test.csv')}`, '--json');
  assert.is(e.status, 0, e.stderr);
  assert.ok(Math.abs(JSON.parse(e.stdout).accuracy * 100 - acc) < 1e-9);
});

test('--stream --json: the same JSON as a whole-file fit, nIter counting passes', () => {
  const r = ffnn('train', '--data', `csv:${p('train.csv')}`, '--stream', ...TRAIN, '--json');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.epochs.length, 8);
  assert.is(out.nIter, 8);
  assert.is(out.streamed, true);
  assert.ok(out.epochs.every((m: { loss: number }) => Number.isFinite(m.loss)));
});

test('idx:DIR --stream trains on the train-* files (gzip) and tests on t10k-*', () => {
  const idx = p('idx');
  spawnSync('mkdir', [idx]);
  writeIdxFolder(idx, 4, 300, 60);
  const r = ffnn('train', '--data', `idx:${idx}`, '--stream', ...TRAIN, '--json');
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.epochs.length, 8);
  assert.ok(out.testAccuracy >= 0.9, String(out.testAccuracy));
});

test('--task regression --stream: the target columns split off every batch', () => {
  const lines = ['x1,x2,y', ...Array.from({ length: 400 }, (_, i) => `${(i % 20) / 10},${(i % 7) / 7},${(((i % 20) / 10) * 2 + (i % 7) / 7).toFixed(6)}`)];
  writeFileSync(p('reg.csv'), `${lines.join('\n')}\n`);
  const r = ffnn(
    'train',
    '--task',
    'regression',
    '--data',
    `csv:${p('reg.csv')}`,
    '--label-column',
    'y',
    '--stream',
    '--epochs',
    '30',
    '--lr',
    '0.01',
    '--batch-size',
    '20',
    '--test-data',
    `csv:${p('reg.csv')}`,
    '--json',
  );
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.is(out.nIter, 30);
  assert.ok(out.test.r2 > 0.9, String(out.test.r2));
});

test('a bad row is found by the scan, before training, with --data, file, line and column', () => {
  const lines = [header, ...rows(500, 0, false)];
  lines[321] = lines[321].replace(/^[^,]+/, '0x1f');
  writeFileSync(p('bad.csv'), `${lines.join('\n')}\n`);
  const r = ffnn('train', '--data', `csv:${p('bad.csv')}`, '--stream', ...TRAIN);
  assert.is(r.status, 1);
  assert.match(r.stderr, new RegExp(`--data: ${p('bad.csv')}:322: column 1 \\("f1"\\): expected a finite number, got "0x1f"`));
  assert.not.match(r.stdout, /epoch/);
});

test('flags that need the data in memory are usage errors with --stream; --shuffle-buffer needs --stream', () => {
  for (const [args, want] of [
    [['--stream'], /--stream: reads csv:FILE or idx:DIR/],
    [['--data', `csv:${p('train.csv')}`, '--stream', '--validation-split', '0.2'], /--validation-split: not with --stream/],
    [['--data', `csv:${p('train.csv')}`, '--stream', '--history-out', p('h.json')], /--history-out: not with --stream/],
    [['--data', `csv:${p('train.csv')}`, '--shuffle-buffer', '10'], /--shuffle-buffer: only with --stream/],
    [['--data', `csv:${p('train.csv')}`, '--stream', '--shuffle-buffer', '-1'], /--shuffle-buffer/],
  ] as const) {
    const r = ffnn('train', ...args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
  }
  const help = ffnn('train', '--help');
  assert.match(help.stdout, /--stream {2,}read csv:FILE or idx:DIR a chunk at a time/);
  assert.match(help.stdout, /--shuffle-buffer N/);
});

test('without --stream, a file past --max-data-bytes is refused with --stream suggested; with it, it trains', () => {
  const r = ffnn('train', '--data', `csv:${p('train.csv')}`, '--max-data-bytes', '1000', ...TRAIN);
  assert.is(r.status, 1);
  assert.match(r.stderr, /more than the limit of 1,000 bytes for a CSV file; raise it with --max-data-bytes, or train on it with --stream/);
  assert.match(r.stderr, /\[SIZE_LIMIT\]/);
  const s = ffnn('train', '--data', `csv:${p('train.csv')}`, '--max-data-bytes', '1000', '--stream', ...TRAIN, '--json');
  assert.is(s.status, 0, s.stderr);
});

test('a file whose matrix could outgrow memory is refused before reading, naming --stream', () => {
  const spec = { kind: 'csv' as const, path: p('train.csv'), text: `csv:${p('train.csv')}` };
  refuseIfOverMemory(spec, 'data', 1e12); // a machine with room: nothing happens
  try {
    refuseIfOverMemory(spec, 'data', 1000);
    assert.unreachable('refused');
  } catch (e) {
    assert.ok(e instanceof FfnnError);
    assert.is(e.code, 'SIZE_LIMIT');
    assert.match(e.message, /more than this machine's 0\.0 GiB of memory; train on it with --stream/);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
