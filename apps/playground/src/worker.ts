/**
 * The training worker: loads the wasm kernels (falling back to js), decodes the bundled digits,
 * trains with fitAsync (which returns to the event loop every few milliseconds, so a 'stop'
 * message is seen mid-epoch) and posts every epoch's model bytes, losses, test accuracy and last
 * gradients to the page. Training never runs on the page's thread.
 */

import DIGITS_GZ from 'playground:digits';
import { FFNNClassifier, FfnnError, loadWasmBackend } from '@ffnn/core';
import { type Digits, decodeDigits, gunzip } from './digits.ts';
import type { FromWorker, ToWorker, TrainOptions } from './protocol.ts';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

/** Progress messages at most this often (a message per batch would flood the page). */
const PROGRESS_EVERY_MS = 100;

let digits: Digits | null = null;
let running: AbortController | null = null;
const queue: ToWorker[] = [];

const started = (async () => {
  // loadWasmBackend never throws: it reports why wasm did not load, and 'auto' then runs js
  const wasm = await loadWasmBackend();
  digits = decodeDigits(await gunzip(DIGITS_GZ));
  post({
    type: 'ready',
    backend: wasm.backend ? 'wasm' : 'js',
    wasmReason: wasm.reason,
    counts: { train: digits.train.y.length, validation: digits.validation.y.length, test: digits.test.y.length },
  });
})().catch((err) => post({ type: 'error', message: `the worker did not start: ${String(err?.message ?? err)}`, code: null }));

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'stop') {
    running?.abort();
    return;
  }
  queue.push(message);
  void started.then(drain);
};

async function drain(): Promise<void> {
  while (queue.length) {
    const message = queue.shift()!;
    if (message.type === 'train') await train(message.options);
    else if (message.type === 'evaluate') evaluate(message.id, message.bytes);
  }
}

const accuracy = (clf: FFNNClassifier) => clf.score(digits!.test.X, digits!.test.y);

function evaluate(id: number, bytes: Uint8Array): void {
  try {
    post({ type: 'evaluated', id, testAccuracy: accuracy(FFNNClassifier.fromBytes(bytes)), error: null });
  } catch (err) {
    post({ type: 'evaluated', id, testAccuracy: null, error: String((err as Error)?.message ?? err) });
  }
}

async function train(options: TrainOptions): Promise<void> {
  const d = digits!;
  const controller = new AbortController();
  running = controller;
  const warnings: string[] = [];
  const maxIter = options.maxIter ?? 200;
  let lastProgress = 0;
  const clf: FFNNClassifier = new FFNNClassifier({
    ...options,
    // the gradients of each epoch's last batch, for the gradient histograms and drawing
    history: { gradients: true },
    onWarning: (w) => warnings.push(`${w.code}: ${w.message}`),
    onEpoch: (m) => {
      const history = clf.history;
      const gradients = (history.at(-1)?.coefGrads ?? []).map((g) => Float64Array.from(g));
      // only the newest epoch's gradients are needed: drop the rest so a long run does not grow
      history.length = 0;
      const bytes = clf.toBytes();
      post(
        {
          type: 'epoch',
          epoch: m.epoch,
          maxIter,
          loss: m.loss,
          validationLoss: m.validationLoss ?? null,
          testAccuracy: accuracy(clf),
          seconds: m.seconds,
          backend: clf.backendName,
          bytes,
          gradients,
        },
        [bytes.buffer as ArrayBuffer, ...gradients.map((g) => g.buffer as ArrayBuffer)],
      );
    },
  });
  let stopped = false;
  try {
    await clf.fitAsync(d.train.X, d.train.y, {
      validationData: d.validation,
      signal: controller.signal,
      yieldEveryMs: 20,
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        post({ type: 'progress', epoch: p.epoch, maxIter, batch: p.batch, batches: p.batches, loss: p.loss });
      },
    });
  } catch (err) {
    if (err instanceof FfnnError && err.code === 'ABORTED') stopped = true;
    else {
      post({ type: 'error', message: String((err as Error)?.message ?? err), code: err instanceof FfnnError ? err.code : null });
      running = null;
      return;
    }
  }
  running = null;
  // a stop keeps the model at its last completed epoch; stopped during the first: no model
  const fitted = clf.isFitted && clf.nIter > 0;
  const bytes = fitted ? clf.toBytes() : null;
  post(
    { type: 'done', stopped, epochs: fitted ? clf.nIter : 0, testAccuracy: fitted ? accuracy(clf) : null, bytes, warnings },
    bytes ? [bytes.buffer as ArrayBuffer] : [],
  );
}
