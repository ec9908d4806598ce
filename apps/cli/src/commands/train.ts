/**
 * `ffnn train`: trains a classifier on the bundled MNIST digits (by default), an IDX folder or a
 * CSV file, or (--task regression) a regressor on a CSV file, reporting per-epoch loss and then
 * test accuracy, or R², MSE and MAE.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FFNNClassifier,
  type FFNNOptions,
  FFNNRegressor,
  FfnnError,
  type HistoryEntry,
  OPTIONS,
  RandomState,
  selectBackend,
  type TargetInput,
} from '@ffnn/core';
import { readInputText, saveModel, writeFileAtomic } from '@ffnn/core/node';
import { historySummarizer } from '@ffnn/viz';
import { alignFeatures, holdOut, labelsOf, loadTrainSource, MAX_BYTES_FLAG, MAX_BYTES_HELP, parseSource, SOURCE_HELP, type Table } from '../data-source.ts';
import { intFlag, noPositionals, OPTION_FLAGS, type ParsedArgs, parseArgs, parseNumber, SHORT_FORMS, UsageError } from '../flags.ts';
import { catchInterrupts, type Interrupt } from '../interrupt.ts';
import { MAX_HISTORY_BINS } from '../limits.ts';
import { checkOutputs, inputFiles, type NamedPath } from '../outputs.ts';
import { createProgress } from '../progress.ts';
import { loadRegressionSource } from '../regression-data.ts';
import { formatScoresLine, scoreRegressor } from '../regression-metrics.ts';
import { checkStreamFlags, openTrainStream, refuseIfOverMemory, STREAM_HELP, type StreamedTrain, suggestStream, withFlagAsync } from '../stream-source.ts';
import { checkRegressionSource, parseTask, refuseTargetColumnsFor, TARGET_HELP, TASK_HELP, targetColumns } from '../task.ts';

/** What `ffnn train` uses when a flag is not given: the project's standard net, a short run. */
export const TRAIN_DEFAULTS: Partial<FFNNOptions> = {
  hiddenLayerSizes: [128, 64],
  solver: 'sgd',
  learningRateInit: 0.1,
  momentum: 0.9,
  batchSize: 200,
  maxIter: 10,
  randomState: 0,
};

/**
 * --task regression's defaults: scikit-learn's MLPRegressor (one hidden layer of 100, adam at
 * 0.001, up to 200 epochs), seeded: the classifier's fast SGD at 0.1 diverges on unscaled targets.
 */
export const REGRESSION_DEFAULTS: Partial<FFNNOptions> = {
  hiddenLayerSizes: [100],
  solver: 'adam',
  learningRateInit: 0.001,
  maxIter: 200,
  randomState: 0,
};

const TRAIN_FLAGS = {
  out: 'value',
  data: 'value',
  'test-data': 'value',
  'label-column': 'value',
  task: 'value',
  'target-columns': 'value',
  'train-size': 'value',
  'test-size': 'value',
  'split-seed': 'value',
  'validation-split': 'value',
  config: 'value',
  'history-out': 'value',
  'history-bins': 'value',
  [MAX_BYTES_FLAG]: 'value',
  stream: 'boolean',
  'shuffle-buffer': 'value',
  json: 'boolean',
  help: 'boolean',
} as const;

function optionHelp(): string {
  const short = Object.fromEntries(Object.entries(SHORT_FORMS).map(([s, n]) => [n, s]));
  return Object.entries(OPTION_FLAGS)
    .map(([flag, name]) => {
      const d = (TRAIN_DEFAULTS as Record<string, unknown>)[name] ?? OPTIONS[name].default;
      const alias = short[name] ? ` (--${short[name]})` : '';
      return `  --${flag}${alias}\n      ${OPTIONS[name].expected}; default ${JSON.stringify(d)}`;
    })
    .join('\n');
}

