/**
 * The library's input rules (issue 15, "nothing lost, nothing silently wrong"), each on real
 * inputs: CSV labels keep their exact text unless every one is a canonical integer; feature cells
 * are strict decimals; every matrix path checks its cells the same way; y is an array of labels;
 * size limits (classes, matrix values, CSV bytes, decompressed IDX bytes) are checked before
 * anything of that size is allocated; special files are refused before they are opened.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeIdx, idxDataset, loadIdxDir, MAX_CSV_BYTES, MAX_DECOMPRESSED_BYTES, parseCsv, parseIdx, readCsvFile, readIdxFile } from '../src/data/index.ts';
import { FFNNClassifier, FfnnError, MAX_CLASSES, MAX_MATRIX_VALUES, parseDecimal, toMatrix } from '../src/index.ts';
import { encodeTargets, fitEncoding } from '../src/labels.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-inputs-'));
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
/** The rules must fail before any real work: no giant allocation, no training. */
const FAST_MS = 2000;
const quiet = { onWarning: () => {}, maxIter: 2, hiddenLayerSizes: [3], randomState: 0 };

/** Runs fn, checks it throws an FfnnError with that code and message, quickly; returns the error. */
function expectError(fn: () => unknown, code: string, message: RegExp): FfnnError {
  const started = performance.now();
  try {
    fn();
  } catch (err) {
    assert.instance(err, FfnnError, `not an FfnnError: ${(err as Error)?.stack}`);
    assert.is((err as FfnnError).code, code, (err as Error).message);
    assert.match((err as Error).message, message);
    assert.ok(performance.now() - started < FAST_MS, `took ${(performance.now() - started).toFixed(0)} ms`);
    return err as FfnnError;
  }
  assert.unreachable(`expected ${code}`);
  throw new Error('unreachable');
}

// ---------------------------------------------------------------- decimals

test('parseDecimal: plain decimal notation with optional sign, leading/trailing dot and exponent', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['-12', -12],
    ['+3', 3],
    ['007', 7],
    ['.5', 0.5],
    ['5.', 5],
    ['-.25', -0.25],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['2.5e+2', 250],
    // biome-ignore lint/correctness/noPrecisionLoss: the point of the case: more digits than a double holds
    ['123456789012345678901234', 1.2345678901234568e23],
  ];
  for (const [text, v] of ok) assert.is(parseDecimal(text), v, text);
  for (const text of [
    '',
    ' ',
    '.',
    '-',
    '+',
    'e5',
    '1e',
    '1e+',
    '0x10',
    '0X1F',
    '0b11',
    '0o7',
    'Infinity',
    '-Infinity',
    'NaN',
    '1_000',
    ' 1e3',
    '1e3 ',
    '1,5',
    '1.2.3',
    '--1',
    '1e999',
    '\u00a01',
    '١',
  ]) {
    assert.is(parseDecimal(text), null, JSON.stringify(text));
  }
});

// ---------------------------------------------------------------- CSV labels

test('CSV labels: numbers only when every label is a canonical safe integer', () => {
  assert.equal(parseCsv('a,label\n1,0\n2,7\n3,-12\n').y, [0, 7, -12]);
  // "01" and "1" would both be the number 1: they stay two distinct strings
  assert.equal(parseCsv('a,label\n1,01\n2,1\n').y, ['01', '1']);
  // one "1.0" makes every label a string: "1" and "1.0" are not merged
  assert.equal(parseCsv('a,label\n1,1\n2,1.0\n3,2\n').y, ['1', '1.0', '2']);
  // 20-digit IDs keep their digits: as numbers both would round to 12345678901234567000
  const ids = ['12345678901234567890', '12345678901234567891'];
  assert.equal(parseCsv(`a,label\n1,${ids[0]}\n2,${ids[1]}\n`).y, ids);
  // past 2^53 a number is not exact; "-0" and "+1" are not canonical (they would merge with 0 and 1)
  assert.equal(parseCsv('a,label\n1,9007199254740993\n2,1\n').y, ['9007199254740993', '1']);
  assert.equal(parseCsv('a,label\n1,-0\n2,0\n').y, ['-0', '0']);
  assert.equal(parseCsv('a,label\n1,+1\n2,1\n').y, ['+1', '1']);
  assert.equal(parseCsv('a,label\n1,1e3\n2,0x10\n').y, ['1e3', '0x10']);
});

