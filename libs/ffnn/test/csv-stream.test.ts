/**
 * The streaming CSV reader against the whole-file reader (csv.ts), which is its definition: the
 * same numbers (compared exactly: both must produce the double nearest the decimal text), labels,
 * column names and errors (message, line, column) on generated files, with chunks small enough
 * that lines and numbers are cut at every place; gzip; and memory bounded by a chunk and a batch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CsvStreamOptions, readCsvFile, readCsvStream } from '../src/data/index.ts';
import { FfnnError } from '../src/errors.ts';
import { RandomState } from '../src/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-csv-stream-'));
let n = 0;
const write = (text: string | Uint8Array, ext = '.csv') => {
  const path = join(dir, `f${n++}${ext}`);
  writeFileSync(path, text);
  return path;
};

/** Every batch of a pass, joined, as readCsvFile returns it. */
async function readAll(path: string, options: CsvStreamOptions = {}) {
  const s = readCsvStream(path, options);
  const X: number[] = [];
  const y: (number | string)[] = [];
  let cols = 0;
  let rows = 0;
  let hasY = false;
  for await (const b of s) {
    cols = b.X.cols;
    rows += b.X.rows;
    for (const v of b.X.data) X.push(v);
    if (b.y) {
      hasY = true;
      for (const v of b.y) y.push(v);
    }
  }
  return { X, y: hasY ? y : null, rows, cols, stream: s };
}

async function streamError(path: string, options: CsvStreamOptions = {}): Promise<FfnnError> {
  try {
    await readAll(path, options);
  } catch (e) {
    if (e instanceof FfnnError) return e;
    throw e;
  }
  throw new Error('expected an FfnnError');
}

function syncError(path: string, options = {}): FfnnError | null {
  try {
    readCsvFile(path, options);
  } catch (e) {
    if (e instanceof FfnnError) return e;
    throw e;
  }
  return null;
}

