// Load a saved model and predict labels and class probabilities for the rows of a CSV file.
//
//   node examples/predict.mjs model.ffnn [rows.csv]          (also: bun ..., deno run -A ...)
//
// Columns are matched by name to the ones the model was trained on (in any order); a label
// column, if the file has one, is ignored here.
import { fileURLToPath } from 'node:url';
import { loadClassifier, readCsvFile } from '@ffnn/core/node';

const [modelPath = 'model.ffnn', csvPath = fileURLToPath(new URL('./data/blobs.csv', import.meta.url))] = process.argv.slice(2);

const clf = loadClassifier(modelPath); // either file format: the content decides
const data = readCsvFile(csvPath, { labelColumn: 'species', requireLabel: false });
const X = clf.alignColumns({ rows: data.rows, cols: data.cols, data: data.X }, data.featureNames);

const labels = clf.predict(X);
const proba = clf.predictProba(X); // rows x classes, row-major
console.log(`model: ${clf.layerSizes.join('-')}, classes ${clf.classes.join(', ')}`);
for (let r = 0; r < Math.min(5, data.rows); r++) {
  const p = [...proba.data.subarray(r * proba.cols, (r + 1) * proba.cols)].map((v) => v.toFixed(3));
  console.log(`row ${r}: ${labels[r]}  (p = ${p.join(', ')})`);
}
if (data.y) {
  const right = labels.filter((l, r) => l === data.y[r]).length;
  console.log(`agrees with the file's labels on ${right} of ${data.rows} rows`);
}
