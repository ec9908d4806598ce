/** The IDX reader on files written by the test itself (plain and gzipped), and its errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeIdx, loadIdxDir, parseIdx } from '../src/data/index.ts';
import { codeOf } from './helpers.ts';

test('parses plain and gzipped IDX arrays', () => {
  const bytes = encodeIdx([2, 2, 2], [0, 255, 1, 2, 3, 4, 5, 6]);
  for (const b of [bytes, new Uint8Array(gzipSync(bytes))]) {
    const a = parseIdx(b);
    assert.equal(a.shape, [2, 2, 2]);
    assert.equal(Array.from(a.data), [0, 255, 1, 2, 3, 4, 5, 6]);
  }
});

test('loads an MNIST-layout folder, scaling pixels to [0, 1]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-idx-'));
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([3, 1, 2], [0, 255, 51, 102, 0, 0])));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([3], [7, 1, 0])));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx([1, 1, 2], [255, 0]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([1], [9]));
  const { train, test: t } = loadIdxDir(dir);
  assert.is(train.rows, 3);
  assert.is(train.cols, 2);
  assert.equal(Array.from(train.X), [0, 1, 0.2, 0.4, 0, 0]);
  assert.equal(Array.from(train.y), [7, 1, 0]);
  assert.equal(Array.from(t.y), [9]);
  rmSync(dir, { recursive: true, force: true });
});

test('truncated, mistyped and missing files are clear errors', () => {
  assert.is(
    codeOf(() => parseIdx(encodeIdx([4], [1, 2, 3, 4]).subarray(0, -2))),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() => parseIdx(new Uint8Array([1, 2, 3, 4]))),
    'INVALID_DATA',
  );
  const floats = encodeIdx([1], [0]);
  floats[2] = 0x0d;
  assert.is(
    codeOf(() => parseIdx(floats)),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() => parseIdx(new Uint8Array([0x1f, 0x8b, 0, 0]))),
    'INVALID_DATA',
  );
  assert.is(
    codeOf(() => loadIdxDir('/nonexistent-ffnn-dir')),
    'IO_ERROR',
  );
});

test.run();