test('CSV labels that are IDs train as distinct classes and predict their exact text', () => {
  const d = parseCsv('a,label\n0,01\n1,1\n0,01\n1,1\n0,12345678901234567890\n1,12345678901234567891\n');
  const clf = new FFNNClassifier(quiet).fit({ rows: d.rows, cols: d.cols, data: d.X }, d.y!);
  assert.equal(clf.classes, ['01', '1', '12345678901234567890', '12345678901234567891']);
});

// ---------------------------------------------------------------- CSV feature cells

test('CSV feature cells: strict decimals; padding spaces and tabs are allowed', () => {
  const d = parseCsv('a,b,c,label\n.5,5.,-1e-3,0\n +7\t, 0012 ,1E2,1\n');
  assert.equal(Array.from(d.X), [0.5, 5, -0.001, 7, 12, 100]);
});

test('CSV feature cells: hex, binary, octal, Infinity, NaN, underscores and empty cells name file:line, column and text', () => {
  const cases: [string, RegExp][] = [
    ['0x10', /; only plain decimal notation/],
    ['0b11', /; only plain decimal notation/],
    ['0o17', /; only plain decimal notation/],
    ['Infinity', /"Infinity"$/],
    ['-Infinity', /"-Infinity"$/],
    ['1e999', / \(too large for a double\)$/],
    ['NaN', /"NaN"$/],
    ['1_000', /"1_000"$/],
    ['', /""$/],
    ['.', /"\."$/],
    ['\u00a01', /"\u00a01"; only plain decimal notation/], // Number() skips a no-break space
  ];
  for (const [cell, tail] of cases) {
    const text = `x,y,label\n1,2,0\n3,${cell},1\n`;
    const e = expectError(() => parseCsv(text, { file: 'cells.csv' }), 'INVALID_DATA', tail);
    assert.ok(e.message.startsWith(`cells.csv:3: column 2 ("y"): expected a finite number, got ${JSON.stringify(cell)}`), e.message);
    assert.equal([e.details.file, e.details.line, e.details.column, e.details.columnName, e.details.got], ['cells.csv', 3, 2, 'y', cell]);
  }
});

// ---------------------------------------------------------------- CSV files

test('readCsvFile: lines that cross its 16 MiB read chunks, multi-byte UTF-8, CRLF and a BOM come through exactly', () => {
  // 3 labels of 7 MB each put chunk boundaries inside lines and inside 2- and 3-byte characters
  const labels = ['é€'.repeat(1_400_001), `x${'é'.repeat(3_500_000)}`, `${'€'.repeat(2_333_334)}z`];
  const p = file('long-lines.csv', `\uFEFFf,label\r\n${labels.map((l, i) => `${i},${l}`).join('\r\n')}`);
  const d = readCsvFile(p);
  assert.equal(d.featureNames, ['f']);
  assert.equal(Array.from(d.X), [0, 1, 2]);
  assert.is(d.y!.length, 3);
  for (let i = 0; i < 3; i++) assert.ok(d.y![i] === labels[i], `label ${i} differs`);
});

test('readCsvFile refuses a directory, a FIFO and a device before opening them (IO_ERROR)', () => {
  mkdirSync(join(dir, 'a-dir.csv'));
  expectError(() => readCsvFile(join(dir, 'a-dir.csv')), 'IO_ERROR', /a-dir\.csv: expected a regular CSV file, got a directory$/);
  if (process.platform === 'linux') {
    expectError(() => readCsvFile('/dev/zero'), 'IO_ERROR', /^\/dev\/zero: expected a regular CSV file, got a character device$/);
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    // opening a FIFO with no writer would block forever: the error must come before the open
    expectError(() => readCsvFile(fifo), 'IO_ERROR', /pipe\.csv: expected a regular CSV file, got a FIFO \(named pipe\)$/);
    expectError(() => readIdxFile(fifo), 'IO_ERROR', /pipe\.csv: expected a regular IDX file, got a FIFO \(named pipe\)/);
  }
});