const TRAIN_USAGE = `usage: ffnn train [flags]

Trains an MLP classifier (or with --task regression a regressor), printing the loss after every
epoch and then the test accuracy (regression: R², MSE and MAE on --test-data or the
--validation-split rows).

data and output:
  --data SOURCE         ${SOURCE_HELP} (default mnist: the bundled digits)
                        idx:DIR trains on its train-* files and tests on its t10k-* files;
                        csv:FILE trains on every row (a header row, numeric features, a label column)
  --test-data SOURCE    a separate test set (e.g. csv:test.csv); idx:DIR uses its t10k-* files
  --label-column NAME   the CSV label column (default "label")
  ${TASK_HELP}
  ${TARGET_HELP}
  --train-size N        training rows of the bundled digits (default 8000)
  --test-size N         test rows of the bundled digits (default 2000)
  --split-seed N        seed of the bundled digits' train/test split (default 0)
  --validation-split F  hold out a fraction F of the training rows (seeded by --split-seed); their
                        loss after every epoch is the model's validationLossCurve (in the model file)
  --config FILE         a JSON object of library options (keys are option names, e.g.
                        {"hiddenLayerSizes": [64], "solver": "adam"}); flags override it
  --out FILE            save the trained model, written atomically (.json: the JSON document; any other
                        name: the binary format); checked for writability before training
  --history-out FILE    record the training history and write a compact summary (per-epoch weight and
                        gradient histograms per layer, the last gradient in full) for ffnn report --history
  --history-bins N      histogram bins in the history summary (1 to ${MAX_HISTORY_BINS}, default 30)
  ${MAX_BYTES_HELP}
  ${STREAM_HELP}
  --json                print one JSON object instead of text (progress then goes to stderr); a
                        regression's has "test" and "validation": {rows, r2, mse, mae, perOutput}

model and training (the library's options in kebab-case; the defaults shown are the classifier's,
--task regression starts from ${JSON.stringify(REGRESSION_DEFAULTS)}):
${optionHelp()}`;

/** Reads --config FILE: a JSON object whose keys are library option names. */
export function readConfig(path: string): Partial<FFNNOptions> {
  const text = readInputText(path, '--config');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FfnnError('INVALID_DATA', `--config ${path}: not valid JSON (${(err as Error).message})`, { file: path });
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new FfnnError('INVALID_DATA', `--config ${path}: expected a JSON object of option names`, { file: path });
  for (const key of Object.keys(json)) {
    if (!(key in OPTIONS) || ['onEpoch', 'onWarning', 'log'].includes(key)) {
      throw new FfnnError(
        'INVALID_PARAM',
        `--config ${path}: unknown option "${key}" (keys are the library's option names, e.g. hiddenLayerSizes, learningRateInit)`,
        { file: path },
      );
    }
  }
  return json as Partial<FFNNOptions>;
}

const asInput = (t: Table) => ({ rows: t.rows, cols: t.cols, data: t.X });

/** The files a data source reads (for the output checks): a CSV file, an IDX folder's data files. */
const sourceFiles = (source: { kind: string; path: string }, flag: string): NamedPath[] => (source.kind === 'mnist' ? [] : inputFiles(flag, source.path));

/**
 * Saves the model to --out; if that fails after training (disk full, the folder removed), saves it
 * to a recovery file in the temporary folder and names it in the error, so no training is lost.
 */
function saveOrRecover(clf: FFNNClassifier | FFNNRegressor, out: string): void {
  try {
    saveModel(clf, out);
  } catch (err) {
    if (!(err instanceof FfnnError) || err.code !== 'IO_ERROR') throw err;
    const recovery = join(tmpdir(), `ffnn-recovered-${process.pid}-${Date.now()}.ffnn`);
    try {
      saveModel(clf, recovery);
    } catch (again) {
      throw new FfnnError(
        'IO_ERROR',
        `${err.message}; saving a recovery copy to ${recovery} failed too (${(again as Error).message.replace(/^save: /, '')}), so the trained model is lost`,
        err.details,
      );
    }
    throw new FfnnError('IO_ERROR', `${err.message}; the trained model was saved to ${recovery} instead`, { ...err.details, recovery });
  }
}

export async function train(argv: string[]): Promise<number> {
  const args = parseArgs(argv, TRAIN_FLAGS);
  if (args.flags.help) {
    console.log(TRAIN_USAGE);
    return 0;
  }
  noPositionals(args, 'train', args.positionals.length === 1 ? ` (to save the model, give --out ${args.positionals[0]})` : '');
  // caught from the start: a signal while the data loads stops training before its first epoch,
  // and one during the save waits for the save (milliseconds) instead of killing it halfway
  const interrupt = catchInterrupts((sig) => console.error(`\nffnn train: ${sig}: stopping at the end of the current batch (send it again to quit at once)`));
  try {
    return await runTraining(args, interrupt);
  } finally {
    interrupt.dispose();
  }
}

