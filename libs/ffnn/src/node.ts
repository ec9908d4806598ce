/**
 * @ffnn/core/node: what needs a file system or threads (node:fs, node:worker_threads), for Node,
 * Bun and Deno. The root entry (@ffnn/core) stays environment-neutral: models to and from bytes
 * and JSON, training, inference; this subpath adds paths around them:
 *   saveModel / loadClassifier / loadRegressor / loadAnyModel   model files, written atomically
 *   writeFileAtomic, checkWritable, readInputText                the atomic writer and input checks
 *   readCsvFile, readIdxFile, loadIdxDir, loadMnist, ...          the dataset readers (@ffnn/core/data)
 *   fitInWorker                                                  a fit in a worker thread
 *
 * @module @ffnn/core/node
 */
import { type AnyModel, anyModelFromBytes } from './any-model.ts';
import { FFNNClassifier } from './classifier.ts';
import { loadFromFile, saveModel as saveModelFile } from './io/model-store.ts';
import { FFNNRegressor } from './regressor.ts';

export * from './data/index.ts';
export { checkWritable, removeStaleTemporaries, resolveOutputPath, writeFileAtomic } from './io/atomic.ts';
export { maxModelFileBytes, readModelFile } from './io/model-store.ts';
export { checkInputFile, MAX_TEXT_INPUT_BYTES, readInputText, statRegularFile } from './io/read-file.ts';
export { type EstimatorKind, type FitInWorkerOptions, fitInWorker } from './worker/fit-in-worker.ts';

/**
 * Saves a fitted estimator atomically (temporary file, fsync, rename): `.json` writes the JSON
 * document (version 1), any other extension (`.ffnn`, `.safetensors`, ...) the binary format
 * (version 2). A model with non-finite weights is refused (MODEL_FORMAT) and the file at path is
 * left untouched.
 */
export function saveModel(model: AnyModel, path: string): void {
  saveModelFile(model, path);
}

/** A classifier from a model file in either format (the content decides, not the extension). */
export function loadClassifier(path: string): FFNNClassifier {
  return loadFromFile(path, (bytes) => FFNNClassifier.fromBytes(bytes));
}

/** A regressor from a model file in either format. */
export function loadRegressor(path: string): FFNNRegressor {
  return loadFromFile(path, (bytes) => FFNNRegressor.fromBytes(bytes));
}

/** A classifier or a regressor, whichever the file holds (for tools that take any model file). */
export function loadAnyModel(path: string): AnyModel {
  return loadFromFile(path, anyModelFromBytes);
}
