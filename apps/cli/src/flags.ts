/**
 * Turns the library's option table into CLI flags: every option is a kebab-case flag
 * (`--hidden-layer-sizes 128,64`, `--learning-rate-init 0.01`), with short forms for the
 * common ones. Values are parsed by the default's type and then validated by the library itself,
 * so the CLI and the API accept exactly the same things.
 */
import { OPTIONS, type FFNNOptions } from '../../../libs/ffnn/src/index.ts';

export class UsageError extends Error {}

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Options that cannot be given on a command line (functions). */
const NOT_FLAGS = new Set<keyof FFNNOptions>(['onEpoch', 'onWarning', 'log', 'history']);
export const SHORT_FORMS: Record<string, keyof FFNNOptions> = { hidden: 'hiddenLayerSizes', seed: 'randomState', epochs: 'maxIter', lr: 'learningRateInit' };
export const OPTION_FLAGS: Record<string, keyof FFNNOptions> = {};
for (const name of Object.keys(OPTIONS) as (keyof FFNNOptions)[]) if (!NOT_FLAGS.has(name)) OPTION_FLAGS[kebab(name)] = name;

function parseNumber(flag: string, raw: string): number {
  if (raw === 'inf' || raw === 'Infinity') return Infinity;
  const v = Number(raw);
  if (raw.trim() === '' || Number.isNaN(v)) throw new UsageError(`--${flag}: expected a number, got "${raw}"`);
  return v;
}

/** Parses one option flag's text into the option's value. */
export function parseOptionValue(flag: string, name: keyof FFNNOptions, raw: string): unknown {
  switch (name) {
    case 'hiddenLayerSizes':
      return raw.trim() === '' ? [] : raw.split(',').map((s) => parseNumber(flag, s));
    case 'activation':
      return raw.includes(',') ? raw.split(',') : raw;
    case 'batchSize':
      return raw === 'auto' ? 'auto' : parseNumber(flag, raw);
    case 'randomState':
      return raw === 'none' || raw === 'null' ? null : parseNumber(flag, raw);
    case 'verbose':
      return raw === 'true' ? true : raw === 'false' ? false : parseNumber(flag, raw);
    case 'init':
      if (raw.startsWith('{')) {
        try {
          return JSON.parse(raw);
        } catch {
          throw new UsageError(`--${flag}: expected an init name or a JSON object, got "${raw}"`);
        }
      }
      return raw;
  }
  const d = OPTIONS[name].default;
  if (typeof d === 'number') return parseNumber(flag, raw);
  if (typeof d === 'boolean') {
    if (raw === 'true' || raw === '') return true;
    if (raw === 'false') return false;
    throw new UsageError(`--${flag}: expected true or false, got "${raw}"`);
  }
  return raw;
}

export interface ParsedArgs {
  positionals: string[];
  options: Partial<FFNNOptions>;
  /** Non-option flags (--out, --data, --json, ...), by kebab name. */
  flags: Record<string, string | true>;
}

/**
 * Parses argv: `--name value`, `--name=value`, bare boolean flags (`--json`, `--early-stopping`),
 * and `--no-name` for false. `knownFlags` lists the command's own flags and whether they take a value.
 */
export function parseArgs(argv: string[], knownFlags: Record<string, 'value' | 'boolean'>): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: {}, flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      out.positionals.push(arg);
      continue;
    }
    let [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let negated = false;
    if (flag.startsWith('no-') && (OPTION_FLAGS[flag.slice(3)] || knownFlags[flag.slice(3)] === 'boolean')) {
      negated = true;
      flag = flag.slice(3);
    }
    const option = OPTION_FLAGS[flag] ?? SHORT_FORMS[flag];
    if (option) {
      const isBool = typeof OPTIONS[option].default === 'boolean' && option !== 'verbose';
      let raw: string;
      if (negated) raw = 'false';
      else if (inline !== undefined) raw = inline;
      else if (isBool && (i + 1 >= argv.length || !['true', 'false'].includes(argv[i + 1]))) raw = 'true';
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${flag}: expected a value`);
        raw = argv[++i];
      }
      (out.options as Record<string, unknown>)[option] = parseOptionValue(flag, option, raw);
      continue;
    }
    const kind = knownFlags[flag];
    if (!kind) throw new UsageError(`unknown flag --${flag} (see --help)`);
    if (kind === 'boolean') out.flags[flag] = negated ? (undefined as never) : true;
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${flag}: expected a value`);
      out.flags[flag] = value;
    }
  }
  return out;
}
