/**
 * Every example runs, as a user runs it: a plain `node examples/X.mjs` (then `bun` and
 * `deno run -A`), with no export condition, so `@ffnn/core` resolves to the built dist/ that
 * the package ships, from a scratch folder for its outputs. Each test asserts what the example
 * prints, so an example that runs but has stopped doing its job fails too. One test per example;
 * a last test fails when an example file has no test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const RUNTIMES = {
  node: (file: string, args: string[]) => [process.execPath, [file, ...args]] as const,
  bun: (file: string, args: string[]) => [bin('bun'), [file, ...args]] as const,
  deno: (file: string, args: string[]) => [bin('deno'), ['run', '-A', file, ...args]] as const,
};
type Runtime = keyof typeof RUNTIMES;
const ALL: Runtime[] = ['node', 'bun', 'deno'];

const scratch = mkdtempSync(join(tmpdir(), 'ffnn-examples-'));
const tested = new Set<string>();

/** Runs examples/<name>.mjs under a runtime from the scratch folder; returns its stdout. */
function run(name: string, runtime: Runtime, args: string[] = []): string {
  const [cmd, argv] = RUNTIMES[runtime](join(ROOT, 'examples', `${name}.mjs`), args);
  const env: Record<string, string> = {};
  // nothing of the test runner's own set-up (tsx, the @ffnn/source condition) reaches the example
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'NODE_OPTIONS' && !k.startsWith('npm_')) env[k] = v;
  const r = spawnSync(cmd, argv, { cwd: scratch, encoding: 'utf8', env: { ...env, NO_COLOR: '1' }, timeout: 300_000 });
  assert.is(r.status, 0, `${runtime} examples/${name}.mjs ${args.join(' ')} exited ${r.status} ${r.signal ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
const number = (out: string, re: RegExp) => Number((out.match(re) ?? [])[1]);

function example(name: string, runtimes: Runtime[], check: (runtime: Runtime) => void) {
  tested.add(name);
  test(`examples/${name}.mjs runs under ${runtimes.join(', ')}`, () => {
    for (const rt of runtimes) check(rt);
  });
}

example('train-csv', ALL, (rt) => {
  const out = run('train-csv', rt, [join(ROOT, 'examples/data/blobs.csv'), `model-${rt}.ffnn`]);
  assert.ok(number(out, /test accuracy: ([\d.]+)%/) >= 85, out);
  assert.match(out, `saved model-${rt}.ffnn`);
});

example('predict', ALL, (rt) => {
  run('train-csv', 'node', [join(ROOT, 'examples/data/blobs.csv'), 'for-predict.json']);
  const out = run('predict', rt, ['for-predict.json', join(ROOT, 'examples/data/blobs.csv')]);
  assert.match(out, 'classes blue, green, red');
  assert.ok(number(out, /on (\d+) of 300 rows/) >= 255, out);
});

example('regression-csv', ALL, (rt) => {
  const out = run('regression-csv', rt, [join(ROOT, 'examples/data/houses.csv'), `reg-${rt}.ffnn`]);
  assert.ok(number(out, /test R² ([\d.-]+)/) > 0.95, out);
  assert.match(out, 'it predicts exactly the same');
});

example('worker-progress', ALL, (rt) => {
  const out = run('worker-progress', rt, ['3']);
  // stderr is not a terminal here: one line per epoch instead of the bar
  for (const e of [1, 2, 3]) assert.match(out, `epoch ${e}/3: loss`);
  assert.match(out, 'trained in a worker: 3 epochs');
  assert.ok(number(out, /test accuracy ([\d.]+)%/) >= 80, out);
});

example('onnx', ALL, (rt) => {
  const out = run('onnx', rt, [`model-${rt}.onnx`]);
  assert.match(out, 'outputs probabilities, label');
  assert.ok(number(out, /vs ffnn: ([\d.e+-]+)/) < 1e-5, out);
});

example('sklearn-import', ALL, (rt) => {
  const dir = mkdtempSync(join(scratch, `sk-${rt}-`));
  const out = run('sklearn-import', rt, [dir]);
  assert.match(out, 'classes setosa, versicolor, virginica');
  assert.match(out, 'same label on 30 of 30 rows');
  assert.ok(number(out, /predictProba\|: ([\d.e+-]+)/) <= 1e-12, out);
});

test('every examples/*.mjs has a test here', () => {
  const files = readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => f.replace(/\.mjs$/, ''));
  assert.equal(files.filter((f) => !tested.has(f)).sort(), []);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));
test.run();