async function runTraining(args: ParsedArgs, interrupt: Interrupt): Promise<number> {
  const task = parseTask(args.flags);
  refuseTargetColumnsFor(task, args.flags);
  const source = parseSource((args.flags.data as string | undefined) ?? 'mnist');
  const labelColumn = args.flags['label-column'] as string | undefined;
  const targets = task === 'regression' ? targetColumns(args.flags) : [];
  const splitSeed = intFlag(args.flags, 'split-seed', 0);
  let valFraction: number | null = null;
  if (args.flags['validation-split'] !== undefined) {
    const raw = args.flags['validation-split'];
    valFraction = raw === true ? NaN : parseNumber('validation-split', raw);
    if (!(valFraction > 0 && valFraction < 1)) throw new UsageError(`--validation-split: expected a fraction in (0, 1), got "${raw}"`);
  }
  const historyOut = args.flags['history-out'] as string | undefined;
  const bins = intFlag(args.flags, 'history-bins', 30, 1, MAX_HISTORY_BINS);
  const out = args.flags.out as string | undefined;
  const testSource = args.flags['test-data'] ? parseSource(args.flags['test-data'] as string, 'test-data') : null;
  checkStreamFlags(args.flags, source);
  const streamed = args.flags.stream === true;
  const shuffleBuffer = intFlag(args.flags, 'shuffle-buffer', 0, 0);
  if (task === 'regression') {
    if (args.flags.data === undefined)
      throw new UsageError('--data: --task regression needs csv:FILE data (the default, the bundled digits, is classification data)');
    checkRegressionSource(source, 'data');
    if (testSource) checkRegressionSource(testSource, 'test-data');
    for (const f of ['train-size', 'test-size'])
      if (args.flags[f] !== undefined) throw new UsageError(`--${f}: sizes the bundled digits, not a regression's CSV (use --validation-split)`);
  }
  // before any data is read or any epoch trained: every output can be written and is none of the inputs
  checkOutputs(
    [...(out !== undefined ? [{ flag: 'out', path: out }] : []), ...(historyOut !== undefined ? [{ flag: 'history-out', path: historyOut }] : [])],
    [
      ...sourceFiles(source, 'data'),
      ...(testSource ? sourceFiles(testSource, 'test-data') : []),
      ...(args.flags.config ? [{ flag: 'config', path: args.flags.config as string }] : []),
    ],
  );
  const config = args.flags.config ? readConfig(args.flags.config as string) : {};

  const maxBytes = args.flags[MAX_BYTES_FLAG] === undefined ? undefined : intFlag(args.flags, MAX_BYTES_FLAG, 0, 1);
  const options = { ...(task === 'regression' ? REGRESSION_DEFAULTS : TRAIN_DEFAULTS), ...config, ...args.options };
  let tr: Table;
  let test: Table | null;
  let stream: StreamedTrain | null = null;
  try {
    if (streamed) {
      // ten optimizer steps per partialFit call: rows are shuffled within each batch, as fit does over the file
      const batchRows = 10 * (typeof options.batchSize === 'number' ? options.batchSize : 200);
      // a large file takes a while to scan: say what the wait is (stderr: stdout stays the results)
      if (args.flags.json !== true) console.error(`scanning ${source.text}: every row is checked before training ...`);
      stream = await openTrainStream(source, { task, labelColumn, targets, batchRows, targetFlag: '--target-columns or --label-column' });
      // a table of the scan's shape, no rows: what the messages and the test's alignment need
      tr = {
        X: new Float64Array(0),
        y: null,
        rows: stream.rows,
        cols: stream.cols,
        name: stream.name,
        ...(stream.featureNames ? { featureNames: stream.featureNames } : {}),
      };
      test = stream.test;
      if (testSource) {
        test =
          task === 'regression'
            ? loadRegressionSource(testSource, { targets, needTargets: true, maxBytes, targetFlag: '--target-columns or --label-column' }, 'test-data')
            : ((t) => (testSource.kind === 'idx' ? t.test : t.train))(loadTrainSource(testSource, { labelColumn, maxBytes }, 'test-data'));
      }
    } else if (task === 'regression') {
      refuseIfOverMemory(source, 'data');
      const read = { targets, needTargets: true, maxBytes, targetFlag: '--target-columns or --label-column' };
      tr = loadRegressionSource(source, read, 'data');
      test = testSource ? loadRegressionSource(testSource, read, 'test-data') : null;
    } else {
      refuseIfOverMemory(source, 'data');
      ({ train: tr, test } = loadTrainSource(source, {
        trainSize: intFlag(args.flags, 'train-size', 8000),
        testSize: intFlag(args.flags, 'test-size', 2000),
        splitSeed,
        labelColumn,
        maxBytes,
      }));
      if (testSource) {
        const t = loadTrainSource(testSource, { labelColumn, maxBytes }, 'test-data');
        test = testSource.kind === 'idx' ? t.test : t.train;
      }
    }
  } catch (err) {
    throw streamed ? err : suggestStream(err);
  }
  // a test set that cannot be scored is refused before training, not after it
  if (test) test = alignFeatures(test, { count: tr.cols, names: tr.featureNames ?? null }, testSource ? 'test-data' : 'data');
  let validation: Table | null = null;
  if (valFraction !== null) {
    const rng = new RandomState(splitSeed);
    ({ train: tr, validation } = holdOut(tr, valFraction, (n) => rng.permutation(n)));
  }

  const json = args.flags.json === true;
  const epochs: { epoch: number; loss: number; validationLoss?: number; seconds: number }[] = [];
  const maxIter = typeof options.maxIter === 'number' ? options.maxIter : 200;
  // text mode prints one line per epoch on stdout; --json keeps stdout for the result and shows progress on stderr
  const progress = json ? createProgress('train', maxIter) : null;
  const Estimator = task === 'regression' ? FFNNRegressor : FFNNClassifier;
  const clf = new Estimator({
    ...options,
    ...(historyOut ? { history: true } : {}),
    onWarning: (w) => {
      // streamed, each batch is a partialFit call: a pass's last batch is often shorter than
      // --batch-size, and a batch's loss is compared with other batches' (not epochs'): not news
      if (!json && !(streamed && (w.code === 'BATCH_SIZE_CLIPPED' || w.code === 'LOSS_EXPLODING'))) console.error(`warning: ${w.message}`);
    },
  });
  const onEpoch = (m: { epoch: number; loss: number; validationLoss?: number; seconds: number }) => {
    if (historyOut) summarizeNewEpochs();
    epochs.push({ epoch: m.epoch, loss: m.loss, ...(m.validationLoss !== undefined ? { validationLoss: m.validationLoss } : {}), seconds: m.seconds });
    const val = m.validationLoss !== undefined ? `  validation loss ${m.validationLoss.toFixed(6)}` : '';
    if (progress) progress.tick(m.epoch, `loss ${m.loss.toFixed(6)}${val}`);
    else console.log(`epoch ${String(m.epoch).padStart(3)}  loss ${m.loss.toFixed(6)}${val}  ${m.seconds.toFixed(2)} s`);
  };
  // streamed, the model's own onEpoch would run after every batch (each is a partialFit call)
  if (!stream) clf.setOptions({ onEpoch });
  // --history-out: each epoch's weights and gradients become histograms as soon as they are
  // recorded, and the full arrays are let go, so memory stays at one epoch whatever --max-iter is
  let summary: ReturnType<typeof historySummarizer> | null = null;
  let summarized = 0;
  function summarizeNewEpochs(): void {
    const entries = clf.history as HistoryEntry[];
    summary ??= historySummarizer(clf.layerSizes, { bins });
    for (; summarized < entries.length; summarized++) {
      summary.add(entries[summarized]);
      delete entries[summarized].coefs;
      delete entries[summarized].intercepts;
      delete entries[summarized].coefGrads;
    }
  }
  const o = clf.getOptions();
  const hidden = typeof o.hiddenLayerSizes === 'number' ? [o.hiddenLayerSizes] : [...o.hiddenLayerSizes];
  const nOutputs = task === 'regression' ? targets.length : stream ? stream.classes!.length : new Set<number | string>(labelsOf(tr)).size;
  const how = stream
    ? ` (streamed in batches of ${10 * (typeof o.batchSize === 'number' ? o.batchSize : 200)} rows${shuffleBuffer ? `, shuffle buffer ${shuffleBuffer}` : ''})`
    : '';
  if (!json)
    console.log(
      `training ${task === 'regression' ? 'a regressor ' : ''}${tr.cols}-${hidden.join('-')}-${nOutputs} ${JSON.stringify(o.activation)} ${o.solver} on ${tr.rows} rows of ${tr.name}${how}${validation ? ` (${validation.rows} held out for validation)` : ''} (${o.dtype}, ${selectBackend(o.backend).name} backend)`,
    );
  // streamed, the epochs done are counted here (the model's nIter is its last partialFit call's)
  const epochsDone = () => (stream ? epochs.length : clf.nIter);
  try {
    if (stream) {
      const s = stream;
      // within a long epoch, a bar over its rows on a terminal (not in --json mode, whose bar counts epochs)
      let bar: ReturnType<typeof createProgress> | null = null;
      const fitOptions = {
        epochs: maxIter,
        shuffleBuffer,
        signal: interrupt.signal,
        ...(s.featureNames ? { featureNames: s.featureNames } : {}),
        onProgress: (p: { epoch: number; samples: number; loss: number }) => {
          if (json || !process.stderr.isTTY) return;
          bar ??= createProgress(`epoch ${p.epoch}`, s.rows);
          bar.tick(p.samples, `loss ${p.loss.toFixed(6)}`);
        },
        onEpoch: (m: { epoch: number; loss: number; seconds: number }) => {
          bar?.end();
          bar = null;
          onEpoch(m);
        },
      };
      await withFlagAsync('data', async () => {
        if (clf instanceof FFNNClassifier) await clf.fitStream(s.batches, { ...fitOptions, classes: s.classes! });
        else await (clf as FFNNRegressor).fitStream(s.batches, fitOptions);
      });
    } else {
      await clf.fitAsync(asInput(tr), targetsOf(tr), {
        signal: interrupt.signal,
        ...(tr.featureNames ? { featureNames: tr.featureNames } : {}),
        ...(validation ? { validationData: { X: asInput(validation), y: targetsOf(validation) } } : {}),
      });
    }
  } catch (err) {
    if (!(err instanceof FfnnError) || err.code !== 'ABORTED') throw err;
    progress?.end();
    const kept = out ? `; nothing saved (${out} is as it was)` : '';
    console.error(`ffnn train: interrupted by ${interrupt.received()} after ${epochsDone()} complete epoch${epochsDone() === 1 ? '' : 's'}${kept}`);
    if (json)
      console.log(
        JSON.stringify({
          error: { code: 'ABORTED', message: `interrupted by ${interrupt.received()}`, exitCode: interrupt.exitCode() },
          epochs,
          nIter: epochsDone(),
        }),
      );
    return interrupt.exitCode();
  }
  progress?.end();
  // the model is saved before anything else can fail: scoring comes after
  if (out) saveOrRecover(clf, out);
  if (historyOut) {
    summarizeNewEpochs();
    writeFileAtomic(historyOut, JSON.stringify(summary!.result()), '--history-out');
  }
  if (clf instanceof FFNNRegressor) {
    reportRegression(clf, test, validation, {
      json,
      epochs,
      nIter: epochsDone(),
      out: args.flags.out as string | undefined,
      historyOut,
      testName: test?.name ?? '',
      targets,
    });
    return 0;
  }
  const accuracy = test && test.rows > 0 ? clf.score(asInput(test), labelsOf(test)) : null;
  const validationAccuracy = validation ? clf.score(asInput(validation), labelsOf(validation)) : null;
  if (json) {
    console.log(
      JSON.stringify({
        epochs,
        testAccuracy: accuracy,
        validationAccuracy,
        nIter: epochsDone(),
        ...(stream ? { streamed: true } : {}),
        backend: clf.backendName,
        model: args.flags.out ?? null,
        history: historyOut ?? null,
      }),
    );
  } else {
    if (validationAccuracy !== null) console.log(`validation accuracy ${(validationAccuracy * 100).toFixed(2)}% on ${validation!.rows} rows`);
    if (accuracy !== null)
      console.log(`test accuracy ${(accuracy * 100).toFixed(2)}% on ${test!.rows} ${source.kind === 'mnist' ? 'digits' : `rows of ${test!.name}`}`);
    if (args.flags.out) console.log(`model saved to ${args.flags.out}`);
    if (historyOut) console.log(`history summary saved to ${historyOut}`);
  }
  return 0;
}

