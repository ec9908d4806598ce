/**
 * `ffnn evaluate MODEL --data SOURCE`: for a classifier accuracy, the confusion matrix and
 * per-class precision, recall and F1; for a regressor R², MSE and MAE (per output and averaged).
 */
import { FFNNClassifier, FFNNRegressor, FfnnError } from '@ffnn/core';
import { labelsOf, MAX_BYTES_FLAG, MAX_BYTES_HELP, SOURCE_HELP } from '../data-source.ts';
import { parseArgs } from '../flags.ts';
import { loadModelAndRows } from '../model-input.ts';
import { formatRegression, scoreRegressor } from '../regression-metrics.ts';
import { rejectOptions } from '../reject-options.ts';
import { TARGET_HELP } from '../task.ts';

const EVALUATE_USAGE = `usage: ffnn evaluate MODEL --data SOURCE [flags]

Scores the model on labelled rows: accuracy, the confusion matrix (rows: true class, columns:
predicted class) and precision, recall and F1 per class with their macro averages (a class
never predicted has precision 0, as scikit-learn's zero_division=0). A regressor (the model file
says which) is scored by R² (scikit-learn's r2_score), mean squared error and mean absolute error,
per output and averaged over outputs; it reads csv:FILE data holding its target columns.

  --data SOURCE         ${SOURCE_HELP.replace(' | idx:FILE', '')}
                        (mnist: the standard test split; idx:DIR: its t10k-* files)
  --label-column NAME   the CSV label column, or a regressor's one target column (default "label")
  ${TARGET_HELP}
  --part train|test     which files of an idx:DIR or the mnist split (default test)
  ${MAX_BYTES_HELP}
  --json                print one JSON object
  --help                this text

Exit codes: 0 ok, 1 data or model error, 2 usage.`;

export interface Evaluation {
  rows: number;
  accuracy: number;
  labels: (number | string)[];
  /** confusion[i][j]: rows whose true label is labels[i] and predicted label labels[j]. */
  confusion: number[][];
  perClass: { label: number | string; precision: number; recall: number; f1: number; support: number }[];
  macro: { precision: number; recall: number; f1: number };
}

/** Metrics from true and predicted labels; labels lists the classes first, then labels seen only in the data. */
export function evaluateLabels(
  classes: readonly (number | string)[],
  truth: readonly (number | string)[],
  predicted: readonly (number | string)[],
): Evaluation {
  const labels = [...classes];
  const index = new Map(labels.map((l, i) => [String(l), i]));
  for (const t of truth) {
    if (!index.has(String(t))) {
      index.set(String(t), labels.length);
      labels.push(t);
    }
  }
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let r = 0; r < truth.length; r++) {
    const i = index.get(String(truth[r]))!;
    const j = index.get(String(predicted[r]))!;
    confusion[i][j]++;
    if (i === j) correct++;
  }
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const mean = (f: (p: (typeof perClass)[number]) => number) => perClass.reduce((a, p) => a + f(p), 0) / perClass.length;
  return {
    rows: truth.length,
    accuracy: correct / truth.length,
    labels,
    confusion,
    perClass,
    macro: { precision: mean((p) => p.precision), recall: mean((p) => p.recall), f1: mean((p) => p.f1) },
  };
}

export function formatEvaluation(e: Evaluation, name: string): string {
  const w = Math.max(5, ...e.labels.map((l) => String(l).length + 1), ...e.confusion.flat().map((v) => String(v).length + 1));
  const lines = [`accuracy ${(e.accuracy * 100).toFixed(2)}% on ${e.rows} rows of ${name}`, '', 'confusion matrix (rows: true, columns: predicted)'];
  lines.push(' '.repeat(w) + e.labels.map((l) => String(l).padStart(w)).join(''));
  e.confusion.forEach((row, i) => lines.push(String(e.labels[i]).padStart(w) + row.map((v) => String(v).padStart(w)).join('')));
  lines.push('', `${'class'.padStart(w)}  precision  recall      f1  support`);
  for (const p of e.perClass)
    lines.push(
      `${String(p.label).padStart(w)}  ${p.precision.toFixed(4).padStart(9)}  ${p.recall.toFixed(4).padStart(6)}  ${p.f1.toFixed(4).padStart(6)}  ${String(p.support).padStart(7)}`,
    );
  lines.push(
    `${'macro'.padStart(w)}  ${e.macro.precision.toFixed(4).padStart(9)}  ${e.macro.recall.toFixed(4).padStart(6)}  ${e.macro.f1.toFixed(4).padStart(6)}  ${String(e.rows).padStart(7)}`,
  );
  return lines.join('\n');
}

export function evaluate(argv: string[]): number {
  const args = parseArgs(argv, {
    data: 'value',
    'label-column': 'value',
    'target-columns': 'value',
    part: 'value',
    [MAX_BYTES_FLAG]: 'value',
    json: 'boolean',
    help: 'boolean',
  });
  if (args.flags.help) {
    console.log(EVALUATE_USAGE);
    return 0;
  }
  rejectOptions(args, argv, 'evaluate');
  const { model, table, targets } = loadModelAndRows(args, 'evaluate', {
    sources: 'mnist | idx:DIR | csv:FILE',
    needLabels: true,
    checkModel: (model) => {
      if (model instanceof FFNNClassifier && model.targetKind === 'multilabel')
        throw new FfnnError('INVALID_PARAM', 'evaluate: multilabel models are not supported (per-class metrics assume one label per row)', {});
    },
  });
  if (model instanceof FFNNRegressor) {
    const scores = scoreRegressor(model, table, targets);
    if (args.flags.json) console.log(JSON.stringify({ data: table.name, task: 'regression', ...scores }));
    else console.log(formatRegression(scores, table.name));
    return 0;
  }
  const clf = model;
  const predicted = clf.predict({ rows: table.rows, cols: table.cols, data: table.X }) as (number | string)[];
  const e = evaluateLabels(clf.classes, labelsOf(table), predicted);
  if (args.flags.json) console.log(JSON.stringify({ data: table.name, ...e }));
  else console.log(formatEvaluation(e, table.name));
  return 0;
}
