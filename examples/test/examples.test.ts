/**
 * Every example runs, as a user runs it: a plain `node examples/X.mjs` (then `bun` and
 * `deno run -A`), with no export condition, so `@ffnn/core` resolves to the built dist/ that
 * the package ships, from a scratch folder for its outputs. Each test asserts what the example
 * prints, so an example that runs but has stopped doing its job fails too. One test per example;
 * a last test fails when an example file has no test.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadClassifier, readCsvFile } from '@ffnn/core/node';
import { launchChromium } from '@ffnn/test-browser';
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

example('stream-csv', ALL, (rt) => {
  // the first runtime writes the files (about 34 MB of training rows); the others read the same ones
  const out = run('stream-csv', rt, [join(scratch, 'stream')]);
  assert.ok(number(out, /train\.csv: ([\d.]+) MB, 250000 rows, 16 features, classes east, north, south, west/) > 20, out);
  for (const e of [1, 2]) {
    assert.match(out, `epoch ${e}/2: 250000 of 250000 rows`);
    assert.match(out, `epoch ${e} done: 125 batches`);
  }
  assert.ok(number(out, /test accuracy: ([\d.]+)% on 25000 rows/) >= 90, out);
  // bounded: one 4 MiB read buffer (the default chunk) and at most batchRows rows, whatever the file's size
  assert.match(out, 'memory: read buffer 4.0 MB, largest batch 2000 rows');
});

/** Serves `dir` on 127.0.0.1 (a random port) as a static site. */
async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.ffnn': 'application/octet-stream' };
  const server = createServer((req, res) => {
    const asked = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const path = asked.endsWith('/') ? `${asked}index.html` : asked;
    try {
      const body = readFileSync(join(dir, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

tested.add('web-page/app');
test('examples/web-page predicts in headless Chromium what Node predicts on the same model and rows', async () => {
  // as its header says: a model from train-csv.mjs, app.mjs bundled by esbuild, the folder served
  const site = join(scratch, 'web-page');
  mkdirSync(site);
  run('train-csv', 'node', [join(ROOT, 'examples/data/blobs.csv'), join(site, 'model.ffnn')]);
  const esbuild = spawnSync(bin('esbuild'), [join(ROOT, 'examples/web-page/app.mjs'), '--bundle', '--format=esm', `--outfile=${join(site, 'app.js')}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.is(esbuild.status, 0, esbuild.stderr);
  copyFileSync(join(ROOT, 'examples/web-page/index.html'), join(site, 'index.html'));
  // the rows: blobs.csv without its label column, the columns in another order than the model's
  const data = readCsvFile(join(ROOT, 'examples/data/blobs.csv'), { labelColumn: 'species' });
  const order = [2, 0, 3, 1];
  const text = [order.map((j) => data.featureNames[j]).join(',')];
  for (let r = 0; r < data.rows; r++) text.push(order.map((j) => String(data.X[r * data.cols + j])).join(','));

  const server = await serve(site);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server.url}?model=missing.ffnn`);
    await page.locator('#status.error').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('#status').textContent()) ?? '', 'no model from missing.ffnn (HTTP 404)');

    await page.goto(server.url);
    await page.locator('#predict:not([disabled]), #status.error').first().waitFor({ timeout: 30_000 });
    assert.match((await page.locator('#status').textContent()) ?? '', /^model loaded \(\d+ bytes, js kernels\)$/);
    assert.match((await page.locator('#model').textContent()) ?? '', 'layers 4-16-3, classes blue, green, red, columns x1, x2, x3, x4');
    await page.fill('#rows', text.join('\n'));
    await page.click('#predict');
    await page.locator('#status', { hasText: 'predicted' }).waitFor({ timeout: 30_000 });
    const got = JSON.parse((await page.locator('#result').textContent()) ?? 'null');
    assert.equal(errors, []);

    const clf = loadClassifier(join(site, 'model.ffnn'));
    const X = { rows: data.rows, cols: data.cols, data: data.X };
    assert.equal(got.labels, clf.predict(X));
    // the page runs the JS kernels; Node the native ones when built: the same sums in another order,
    // so probabilities agree to rounding (a few ulps), far inside 1e-12
    const p = clf.predictProba(X);
    let worst = 0;
    got.proba.forEach((row: number[], r: number) => row.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - p.data[r * p.cols + k])))));
    assert.is(got.proba.length, data.rows);
    assert.ok(worst <= 1e-12, `largest |page - node| probability difference ${worst}`);
    assert.ok(got.labels.filter((l: string, r: number) => l === data.y?.[r]).length >= 255, "the model predicts the file's labels");
  } finally {
    await browser.close();
    await server.close();
  }
});

test('every examples/*.mjs has a test here', () => {
  const files = [
    ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.mjs')),
    ...readdirSync(join(ROOT, 'examples/web-page'))
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => `web-page/${f}`),
  ].map((f) => f.replace(/\.mjs$/, ''));
  assert.equal(files.filter((f) => !tested.has(f)).sort(), []);
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));
test.run();
