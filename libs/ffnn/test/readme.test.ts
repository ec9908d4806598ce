/**
 * README is the front door: its library example must run as written. The test runs the first
 * ```ts block of the "The library" section (readme-example.ts) and checks what it printed and saved.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReadmeExample } from './readme-example.ts';

test("README's library example runs and learns the digits", () => {
  // the example logs every epoch and then the score; also report whether the reload agrees
  const first50 = '{ rows: 50, cols: test.cols, data: test.X.subarray(0, 50 * test.cols) }';
  runReadmeExample(
    'classifier',
    (blocks) => blocks[0],
    `console.log('same predictions:', JSON.stringify(same.predict(${first50})) === JSON.stringify(clf.predict(${first50})));`,
    (lines, cwd) => {
      assert.is(lines.filter((l) => /^\d+ \d+\.\d+/.test(l)).length, 10, 'one line per epoch');
      const score = Number(lines[lines.length - 2]);
      assert.ok(score > 0.9, `test accuracy ${score}`);
      assert.is(lines[lines.length - 1], 'same predictions: true');
      assert.ok(existsSync(join(cwd, 'model.json')));
    },
  );
});

test.run();
