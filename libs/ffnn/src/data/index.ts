/** @ffnn/core/data: dataset loaders and preprocessing (uses node:fs; not needed for training). */
export { loadMnist, loadMnistDigits, splitTrainTest, takeRows, MNIST_FEATURES, type Dataset, type TrainTestSplit } from './mnist.ts';
export { normalize, fitStandardizer, oneHot, type Standardizer } from './preprocess.ts';
export { parseIdx, encodeIdx, readIdxFile, idxDataset, loadIdxDir, type IdxArray } from './idx.ts';
export { parseCsv, readCsvFile, formatCsv, type CsvDataset, type CsvOptions } from './csv.ts';
