/**
 * The streaming IDX reader against loadIdxDir (its definition): the same pixels and labels, plain
 * and gzip, in batches that never hold more than one batch of the files; the header's promise
 * checked as parseIdx checks it; and a fitStream over it equal to partialFit over the same rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeIdx, loadIdxDir, readIdxDirStream, readIdxStream } from '../src/data/index.ts';
import { FFNNClassifier, FfnnError } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-idx-stream-'));
const n = 1237;
const side = 5;
const px = Array.from({ length: n * side * side }, (_, i) => (i * 37 + (i >> 5)) % 256);
const labels = Array.from({ length: n }, (_, i) => (i * 7) % 4);
writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([n, side, side], px)));
writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([n], labels)));
writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx([3, side, side], px.slice(0, 75)));
writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([3], [1, 2, 3]));

async function error(p: Promise<unknown>): Promise<FfnnError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FfnnError) return e;
    throw e;
  }
  throw new Error('expected an FfnnError');
}

async function drain(s: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of s) {
    /* read */
  }
}

test('the same pixels (scaled by 1/255) and labels as loadIdxDir, gzip and plain, in bounded batches', async () => {
  const whole = loadIdxDir(dir);
  for (const part of ['train', 'test'] as const) {
    const s = readIdxDirStream(dir, part, { batchRows: 100 });
    const X: number[] = [];
    const y: number[] = [];
    for await (const b of s) {
      assert.ok(b.X.rows <= 100);
      X.push(...b.X.data);
      y.push(...b.y);
    }
    const want = part === 'train' ? whole.train : whole.test;
    assert.equal(X, Array.from(want.X));
    assert.equal(y, Array.from(want.y));
    assert.ok(s.stats.bufferBytes <= 100 * (side * side + 1), `${s.stats.bufferBytes} bytes held`);
  }
  const scan = await readIdxDirStream(dir).scan();
  assert.equal(scan, { rows: n, cols: side * side, classes: [0, 1, 2, 3] });
});

test('fitStream over the IDX stream equals partialFit over the same batches', async () => {
  const o = { hiddenLayerSizes: [8], randomState: 3, backend: 'js', batchSize: 64, onWarning: () => {} } as const;
  const classes = [0, 1, 2, 3];
  const s = readIdxDirStream(dir, 'train', { batchRows: 300 });
  const a = await new FFNNClassifier(o).fitStream(s, { classes, epochs: 2 });
  const b = new FFNNClassifier(o);
  const whole = loadIdxDir(dir).train;
  for (let e = 0; e < 2; e++) {
    for (let r = 0; r < n; r += 300) {
      const rows = Math.min(300, n - r);
      b.partialFit({ rows, cols: whole.cols, data: whole.X.subarray(r * whole.cols, (r + rows) * whole.cols) }, whole.y.subarray(r, r + rows), classes);
    }
  }
  assert.ok(a.coefs.every((c, l) => c.data.every((v, i) => v === b.coefs[l].data[i])));
});

test('a file shorter or longer than its header says, mismatched counts, and bad headers are INVALID_DATA or SHAPE_MISMATCH', async () => {
  const f = (name: string, bytes: Uint8Array) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const images = encodeIdx(
    [4, 2, 2],
    Array.from({ length: 16 }, (_, i) => i),
  );
  const lab = f('l4', encodeIdx([4], [0, 1, 0, 1]));
  const short = f('short', images.subarray(0, images.length - 3));
  let e = await error(drain(readIdxStream(short, lab)));
  assert.is(e.code, 'INVALID_DATA');
  assert.is(e.message, `${short}: header declares 16 values (4 x 2 x 2), the file holds 13`);
  const long = f('long', new Uint8Array([...images, 9, 9]));
  e = await error(drain(readIdxStream(long, lab)));
  assert.is(e.message, `${long}: header declares 16 values (4 x 2 x 2), the file holds 18`);
  e = await error(drain(readIdxStream(f('ok', images), f('l3', encodeIdx([3], [0, 1, 0])))));
  assert.is(e.code, 'SHAPE_MISMATCH');
  const bad = new Uint8Array(images);
  bad[2] = 0x0d;
  e = await error(drain(readIdxStream(f('typed', bad), lab)));
  assert.match(e.message, /expected unsigned byte data/);
  e = await error(drain(readIdxStream(f('junk', new Uint8Array([1, 2, 3, 4, 5])), lab)));
  assert.match(e.message, /bad magic number/);
  e = await error(drain(readIdxStream(join(dir, 'missing'), lab)));
  assert.is(e.code, 'IO_ERROR');
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test.run();
