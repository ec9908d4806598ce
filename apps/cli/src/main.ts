/**
 * The `ffnn` command: a table of commands, each in its own module under commands/.
 * Errors: a usage error exits 2, an FfnnError (bad option, bad file) exits 1 and names the flag,
 * anything else is a bug in ffnn and exits 70 (EX_SOFTWARE) with its stack. Under --json the
 * error is also printed on stdout as {"error": {"code", "message", "exitCode", ...}}, so a script
 * reading stdout always gets JSON.
 */
import { FfnnError, loadWasmBackend, OPTIONS, VERSION } from '@ffnn/core';
import { evaluate } from './commands/evaluate.ts';
import { experiment } from './commands/experiment.ts';
import { exportCommand } from './commands/export.ts';
import { info } from './commands/info.ts';
import { parity } from './commands/parity.ts';
import { predict } from './commands/predict.ts';
import { report } from './commands/report.ts';
import { train } from './commands/train.ts';
import { kebab, UsageError } from './flags.ts';

const USAGE = `ffnn ${VERSION}: feed-forward neural networks, number for number with scikit-learn

usage: ffnn <command> [flags]

commands:
  train      train a classifier (default data: the bundled MNIST digits, 8,000 train / 2,000 test),
             or with --task regression a regressor on a CSV file
  predict    labels or class probabilities (a regressor: numbers) for rows of a CSV or IDX file
  evaluate   accuracy, confusion matrix, per-class precision, recall and F1 (a regressor: R², MSE, MAE)
  report     one self-contained HTML page: network picture, loss curves, weight and gradient histograms
  experiment ffnn and scikit-learn side by side over depth, width, activation, learning rate, init, regularisation
  parity     ffnn vs the scikit-learn parity fixtures, for one case or all
  export     a saved model as an ONNX graph (--onnx out.onnx) or in another model-file format (--out)
  info       versions and the active backend

run "ffnn <command> --help" for a command's flags`;

/** name -> handler(argv) returning the exit code; the usage text above lists them. */
const COMMANDS: Record<string, (argv: string[]) => number | Promise<number>> = {
  train,
  predict,
  evaluate,
  report,
  experiment,
  parity,
  export: exportCommand,
  info,
};
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  const json = rest.includes('--json') || rest.includes('--json=true');
  const fail = (exitCode: number, code: string, message: string, details: Record<string, unknown> = {}) => {
    console.error(`ffnn ${command}: ${message}${code === 'INTERNAL' || code === 'USAGE' ? '' : ` [${code}]`}`);
    if (json) console.log(JSON.stringify({ error: { code, message, exitCode, ...details } }));
    return exitCode;
  };
  try {
    if (!run) throw new UsageError(`unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
    // the WebAssembly kernels, so --backend wasm works and 'auto' can fall back to them when the
    // native addon is missing (never throws; FFNN_WASM=off leaves them out)
    await loadWasmBackend();
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) return fail(2, 'USAGE', err.message);
    if (err instanceof FfnnError) {
      // option errors name the option in camelCase; say the flag too
      const param = err.details.param as string | undefined;
      const hint = param && param in OPTIONS ? ` (flag --${kebab(param)})` : '';
      return fail(1, err.code, `${err.message}${hint}`, { details: err.details });
    }
    const e = err instanceof Error ? err : new Error(String(err));
    console.error(e.stack ?? e.message);
    return fail(70, 'INTERNAL', `internal error: ${e.message} (a bug in ffnn: please report it with the command line and the stack above)`);
  }
}
