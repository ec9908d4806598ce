/**
 * @ffnn/core/data: dataset loaders and preprocessing (Node, Bun, Deno: uses node:fs; also in @ffnn/core/node).
 * @module @ffnn/core/data
 */
export { loadMnist, loadMnistDigits, splitTrainTest, takeRows, MNIST_FEATURES, type Dataset, type TrainTestSplit } from './mnist.ts';
export { normalize, fitStandardizer, oneHot, type Standardizer } from './preprocess.ts';
export { parseIdx, encodeIdx, readIdxFile, idxDataset, loadIdxDir, findIdxFile, MAX_DECOMPRESSED_BYTES, type IdxArray, type IdxOptions } from './idx.ts';
export { parseCsv, readCsvFile, formatCsv, MAX_CSV_BYTES, type CsvDataset, type CsvOptions, type CsvFileOptions } from './csv.ts';
export { parseDecimal, DECIMAL_HINT } from './decimal.ts';
export { readCsvStream, CsvStream, type CsvStreamOptions, type CsvBatch, type CsvScan, type CsvStreamStats } from './csv-stream.ts';
export { readIdxStream, readIdxDirStream, IdxStream, type IdxStreamOptions, type IdxBatch, type IdxScan, type IdxStreamStats } from './idx-stream.ts';
