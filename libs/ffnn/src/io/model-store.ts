/**
 * Saving and loading by path, in either format: the extension picks what save writes (`.json`
 * the JSON document, anything else the binary file); the content decides what load reads. Its own
 * module so the two format modules need not import each other.
 */
import { writeFileAtomic } from './atomic.ts';
import { loadModelFile, saveModelFile } from './model-file.ts';
import { modelToJSON } from './model-json.ts';
import { type ModelSource, type RestoredModel, checkFiniteWeights, describeModel } from './model-spec.ts';

/** Saves by extension: `.json` writes the JSON document, anything else the binary format. */
export function saveModel(model: ModelSource, path: string): void {
  if (path.toLowerCase().endsWith('.json')) {
    const json = modelToJSON(model);
    const { coefs, intercepts } = describeModel(model);
    checkFiniteWeights(coefs, intercepts, path);
    writeFileAtomic(path, JSON.stringify(json));
  } else saveModelFile(model, path);
}

/** Loads either format; the content decides, not the extension. */
export function loadModel(path: string): RestoredModel {
  return loadModelFile(path);
}
