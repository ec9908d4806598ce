/**
 * The messages between fitInWorker (the calling thread) and worker-main.ts (the worker). Only
 * structured-cloneable values cross: typed arrays (transferred where the caller allows), plain
 * arrays and objects, strings and numbers. Functions cannot, which is why the option callbacks
 * are handled on the calling side (see fit-in-worker.ts).
 */
import type { ProgressReport } from '../async-fit.ts';
import type { FfnnErrorCode } from '../errors.ts';
import type { FFNNOptions, FfnnWarning } from '../options.ts';

/** Which estimator a worker fits. */
export type EstimatorKind = 'classifier' | 'regressor';

/** A feature matrix as it crosses: always a typed array by then (fit-in-worker converts the rest). */
export interface WireMatrix {
  rows: number;
  cols: number;
  data: Float64Array | Float32Array;
}

/** The one job a worker runs. */
export interface StartMessage {
  type: 'start';
  kind: EstimatorKind;
  /** The options without their callbacks (onWarning and log are replaced by messages). */
  options: Partial<FFNNOptions>;
  X: WireMatrix;
  y: unknown;
  fitOptions: {
    validationData?: { X: unknown; y: unknown };
    featureNames?: readonly string[];
    sampleWeight?: ArrayLike<number> | null;
  };
  /** Least milliseconds between two mid-epoch progress messages (the last batch of an epoch is always sent). */
  progressEveryMs: number;
  /** Whether to send progress at all (no onProgress: no messages). */
  progress: boolean;
  /** The caller's signal was already aborted: the worker's own starts aborted (as fitAsync would). */
  aborted: boolean;
}

export interface AbortMessage {
  type: 'abort';
}

export type ToWorker = StartMessage | AbortMessage;

export type ProgressMessage = { type: 'progress' } & ProgressReport;

/** Training finished: the fitted model as binary model-file bytes (io/model-file.ts). */
export interface DoneMessage {
  type: 'done';
  model: Uint8Array;
}

/** Training failed: the FfnnError's code, message and details; with ABORTED, the model at its last completed epoch. */
export interface ErrorMessage {
  type: 'error';
  code: FfnnErrorCode | null;
  name: string;
  message: string;
  details: Record<string, unknown>;
  model: Uint8Array | null;
}

export type FromWorker = ProgressMessage | DoneMessage | ErrorMessage | { type: 'warning'; warning: FfnnWarning } | { type: 'log'; line: string };
