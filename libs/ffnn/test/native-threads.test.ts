/**
 * The native kernels' threads under concurrent callers: two JS worker threads running large
 * products at once on the addon (one holds the kernel threads, the other runs its parts on its own
 * thread, spin_pool.rs) get the same numbers as one caller alone, bit for bit (a product's
 * arithmetic does not depend on how it was split).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadNativeBackend } from '../src/backend/native.ts';

const native = loadNativeBackend();
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.addonPath);
const { m, n, k, seed, reps } = workerData;
let s = seed;
const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5);
const a = Float64Array.from({ length: m * k }, rnd);
const b = Float64Array.from({ length: k * n }, rnd);
const c = new Float64Array(m * n);
let sum = 0;
for (let r = 0; r < reps; r++) { addon.gemmF64(false, false, m, n, k, 1, a, b, 0, c); sum += c[(r * 7919) % c.length]; }
parentPort.postMessage({ c, sum });
`;

function runWorker(addonPath: string, seed: number): Promise<{ c: Float64Array; sum: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { eval: true, workerData: { addonPath, m: 200, n: 512, k: 784, seed, reps: 40 } });
    w.once('message', (msg) => {
      resolve(msg);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

test('two worker threads multiplying at once get the numbers one caller alone gets', async () => {
  assert.ok(native.addon, `the native addon must load for this test: ${native.reason}`);
  const addonPath = createRequire(import.meta.url).resolve('@ffnn/native');
  const alone = [await runWorker(addonPath, 1), await runWorker(addonPath, 2)];
  const together = await Promise.all([runWorker(addonPath, 1), runWorker(addonPath, 2)]);
  for (let i = 0; i < 2; i++) {
    assert.is(together[i].sum, alone[i].sum, `worker ${i}: sampled values`);
    assert.ok(
      together[i].c.every((x, j) => Object.is(x, alone[i].c[j])),
      `worker ${i}: every value equal`,
    );
  }
});

test.run();