/** A table's labels or regression targets, as the estimators' fit takes them. */
const targetsOf = (t: Table): TargetInput => (t.y && Array.isArray(t.y) && Array.isArray(t.y[0]) ? (t.y as number[][]) : labelsOf(t));

/** The end of a regression's training: R², MSE and MAE on the test rows and the held-out rows. */
function reportRegression(
  reg: FFNNRegressor,
  test: Table | null,
  validation: Table | null,
  o: { json: boolean; epochs: unknown[]; nIter: number; out: string | undefined; historyOut: string | undefined; testName: string; targets: readonly string[] },
): void {
  const testScores = test ? scoreRegressor(reg, test, o.targets) : null;
  const validationScores = validation ? scoreRegressor(reg, validation, o.targets) : null;
  if (o.json) {
    console.log(
      JSON.stringify({
        task: 'regression',
        epochs: o.epochs,
        test: testScores,
        validation: validationScores,
        nIter: o.nIter,
        backend: reg.backendName,
        model: o.out ?? null,
        history: o.historyOut ?? null,
      }),
    );
    return;
  }
  if (validationScores) console.log(`validation ${formatScoresLine(validationScores, `${validation!.rows} held-out rows`)}`);
  if (testScores) console.log(`test ${formatScoresLine(testScores, `${test!.rows} rows of ${o.testName}`)}`);
  if (o.out) console.log(`model saved to ${o.out}`);
  if (o.historyOut) console.log(`history summary saved to ${o.historyOut}`);
}
