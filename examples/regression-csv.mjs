// Regression on a CSV file: predict a number (here a house price) from numeric columns.
//
//   node examples/regression-csv.mjs [houses.csv] [regressor.ffnn]     (also: bun ..., deno run -A ...)
//
// Features and the target are standardised with the training rows' mean and std (an MLP trains badly on raw
// columns of very different scales); the scalers are part of what you keep next to the model.
import { fileURLToPath } from 'node:url';
import { FFNNRegressor, parseDecimal } from '@ffnn/core';
import { fitStandardizer, loadRegressor, readCsvFile, saveModel } from '@ffnn/core/node';

const [csvPath = fileURLToPath(new URL('./data/houses.csv', import.meta.url)), out = 'regressor.ffnn'] = process.argv.slice(2);

const data = readCsvFile(csvPath, { labelColumn: 'price' });
// labels that are not all integers come back as the file's strings: read them as decimals
const price = data.y.map((v) => (typeof v === 'number' ? v : parseDecimal(v)));
if (price.some((v) => v === null)) throw new Error('price: every value must be a decimal number');

const trainRows = [...Array(data.rows).keys()].filter((r) => r % 5 !== 0);
const testRows = [...Array(data.rows).keys()].filter((r) => r % 5 === 0);
const rowsOf = (idx) => {
  const X = new Float64Array(idx.length * data.cols);
  idx.forEach((r, i) => X.set(data.X.subarray(r * data.cols, (r + 1) * data.cols), i * data.cols));
  return X;
};
const Xtrain = rowsOf(trainRows);
const scaler = fitStandardizer(Xtrain, trainRows.length, data.cols);
const train = { rows: trainRows.length, cols: data.cols, data: scaler.transform(Xtrain) };
const test = { rows: testRows.length, cols: data.cols, data: scaler.transform(rowsOf(testRows)) };
const yTest = testRows.map((r) => price[r]);
// the target too: train on (price - mean) / std, and map predictions back
const yRaw = trainRows.map((r) => price[r]);
const yMean = yRaw.reduce((a, b) => a + b, 0) / yRaw.length;
const yStd = Math.sqrt(yRaw.reduce((a, b) => a + (b - yMean) ** 2, 0) / yRaw.length);
const yTrain = yRaw.map((v) => (v - yMean) / yStd);
const toPrice = (z) => yMean + yStd * z;

const reg = new FFNNRegressor({ hiddenLayerSizes: [32, 16], solver: 'adam', learningRateInit: 0.01, maxIter: 500, randomState: 0 });
reg.fit(train, yTrain, { featureNames: data.featureNames });

const predicted = reg.predict(test).map(toPrice);
const mae = predicted.reduce((s, p, i) => s + Math.abs(p - yTest[i]), 0) / yTest.length;
const r2 = reg.score(
  test,
  yTest.map((v) => (v - yMean) / yStd),
); // R² is the same on either scale
console.log(`epochs ${reg.nIter}; test R² ${r2.toFixed(4)}; mean absolute error ${mae.toFixed(2)}`);
console.log(`first test house: predicted ${predicted[0].toFixed(1)}, actual ${yTest[0]}`);

saveModel(reg, out);
const back = loadRegressor(out);
if (toPrice(back.predict(test)[0]) !== predicted[0]) throw new Error('the saved model predicts differently');
console.log(`saved ${out} (it predicts exactly the same)`);