test('readCsvFile refuses a file over MAX_CSV_BYTES (1 GiB) from its size alone; maxBytes overrides the limit', () => {
  assert.is(MAX_CSV_BYTES, 1024 ** 3);
  const big = file('sparse.csv', 'a,label\n1,0\n');
  truncateSync(big, MAX_CSV_BYTES + 1); // sparse: no disk space, no reading
  const e = expectError(
    () => readCsvFile(big),
    'SIZE_LIMIT',
    /sparse\.csv: the file is 1,073,741,825 bytes \(1024\.0 MiB\), more than the limit of 1,073,741,824 bytes \(1024\.0 MiB\) for a CSV file; raise it with the maxBytes option$/,
  );
  assert.equal([e.details.limit, e.details.got], [MAX_CSV_BYTES, MAX_CSV_BYTES + 1]);
  const small = file('small.csv', 'a,label\n1,0\n2,1\n'); // 16 bytes
  assert.is(readCsvFile(small, { maxBytes: 16 }).rows, 2);
  expectError(() => readCsvFile(small, { maxBytes: 15 }), 'SIZE_LIMIT', /the file is 16 bytes, more than the limit of 15 bytes for a CSV file/);
  expectError(() => readCsvFile(small, { maxBytes: 0 }), 'INVALID_PARAM', /^maxBytes: expected a whole number of bytes >= 1, got 0$/);
  expectError(() => readCsvFile(join(dir, 'missing.csv')), 'IO_ERROR', /missing\.csv: cannot read/);
});

// ---------------------------------------------------------------- matrices

test('toMatrix: {rows, cols, data} with a plain array checks every cell like number[][] (no null -> 0, "3" -> 3, true -> 1)', () => {
  const cases: [unknown, string, RegExp][] = [
    [null, 'INVALID_DATA', /^X: expected numbers, got object null at row 1, column 0$/],
    ['3', 'INVALID_DATA', /^X: expected numbers, got string "3" at row 1, column 0$/],
    [true, 'INVALID_DATA', /^X: expected numbers, got boolean true at row 1, column 0$/],
    [{}, 'INVALID_DATA', /^X: expected numbers, got object \{\} at row 1, column 0$/],
    [undefined, 'INVALID_DATA', /^X: expected numbers, got undefined \(a hole or a missing value\) at row 1, column 0$/],
    [NaN, 'NON_FINITE_INPUT', /^X: expected finite numbers, got NaN at row 1, column 0$/],
    [-Infinity, 'NON_FINITE_INPUT', /^X: expected finite numbers, got -Infinity at row 1, column 0$/],
  ];
  for (const [bad, code, message] of cases) {
    const data = [1, 2, bad, 4];
    const e1 = expectError(() => toMatrix({ rows: 2, cols: 2, data: data as number[] }, 'float64'), code, message);
    const e2 = expectError(
      () =>
        toMatrix(
          [
            [1, 2],
            [bad as number, 4],
          ],
          'float64',
        ),
      code,
      message,
    );
    assert.equal([e1.details.row, e1.details.col], [1, 0]);
    assert.is(e2.message, e1.message, 'both paths give the same message');
  }
  expectError(
    () => new FFNNClassifier(quiet).fit({ rows: 2, cols: 2, data: [1, null, 3, 4] as number[] }, [0, 1]),
    'INVALID_DATA',
    /X: expected numbers, got object null at row 0, column 1/,
  );
});

test('toMatrix: typed arrays and Matrix inputs are checked for finite cells too', () => {
  expectError(
    () => toMatrix({ rows: 2, cols: 2, data: Float64Array.of(1, 2, 3, NaN) }, 'float64'),
    'NON_FINITE_INPUT',
    /^X: expected finite numbers, got NaN at row 1, column 1$/,
  );
  expectError(() => toMatrix({ rows: 1, cols: 2, data: Float32Array.of(1, Infinity) }, 'float64'), 'NON_FINITE_INPUT', /got Infinity at row 0, column 1/);
  expectError(() => toMatrix([Float64Array.of(1, 2), Float64Array.of(NaN, 0)] as never, 'float64'), 'NON_FINITE_INPUT', /got NaN at row 1, column 0/);
  // finite in float64, Infinity once cast: named as such, not silently Infinity
  expectError(
    () => toMatrix({ rows: 1, cols: 1, data: [1e39] }, 'float32'),
    'NON_FINITE_INPUT',
    /got 1e\+39 at row 0, column 0 \(1e\+39 does not fit in float32\)/,
  );
  // a typed array of the dtype is used without a copy, as before
  const data = Float64Array.of(1, 2, 3, 4);
  assert.ok(toMatrix({ rows: 2, cols: 2, data }, 'float64').data === data);
  assert.equal(Array.from(toMatrix({ rows: 2, cols: 2, data: Uint8Array.of(1, 2, 3, 4) }, 'float32').data), [1, 2, 3, 4]);
});

