/**
 * The worker's side of fitInWorker (fit-in-worker.ts): takes one StartMessage, trains with
 * fitAsync (the same steps in the same order as fit, so the same numbers), streams progress,
 * warnings and log lines, and answers with the fitted model as binary model-file bytes, or with
 * the error. It runs one job; the calling side terminates the worker afterwards.
 *
 * fitAsync (not fit) so the worker's event loop turns between batches: that is how an 'abort'
 * message gets in while training runs.
 */

import type { ProgressReport } from '../async-fit.ts';
import { FFNNClassifier } from '../classifier.ts';
import { FfnnError } from '../errors.ts';
import type { FfnnWarning } from '../options.ts';
import { FFNNRegressor } from '../regressor.ts';
import type { FromWorker, StartMessage, ToWorker } from './protocol.ts';

// loaded here, not at the top of a shared module: only a worker_threads worker runs this file
const { parentPort } = await import('node:worker_threads');
if (!parentPort) throw new Error('ffnn worker-main runs only as a worker started by fitInWorker');
const port = parentPort;

const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

/** The bytes' buffer, when the bytes are all of it (a view into a larger or pooled buffer is copied instead). */
const ownBuffer = (bytes: Uint8Array): ArrayBuffer[] =>
  bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? [bytes.buffer] : [];

/** Details that survive structured cloning (an FfnnError's details are plain values, but be sure). */
function cloneable(details: unknown): Record<string, unknown> {
  try {
    return structuredClone(details ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const controller = new AbortController();
let started = false;

port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') controller.abort();
  else if (message.type === 'start' && !started) {
    started = true;
    void run(message);
  }
});

/** Mid-epoch progress at most every `everyMs`; an epoch's last batch always (callers wait on epoch ends). */
function progressSender(everyMs: number) {
  let last = -Infinity;
  return (p: ProgressReport): void => {
    const now = performance.now();
    if (p.batch !== p.batches && now - last < everyMs) return;
    last = now;
    const { epoch, batch, batches, samples, nTrain, loss, samplesPerSecond } = p;
    send({ type: 'progress', epoch, batch, batches, samples, nTrain, loss, samplesPerSecond });
  };
}

async function run(job: StartMessage): Promise<void> {
  // the callbacks the calling side kept become messages; it runs the caller's own functions
  const options = {
    ...job.options,
    onWarning: (warning: FfnnWarning) => send({ type: 'warning', warning: { code: warning.code, message: warning.message } }),
    log: (line: string) => send({ type: 'log', line }),
  };
  let est: FFNNClassifier | FFNNRegressor | null = null;
  try {
    est = job.kind === 'regressor' ? new FFNNRegressor(options) : new FFNNClassifier(options);
    if (job.aborted) controller.abort();
    await est.fitAsync(
      job.X,
      job.y as never,
      {
        ...job.fitOptions,
        signal: controller.signal,
        onProgress: job.progress ? progressSender(job.progressEveryMs) : undefined,
      } as never,
    );
    const model = est.toBytes();
    send({ type: 'done', model }, ownBuffer(model));
  } catch (err) {
    const e = err as Error;
    const code = err instanceof FfnnError ? err.code : null;
    // fitAsync leaves an aborted model at its last completed epoch: it goes back with the error
    let model: Uint8Array | null = null;
    if (code === 'ABORTED' && est?.isFitted) {
      try {
        model = est.toBytes();
      } catch {
        model = null; // non-finite weights cannot be written; the error still says ABORTED
      }
    }
    const details = err instanceof FfnnError ? cloneable(err.details) : {};
    send({ type: 'error', code, name: e?.name ?? 'Error', message: e?.message ?? String(err), details, model }, model ? ownBuffer(model) : []);
  }
}
