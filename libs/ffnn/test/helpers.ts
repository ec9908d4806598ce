/** Shared test helpers: the parity spec's synthetic inputs and float comparisons with a stated tolerance. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** X[i][j] = sin(1.3 i + 0.7 j) * (1 + 0.5 j): the inputs of shared/sklearn-mlp-parity-fixtures.json. */
export function sinData(n: number, features = 3): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: features }, (_, j) => Math.sin(1.3 * i + 0.7 * j) * (1 + 0.5 * j)));
}

/** The worked values from the parity spec (a copy of shared/sklearn-mlp-parity-fixtures.json). */
export function workedValues(): any {
  return JSON.parse(readFileSync(join(ROOT, 'fixtures/sklearn-worked-values.json'), 'utf8'));
}

/** |a - b| <= tol * max(1, |b|): absolute near zero, relative for large values. */
export function close(actual: number, expected: number, tol: number, what = 'value'): void {
  const err = Math.abs(actual - expected);
  if (!(err <= tol * Math.max(1, Math.abs(expected)))) {
    assert.unreachable(`${what}: expected ${expected}, got ${actual} (|diff| ${err} > tol ${tol})`);
  }
}

export function allClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = 'array'): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], tol, `${what}[${i}]`);
}

/** Runs fn and returns the FfnnError code it throws (fails the test when it does not throw). */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? `no code: ${(err as Error).message}`;
  }
  assert.unreachable('expected an error');
  return '';
}
