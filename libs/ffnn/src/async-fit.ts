/**
 * Drivers for the training generator (FFNNClassifier's `train`), which yields after every batch.
 * driveSync runs it to the end in one go (fit); driveAsync hands control back to the event loop
 * every `yieldEveryMs` so timers, I/O and a page's rendering keep running (fitAsync), and stops it
 * at the end of the current batch when `signal` aborts. Both run exactly the same steps, so they
 * give the same numbers.
 */

import { FfnnError } from './errors.ts';
import type { TrainingProgress, TrainingSteps } from './estimator/training-loop.ts';

/** What onProgress receives: where training is, and its speed so far. */
export type ProgressReport = TrainingProgress & { samplesPerSecond: number };

/** How fitAsync runs: an AbortSignal, a progress callback after every batch, how often it yields to the event loop. */
export interface DriveOptions {
  /** Aborting it stops training at the end of the current batch (the promise rejects with ABORTED). */
  signal?: AbortSignal;
  /** Called after every batch with where training is and its speed. */
  onProgress?: (progress: ProgressReport) => void;
  /** Most milliseconds of training between two returns to the event loop (default 10). */
  yieldEveryMs?: number;
}

export function driveSync(steps: TrainingSteps): void {
  while (!steps.next().done) {
    /* every batch runs; nothing stops a synchronous fit but onEpoch returning false */
  }
}

/** A macrotask boundary: setImmediate where it exists (Node, Bun, Deno), else a zero timeout. */
const nextTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

export async function driveAsync(steps: TrainingSteps, options: DriveOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const budget = options.yieldEveryMs ?? 10;
  if (!(typeof budget === 'number' && budget >= 0 && Number.isFinite(budget))) {
    throw new FfnnError('INVALID_PARAM', `yieldEveryMs: expected a finite number of milliseconds >= 0, got ${budget}`, { param: 'yieldEveryMs' });
  }
  const aborted = () => signal?.aborted === true;
  const started = performance.now();
  let samplesBefore = 0;
  let lastEpoch = 0;
  let sliceStart = performance.now();
  let stop = aborted();
  for (;;) {
    const step = steps.next(stop);
    if (step.done) return;
    const p = step.value;
    if (onProgress) {
      if (p.epoch !== lastEpoch) {
        samplesBefore += lastEpoch === 0 ? 0 : p.nTrain;
        lastEpoch = p.epoch;
      }
      const seconds = (performance.now() - started) / 1000;
      onProgress({ ...p, samplesPerSecond: seconds > 0 ? (samplesBefore + p.samples) / seconds : 0 });
    }
    if (performance.now() - sliceStart >= budget) {
      await nextTurn();
      sliceStart = performance.now();
    }
    stop = aborted();
  }
}
