import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RandomState } from '../src/random.ts';
import { workedValues } from './helpers.ts';

const W = workedValues().numpy_legacy_random;
// numpy's legacy stream is exact integer arithmetic and exactly rounded doubles: compare exactly
const nums = (a: string[]) => a.map(Number);

test('MT19937 seeding (init_genrand) gives numpy key words', () => {
  const rng = new RandomState(42) as unknown as { key: Uint32Array; pos: number };
  assert.equal(Array.from(rng.key.subarray(0, 3)), W.seed42_key_0_3);
  assert.is(rng.pos, W.seed42_pos);
});

test('raw uint32 outputs for seeds 42 and 0', () => {
  const a = new RandomState(42);
  assert.equal(
    Array.from({ length: 5 }, () => a.nextUint32()),
    W.seed42_raw_uint32_5,
  );
  const b = new RandomState(0);
  assert.equal(
    Array.from({ length: 3 }, () => b.nextUint32()),
    W.seed0_raw_uint32_3,
  );
});

test('random_sample matches numpy exactly', () => {
  assert.equal(Array.from(new RandomState(42).randomSample(5)), nums(W.seed42_random_sample_5));
  assert.equal(Array.from(new RandomState(0).randomSample(5)), nums(W.seed0_random_sample_5));
});

test('legacy normal (polar method with cached second value) matches numpy', () => {
  assert.equal(Array.from(new RandomState(42).normal(0, 1, 4)), nums(W.seed42_normal_4));
  assert.equal(Array.from(new RandomState(0).normal(0, 1, 3)), nums(W.seed0_normal_3));
});

test('permutation and shuffle match numpy', () => {
  assert.equal(Array.from(new RandomState(42).permutation(10)), W.seed42_permutation_10);
  assert.equal(Array.from(new RandomState(0).permutation(10)), W.seed0_permutation_10);
  const x = [0, 1, 2, 3, 4];
  new RandomState(42).shuffle(x);
  assert.equal(x, W.seed42_shuffle_arange5);
});

test('interval(max) stays in [0, max] and interval(0) draws nothing', () => {
  const a = new RandomState(7);
  const b = new RandomState(7);
  assert.is(a.interval(0), 0);
  assert.is(a.nextUint32(), b.nextUint32());
  for (let i = 0; i < 1000; i++) {
    const v = a.interval(37);
    assert.ok(v >= 0 && v <= 37);
  }
});

test('seeds outside [0, 2^32 - 1] are rejected with INVALID_PARAM', () => {
  for (const bad of [-1, 2 ** 32, 1.5, NaN]) {
    assert.throws(
      () => new RandomState(bad),
      (e: any) => e.code === 'INVALID_PARAM' && /randomState/.test(e.message),
    );
  }
});

test.run();