test('toMatrix: rows and cols are whole numbers, data an array of the right length, the size under MAX_MATRIX_VALUES', () => {
  for (const [rows, cols] of [
    [-1, 2],
    [1.5, 2],
    ['2', 2],
    [NaN, 2],
    [2, Infinity],
    [2 ** 53, 1],
  ] as [unknown, unknown][]) {
    expectError(
      () => toMatrix({ rows, cols, data: [1, 2, 3, 4] } as never, 'float64'),
      'INVALID_DATA',
      /^X: expected \{rows, cols, data\} with whole-number rows and cols, got rows=/,
    );
  }
  expectError(
    () => toMatrix({ rows: 1, cols: 4, data: '1234' } as never, 'float64'),
    'INVALID_DATA',
    /^X: expected data to be an array or a typed array of numbers, got "1234"$/,
  );
  expectError(
    () => toMatrix({ rows: 1, cols: 2, data: BigInt64Array.of(1n, 2n) } as never, 'float64'),
    'INVALID_DATA',
    /expected data to be an array or a typed array/,
  );
  expectError(() => toMatrix({ rows: 0, cols: 2, data: [] }, 'float64'), 'EMPTY_DATA', /got 0 x 2/);
  expectError(() => toMatrix({ rows: 2, cols: 2, data: [1, 2, 3] }, 'float64'), 'SHAPE_MISMATCH', /data has 3 values, expected rows \* cols = 4/);
  assert.is(MAX_MATRIX_VALUES, 2 ** 30);
  // the size is refused before the data's length is even compared: nothing of that size exists
  expectError(
    () => toMatrix({ rows: 1e6, cols: 1e6, data: [] }, 'float64'),
    'SIZE_LIMIT',
    /^X: 1000000 x 1000000 = 1\.00e\+12 values is more than the limit of 1073741824 \(MAX_MATRIX_VALUES\) for one matrix$/,
  );
});

// ---------------------------------------------------------------- targets

test('y must be an array of labels: a string is not three labels', () => {
  const X = [[0], [1], [2]];
  expectError(
    () => new FFNNClassifier(quiet).fit(X, 'abc' as never),
    'INVALID_PARAM',
    /^y: expected an array of labels \(numbers or strings\) or an indicator matrix, got a string \("abc"\)$/,
  );
  expectError(
    () => new FFNNClassifier(quiet).fit(X, { length: 3, 0: 0, 1: 1, 2: 0 } as never),
    'INVALID_PARAM',
    /^y: expected an array of labels .* got \{"0":0,"1":1,"2":0,"length":3\}$/,
  );
  expectError(
    () => new FFNNClassifier(quiet).partialFit(X, [0, 1, 0], 'ab' as never),
    'INVALID_PARAM',
    /^classes: expected an array of labels .* got a string \("ab"\)$/,
  );
  const clf = new FFNNClassifier(quiet).fit(X, [0, 1, 0]);
  expectError(() => clf.fit(X, [0, 1, 0], { validationData: { X, y: 'abc' as never } }), 'INVALID_PARAM', /^validationData\.y: expected an array of labels/);
  // typed arrays of labels are fine
  assert.equal(new FFNNClassifier(quiet).fit(X, Int32Array.of(3, 5, 3)).classes, [3, 5]);
});

test('labels are finite numbers or strings, of one type', () => {
  const X = [[0], [1], [2]];
  expectError(() => new FFNNClassifier(quiet).fit(X, [0, 1, null] as never), 'INVALID_DATA', /^y: expected number or string labels, got null at index 2$/);
  expectError(() => new FFNNClassifier(quiet).fit(X, [true, false, true] as never), 'INVALID_DATA', /got true at index 0/);
  expectError(() => new FFNNClassifier(quiet).fit(X, ['a', 'b', { c: 1 }] as never), 'INVALID_DATA', /got \{"c":1\} at index 2/);
  expectError(() => new FFNNClassifier(quiet).fit(X, [0, 1, Infinity]), 'INVALID_DATA', /expected finite labels, got Infinity at index 2/);
  expectError(() => new FFNNClassifier(quiet).fit(X, Float64Array.of(0, NaN, 1)), 'INVALID_DATA', /expected finite labels, got NaN at index 1/);
  expectError(() => new FFNNClassifier(quiet).fit(X, [0, '1', 2] as never), 'INVALID_DATA', /labels of one type/);
});

