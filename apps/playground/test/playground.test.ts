/**
 * The playground end to end in headless Chromium (playwright-core through @ffnn/test-browser):
 * build the site, serve it, train 2 epochs in the worker while a requestAnimationFrame counter
 * runs on the page, check the charts changed between epochs and the test accuracy, draw a "1",
 * stop a long run, save the model (a real download), load it back and a CLI-trained file through
 * the file input, and open the page from file:// too. The probabilities the page shows are
 * checked against @ffnn/core in this process on the same 784 inputs (the outside oracle).
 *
 * The only timing assertion is the responsiveness counter (see MIN_FPS). Every wait has a
 * timeout, so a page that never gets there fails instead of hanging.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FFNNClassifier } from '@ffnn/core';
import { launchChromium } from '@ffnn/test-browser';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSite } from '../build.ts';
import { type Served, serveSite } from '../serve.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Everything this test writes: the built site, downloads, the CLI's model, the screenshot. */
const WORK = mkdtempSync(join(tmpdir(), 'ffnn-playground-'));
const SITE = join(WORK, 'site');
const SCREENSHOT = join(WORK, 'playground.png');
/** Epoch waits: an epoch takes about 0.5 s on wasm here; a loaded, shared 2-vCPU machine is slower. */
const WAIT = { timeout: 120_000 };
/**
 * Responsiveness: the page's requestAnimationFrame must keep ticking while the worker trains. A
 * display refreshes at about 60 Hz; we ask for a sixth of that on average (a main thread that
 * trained would draw next to no frames for the whole run, since an epoch is one long task).
 */
const MIN_FPS = 10;
/** The same float64 kernels on the page and here (js both, or native here): the same digits to well below this. */
const PROB_TOL = 1e-9;

let served: Served;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const state = (p: Page) => p.getAttribute('#status', 'data-state');
const waitState = (p: Page, states: string[]) =>
  p.waitForFunction((s) => s.includes(document.getElementById('status')!.dataset.state!), states, WAIT).then(() => state(p));
const readProbs = async (p: Page) => {
  const probs = await p.getAttribute('#probs', 'data-probs');
  const input = await p.getAttribute('#probs', 'data-input');
  return {
    probs: JSON.parse(probs ?? 'null') as number[] | null,
    input: JSON.parse(input ?? 'null') as number[] | null,
    top: await p.getAttribute('#probs', 'data-top'),
  };
};
/** Waits until the probabilities shown answer the newest drawing with the page's current model. */
const probsCurrent = (p: Page) =>
  p.waitForFunction(
    () => {
      const probs = document.getElementById('probs')!.dataset;
      const info = document.getElementById('model-info')!.dataset;
      return probs.answered === probs.requested && probs.probs !== undefined && info.model === info.current && probs.model === info.current;
    },
    null,
    WAIT,
  );
/** Waits until the view worker has taken the model file `name` as the current model. */
const modelLoaded = (p: Page, name: string) =>
  p.waitForFunction(
    (n) => {
      const info = document.getElementById('model-info')!.dataset;
      return info.name === n && info.model === info.current;
    },
    name,
    WAIT,
  );
const accuracy = async (p: Page) => Number(await p.getAttribute('#accuracy', 'data-value'));

/** The probabilities @ffnn/core gives here for the page's inputs, from a model file. */
function probsHere(file: string, input: number[]): number[] {
  const clf = FFNNClassifier.fromBytes(readFileSync(file));
  return Array.from(clf.predictProba([input]).data);
}

function assertClose(got: readonly number[], want: readonly number[], tol: number, what: string) {
  assert.is(got.length, want.length, `${what}: length`);
  const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i])));
  assert.ok(worst <= tol, `${what}: largest difference ${worst} > ${tol}`);
}

/** A vertical stroke down the middle of the pad with mouse events: a "1". */
async function drawOne(p: Page) {
  await p.click('#clear');
  const box = (await p.locator('#pad').boundingBox())!;
  const x = box.x + box.width / 2;
  await p.mouse.move(x, box.y + box.height * 0.15);
  await p.mouse.down();
  for (let i = 1; i <= 20; i++) await p.mouse.move(x + i * 0.3, box.y + box.height * (0.15 + (0.7 * i) / 20));
  await p.mouse.up();
  await probsCurrent(p);
}

