/**
 * The shape the library keeps (issue #12): no import circle in libs/ffnn/src and no source file
 * over 400 lines, checked from the sources on every run. The checker is tested on a made-up
 * graph first, so a checker that finds nothing cannot pass for a tree that has nothing.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from './helpers.ts';
import { findCycles, importGraph, importsOf, lineCount, sourceFiles } from './source-shape.ts';

const SRC = join(ROOT, 'libs/ffnn/src');
const MAX_LINES = 400;

test('the checker finds a circle, and none in a tree without one', () => {
  const circle = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ]);
  assert.equal(findCycles(circle), [['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  assert.equal(
    findCycles(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', []],
      ]),
    ),
    [],
  );
  assert.equal(
    importsOf(
      `import type { A } from './a.ts';\nimport {\n  B,\n} from '../b.ts';\nexport { C } from './c/c.ts';\nimport './side.ts';\nimport { x } from 'node:fs';\n`,
    ),
    ['./a.ts', '../b.ts', './c/c.ts', './side.ts'],
  );
});

test('libs/ffnn/src has no import circle', () => {
  const graph = importGraph(SRC);
  assert.ok(graph.size > 30, `read ${graph.size} files`);
  assert.ok(graph.get('classifier.ts')?.includes('estimator/estimator.ts'), 'the graph holds the real edges');
  const cycles = findCycles(graph);
  assert.equal(
    cycles.map((c) => c.join(' -> ')),
    [],
  );
});

test(`no file in libs/ffnn/src is over ${MAX_LINES} lines`, () => {
  const long = sourceFiles(SRC)
    .map((f) => ({ f, n: lineCount(join(SRC, f)) }))
    .filter(({ n }) => n > MAX_LINES)
    .map(({ f, n }) => `${f}: ${n}`);
  assert.equal(long, []);
});

test.run();
