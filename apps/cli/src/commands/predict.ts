/** `ffnn predict MODEL --data SOURCE`: labels (or class probabilities) for every row, as CSV or JSON. */
import { FfnnError, writeFileAtomic } from '../../../../libs/ffnn/src/index.ts';
import { formatCsv } from '../../../../libs/ffnn/src/data/index.ts';
import { MAX_BYTES_FLAG, MAX_BYTES_HELP, SOURCE_HELP } from '../data-source.ts';
import { parseArgs } from '../flags.ts';
import { loadModelAndRows } from '../model-input.ts';
import { rejectOptions } from '../reject-options.ts';

const PREDICT_USAGE = `usage: ffnn predict MODEL --data SOURCE [flags]

Predicts a label for every row of SOURCE with the model saved by "ffnn train --out MODEL".

  --data SOURCE         ${SOURCE_HELP}
                        mnist: the bundled digits' standard test split; idx:DIR: its t10k-* files
                        (--part train for the train-* files); idx:FILE: one IDX images file;
                        csv:FILE: a header row and numeric feature columns (a label column, if
                        present, is ignored)
  --label-column NAME   the CSV label column to skip (default "label")
  --part train|test     which files of an idx:DIR or the mnist split (default test)
  ${MAX_BYTES_HELP}
  --proba               class probabilities (one column per class) instead of labels
  --out FILE            write the CSV there instead of stdout
  --json                print {"classes", "predictions"} (or "probabilities") as JSON
  --help                this text

Output: CSV with a header: "row,label" or "row,p_<class>,...". Exit codes: 0 ok, 1 data or
model error (missing or malformed file, feature count that does not match the model), 2 usage.`;

export function predict(argv: string[]): number {
  const args = parseArgs(argv, { data: 'value', 'label-column': 'value', part: 'value', [MAX_BYTES_FLAG]: 'value', proba: 'boolean', out: 'value', json: 'boolean', help: 'boolean' });
  if (args.flags.help) {
    console.log(PREDICT_USAGE);
    return 0;
  }
  rejectOptions(args, argv, 'predict');
  const { clf, table } = loadModelAndRows(args, 'predict', { sources: 'mnist | idx:DIR | idx:FILE | csv:FILE', needLabels: false, outputs: args.flags.out !== undefined ? [{ flag: 'out', path: args.flags.out as string }] : [] });
  const X = { rows: table.rows, cols: table.cols, data: table.X };
  const classes = clf.classes;
  let text: string;
  if (args.flags.proba) {
    const p = clf.predictProba(X);
    if (clf.targetKind === 'multilabel') throw new FfnnError('INVALID_PARAM', 'predict --proba: not supported for multilabel models', {});
    const rows: number[][] = [];
    for (let r = 0; r < p.rows; r++) rows.push([r, ...Array.from(p.data.subarray(r * p.cols, (r + 1) * p.cols))]);
    text = args.flags.json ? JSON.stringify({ classes, probabilities: rows.map((r) => r.slice(1)) }) + '\n' : formatCsv(['row', ...classes.map((c) => `p_${c}`)], rows);
  } else {
    const labels = clf.predict(X) as (number | string)[];
    text = args.flags.json ? JSON.stringify({ classes, predictions: labels }) + '\n' : formatCsv(['row', 'label'], labels.map((l, r) => [r, Array.isArray(l) ? (l as number[]).join(' ') : l]));
  }
  if (args.flags.out) {
    writeFileAtomic(args.flags.out as string, text, '--out');
    console.error(`${table.rows} predictions written to ${args.flags.out}`);
  } else process.stdout.write(text);
  return 0;
}
