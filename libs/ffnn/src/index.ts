/**
 * @ffnn/core: the public API, environment-neutral (Node, Bun, Deno and browsers): nothing here
 * imports node:. Paths, file readers and worker threads are @ffnn/core/node.
 *
 * @module @ffnn/core
 */
export { FFNNClassifier, modelFromJSON, type FitOptions, type AsyncFitOptions, type TrainingProgress, type HistoryEntry } from './classifier.ts';
export { FFNNRegressor } from './regressor.ts';
export type { DriveOptions } from './async-fit.ts';
export type { StreamBatch, StreamSource, StreamFitOptions, StreamProgress, StreamEpoch } from './estimator/stream-fit.ts';
export type { FFNNOptions, EpochMetrics, FfnnWarning, HistoryOptions, ActivationOption, BackendOption } from './options.ts';
export { OPTIONS, OPTION_NAMES, defaultOptions } from './options.ts';
export { FfnnError, type FfnnErrorCode } from './errors.ts';
export { RandomState } from './random.ts';
export { ACTIVATIONS, ACTIVATION_ALIASES } from './activations.ts';
export { LOSSES, LOSS_ALIASES, type LossName } from './losses.ts';
export { INIT_METHODS, type InitSpec, type InitMethodName } from './init.ts';
export type { Backend, FloatArray, DType, ActivationName } from './backend/backend.ts';
export { jsBackend } from './backend/js.ts';
export { selectBackend } from './backend/select.ts';
export { loadWasmBackend, type WasmLoad } from './backend/wasm.ts';
export { type Matrix, type MatrixInput, type ObjectRows, toMatrix, toArrays, MAX_MATRIX_VALUES } from './matrix.ts';
export { type Label, type TargetInput, type TargetKind, MAX_CLASSES } from './labels.ts';
export { parseDecimal, DECIMAL_HINT } from './data/decimal.ts';
export { type ModelJson, MODEL_FORMAT, MODEL_VERSION, modelToJSON } from './io/model-json.ts';
export { exportOnnx, ONNX_REGRESSION_OUTPUT, ONNX_OPSET, type OnnxExportOptions } from './io/onnx.ts';
export { checkFeatureNames, columnOrder, reorderColumns } from './feature-names.ts';
export { VERSION } from './version.ts';
export { type AnyModel, anyModelFromBytes, anyModelFromJSON } from './any-model.ts';
export { r2Score } from './regression-targets.ts';
