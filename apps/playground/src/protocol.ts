/**
 * Messages between the page and its two workers. Everything is structured-cloneable: options are
 * plain data (no functions), weights travel as model-file bytes (toBytes), gradients and pixels as
 * typed arrays.
 *
 *   training worker (worker.ts)   trains, scores models on the test digits
 *   view worker (view-worker.ts)  holds the current model: renders the charts, predicts drawings
 */
import type { FFNNOptions } from '@ffnn/core';
import type { Charts } from './charts.ts';

/** The options the form produces: plain data only (the worker adds its callbacks). */
export type TrainOptions = Partial<Omit<FFNNOptions, 'onEpoch' | 'onWarning' | 'log'>>;

/** Page -> training worker. */
export type ToWorker =
  /** Train a new model from scratch on the bundled digits. */
  | { type: 'train'; options: TrainOptions }
  /** Stop training at the end of the current batch; the model keeps its last completed epoch. */
  | { type: 'stop' }
  /** Score a model (model-file bytes) on the bundled test digits. */
  | { type: 'evaluate'; id: number; bytes: Uint8Array };

/** Training worker -> page. */
export type FromWorker =
  | {
      type: 'ready';
      /** The kernels 'auto' picks in the worker: 'wasm' when loadWasmBackend succeeded, else 'js'. */
      backend: string;
      /** Why wasm did not load (null when it did). */
      wasmReason: string | null;
      counts: { train: number; validation: number; test: number };
    }
  | { type: 'progress'; epoch: number; maxIter: number; batch: number; batches: number; loss: number }
  | {
      type: 'epoch';
      epoch: number;
      maxIter: number;
      loss: number;
      validationLoss: number | null;
      testAccuracy: number;
      seconds: number;
      backend: string;
      /** The model after this epoch (model-file bytes). */
      bytes: Uint8Array;
      /** Weight gradients of the epoch's last batch, one per layer (the coefs' layout). */
      gradients: Float64Array[];
    }
  | { type: 'done'; stopped: boolean; epochs: number; testAccuracy: number | null; bytes: Uint8Array | null; warnings: string[] }
  | { type: 'evaluated'; id: number; testAccuracy: number | null; error: string | null }
  | { type: 'error'; message: string; code: string | null };

/** Page -> view worker. */
export type ToView =
  | {
      type: 'model';
      /** The page's number for this model; answers carry it. */
      id: number;
      name: string;
      bytes: Uint8Array;
      /** The curves and gradients of a run on this page; null for a file (its own curves are used). */
      run: { epoch: number; loss: number[]; validationLoss: (number | null)[]; gradients: Float64Array[] } | null;
    }
  | { type: 'predict'; id: number; pixels: Float64Array };

/** View worker -> page. */
export type FromView =
  | { type: 'model'; id: number; name: string; summary: string; epochs: number }
  | { type: 'model-error'; id: number; name: string; message: string }
  | { type: 'charts'; id: number; epoch: number; charts: Charts }
  | { type: 'probs'; id: number; model: number; classes: string[]; probs: number[] }
  | { type: 'error'; message: string };
