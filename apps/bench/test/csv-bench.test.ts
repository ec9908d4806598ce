/**
 * bench:csv's parts on a small file: the generated CSV has the promised shape and size and reads
 * the same through ffnn's streaming reader, the whole-file reader, and the reader child (whose JSON
 * line the benchmark parses). Speed is never asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCsvFile, readCsvStream } from '@ffnn/core/node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeBenchCsv } from '../src/csv-bench.ts';
import { bunExe, HERE } from '../src/machine.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-csv-bench-test-'));
const file = join(dir, 'b.csv');

test('the generated file: 784 features and a label, at least the size asked, rows as counted', async () => {
  const rows = writeBenchCsv(file, 300_000);
  assert.ok(statSync(file).size >= 300_000);
  const whole = readCsvFile(file);
  assert.is(whole.rows, rows);
  assert.is(whole.cols, 784);
  assert.ok(whole.X.every((v) => v >= 0 && v < 1));
  assert.ok((whole.y as number[]).every((v) => Number.isInteger(v) && v >= 0 && v <= 9));
  const zeros = whole.X.filter((v) => v === 0).length / whole.X.length;
  assert.ok(zeros > 0.55 && zeros < 0.65, String(zeros)); // 60% "0" by construction
  let streamed = 0;
  for await (const b of readCsvStream(file, { labels: 'number' })) streamed += b.X.rows;
  assert.is(streamed, rows);
  // the same file twice: the generator is seeded
  const again = join(dir, 'c.csv');
  writeBenchCsv(again, 300_000);
  assert.equal(readCsvFile(again).X, whole.X);
});

test('the reader child prints one JSON line with the rows, the sum and its peak memory', () => {
  const r = spawnSync(bunExe(), ['--conditions=@ffnn/source', join(HERE, 'csv-read.ts'), file], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  const whole = readCsvFile(file);
  let sum = 0;
  for (const v of whole.X) sum += v;
  for (const v of whole.y as number[]) sum += v;
  assert.is(out.rows, whole.rows);
  assert.ok(Math.abs(out.sum - sum) <= 1e-9 * sum, `${out.sum} vs ${sum}`); // summed in another order
  assert.ok(out.vmHwmKiB > 0);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