test('100,000 classes: SIZE_LIMIT naming MAX_CLASSES and the count, fast, before any rows x classes allocation', () => {
  assert.is(MAX_CLASSES, 10_000);
  const n = 100_000;
  const X = { rows: n, cols: 1, data: new Float64Array(n) };
  const y = Array.from({ length: n }, (_, i) => i);
  const e = expectError(() => new FFNNClassifier(quiet).fit(X, y), 'SIZE_LIMIT', /^y: 100000 distinct labels, more than the limit of 10000 \(MAX_CLASSES\)/);
  assert.equal([e.details.limit, e.details.got], [MAX_CLASSES, n]);
  expectError(
    () =>
      new FFNNClassifier(quiet).partialFit(
        [[0], [1]],
        [0, 1],
        Array.from({ length: 20_000 }, (_, i) => `c${i}`),
      ),
    'SIZE_LIMIT',
    /^classes: 20000 distinct labels/,
  );
  // exactly the limit is allowed (only the encoding here: training 10,000 outputs is not the point)
  assert.is(fitEncoding(Array.from({ length: MAX_CLASSES }, (_, i) => i)).nOutputs, MAX_CLASSES);
  // an indicator matrix is one output per column: the same limit
  const wide = Array.from({ length: 2 }, () => new Array(MAX_CLASSES + 1).fill(0));
  expectError(() => fitEncoding(wide), 'SIZE_LIMIT', /^y: 10001 indicator columns, more than the limit of 10000/);
});

test('encodeTargets refuses rows x classes past MAX_MATRIX_VALUES before allocating it', () => {
  const enc = fitEncoding(Array.from({ length: MAX_CLASSES }, (_, i) => i));
  const y = new Int32Array(200_000); // 200,000 x 10,000 = 2e9 one-hot values (16 GB)
  expectError(() => encodeTargets(enc, y), 'SIZE_LIMIT', /^y \(the encoded targets\): 200000 x 10000 = 2\.00e\+9 values is more than the limit of 1073741824/);
});

// ---------------------------------------------------------------- IDX

test('IDX: a 16-byte header with a zero dimension is INVALID_DATA (it used to crash predict)', () => {
  const zero = encodeIdx([1, 0, 28], []);
  assert.is(zero.length, 16);
  expectError(() => parseIdx(zero, 'zero.idx'), 'INVALID_DATA', /^zero\.idx: dimension 2 of 3 is 0 in the header; every size must be at least 1$/);
  expectError(() => parseIdx(encodeIdx([0, 28, 28], []), 'empty.idx'), 'INVALID_DATA', /dimension 1 of 3 is 0/);
  expectError(() => readIdxFile(file('zero-idx3-ubyte', zero)), 'INVALID_DATA', /zero-idx3-ubyte: dimension 2 of 3 is 0/);
});

test('IDX: declared dimensions past the limit are SIZE_LIMIT before anything is read or allocated', () => {
  const head = encodeIdx([1, 1, 1], [0]).subarray(0, 16);
  new DataView(head.buffer, head.byteOffset).setUint32(4, 0xffffffff);
  new DataView(head.buffer, head.byteOffset).setUint32(8, 0xffffffff);
  expectError(
    () => parseIdx(head, 'huge.idx'),
    'SIZE_LIMIT',
    /^huge\.idx: the header declares 4294967295 x 4294967295 x 1 = 1\.84e\+19 values, more than the limit of 1,073,741,824 bytes for IDX data; raise it with the maxBytes option$/,
  );
  expectError(
    () => parseIdx(encodeIdx([10, 10], new Uint8Array(100)).subarray(0, 12), 'h.idx', { maxBytes: 99 }),
    'SIZE_LIMIT',
    /declares 10 x 10 = 1\.00e\+2 values, more than the limit of 99 bytes/,
  );
});

