// Train on a CSV file a chunk at a time: memory holds one read buffer and one batch, however
// large the file (a gzip file works the same way).
//
//   node examples/stream-csv.mjs [dir] [rows]          (also: bun ..., deno run -A ...)
//
// dir (default: ffnn-stream-csv in the system's temporary folder) holds train.csv and test.csv;
// when train.csv is missing they are written first: `rows` training rows (default 250,000, about
// 34 MB) and a tenth as many test rows of 16 features around four labelled centres, from a fixed
// seed. A first pass (scan) finds the classes and counts the rows; then fitStream trains for two
// passes, 2,000 rows per partialFit call, mixing rows through a seeded 20,000-row shuffle buffer;
// the test file is scored batch by batch too.
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FFNNClassifier } from '@ffnn/core';
import { readCsvStream } from '@ffnn/core/node';

const [dir = join(tmpdir(), 'ffnn-stream-csv'), rowsArg = '250000'] = process.argv.slice(2);
const FEATURES = 16;
const CLASSES = ['north', 'south', 'east', 'west'];
const BATCH_ROWS = 2000;
const EPOCHS = 2;

// --------------------------------------------------------------- the data (skip with your own file)

/** mulberry32: a small seeded generator, enough for example data. */
function generator(seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()); // Box-Muller
  return { uniform, normal };
}

/** Writes `rows` rows to `path` 5,000 at a time, waiting when the file stream is full: no whole file in memory. */
async function writeCsv(path, rows, seed) {
  const centres = generator(42); // the same centres for the training and the test file
  const centre = CLASSES.map(() => Array.from({ length: FEATURES }, () => 1.2 * centres.normal()));
  const rng = generator(seed);
  const out = createWriteStream(path);
  out.write(`${Array.from({ length: FEATURES }, (_, j) => `x${j}`).join(',')},label\n`);
  for (let done = 0; done < rows; ) {
    const lines = [];
    for (const end = Math.min(rows, done + 5000); done < end; done++) {
      const k = Math.floor(rng.uniform() * CLASSES.length);
      lines.push(`${centre[k].map((c) => (c + 1.5 * rng.normal()).toFixed(5)).join(',')},${CLASSES[k]}\n`);
    }
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const trainPath = join(dir, 'train.csv');
const testPath = join(dir, 'test.csv');
if (!existsSync(trainPath)) {
  const rows = Number(rowsArg);
  mkdirSync(dir, { recursive: true });
  await writeCsv(trainPath, rows, 1);
  await writeCsv(testPath, Math.ceil(rows / 10), 2);
  console.log(`wrote ${trainPath} and ${testPath}`);
}
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

// --------------------------------------------------------------- streaming

const startRss = process.memoryUsage().rss;
const train = readCsvStream(trainPath, { labelColumn: 'label', batchRows: BATCH_ROWS });
const scan = await train.scan(); // one pass: every row checked, the classes found
console.log(`${trainPath}: ${mb(scan.bytes)}, ${scan.rows} rows, ${scan.featureNames.length} features, classes ${scan.classes.join(', ')}`);

const clf = new FFNNClassifier({ hiddenLayerSizes: [32], solver: 'adam', learningRateInit: 0.001, randomState: 0 });
let peakRss = 0;
let nextReport = 0;
await clf.fitStream(train, {
  classes: scan.classes, // required: each batch is a partialFit call, and a batch may lack a class
  epochs: EPOCHS,
  shuffleBuffer: 20_000, // rows mixed across batches, seeded by randomState
  featureNames: scan.featureNames,
  onProgress: (p) => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (p.samples >= nextReport || p.samples === scan.rows) {
      console.log(`epoch ${p.epoch}/${p.epochs}: ${p.samples} of ${scan.rows} rows, loss ${p.loss.toFixed(4)}, ${Math.round(p.samplesPerSecond)} rows/s`);
      nextReport = p.samples === scan.rows ? 0 : p.samples + scan.rows / 4;
    }
  },
  onEpoch: (e) => console.log(`epoch ${e.epoch} done: ${e.batches} batches, mean loss ${e.loss.toFixed(4)}, ${e.seconds.toFixed(1)} s`),
});

// the test file, batch by batch as well
let right = 0;
let seen = 0;
for await (const batch of readCsvStream(testPath, { labelColumn: 'label', batchRows: BATCH_ROWS })) {
  const labels = clf.predict(batch.X);
  right += labels.filter((l, i) => l === batch.y[i]).length;
  seen += batch.X.rows;
}
console.log(`test accuracy: ${((100 * right) / seen).toFixed(1)}% on ${seen} rows of ${testPath}`);

// what stayed in memory: one read buffer and one batch (plus the shuffle buffer's rows)
const s = train.stats;
console.log(
  `memory: read buffer ${mb(s.bufferBytes)}, largest batch ${s.batchRows} rows; RSS ${mb(startRss)} before, at most ${mb(peakRss)} while training on a ${mb(statSync(trainPath).size)} file read ${EPOCHS + 1} times`,
);