/** Bit-for-bit equality of two lists of doubles (-0 and 0 told apart, NaN never expected). */
function sameDoubles(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: value ${i}: ${a[i]} vs ${b[i]}`);
}

async function sameAsWholeFile(path: string, options: CsvStreamOptions = {}, what = path): Promise<void> {
  const whole = readCsvFile(path, { labelColumn: options.labelColumn, requireLabel: options.requireLabel });
  const s = await readAll(path, options);
  assert.is(s.rows, whole.rows, `${what}: rows`);
  assert.is(s.cols, whole.cols, `${what}: cols`);
  sameDoubles(s.X, whole.X, what);
  assert.equal(s.y, whole.y, `${what}: labels`);
  const scan = await readCsvStream(path, options).scan();
  assert.equal(scan.featureNames, whole.featureNames);
  assert.is(scan.rows, whole.rows);
}

/** A decimal written in one of the many ways csv.ts accepts. */
function cell(rng: RandomState): string {
  const k = rng.interval(12);
  const digits = (len: number) => Array.from({ length: len }, () => rng.interval(9)).join('');
  switch (k) {
    case 0:
      return '0';
    case 1:
      return String(rng.interval(255));
    case 2:
      return (rng.nextDouble() * 2 - 1).toString(); // 17 significant digits: Number()'s way
    case 3:
      return `${rng.interval(1) ? '-' : '+'}${digits(1 + rng.interval(3))}.${digits(rng.interval(8))}`;
    case 4:
      return `.${digits(1 + rng.interval(6))}`;
    case 5:
      return `${digits(1 + rng.interval(2))}.`;
    case 6:
      return `${digits(1 + rng.interval(4))}e${rng.interval(1) ? '-' : '+'}${rng.interval(40)}`;
    case 7:
      return `${digits(1 + rng.interval(20))}E${rng.interval(280)}`.replace(/^0+(?=\d)/, ''); // long mantissas, large exponents
    case 8:
      return ` ${rng.interval(99)}\t`;
    case 9:
      return `"${rng.interval(99)}.5"`;
    case 10:
      return '-0';
    case 11:
      return `0.000${digits(18)}`;
    default:
      return `${digits(15)}e-${rng.interval(30)}`;
  }
}

test('generated files: the same numbers, labels and names as readCsvFile, across chunk and batch sizes', async () => {
  const rng = new RandomState(7);
  for (let f = 0; f < 12; f++) {
    const cols = 1 + rng.interval(6);
    const labelAt = rng.interval(cols);
    const header = Array.from({ length: cols + 1 }, (_, j) => (j === labelAt ? 'label' : `c${j}`));
    const stringLabels = f % 3 === 2;
    const lines = [header.join(',')];
    for (let r = 0; r < 60 + rng.interval(60); r++) {
      if (rng.interval(15) === 0) lines.push(rng.interval(1) ? '' : ' \t');
      const row = header.map((_, j) => (j === labelAt ? (stringLabels ? ['cat', 'dog', '"b, c"', 'é'][rng.interval(3)] : String(rng.interval(4))) : cell(rng)));
      lines.push(row.join(','));
    }
    const eol = f % 2 ? '\r\n' : '\n';
    const text = (f % 4 === 1 ? '\uFEFF' : '') + lines.join(eol) + (f % 5 === 0 ? '' : eol);
    const path = write(text);
    for (const chunkBytes of [7, 64, 1 << 20]) {
      for (const batchRows of [1, 13, 1000]) await sameAsWholeFile(path, { chunkBytes, batchRows }, `file ${f} chunk ${chunkBytes} batch ${batchRows}`);
    }
  }
});

test('labels: auto follows the file-wide rule (one "1.0" makes every label a string); number and string modes', async () => {
  const path = write('a,label\n1,3\n2,1.0\n3,3\n');
  const auto = await readAll(path);
  assert.equal(auto.y, ['3', '1.0', '3']);
  assert.equal((await readCsvStream(path).scan()).classes, ['1.0', '3']);
  const ints = write('a,label\n1,3\n2,-10\n3,0\n');
  const it = readCsvStream(ints, { labels: 'number', batchRows: 2 })[Symbol.asyncIterator]();
  assert.ok((await it.next()).value!.y instanceof Float64Array);
  await it.return();
  assert.equal((await readCsvStream(ints).scan()).classes, [-10, 0, 3]);
  assert.equal((await readAll(ints, { labels: 'string' })).y, ['3', '-10', '0']);
  const e = await streamError(path, { labels: 'number' });
  assert.is(e.code, 'INVALID_DATA');
  assert.match(e.message, /:3: column 2 \("label"\): expected an integer label/);
  assert.equal([e.details.line, e.details.column], [3, 2]);
});

test('no label column with requireLabel false: features only, y null', async () => {
  const path = write('a,b\n1,2\n3,4\n');
  const s = await readAll(path, { requireLabel: false });
  assert.is(s.y, null);
  assert.equal(s.X, [1, 2, 3, 4]);
});

test('bad rows: the same error (code, message, line, column) as readCsvFile, found after many good rows', async () => {
  const good = Array.from({ length: 500 }, (_, r) => `${r},${r % 3},${r / 7}`).join('\n');
  const bad = [
    '1,0,0x10',
    '1,0,',
    '1,0,Infinity',
    '1,0',
    '1,0,2,3',
    '1,,2',
    '1,0,"2',
    '1,0,"2"x',
    '1,0,1e999',
    '1,0,1_0',
    '1,0,.',
    '1,0,-',
    '1,0,1e',
    '1,0,1.2.3',
    '1,0, 1 2',
  ];
  for (const row of bad) {
    const path = write(`a,label,b\n${good}\n${row}\n${good}\n`);
    const want = syncError(path)!;
    assert.ok(want, `readCsvFile accepts ${row}?`);
    for (const chunkBytes of [5, 1 << 20]) {
      const got = await streamError(path, { chunkBytes, batchRows: 64 });
      assert.is(got.code, want.code, row);
      assert.is(got.message, want.message, row);
      assert.equal(got.details, want.details, row);
      assert.is(got.details.line, 502, row);
    }
  }
  // the header's own errors, an empty file, a header without rows
  for (const text of ['a,a,label\n1,2,3\n', 'a,,label\n1,2,3\n', 'a,b\n1,2\n', 'label\n1\n', '', '\n \n', 'a,label\n', 'a,"label\n1,2\n']) {
    const path = write(text);
    const want = syncError(path)!;
    const got = await streamError(path);
    assert.is(got.message, want.message, JSON.stringify(text));
    assert.is(got.code, want.code);
  }
});

test('gzip files read the same as plain ones; corrupt gzip is INVALID_DATA naming the file', async () => {
  const lines = ['x1,x2,label', ...Array.from({ length: 3000 }, (_, r) => `${r * 0.25},${-r},${r % 5}`)];
  const text = `${lines.join('\n')}\n`;
  const plain = write(text);
  const gz = write(gzipSync(text), '.csv.gz');
  const a = await readAll(plain);
  const b = await readAll(gz, { chunkBytes: 1000 });
  sameDoubles(b.X, a.X, 'gzip');
  assert.equal(b.y, a.y);
  assert.is(b.rows, 3000);
  const broken = gzipSync(text);
  const cut = write(broken.subarray(0, broken.length >> 1), '.csv.gz');
  const e = await streamError(cut);
  assert.is(e.code, 'INVALID_DATA');
  assert.match(e.message, /corrupt gzip data/);
  assert.ok(e.message.startsWith(cut));
});

test('memory is bounded: the buffer stays at the chunk size and batches at batchRows, whatever the file size', async () => {
  const rows = 20_000;
  const text = `a,b,c,label\n${Array.from({ length: rows }, (_, r) => `${r},${r * 0.5},${-r},${r % 10}`).join('\n')}\n`;
  const path = write(text);
  const s = readCsvStream(path, { chunkBytes: 4096, batchRows: 100, labels: 'number' });
  let count = 0;
  let batches = 0;
  for await (const b of s) {
    count += b.X.rows;
    batches++;
    assert.ok(b.X.data.length <= 100 * 3);
  }
  assert.is(count, rows);
  assert.is(batches, rows / 100);
  assert.is(s.stats.bufferBytes, 4096, 'the chunk buffer never grew');
  assert.is(s.stats.batchRows, 100);
  assert.is(s.stats.bytesRead, text.length);
  assert.ok(text.length > 50 * s.stats.bufferBytes, 'the file is much larger than what was held');
  // a line longer than a chunk grows the buffer to hold it, and maxLineBytes bounds that
  const long = write(`a,label\n0.${'1'.repeat(10_000)},0\n`);
  const t = readCsvStream(long, { chunkBytes: 1024 });
  await readAll(long, { chunkBytes: 1024 });
  for await (const _ of t) {
    /* read */
  }
  assert.ok(t.stats.bufferBytes >= 10_000 && t.stats.bufferBytes <= 20_480);
  const e = await streamError(long, { chunkBytes: 1024, maxLineBytes: 4096 });
  assert.is(e.code, 'SIZE_LIMIT');
  assert.match(e.message, /:2: a line longer than 4096 bytes/);
});

test('each iteration is a fresh pass (a source for many epochs); options are checked', async () => {
  const path = write('a,label\n1,0\n2,1\n');
  const s = readCsvStream(path);
  for (let pass = 0; pass < 3; pass++) {
    let rows = 0;
    for await (const b of s) rows += b.X.rows;
    assert.is(rows, 2);
  }
  for (const [o, param] of [
    [{ batchRows: 0 }, 'batchRows'],
    [{ chunkBytes: 1.5 }, 'chunkBytes'],
    [{ labels: 'int' }, 'labels'],
    [{ dtype: 'float16' }, 'dtype'],
  ] as const) {
    try {
      readCsvStream(path, o as CsvStreamOptions);
      assert.unreachable(param);
    } catch (e) {
      assert.is((e as FfnnError).details.param, param);
    }
  }
  const e = await streamError(join(dir, 'missing.csv'));
  assert.is(e.code, 'IO_ERROR');
});

test('float32 batches hold the float32 rounding of the same doubles', async () => {
  const path = write('a,b,label\n0.1,1e-3,0\n3.3333333333,7,1\n');
  const s = await readAll(path, { dtype: 'float32' });
  sameDoubles(s.X, Float32Array.from(readCsvFile(path).X), 'float32');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
