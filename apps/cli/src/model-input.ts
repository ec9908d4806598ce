/**
 * What predict, evaluate and report share: the MODEL argument and, for the first two, the rows
 * to score read from --data, matched to the model's columns (by name when both have names).
 */
import { FFNNClassifier } from '../../../libs/ffnn/src/index.ts';
import { MAX_BYTES_FLAG, type Table, alignFeatures, loadEvalSource, parseSource } from './data-source.ts';
import { type ParsedArgs, UsageError, intFlag } from './flags.ts';
import { type NamedPath, checkOutputs, inputFiles } from './outputs.ts';

/** The MODEL argument as an input file (for the output checks). */
export const modelFiles = (positionals: string[]): NamedPath[] => positionals.slice(0, 1).map((path) => ({ flag: 'MODEL', path }));

export function loadModelArg(positionals: string[], command: string): FFNNClassifier {
  if (positionals.length === 0) throw new UsageError(`expected a model file: ffnn ${command} MODEL --data SOURCE`);
  if (positionals.length > 1) throw new UsageError(`expected one model file, got ${positionals.length} arguments: ${positionals.join(' ')}`);
  return FFNNClassifier.load(positionals[0]);
}

/**
 * The model and the rows of --data (with --part and --label-column). `sources` is what the usage
 * error lists; `checkModel` runs after the model loads and before the data is read.
 */
export function loadModelAndRows(
  args: ParsedArgs,
  command: string,
  o: { sources: string; needLabels: boolean; checkModel?: (clf: FFNNClassifier) => void; outputs?: NamedPath[] },
): { clf: FFNNClassifier; table: Table } {
  if (!args.flags.data) throw new UsageError(`--data: required (${o.sources})`);
  const part = (args.flags.part ?? 'test') as string;
  if (part !== 'train' && part !== 'test') throw new UsageError(`--part: expected train or test, got "${part}"`);
  const source = parseSource(args.flags.data as string);
  // outputs are checked against the model and the data before either is read
  if (o.outputs?.length) checkOutputs(o.outputs, [...modelFiles(args.positionals), ...(source.kind === 'mnist' ? [] : inputFiles('data', source.path))]);
  const clf = loadModelArg(args.positionals, command);
  o.checkModel?.(clf);
  const maxBytes = args.flags[MAX_BYTES_FLAG] === undefined ? undefined : intFlag(args.flags, MAX_BYTES_FLAG, 0, 1);
  const table = loadEvalSource(source, { labelColumn: args.flags['label-column'] as string | undefined, needLabels: o.needLabels, part, maxBytes });
  return { clf, table: alignFeatures(table, { count: clf.nFeatures, names: clf.featureNamesIn }) };
}
