/**
 * bench:browser in a tiny mode (2 epochs, the first a warm-up, on 500 digits): the whole bench
 * runs (Node children, the page bundle, the local server, headless Chromium) and its JSON report has
 * every row with positive finite times and test accuracy above chance, plus the pure parts (the
 * digits' packing, the ratios). Speed is never asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNativeBackend } from '@ffnn/core/backend';
import { CHROMIUM } from '@ffnn/test-browser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aimRatios, type BrowserReport, type BrowserResult, formatBrowserTable, loadDigits } from '../src/browser-bench.ts';
import { decodePixels, ffnnOptions, packDigits, unpackDigits } from '../src/browser-runs.ts';
import { HERE, ROOT } from '../src/machine.ts';

test('the digits travel as pixels x 1000 and decode to the values the mnist package holds', () => {
  const d = loadDigits(50, 20);
  const back = unpackDigits(packDigits(d));
  assert.equal([back.trainRows, back.testRows, back.cols], [50, 20, 784]);
  assert.equal(Array.from(back.yTest), Array.from(d.yTest));
  const x64 = decodePixels(back.xTrain, 'float64');
  assert.ok(x64.every((v) => v >= 0 && v <= 1));
  // 0.149 parsed from JSON and 149 / 1000 are the same double
  assert.is(decodePixels(Uint16Array.of(149), 'float64')[0], 0.149);
  assert.is(decodePixels(Uint16Array.of(149), 'float32')[0], Math.fround(0.149));
  const o = ffnnOptions(3);
  assert.equal([o.solver, o.momentum, o.batchSize, o.alpha, o.maxIter], ['sgd', 0, 200, 0, 3]);
});

const row = (where: 'node' | 'chromium', run: BrowserResult['run'], s: number): BrowserResult =>
  ({ where, run, label: run, threads: 1, secondsPerEpoch: s, accuracy: 0.9, lossCurve: [0.3] }) as BrowserResult;

test("the aims' ratios: tfjs over ffnn wasm f32 in each place, wasm over native (Node's, 1 thread)", () => {
  const r = aimRatios([
    row('node', 'wasm32', 1),
    row('node', 'native32', 0.25),
    row('node', 'tfjs', 4),
    row('chromium', 'wasm32', 2),
    row('chromium', 'tfjs', 4),
  ]);
  assert.equal(
    r.map((x) => [x.where, x.value, x.met]),
    [
      ['node', 4, true],
      ['node', 4, false],
      ['chromium', 2, false],
      ['chromium', 8, false],
    ],
  );
  assert.match(formatBrowserTable([row('node', 'wasm32', 1), row('node', 'tfjs', 4)]), /tfjs\s+1\s+4\.00.*4\.00x/);
});

test('tiny run: every row in Node and in headless Chromium, positive finite times, accuracy above chance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-bench-browser-test-'));
  const out = join(dir, 'report.json');
  try {
    const r = spawnSync(
      'node',
      ['--conditions=@ffnn/source', '--import', 'tsx', join(HERE, 'browser-bench.ts'), '--train', '500', '--test', '200', '--epochs', '2', '--out', out],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    assert.is(r.status, 0, `exit ${r.status}, chromium at ${CHROMIUM}:\n${r.stdout}\n${r.stderr}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BrowserReport;
    assert.is(report.kind, 'browser');
    assert.equal(report.failures, []);
    assert.is(report.dataset.trainSamples, 500);
    const expected = [
      ...['wasm32', 'wasm64', 'js32', 'js64', 'tfjs'].map((run) => `node ${run}`),
      ...(loadNativeBackend().addon ? ['node native32', 'node native64'] : []),
      ...['wasm32', 'wasm64', 'js32', 'js64', 'tfjs', 'tfjsMt'].map((run) => `chromium ${run}`),
    ];
    assert.equal(report.results.map((x) => `${x.where} ${x.run}`).sort(), expected.sort());
    for (const x of report.results) {
      const name = `${x.where} ${x.label}`;
      assert.is(x.epochSeconds.length, 2, name);
      for (const s of [...x.epochSeconds, x.secondsPerEpoch]) assert.ok(Number.isFinite(s) && s > 0, `${name}: ${s} s`);
      assert.ok(x.accuracy > 0.1 && x.accuracy <= 1, `${name}: accuracy ${x.accuracy} is not above chance (0.1)`);
      assert.ok(x.lossCurve.every(Number.isFinite), name);
      assert.ok(x.threads >= 1 && x.kernel.length > 0, name);
      // CPU seconds: Node's process (microseconds), Chromium's renderer from /proc (10 ms ticks: a tiny epoch may read 0)
      const cpu = x.cpuSecondsPerEpoch;
      if (x.where === 'node') assert.ok(typeof cpu === 'number' && cpu > 0 && Number.isFinite(cpu), `${name}: cpu ${cpu}`);
      else assert.ok(cpu === null || (Number.isFinite(cpu) && cpu >= 0), `${name}: cpu ${cpu}`);
    }
    assert.is(report.machine.crossOriginIsolated, true);
    const tfjs = report.results.find((x) => x.where === 'chromium' && x.run === 'tfjsMt');
    assert.is(tfjs?.tfjs?.build, 'tfjs-backend-wasm-threaded-simd.wasm');
    assert.ok(report.ratios.length >= 3);
    assert.match(r.stdout, /^machine: .+ cores/m);
    assert.match(r.stdout, /aim: tfjs wasm f32 \(1 thr\) \/ ffnn wasm f32 = [\d.]+ on cpu s\/epoch/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