/**
 * Records every chart as it is drawn, per epoch (window.__charts), and counts animation frames
 * while window.__frames.on (count, longest gap). A string: functions passed to page.evaluate are
 * serialised, and tsx's transform of named functions would reference a helper the page lacks.
 */
const INSTRUMENT = `(() => {
  const ids = ['loss-chart', 'weight-hist', 'gradient-hist', 'network'];
  window.__charts = {};
  new MutationObserver(() => {
    const epoch = document.getElementById('loss-chart').dataset.epoch;
    if (epoch) window.__charts[epoch] = Object.fromEntries(ids.map((id) => [id, document.getElementById(id).innerHTML]));
  }).observe(document.getElementById('loss-chart'), { attributes: true, attributeFilter: ['data-epoch'] });
  window.__frames = { count: 0, longest: 0, last: 0, on: false };
  const tick = (t) => {
    const f = window.__frames;
    if (f.on) {
      f.count++;
      if (f.last) f.longest = Math.max(f.longest, t - f.last);
      f.last = t;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

async function setEpochs(p: Page, n: number) {
  await p.fill('#maxIter', String(n));
}

test.before(async () => {
  const built = await buildSite(SITE);
  console.log(
    `# built ${built.outDir}: ${Object.entries(built.sizes)
      .map(([k, v]) => `${k} ${(v / 1024).toFixed(0)} KiB`)
      .join(', ')}`,
  );
  served = await serveSite(SITE);
  browser = await launchChromium();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

test.after(async () => {
  await browser?.close();
  await served?.close();
  // keep the screenshot; the rest goes
  for (const name of ['site', 'saved.ffnn', 'cli.ffnn']) rmSync(join(WORK, name), { recursive: true, force: true });
  console.log(`# screenshot: ${SCREENSHOT}`);
});

test('the site builds: the page, its script, and a worker bundle with the digits inside', () => {
  for (const f of ['index.html', 'app.js', 'style.css']) assert.ok(existsSync(join(SITE, f)), f);
  const app = readFileSync(join(SITE, 'app.js'), 'utf8');
  assert.not.match(readFileSync(join(SITE, 'index.html'), 'utf8'), /type="module"/, 'a classic script, so file:// runs it');
  assert.ok(app.length > 1_000_000, `app.js carries the worker with the digits and wasm (${app.length} bytes)`);
});

