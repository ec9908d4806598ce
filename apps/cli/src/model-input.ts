/**
 * What predict, evaluate and report share: the MODEL argument (a classifier or a regressor: the
 * file says which) and, for the first two, the rows to score read from --data, matched to the
 * model's columns (by name when both have names). A regressor reads csv:FILE data only, its
 * targets named by --target-columns or --label-column.
 */
import { type AnyModel, FFNNRegressor, FfnnError } from '@ffnn/core';
import { loadAnyModel } from '@ffnn/core/node';
import { alignFeatures, loadEvalSource, MAX_BYTES_FLAG, parseSource, type Table } from './data-source.ts';
import { intFlag, type ParsedArgs, UsageError } from './flags.ts';
import { checkOutputs, inputFiles, type NamedPath } from './outputs.ts';
import { loadRegressionSource } from './regression-data.ts';
import { targetColumns } from './task.ts';

/** The MODEL argument as an input file (for the output checks). */
export const modelFiles = (positionals: string[]): NamedPath[] => positionals.slice(0, 1).map((path) => ({ flag: 'MODEL', path }));

export function loadModelArg(positionals: string[], command: string): AnyModel {
  if (positionals.length === 0) throw new UsageError(`expected a model file: ffnn ${command} MODEL --data SOURCE`);
  if (positionals.length > 1) throw new UsageError(`expected one model file, got ${positionals.length} arguments: ${positionals.join(' ')}`);
  return loadAnyModel(positionals[0]);
}

/**
 * The model and the rows of --data (with --part and --label-column, or a regressor's
 * --target-columns). `sources` is what the usage error lists; `checkModel` runs after the model
 * loads and before the data is read. `targets` names a regressor's target columns (empty for a
 * classifier, or when the flags name none and predict needs none).
 */
export function loadModelAndRows(
  args: ParsedArgs,
  command: string,
  o: { sources: string; needLabels: boolean; checkModel?: (model: AnyModel) => void; outputs?: NamedPath[] },
): { model: AnyModel; table: Table; targets: string[] } {
  if (!args.flags.data) throw new UsageError(`--data: required (${o.sources})`);
  const part = (args.flags.part ?? 'test') as string;
  if (part !== 'train' && part !== 'test') throw new UsageError(`--part: expected train or test, got "${part}"`);
  const source = parseSource(args.flags.data as string);
  // outputs are checked against the model and the data before either is read
  if (o.outputs?.length) checkOutputs(o.outputs, [...modelFiles(args.positionals), ...(source.kind === 'mnist' ? [] : inputFiles('data', source.path))]);
  const model = loadModelArg(args.positionals, command);
  o.checkModel?.(model);
  const maxBytes = args.flags[MAX_BYTES_FLAG] === undefined ? undefined : intFlag(args.flags, MAX_BYTES_FLAG, 0, 1);
  const expected = { count: model.nFeatures, names: model.featureNamesIn };
  if (model instanceof FFNNRegressor) {
    if (source.kind !== 'csv')
      throw new UsageError(
        `--data ${source.text}: ${args.positionals[0]} is a regressor; it reads csv:FILE data (${source.kind === 'mnist' ? 'the bundled digits are' : 'IDX files are'} classification data)`,
      );
    if (args.flags.part !== undefined) throw new UsageError('--part: picks a part of mnist or idx:DIR data, not of a CSV file');
    const targets = targetColumns(args.flags);
    // evaluate needs one target per output; predict checks only targets the flags name
    if ((o.needLabels || args.flags['target-columns'] !== undefined) && targets.length !== model.nOutputs) {
      throw new FfnnError(
        'SHAPE_MISMATCH',
        `--target-columns: ${args.positionals[0]} predicts ${model.nOutputs} output${model.nOutputs === 1 ? '' : 's'}, got ${targets.length} target column${targets.length === 1 ? '' : 's'} (${targets.join(', ')})`,
        {
          param: 'target-columns',
          expected: model.nOutputs,
          got: targets.length,
        },
      );
    }
    const table = loadRegressionSource(source, {
      targets,
      needTargets: o.needLabels,
      maxBytes,
      targetFlag: '--target-columns or --label-column (as when training)',
    });
    return { model, table: alignFeatures(table, expected), targets };
  }
  if (args.flags['target-columns'] !== undefined) throw new UsageError(`--target-columns: ${args.positionals[0]} is a classifier; it reads one --label-column`);
  const table = loadEvalSource(source, { labelColumn: args.flags['label-column'] as string | undefined, needLabels: o.needLabels, part, maxBytes });
  return { model, table: alignFeatures(table, expected), targets: [] };
}
