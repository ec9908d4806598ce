// Export a fitted model to ONNX and run it in onnxruntime (npm install onnxruntime-node).
//
//   node examples/onnx.mjs [model.onnx]                   (also: bun ...)
//
// The graph is standard ONNX (MatMul, Add, the activations, Softmax, ArgMax): any ONNX runtime
// serves it, in any language. Its input is "X" [N, features]; a classifier's outputs are
// "probabilities" [N, classes] and "label" (the index into the model's classes).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exportOnnx, FFNNClassifier } from '@ffnn/core';
import { readCsvFile } from '@ffnn/core/node';
import * as ort from 'onnxruntime-node';

const [out = 'model.onnx'] = process.argv.slice(2);
const data = readCsvFile(fileURLToPath(new URL('./data/blobs.csv', import.meta.url)), { labelColumn: 'species' });
const X = { rows: data.rows, cols: data.cols, data: data.X };
const clf = new FFNNClassifier({ hiddenLayerSizes: [16], solver: 'adam', learningRateInit: 0.01, maxIter: 400, randomState: 0 }).fit(X, data.y);

const bytes = exportOnnx(clf); // float32 by default; exportOnnx(clf, { dtype: 'float64' }) for doubles
writeFileSync(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes)`);

const session = await ort.InferenceSession.create(bytes);
console.log(`inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')}`);
const result = await session.run({ X: new ort.Tensor('float32', Float32Array.from(data.X), [data.rows, data.cols]) });
const onnxProba = result.probabilities.data;

// compare with ffnn's own predictions: float32 in the graph, float64 in ffnn
const proba = clf.predictProba(X).data;
let worst = 0;
for (let i = 0; i < proba.length; i++) worst = Math.max(worst, Math.abs(proba[i] - onnxProba[i]));
console.log(`largest |probability difference| onnxruntime vs ffnn: ${worst.toExponential(2)}`);
if (!(worst < 1e-5)) throw new Error(`onnxruntime and ffnn disagree by ${worst}`);
await session.release();
