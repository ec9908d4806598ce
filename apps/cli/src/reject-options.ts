/**
 * Commands that take no library options (predict, evaluate, report, experiment, parity) reject
 * them as unknown flags, naming the flag exactly as it was typed (--hidden, not hiddenLayerSizes).
 */
import type { ParsedArgs } from './flags.ts';
import { OPTION_FLAGS, SHORT_FORMS, UsageError } from './flags.ts';

export function rejectOptions(args: ParsedArgs, argv: string[], command: string, allowed: string[] = []): void {
  const given = Object.keys(args.options).filter((o) => !allowed.includes(o));
  if (!given.length) return;
  const typed = argv.find((a) => {
    const name = a.replace(/^--(no-)?/, '').split('=')[0];
    const option = OPTION_FLAGS[name] ?? SHORT_FORMS[name];
    return a.startsWith('--') && option !== undefined && given.includes(option);
  });
  throw new UsageError(`unknown flag ${typed?.split('=')[0] ?? `--${given[0]}`} for ${command} (see --help)`);
}