test('IDX: a real gzip bomb stops at the decompression cap (SIZE_LIMIT naming file, cap and how to raise it)', () => {
  assert.is(MAX_DECOMPRESSED_BYTES, 1024 ** 3);
  // 16 gzip members of 16 MiB of zeros: a 260 KB file that inflates to 256 MiB (gunzip reads
  // concatenated members); the cap is lowered so the test stays fast and small
  const member = gzipSync(new Uint8Array(16 * 1024 ** 2));
  const bomb = new Uint8Array(Buffer.concat(Array.from({ length: 16 }, () => member)));
  assert.ok(bomb.length < 300_000, `${bomb.length} bytes`);
  const MiB = 1024 ** 2;
  expectError(
    () => parseIdx(bomb, 'bomb.gz', { maxBytes: 8 * MiB }),
    'SIZE_LIMIT',
    /^bomb\.gz: the gzip data decompresses to more than the limit of 8,388,608 bytes for IDX data; raise it with the maxBytes option$/,
  );
  const path = file('train-images-idx3-ubyte.gz', bomb);
  expectError(
    () => readIdxFile(path, { maxBytes: MiB }),
    'SIZE_LIMIT',
    /train-images-idx3-ubyte\.gz: the gzip data decompresses to more than the limit of 1,048,576 bytes/,
  );
  // the cap is exact: content of exactly maxBytes passes, one byte more fails
  const ok = encodeIdx([2, 3, 4], new Uint8Array(24)); // 16 + 24 = 40 bytes
  assert.equal(parseIdx(gzipSync(ok), 'ok.gz', { maxBytes: 40 }).shape, [2, 3, 4]);
  expectError(() => parseIdx(gzipSync(ok), 'ok.gz', { maxBytes: 39 }), 'SIZE_LIMIT', /decompresses to more than the limit of 39 bytes/);
  expectError(() => parseIdx(ok, 'ok.idx', { maxBytes: 39 }), 'SIZE_LIMIT', /^ok\.idx: the data is 40 bytes, more than the limit of 39 bytes/);
  expectError(() => parseIdx(ok, 'ok.idx', { maxBytes: -1 }), 'INVALID_PARAM', /^maxBytes: expected a whole number of bytes >= 1, got -1$/);
});

test('IDX files: a file over the cap is refused from its size; loadIdxDir passes maxBytes on', () => {
  const d = join(dir, 'mnist-layout');
  mkdirSync(d);
  writeFileSync(join(d, 'train-images-idx3-ubyte'), encodeIdx([2, 2, 2], new Uint8Array(8)));
  writeFileSync(join(d, 'train-labels-idx1-ubyte'), encodeIdx([2], [0, 1]));
  writeFileSync(join(d, 't10k-images-idx3-ubyte'), encodeIdx([1, 2, 2], new Uint8Array(4)));
  writeFileSync(join(d, 't10k-labels-idx1-ubyte'), encodeIdx([1], [1]));
  assert.is(loadIdxDir(d).train.rows, 2);
  expectError(() => loadIdxDir(d, { maxBytes: 20 }), 'SIZE_LIMIT', /train-images-idx3-ubyte: the file is 24 bytes, more than the limit of 20 bytes/);
  const sparse = join(dir, 'sparse-idx3-ubyte');
  closeSync(openSync(sparse, 'w'));
  truncateSync(sparse, MAX_DECOMPRESSED_BYTES + 1);
  expectError(() => readIdxFile(sparse), 'SIZE_LIMIT', /the file is 1,073,741,825 bytes, more than the limit of 1,073,741,824 bytes/);
  expectError(() => readIdxFile(d), 'IO_ERROR', /expected a regular IDX file, got a directory/);
});

test('idxDataset: images at least 2-D, labels 1-D, the counts agree, the data matches the shapes', () => {
  const labels = { shape: [2], data: Uint8Array.of(0, 1) };
  expectError(
    () => idxDataset({ shape: [2], data: Uint8Array.of(0, 1) }, labels, 'flat'),
    'SHAPE_MISMATCH',
    /^flat: expected images of shape n x rows x cols .* got 2$/,
  );
  expectError(() => idxDataset({ shape: [2, 0, 2], data: new Uint8Array(0) }, labels, 'z'), 'SHAPE_MISMATCH', /got 2 x 0 x 2/);
  expectError(() => idxDataset({ shape: [3, 1, 1], data: new Uint8Array(3) }, labels, 'n'), 'SHAPE_MISMATCH', /^n: 3 images but 2 labels/);
  expectError(
    () => idxDataset({ shape: [2, 1, 1], data: new Uint8Array(2) }, { shape: [2, 1], data: new Uint8Array(2) }, 'l'),
    'SHAPE_MISMATCH',
    /2 images but 2 x 1 labels/,
  );
  expectError(() => idxDataset({ shape: [2, 2, 2], data: new Uint8Array(5) }, labels, 'd'), 'SHAPE_MISMATCH', /need 8 pixels and 2 labels, got 5 and 2/);
  assert.is(idxDataset({ shape: [2, 3], data: new Uint8Array(6) }, labels).cols, 3);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
