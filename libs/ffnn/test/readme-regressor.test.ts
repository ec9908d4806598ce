/**
 * README's regressor example must run as written: the ```ts block under "## The library" that
 * uses FFNNRegressor (readme.test.ts runs the first block, the classifier's), run under Bun from
 * inside the workspace so '@ffnn/core' resolves, in a scratch cwd. The data is a smooth function
 * of two features, so a fit that works scores R² > 0.9; the reloaded model must be a regressor
 * predicting exactly what the fitted one does (same weights, same arithmetic).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runReadmeExample } from './readme-example.ts';

test("README's regressor example runs, fits (R² > 0.9) and reloads as a regressor", () => {
  const extra = "console.log('reloaded:', back.constructor.name, JSON.stringify(back.predict(X)) === JSON.stringify(reg.predict(X)));";
  runReadmeExample(
    'regressor',
    (blocks) => blocks.find((c) => c.includes('FFNNRegressor')),
    extra,
    (lines, cwd) => {
      const r2 = Number(/^R2 (\S+)$/.exec(lines[0])?.[1]);
      assert.ok(r2 > 0.9, `R² ${lines[0]}`);
      assert.match(lines[1], /^\[\s*-?\d/);
      assert.is(lines[lines.length - 1], 'reloaded: FFNNRegressor true');
      assert.ok(existsSync(join(cwd, 'regressor.ffnn')));
    },
  );
});

test.run();