test('served: the worker starts, loads the wasm kernels and decodes the digits', async () => {
  await page.goto(served.url);
  assert.is(await waitState(page, ['ready', 'error']), 'ready', (await page.textContent('#status')) ?? '');
  assert.is(await page.getAttribute('#backend', 'data-backend'), 'wasm', (await page.textContent('#backend')) ?? '');
  assert.match((await page.textContent('#data-info')) ?? '', /5000 training, 500 validation and 1000 test digits/);
  // the selects come from the OPTIONS table: every value it accepts, nothing else
  const solvers = await page.$$eval('#solver option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.equal(solvers.sort(), ['adam', 'lbfgs', 'sgd']);
  const activations = await page.$$eval('#activation-0 option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.ok(activations.includes('relu') && activations.includes('sigmoid') && activations.includes('tanh'), activations.join());
  const inits = await page.$$eval('#init option', (os) => os.map((o) => (o as HTMLOptionElement).value));
  assert.ok(inits.includes('glorot') && inits.includes('heNormal') && inits.includes('zero'), inits.join());
  assert.not.ok((await page.$$eval('#loss option', (os) => os.map((o) => (o as HTMLOptionElement).value))).includes('poisson'));
});

test('2 epochs in the worker: charts change between epochs, the page keeps drawing frames, accuracy > 85%', async () => {
  await page.evaluate(INSTRUMENT);
  await setEpochs(page, 2);
  await page.evaluate(() => {
    (window as any).__frames.on = true;
    (window as any).__frames.started = performance.now();
  });
  await page.click('#start');
  assert.is(await waitState(page, ['done', 'error']), 'done', (await page.textContent('#status')) ?? '');
  const frames = await page.evaluate(() => {
    const f = (window as any).__frames;
    f.on = false;
    return { count: f.count, longest: f.longest, ms: performance.now() - f.started };
  });
  const fps = frames.count / (frames.ms / 1000);
  console.log(`# 2 epochs: ${frames.ms.toFixed(0)} ms, ${frames.count} frames (${fps.toFixed(1)}/s), longest gap ${frames.longest.toFixed(0)} ms`);
  assert.ok(fps >= MIN_FPS, `the page drew ${fps.toFixed(1)} frames/s while training (at least ${MIN_FPS} expected)`);

  assert.is(await page.getAttribute('#epoch', 'data-final'), '2');
  const acc = await accuracy(page);
  console.log(`# test accuracy after 2 epochs: ${(100 * acc).toFixed(1)}% (${await page.textContent('#epoch')})`);
  assert.ok(acc > 0.85, `test accuracy ${acc}`);

  await page.waitForFunction(() => (window as any).__charts['2'] !== undefined, null, WAIT);
  const charts = await page.evaluate(() => (window as any).__charts);
  assert.ok(charts['1'] && charts['2'], `charts drawn for epochs ${Object.keys(charts)}`);
  for (const id of ['loss-chart', 'weight-hist', 'gradient-hist', 'network']) {
    assert.match(charts['2'][id], /<svg/, `${id} holds an SVG`);
    assert.is.not(charts['1'][id], charts['2'][id], `${id} changed between epoch 1 and 2`);
  }
  // the loss chart shows two points per series after epoch 2, one after epoch 1
  assert.match(charts['2']['loss-chart'], /validation loss/);
});

test('drawing a "1" with the mouse: the top class is 1, as @ffnn/core computes here', async () => {
  await drawOne(page);
  const { probs, input, top } = await readProbs(page);
  console.log(`# the "1": p(1) = ${probs![1].toFixed(3)}, top ${top}`);
  assert.is(top, '1', `probabilities ${probs!.map((p) => p.toFixed(3)).join(' ')}`);
  assert.is(input!.length, 784);
  assertClose([probs!.reduce((a, b) => a + b, 0)], [1], 1e-9, 'probabilities sum to 1');
  // the drawing is centred and scaled into MNIST's frame: ink in the middle columns only, 20 rows tall
  const rows = Array.from({ length: 28 }, (_, r) => input!.slice(28 * r, 28 * r + 28).some((v) => v > 0.1));
  const inked = rows.map((v, i) => (v ? i : -1)).filter((i) => i >= 0);
  assert.ok(inked[0] >= 3 && inked.at(-1)! <= 24 && inked.length >= 18, `inked rows ${inked.join(',')}`);
});

let saved = '';
let stoppedAt = 0;
let stoppedProbs: number[] = [];

test('a long run stops on request and keeps its last completed epoch', async () => {
  await setEpochs(page, 500);
  await page.click('#start');
  await page.waitForFunction(() => Number(document.getElementById('epoch')!.dataset.epoch ?? 0) >= 2, null, WAIT);
  await page.click('#stop');
  assert.is(await waitState(page, ['stopped', 'done', 'error']), 'stopped', (await page.textContent('#status')) ?? '');
  stoppedAt = Number(await page.getAttribute('#epoch', 'data-final'));
  console.log(`# stopped after ${stoppedAt} of 500 epochs: ${await page.textContent('#status')}`);
  assert.ok(stoppedAt >= 2 && stoppedAt < 500, String(stoppedAt));
  assert.match((await page.textContent('#model-info')) ?? '', new RegExp(`, ${stoppedAt} epochs,`));
  // the drawing is re-scored by the stopped model
  await probsCurrent(page);
  const { probs } = await readProbs(page);
  stoppedProbs = probs!;
});

test('save downloads the model as .ffnn bytes that @ffnn/core reads and that predict the same', async () => {
  const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('#save')]);
  assert.match(download.suggestedFilename(), /\.ffnn$/);
  saved = join(WORK, 'saved.ffnn');
  await download.saveAs(saved);
  const clf = FFNNClassifier.fromBytes(readFileSync(saved));
  assert.is(clf.nIter, stoppedAt);
  assert.equal([...clf.layerSizes], [784, 128, 64, 10]);
  const { input } = await readProbs(page);
  assertClose(probsHere(saved, input!), stoppedProbs, PROB_TOL, 'the saved file here vs the page');
});

