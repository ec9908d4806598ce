/**
 * `--task classification|regression` and the target columns a regression reads from a CSV
 * (`--target-columns a,b`, or the one column of `--label-column`, default "label"). Checked as
 * flags, before any file is read: regression needs csv:FILE data (mnist and idx hold class labels).
 */
import type { SourceSpec } from './data-source.ts';
import { UsageError } from './flags.ts';

export type Task = 'classification' | 'regression';
export const TASKS: readonly Task[] = ['classification', 'regression'];

export const TASK_HELP = `--task TASK           classification (default) or regression (csv:FILE data only: numeric
                        targets in the --label-column, or several in --target-columns A,B)`;
export const TARGET_HELP = `--target-columns A,B  regression: the CSV columns that are targets, one output each (default:
                        the --label-column, "label")`;

/** --task, default classification. */
export function parseTask(flags: Record<string, string | true>): Task {
  const raw = flags.task;
  if (raw === undefined) return 'classification';
  if (raw === true || !(TASKS as readonly string[]).includes(raw)) throw new UsageError(`--task: expected ${TASKS.join(' or ')}, got "${raw}"`);
  return raw as Task;
}

/** Every source a regression reads must be a CSV file (the others hold class labels). */
export function checkRegressionSource(spec: SourceSpec, flag: string): void {
  if (spec.kind !== 'csv') {
    throw new UsageError(
      `--${flag} ${spec.text}: --task regression reads csv:FILE data (numeric target columns); ${spec.kind === 'mnist' ? 'the bundled digits are' : 'IDX files are'} classification data`,
    );
  }
}

/**
 * The target column names of a regression: --target-columns (comma-separated, distinct, non-empty)
 * or the one --label-column (default "label"); not both.
 */
export function targetColumns(flags: Record<string, string | true>): string[] {
  const list = flags['target-columns'];
  const label = flags['label-column'];
  if (list !== undefined && label !== undefined) throw new UsageError('--target-columns and --label-column both name targets; give one of them');
  if (list === undefined) return [typeof label === 'string' ? label : 'label'];
  const names = String(list)
    .split(',')
    .map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--target-columns: expected column names separated by commas, got "${list}"`);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--target-columns: the column "${twice}" is named twice`);
  return names;
}

/** --target-columns makes sense only for a regression. */
export function refuseTargetColumnsFor(task: Task, flags: Record<string, string | true>): void {
  if (task !== 'regression' && flags['target-columns'] !== undefined) {
    throw new UsageError('--target-columns: only with --task regression (a classifier reads one --label-column)');
  }
}
