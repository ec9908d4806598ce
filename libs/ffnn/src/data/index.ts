/**
 * @ffnn/core/data: dataset loaders and preprocessing (Node, Bun, Deno: uses node:fs; also in @ffnn/core/node).
 * @module @ffnn/core/data
 */

export { type CsvDataset, type CsvFileOptions, type CsvOptions, formatCsv, MAX_CSV_BYTES, parseCsv, readCsvFile } from './csv.ts';
export { type CsvBatch, type CsvScan, CsvStream, type CsvStreamOptions, type CsvStreamStats, readCsvStream } from './csv-stream.ts';
export { DECIMAL_HINT, parseDecimal } from './decimal.ts';
export { encodeIdx, findIdxFile, type IdxArray, type IdxOptions, idxDataset, loadIdxDir, MAX_DECOMPRESSED_BYTES, parseIdx, readIdxFile } from './idx.ts';
export { type IdxBatch, type IdxScan, IdxStream, type IdxStreamOptions, type IdxStreamStats, readIdxDirStream, readIdxStream } from './idx-stream.ts';
export { type Dataset, loadMnist, loadMnistDigits, MNIST_FEATURES, splitTrainTest, type TrainTestSplit, takeRows } from './mnist.ts';
export { fitStandardizer, normalize, oneHot, type Standardizer } from './preprocess.ts';
