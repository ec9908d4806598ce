/**
 * Messages between the page and the training worker. Everything is structured-cloneable: options
 * are plain data (no functions), weights travel as model-file bytes (toBytes), gradients as typed
 * arrays.
 */
import type { FFNNOptions } from '@ffnn/core';

/** The options the form produces: plain data only (the worker adds its callbacks). */
export type TrainOptions = Partial<Omit<FFNNOptions, 'onEpoch' | 'onWarning' | 'log'>>;

/** Page -> worker. */
export type ToWorker =
  /** Train a new model from scratch on the bundled digits. */
  | { type: 'train'; options: TrainOptions }
  /** Stop training at the end of the current batch; the model keeps its last completed epoch. */
  | { type: 'stop' }
  /** Score a model (model-file bytes) on the bundled test digits. */
  | { type: 'evaluate'; id: number; bytes: Uint8Array };

/** Worker -> page. */
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