test('loading the saved file through the file input gives the same predictions and accuracy', async () => {
  const before = await accuracy(page);
  await page.click('#clear');
  await page.setInputFiles('#load', saved);
  await modelLoaded(page, 'saved.ffnn');
  await page.waitForFunction(() => document.getElementById('accuracy')!.dataset.value !== '', null, WAIT);
  assert.is(await accuracy(page), before, 'the worker scores the loaded file as the stopped model');
  await drawOne(page);
  const { probs, input } = await readProbs(page);
  assertClose(probsHere(saved, input!), probs!, PROB_TOL, 'the loaded model on the page vs here');
  assert.is((await readProbs(page)).top, '1');
  // the loaded model's own loss curve is drawn (from the file), with no gradients
  await page.waitForFunction(() => document.getElementById('loss-chart')!.dataset.model === document.getElementById('model-info')!.dataset.current, null, WAIT);
  assert.is(await page.getAttribute('#loss-chart', 'data-epoch'), String(stoppedAt));
  assert.match(await page.innerHTML('#loss-chart'), /<svg/);
  assert.match(await page.innerHTML('#gradient-hist'), /a model file does not keep them/);
});

test('a model trained by the CLI (ffnn train --out m.ffnn) loads and predicts as @ffnn/core does here', async () => {
  const file = join(WORK, 'cli.ffnn');
  const cli = join(ROOT, 'apps/cli/bin/ffnn.mjs');
  const r = spawnSync(process.execPath, [cli, 'train', '--hidden', '32', '--epochs', '3', '--out', file], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.is(r.status, 0, `ffnn train exited ${r.status}: ${r.stderr}`);
  await page.setInputFiles('#load', file);
  await modelLoaded(page, 'cli.ffnn');
  await page.waitForFunction(() => document.getElementById('accuracy')!.dataset.value !== '', null, WAIT);
  assert.match((await page.textContent('#model-info')) ?? '', /^784-32-10 /);
  const acc = await accuracy(page);
  console.log(`# the CLI's 784-32-10, 3 epochs, on the page's 1000 test digits: ${(100 * acc).toFixed(1)}%`);
  assert.ok(acc > 0.85, String(acc));
  await drawOne(page);
  const { probs, input } = await readProbs(page);
  assertClose(probsHere(file, input!), probs!, PROB_TOL, 'the CLI model on the page vs here');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.ok(existsSync(SCREENSHOT));
});

test('from file://: the classic script runs and the Blob-URL workers train (here with lbfgs) and draw', async () => {
  const p = await page.context().newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(pathToFileURL(join(SITE, 'index.html')).href);
  assert.is(await waitState(p, ['ready', 'error']), 'ready', (await p.textContent('#status')) ?? '');
  await p.selectOption('#depth', '1');
  await p.fill('#width-0', '16');
  await p.selectOption('#solver', 'lbfgs');
  await setEpochs(p, 3);
  await p.click('#start');
  assert.is(await waitState(p, ['done', 'error']), 'done', (await p.textContent('#status')) ?? '');
  assert.is(await p.getAttribute('#epoch', 'data-final'), '3');
  await p.waitForFunction(() => document.getElementById('gradient-hist')!.dataset.epoch === '3', null, WAIT);
  assert.match((await p.textContent('#model-info')) ?? '', /^784-16-10 /);
  for (const id of ['#loss-chart', '#weight-hist', '#gradient-hist', '#network']) assert.match(await p.innerHTML(id), /<svg/, id);
  assert.equal(errors, []);
  await p.close();
});

test('a bad option is reported by name, and the page had no uncaught error', async () => {
  await page.fill('#learningRateInit', '-1');
  await setEpochs(page, 1);
  await page.click('#start');
  assert.is(await waitState(page, ['done', 'error']), 'error');
  assert.match((await page.textContent('#status')) ?? '', /INVALID_PARAM.*learningRateInit/);
  assert.equal(pageErrors, []);
});

test.run();
