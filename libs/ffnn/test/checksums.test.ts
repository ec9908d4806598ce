/**
 * The model checksums are SHA-256 computed in pure JS (@noble/hashes, so browsers check them too):
 * every digest must be node:crypto's, byte for byte, or files written before the change would no
 * longer load. FIPS 180-2's "abc" vector, the empty input, parts split at odd places and a
 * MiB of random bytes; and a model's sha256_tensors against node:crypto over the same bytes.
 */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FFNNClassifier } from '../src/index.ts';
import { sha256, tensorChecksum, textChecksum } from '../src/io/checksums.ts';
import { RandomState } from '../src/random.ts';

const nodeSha = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

test('the FIPS 180-2 test vectors', () => {
  assert.is(textChecksum('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.is(textChecksum(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(textChecksum('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('equal to node:crypto on random bytes, in one part or split at odd places', () => {
  const rng = new RandomState(7);
  const big = Uint8Array.from({ length: 1 << 20 }, () => rng.interval(255));
  assert.is(sha256([big]), nodeSha([big]));
  const cuts = [0, 1, 63, 64, 65, 1000, 4097, big.length];
  const parts = cuts.slice(1).map((end, i) => big.subarray(cuts[i], end));
  assert.is(sha256(parts), nodeSha([big]));
  for (const n of [0, 1, 55, 56, 63, 64, 119, 120, 128]) assert.is(sha256([big.subarray(0, n)]), nodeSha([big.subarray(0, n)]), `${n} bytes`);
  assert.is(textChecksum('é ü 中文 🙂'), nodeSha([new TextEncoder().encode('é ü 中文 🙂')]));
});

test("a model's checksums are node:crypto's over the same bytes", () => {
  const X = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i)]);
  const clf = new FFNNClassifier({ hiddenLayerSizes: [5], maxIter: 3, randomState: 0, onWarning: () => {} }).fit(
    X,
    X.map(([a]) => (a > 0 ? 1 : 0)),
  );
  const coefs = clf.coefs.map((c) => c.data as Float64Array);
  const intercepts = clf.intercepts as Float64Array[];
  const bytes = [...coefs, ...intercepts].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  assert.is(tensorChecksum(coefs, intercepts), nodeSha(bytes));
  assert.is(clf.toJSON().sha256_tensors, nodeSha(bytes));
});

test.run();
