/** `ffnn predict MODEL --data SOURCE`: labels (or class probabilities), or a regressor's predictions, for every row, as CSV or JSON. */
import { FFNNRegressor, FfnnError } from '@ffnn/core';
import { formatCsv, writeFileAtomic } from '@ffnn/core/node';
import { MAX_BYTES_FLAG, MAX_BYTES_HELP, SOURCE_HELP } from '../data-source.ts';
import { parseArgs, UsageError } from '../flags.ts';
import { loadModelAndRows } from '../model-input.ts';
import { rejectOptions } from '../reject-options.ts';
import { TARGET_HELP } from '../task.ts';

const PREDICT_USAGE = `usage: ffnn predict MODEL --data SOURCE [flags]

Predicts a label for every row of SOURCE with the model saved by "ffnn train --out MODEL", or
with a regressor (ffnn train --task regression) a number per output; a regressor reads csv:FILE
data, and its target columns, if present, are skipped.

  --data SOURCE         ${SOURCE_HELP}
                        mnist: the bundled digits' standard test split; idx:DIR: its t10k-* files
                        (--part train for the train-* files); idx:FILE: one IDX images file;
                        csv:FILE: a header row and numeric feature columns (a label column, if
                        present, is ignored)
  --label-column NAME   the CSV label column to skip (default "label")
  ${TARGET_HELP}
  --part train|test     which files of an idx:DIR or the mnist split (default test)
  ${MAX_BYTES_HELP}
  --proba               class probabilities (one column per class) instead of labels
  --out FILE            write the CSV there instead of stdout
  --json                print {"classes", "predictions"} (or "probabilities") as JSON; a regressor:
                        {"outputs", "predictions"} (a number per row, or a row per row with
                        several outputs)
  --help                this text

Output: CSV with a header: "row,label" or "row,p_<class>,..."; a regressor "row,prediction" (one
output) or "row,<target>,..." (one column per output, named as --target-columns). Exit codes: 0 ok, 1 data or
model error (missing or malformed file, feature count that does not match the model), 2 usage.`;

export function predict(argv: string[]): number {
  const args = parseArgs(argv, {
    data: 'value',
    'label-column': 'value',
    'target-columns': 'value',
    part: 'value',
    [MAX_BYTES_FLAG]: 'value',
    proba: 'boolean',
    out: 'value',
    json: 'boolean',
    help: 'boolean',
  });
  if (args.flags.help) {
    console.log(PREDICT_USAGE);
    return 0;
  }
  rejectOptions(args, argv, 'predict');
  const { model, table, targets } = loadModelAndRows(args, 'predict', {
    sources: 'mnist | idx:DIR | idx:FILE | csv:FILE',
    needLabels: false,
    outputs: args.flags.out !== undefined ? [{ flag: 'out', path: args.flags.out as string }] : [],
  });
  const X = { rows: table.rows, cols: table.cols, data: table.X };
  let text: string;
  if (model instanceof FFNNRegressor) {
    if (args.flags.proba) throw new UsageError(`--proba: ${args.positionals[0]} is a regressor; it has no class probabilities`);
    text = regressionText(model, X, targets, args.flags.json === true);
  } else if (args.flags.proba) {
    const clf = model;
    const classes = clf.classes;
    const p = clf.predictProba(X);
    if (clf.targetKind === 'multilabel') throw new FfnnError('INVALID_PARAM', 'predict --proba: not supported for multilabel models', {});
    const rows: number[][] = [];
    for (let r = 0; r < p.rows; r++) rows.push([r, ...Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols))]);
    text = args.flags.json
      ? `${JSON.stringify({ classes, probabilities: rows.map((r) => r.slice(1)) })}\n`
      : formatCsv(['row', ...classes.map((c) => `p_${c}`)], rows);
  } else {
    const clf = model;
    const classes = clf.classes;
    const labels = clf.predict(X) as (number | string)[];
    text = args.flags.json
      ? `${JSON.stringify({ classes, predictions: labels })}\n`
      : formatCsv(
          ['row', 'label'],
          labels.map((l, r) => [r, Array.isArray(l) ? (l as number[]).join(' ') : l]),
        );
  }
  if (args.flags.out) {
    writeFileAtomic(args.flags.out as string, text, '--out');
    console.error(`${table.rows} predictions written to ${args.flags.out}`);
  } else process.stdout.write(text);
  return 0;
}

/** A regressor's predictions as CSV ("row,prediction", or one column per output) or JSON. */
function regressionText(reg: FFNNRegressor, X: { rows: number; cols: number; data: Float64Array }, targets: readonly string[], json: boolean): string {
  const k = reg.nOutputs;
  // name the columns after the targets when the flags named as many as the model has outputs
  const outputs = k === 1 ? ['prediction'] : targets.length === k ? [...targets] : Array.from({ length: k }, (_, j) => `output_${j}`);
  const pred = reg.predict(X);
  if (json) return `${JSON.stringify({ outputs, predictions: pred })}\n`;
  return formatCsv(
    ['row', ...outputs],
    (pred as (number | number[])[]).map((p, r) => [r, ...(Array.isArray(p) ? p : [p])]),
  );
}
