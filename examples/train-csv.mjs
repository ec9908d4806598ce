// Train a classifier on a CSV file and save it.
//
//   node examples/train-csv.mjs [data.csv] [model.ffnn]     (also: bun ..., deno run -A ...)
//
// The CSV has a header row, numeric feature columns and a label column (here "species"; labels
// may be numbers or strings). One row in four is held out to measure accuracy.
import { fileURLToPath } from 'node:url';
import { FFNNClassifier } from '@ffnn/core';
import { readCsvFile, saveModel } from '@ffnn/core/node';

const [csvPath = fileURLToPath(new URL('./data/blobs.csv', import.meta.url)), out = 'model.ffnn'] = process.argv.slice(2);

const data = readCsvFile(csvPath, { labelColumn: 'species' });
console.log(`${csvPath}: ${data.rows} rows, features ${data.featureNames.join(', ')}`);

// every fourth row is a test row
const pick = (keep) => {
  const idx = [...Array(data.rows).keys()].filter(keep);
  const X = new Float64Array(idx.length * data.cols);
  idx.forEach((r, i) => X.set(data.X.subarray(r * data.cols, (r + 1) * data.cols), i * data.cols));
  return { X: { rows: idx.length, cols: data.cols, data: X }, y: idx.map((r) => data.y[r]) };
};
const train = pick((r) => r % 4 !== 0);
const test = pick((r) => r % 4 === 0);

const clf = new FFNNClassifier({
  hiddenLayerSizes: [16],
  solver: 'adam',
  learningRateInit: 0.01,
  maxIter: 200,
  randomState: 0, // same seed, same weights as scikit-learn's MLPClassifier(random_state=0)
});
// featureNames are stored in the model: predict can then check (and reorder) columns by name
clf.fit(train.X, train.y, { featureNames: data.featureNames });

console.log(`classes: ${clf.classes.join(', ')}; epochs: ${clf.nIter}; final loss: ${clf.finalLoss.toFixed(4)}`);
console.log(`test accuracy: ${(100 * clf.score(test.X, test.y)).toFixed(1)}% on ${test.y.length} rows`);

saveModel(clf, out); // written atomically; .json writes the JSON document instead of the binary format
console.log(`saved ${out}`);
