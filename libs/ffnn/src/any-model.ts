/**
 * Loading a model file whose kind is not known in advance: the file's target says which
 * estimator wrote it ('continuous' is a regressor, anything else a classifier), and each class's
 * own loader refuses the other kind, so this is the one place that picks. For tools (the CLI)
 * that take any model file; code that knows what it saved calls FFNNClassifier.fromBytes or
 * FFNNRegressor.fromBytes (from a path: @ffnn/core/node's loadAnyModel, loadClassifier, loadRegressor).
 */
import { FFNNClassifier } from './classifier.ts';
import { modelFromAnyBytes } from './io/model-file.ts';
import { readModelJson } from './io/model-json.ts';
import type { RestoredModel } from './io/model-spec.ts';
import { FFNNRegressor } from './regressor.ts';

/** Either estimator (what a model file may hold). */
export type AnyModel = FFNNClassifier | FFNNRegressor;

/** Which estimator a restored file belongs to. */
export const estimatorKind = (restored: RestoredModel): 'classifier' | 'regressor' =>
  restored.fitted.encoding.kind === 'continuous' ? 'regressor' : 'classifier';

/** A classifier or a regressor from model-file bytes (binary or JSON text). */
export function anyModelFromBytes(bytes: Uint8Array): AnyModel {
  return estimatorKind(modelFromAnyBytes(bytes)) === 'regressor' ? FFNNRegressor.fromBytes(bytes) : FFNNClassifier.fromBytes(bytes);
}

/** A classifier or a regressor from a parsed JSON model document. */
export function anyModelFromJSON(json: unknown): AnyModel {
  return estimatorKind(readModelJson(json)) === 'regressor' ? FFNNRegressor.fromJSON(json) : FFNNClassifier.fromJSON(json);
}
