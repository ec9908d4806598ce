/**
 * @ffnn/core: the public API, environment-neutral (Node, Bun, Deno and browsers): nothing here
 * imports node:. Paths, file readers and worker threads are @ffnn/core/node.
 *
 * @module @ffnn/core
 */

export { ACTIVATION_ALIASES, ACTIVATIONS } from './activations.ts';
export { type AnyModel, anyModelFromBytes, anyModelFromJSON } from './any-model.ts';
export type { DriveOptions } from './async-fit.ts';
export type { ActivationName, Backend, DType, FloatArray } from './backend/backend.ts';
export { jsBackend } from './backend/js.ts';
export { selectBackend } from './backend/select.ts';
export { loadWasmBackend, type WasmLoad } from './backend/wasm.ts';
export { type AsyncFitOptions, FFNNClassifier, type FitOptions, type HistoryEntry, modelFromJSON, type TrainingProgress } from './classifier.ts';
export { DECIMAL_HINT, parseDecimal } from './data/decimal.ts';
export { FfnnError, type FfnnErrorCode } from './errors.ts';
export type { StreamBatch, StreamEpoch, StreamFitOptions, StreamProgress, StreamSource } from './estimator/stream-fit.ts';
export { checkFeatureNames, columnOrder, reorderColumns } from './feature-names.ts';
export { INIT_METHODS, type InitMethodName, type InitSpec } from './init.ts';
export { MODEL_FORMAT, MODEL_VERSION, type ModelJson, modelToJSON } from './io/model-json.ts';
export { exportOnnx, ONNX_OPSET, ONNX_REGRESSION_OUTPUT, type OnnxExportOptions } from './io/onnx.ts';
export { type Label, MAX_CLASSES, type TargetInput, type TargetKind } from './labels.ts';
export { LOSS_ALIASES, LOSSES, type LossName } from './losses.ts';
export { MAX_MATRIX_VALUES, type Matrix, type MatrixInput, type ObjectRows, toArrays, toMatrix } from './matrix.ts';
export type { ActivationOption, BackendOption, EpochMetrics, FFNNOptions, FfnnWarning, HistoryOptions } from './options.ts';
export { defaultOptions, OPTION_NAMES, OPTIONS } from './options.ts';
export { RandomState } from './random.ts';
export { r2Score } from './regression-targets.ts';
export { FFNNRegressor } from './regressor.ts';
export { VERSION } from './version.ts';
