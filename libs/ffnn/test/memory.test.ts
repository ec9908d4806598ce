/**
 * A long run keeps its memory flat: 200 epochs of a small net on a few hundred digits allocate
 * nothing per batch (the network's buffers are preallocated), so resident memory at the end is
 * about what it was after the first epoch. The figures are printed; only a generous bound is
 * asserted (garbage collectors differ by runtime and RSS is noisy).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadMnist } from '../src/data/index.ts';
import { FFNNClassifier } from '../src/index.ts';

const EPOCHS = 200;
const mb = (v: number) => (v / 2 ** 20).toFixed(1);
const gc = () => (globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } }).Bun?.gc(true) ?? (globalThis as { gc?: () => void }).gc?.();

for (const backend of ['js', 'auto'] as const)
  test(`${EPOCHS} epochs on 400 digits (backend ${backend}): resident memory stays flat`, () => {
    const { train } = loadMnist({ trainSize: 400, testSize: 0, seed: 0 });
    const rss: number[] = [];
    const heap: number[] = [];
    const started = performance.now();
    const clf = new FFNNClassifier({
      hiddenLayerSizes: [32],
      solver: 'sgd',
      learningRateInit: 0.05,
      momentum: 0.9,
      batchSize: 50,
      maxIter: EPOCHS,
      nIterNoChange: Infinity, // run every epoch
      randomState: 0,
      backend,
      onWarning: () => {},
      onEpoch: (m) => {
        if (m.epoch === 1 || m.epoch === EPOCHS) gc();
        const u = process.memoryUsage();
        rss.push(u.rss);
        heap.push(u.heapUsed);
      },
    });
    clf.fit({ rows: train.rows, cols: train.cols, data: train.X }, train.y);
    const seconds = (performance.now() - started) / 1000;
    assert.is(clf.nIter, EPOCHS);
    const [start, end] = [rss[0], rss[EPOCHS - 1]];
    const peak = Math.max(...rss);
    console.log(
      `  memory: backend ${clf.backendName}, ${EPOCHS} epochs (784-32-10, 400 digits) in ${seconds.toFixed(1)} s; RSS after epoch 1 ${mb(start)} MB, after epoch ${EPOCHS} ${mb(end)} MB (peak ${mb(peak)} MB); heap ${mb(heap[0])} -> ${mb(heap[EPOCHS - 1])} MB`,
    );
    assert.ok(end - start < 64 * 2 ** 20, `RSS grew by ${mb(end - start)} MB over ${EPOCHS} epochs`);
    assert.ok(clf.lossCurve[EPOCHS - 1] < clf.lossCurve[0], 'it learned something');
  });

test.run();
