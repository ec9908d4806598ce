/** The CSV reader: numbers, string labels, quoting, and errors that name the file, line and column. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCsv, parseCsv, readCsvFile } from '../src/data/index.ts';
import { FfnnError } from '../src/errors.ts';

function error(fn: () => unknown): FfnnError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FfnnError) return e;
    throw e;
  }
  throw new Error('expected an FfnnError');
}

test('reads a header, numeric features and a numeric label column anywhere in the row', () => {
  const d = parseCsv('a,label,b\n1,0,2.5\n-3e-2,1, 4\n\n');
  assert.is(d.rows, 2);
  assert.is(d.cols, 2);
  assert.equal(d.featureNames, ['a', 'b']);
  assert.equal(Array.from(d.X), [1, 2.5, -0.03, 4]);
  assert.equal(d.y, [0, 1]);
});

test('string labels stay strings; quoted fields and CRLF line ends are read', () => {
  const d = parseCsv('x,"class"\r\n1,"cat"\r\n2,"dog, big"\r\n3,"say ""hi"""\r\n', { labelColumn: 'class' });
  assert.equal(d.y, ['cat', 'dog, big', 'say "hi"']);
  assert.equal(Array.from(d.X), [1, 2, 3].map(Number));
  assert.is(parseCsv(formatCsv(['x', 'label'], [[1, 'a,b']])).y![0], 'a,b');
});

test('--label-column picks another column; without requireLabel a file with no label reads as features', () => {
  assert.equal(parseCsv('y,f\n7,1\n', { labelColumn: 'y' }).y, [7]);
  const f = parseCsv('f1,f2\n1,2\n', { requireLabel: false });
  assert.is(f.y, null);
  assert.is(f.cols, 2);
});

test('a bad value names the file, the line and the column', () => {
  const e = error(() => parseCsv('a,b,label\n1,2,0\n1,oops,1\n', { file: 'data.csv' }));
  assert.is(e.code, 'INVALID_DATA');
  assert.is(e.message, 'data.csv:3: column 2 ("b"): expected a finite number, got "oops"');
  assert.is(e.details.line, 3);
  assert.is(e.details.column, 2);
  assert.match(error(() => parseCsv('a,label\n,1\n', { file: 'f.csv' })).message, /f\.csv:2: column 1 \("a"\): expected a finite number, got ""/);
  assert.match(error(() => parseCsv('a,label\nInfinity,1\n', { file: 'f.csv' })).message, /expected a finite number/);
});

test('ragged rows, a missing label column, duplicate names and empty files are errors', () => {
  assert.match(error(() => parseCsv('a,label\n1,2,3\n', { file: 'r.csv' })).message, /^r\.csv:2: expected 2 fields \(as in the header\), got 3$/);
  assert.match(error(() => parseCsv('a,b\n1,2\n', { file: 'n.csv' })).message, /^n\.csv: no label column "label" in the header \(columns: a, b\)/);
  assert.match(error(() => parseCsv('a,a,label\n1,2,3\n', { file: 'd.csv' })).message, /column name "a" appears twice/);
  assert.is(error(() => parseCsv('', { file: 'e.csv' })).code, 'EMPTY_DATA');
  assert.is(error(() => parseCsv('a,label\n', { file: 'e.csv' })).code, 'EMPTY_DATA');
  assert.match(error(() => parseCsv('a,label\n"1,2\n', { file: 'q.csv' })).message, /q\.csv:2: unterminated quoted field/);
});

test('readCsvFile reads a file and names a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-csv-'));
  try {
    const path = join(dir, 'ok.csv');
    writeFileSync(path, 'p,q,label\n0.5,0.25,1\n');
    assert.equal(Array.from(readCsvFile(path).X), [0.5, 0.25]);
    const e = error(() => readCsvFile(join(dir, 'missing.csv')));
    assert.is(e.code, 'IO_ERROR');
    assert.ok(e.message.startsWith(join(dir, 'missing.csv')), e.message);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
