/**
 * The benchmarks' pure parts (arithmetic, table, report shape, gemm shapes, .npy) and a smoke run
 * of the runner: a small net on 120 tiny rows, in-process and as a child process, plus
 * scikit-learn on the same rows when the parity venv exists. Speed is never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFfnn } from '../src/ffnn-run.ts';
import { hasVenv, kernelWarnings } from '../src/machine.ts';
import { readNpy, writeNpy } from '../src/npy.ts';
import {
  addRatios,
  buildOptions,
  countWeights,
  fmt,
  formatTable,
  formatTrainTable,
  gemmCases,
  gemmGflops,
  layerSizes,
  median,
  type RunOutput,
  type RunSpec,
  reportProblems,
  secondsPerEpoch,
  summarize,
  trainGflops,
} from '../src/report.ts';
import { runChild } from '../src/train-bench.ts';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('weights and GFLOP/s arithmetic', () => {
  assert.equal(layerSizes('small', 784, 10), [784, 32, 24, 16, 10]);
  assert.is(countWeights([784, 32, 24, 16, 10]), 784 * 32 + 32 * 24 + 24 * 16 + 16 * 10);
  assert.is(countWeights(layerSizes('medium', 784, 10)), 109184);
  assert.is(countWeights(layerSizes('large', 784, 10)), 535040);
  // 6 flops per sample and weight: 8,000 samples x 109,184 weights in 1 s = 5.24 GFLOP/s
  close(trainGflops(8000, 109184, 1), 5.240832);
  close(trainGflops(8000, 109184, 0.5), 10.481664);
  close(gemmGflops(1024, 1024, 1024, 1), 2.147483648);
});

test('median and seconds per epoch skip the warm-up epoch', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(secondsPerEpoch([10, 1, 3, 2]), 2);
  assert.throws(() => secondsPerEpoch([1]), /at least 2 epochs/);
});

test('both sides get the same options; sgd has no momentum', () => {
  const o = buildOptions('small', 'sgd', 5);
  assert.is(o.activation, 'logistic');
  assert.is(o.momentum, 0);
  assert.is(o.batchSize, 200);
  assert.is(o.maxIter, 5);
  assert.ok((o.nIterNoChange as number) > 5);
  assert.is(o.tol, 0);
  assert.is(buildOptions('large', 'adam', 4).solver, 'adam');
});

test('number formatting and the text table', () => {
  assert.is(fmt(0.012345), '0.0123');
  assert.is(fmt(1.5), '1.50');
  assert.is(fmt(123456.7), '123,457');
  assert.is(fmt(null), '-');
  const t = formatTable(
    ['a', 'bb'],
    [
      ['x', '1'],
      ['yyy', '22'],
    ],
  ).split('\n');
  assert.equal(t, ['a    bb', '---  --', 'x     1', 'yyy  22']);
});

const fakeOut = (s: number, threads = 1): RunOutput => ({
  epochSeconds: [9, s, s, s],
  lossCurve: [1, 0.5, 0.4, 0.3],
  accuracy: 0.9,
  maxRssKiB: 204800,
  blas: 'x',
  threads,
});

test('ratios to scikit-learn pair runs by net, solver and thread count; the report shape checks', () => {
  const sizes = layerSizes('medium', 784, 10);
  const rs = [
    summarize({ net: 'medium', solver: 'sgd', run: 'js' }, sizes, 8000, 2000, fakeOut(2)),
    summarize({ net: 'medium', solver: 'sgd', run: 'native64' }, sizes, 8000, 2000, fakeOut(0.5, 2)),
    summarize({ net: 'medium', solver: 'sgd', run: 'sklearn' }, sizes, 8000, 2000, fakeOut(1)),
    summarize({ net: 'medium', solver: 'sgd', run: 'sklearn' }, sizes, 8000, 2000, fakeOut(0.25, 2)),
  ];
  addRatios(rs);
  assert.equal(
    rs.map((r) => r.ratioToSklearn),
    [2, 2, 1, 1],
  );
  assert.is(rs[0].samplesPerSecond, 4000);
  close(rs[0].gflops, trainGflops(8000, 109184, 2));
  const table = formatTrainTable(rs);
  assert.match(table, /784-128-64-10 relu\s+sgd\s+ffnn js f64\s+1\s+2\.00\s+4,000/);
  assert.match(table, /200\s+2\.00x/);
  const report = {
    kind: 'train',
    dataset: { name: 'mnist', source: 's', trainSamples: 8000, testSamples: 2000, features: 784, classes: 10 },
    createdAt: new Date().toISOString(),
    settings: { epochs: 4, warmupEpochs: 1, threads: [1, 2] },
    machine: { cpu: 'cpu', cores: 2 },
    results: JSON.parse(JSON.stringify(rs)),
  };
  assert.equal(reportProblems(report), []);
  report.results[0].gflops = null;
  assert.equal(reportProblems(report), ['results[0].gflops: expected a finite number, got null']);
  assert.ok(reportProblems({ kind: 'gemm' }).length > 0);
});

test('gemm shapes: three products per distinct layer, the input layer delta flagged', () => {
  const cases = gemmCases();
  assert.is(cases.length, 10 * 3 + 1);
  const back = cases.filter((c) => c.kind === 'back D*W^T' && !c.inTraining).map((c) => c.layer);
  assert.equal(back, ['784x32', '784x128', '784x512']);
  const g = cases.find((c) => c.kind === 'grad A^T*D' && c.layer === '512x256')!;
  assert.equal([g.m, g.n, g.k, g.ta, g.tb], [512, 256, 200, true, false]);
  assert.equal(cases[cases.length - 1].m, 1024);
});

function tinyData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-bench-test-'));
  const n = 120;
  const f = 12;
  const X = new Float64Array(n * f);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < f; j++) X[i * f + j] = ((i * 7 + j * 13) % 17) / 17 + (j % 3 === y[i] ? 0.5 : 0);
  }
  writeNpy(join(dir, 'x_train.npy'), X.subarray(0, 90 * f), [90, f]);
  writeNpy(join(dir, 'y_train.npy'), y.subarray(0, 90), [90]);
  writeNpy(join(dir, 'x_test.npy'), X.subarray(90 * f), [30, f]);
  writeNpy(join(dir, 'y_test.npy'), y.subarray(90), [30]);
  return dir;
}

test('.npy round trip, float64 to float32 on the way', () => {
  const dir = tinyData();
  try {
    const x = readNpy(join(dir, 'x_train.npy'), Float64Array);
    assert.equal(x.shape, [90, 12]);
    const x32 = readNpy(join(dir, 'x_train.npy'), Float32Array);
    assert.ok(x32.data instanceof Float32Array);
    close(x32.data[5], x.data[5], 1e-7);
    assert.equal(Array.from(readNpy(join(dir, 'y_test.npy'), Int32Array).data.slice(0, 4)), [0, 1, 2, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('smoke: the runner trains a small net in-process and in a child process; sklearn agrees', async () => {
  const dir = tinyData();
  try {
    const options = { ...buildOptions('medium', 'adam', 2), hiddenLayerSizes: [8], batchSize: 30 };
    const spec: RunSpec = { net: 'medium', solver: 'adam', run: 'js', threads: 1, epochs: 2, dataDir: dir, options };
    const inProcess = runFfnn(spec);
    assert.is(inProcess.epochSeconds.length, 2);
    assert.ok(inProcess.accuracy >= 0 && inProcess.accuracy <= 1);
    assert.ok(inProcess.maxRssKiB > 0);
    const child = await runChild(spec);
    assert.equal(child.lossCurve, inProcess.lossCurve);
    if (hasVenv()) {
      const sk = await runChild({ ...spec, run: 'sklearn' });
      assert.is(sk.epochSeconds.length, 2);
      sk.lossCurve.forEach((l, i) => close(l, inProcess.lossCurve[i], 1e-9));
      assert.is(sk.accuracy, inProcess.accuracy);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("kernelWarnings: a generic kernel on either side is named, the CPU's own kernels are not", () => {
  const machine = (isa: string, detected: string, core: string | null) => ({
    blas: {
      native: { gemmKernel: { isa, detected, description: `${isa}: ...` } },
      numpy: { library: 'openblas', version: '0.3.21', architecture: core },
    },
  });
  assert.equal(kernelWarnings(machine('avx2-fma', 'avx2-fma', 'Haswell')), []);
  assert.equal(kernelWarnings(machine('avx512', 'avx512', 'SkylakeX')), []);
  const prescott = kernelWarnings(machine('avx2-fma', 'avx2-fma', 'Prescott'));
  assert.is(prescott.length, 1);
  assert.match(prescott[0], /numpy's openblas 0\.3\.21 runs a generic kernel \(core Prescott\)/);
  const forced = kernelWarnings(machine('sse2', 'avx2-fma', 'Zen'));
  assert.is(forced.length, 1);
  assert.match(forced[0], /native gemm runs a generic kernel \(sse2, forced; this CPU has avx2-fma\)/);
  // an SSE2-only CPU: generic for this CPU's class, still named so no one reads it as AVX figures
  assert.is(kernelWarnings(machine('sse2', 'sse2', null)).length, 2);
});

test.run();
