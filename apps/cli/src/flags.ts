/**
 * Turns the library's option table into CLI flags: every option is a kebab-case flag
 * (`--hidden-layer-sizes 128,64`, `--learning-rate-init 0.01`), with short forms for the
 * common ones. Values are parsed by the default's type and then validated by the library itself,
 * so the CLI and the API accept exactly the same things.
 */
import { DECIMAL_HINT, type FFNNOptions, OPTIONS, parseDecimal } from '@ffnn/core';

export class UsageError extends Error {}

export const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Options that cannot be given on a command line (functions). */
const NOT_FLAGS = new Set<keyof FFNNOptions>(['onEpoch', 'onWarning', 'log', 'history']);
export const SHORT_FORMS: Record<string, keyof FFNNOptions> = { hidden: 'hiddenLayerSizes', seed: 'randomState', epochs: 'maxIter', lr: 'learningRateInit' };
export const OPTION_FLAGS: Record<string, keyof FFNNOptions> = {};
for (const name of Object.keys(OPTIONS) as (keyof FFNNOptions)[]) if (!NOT_FLAGS.has(name)) OPTION_FLAGS[kebab(name)] = name;

export function parseNumber(flag: string, raw: string): number {
  if (raw === 'inf' || raw === 'Infinity') return Infinity;
  // plain decimal notation only: `0x10`, `0b11` and `1_000` are typos, not numbers
  const v = parseDecimal(raw.trim());
  if (v === null) throw new UsageError(`--${flag}: expected a number, got "${raw}" (${DECIMAL_HINT})`);
  return v;
}

/**
 * A command's own whole-number flag (`--train-size 500`): decimal digits, from `min` to `max`;
 * `fallback` when the flag is absent.
 */
export function intFlag(flags: Record<string, string | true>, flag: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = flags[flag];
  if (raw === undefined) return fallback;
  const v = raw === true ? NaN : parseNumber(flag, raw);
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag}: expected a whole number ${range}, got "${raw}"`);
  }
  return v;
}

/** Parses one option flag's text into the option's value. */
function parseJsonObject(flag: string, raw: string, alternative: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new UsageError(`--${flag}: expected ${alternative} or a JSON object, got "${raw}"`);
  }
}

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
      return raw.startsWith('{') ? parseJsonObject(flag, raw, 'an init name') : raw;
    case 'classWeight':
      // 'balanced', 'none', or a JSON map of label to weight: --class-weight '{"0": 1, "1": 5}'
      if (raw === 'none' || raw === 'null') return null;
      return raw.startsWith('{') ? parseJsonObject(flag, raw, "'balanced'") : raw;
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
  // a flag given twice is a mistake worth reporting, not a silent "last one wins"
  const given = new Map<string, string>();
  const once = (key: string, spelled: string) => {
    const first = given.get(key);
    if (first !== undefined) throw new UsageError(`${spelled} is given twice${first !== spelled ? ` (as ${first} and ${spelled})` : ''}; give it once`);
    given.set(key, spelled);
  };
  // the next argument as a flag's value: present, not empty and not itself a flag
  const flagValue = (spelled: string, inline: string | undefined, i: number): string => {
    const value = inline ?? argv[i];
    if (value === undefined) throw new UsageError(`${spelled}: expected a value`);
    if (value === '') throw new UsageError(`${spelled}: expected a value, got an empty string`);
    if (inline === undefined && value.startsWith('--') && value.length > 2) throw new UsageError(`${spelled}: expected a value, got the flag ${value}`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      out.positionals.push(arg);
      continue;
    }
    let [flag, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let negated = false;
    if (flag.startsWith('no-') && (OPTION_FLAGS[flag.slice(3)] || SHORT_FORMS[flag.slice(3)] || knownFlags[flag.slice(3)] === 'boolean')) {
      negated = true;
      flag = flag.slice(3);
      if (inline !== undefined) throw new UsageError(`--no-${flag} takes no value, got "${inline}"`);
    }
    const option = OPTION_FLAGS[flag] ?? SHORT_FORMS[flag];
    if (option) {
      once(option, `--${negated ? 'no-' : ''}${flag}`);
      const isBool = typeof OPTIONS[option].default === 'boolean' && option !== 'verbose';
      let raw: string;
      if (negated) raw = 'false';
      else if (inline !== undefined) raw = inline;
      else if (isBool && (i + 1 >= argv.length || !['true', 'false'].includes(argv[i + 1]))) raw = 'true';
      else raw = flagValue(`--${flag}`, undefined, ++i);
      (out.options as Record<string, unknown>)[option] = parseOptionValue(flag, option, raw);
      continue;
    }
    const kind = knownFlags[flag];
    if (!kind) throw new UsageError(`unknown flag --${flag} (see --help)`);
    once(flag, `--${negated ? 'no-' : ''}${flag}`);
    if (kind === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`--${flag}: expected true or false, got "${inline}"`);
      if (!negated && inline !== 'false') out.flags[flag] = true;
    } else {
      out.flags[flag] = flagValue(`--${flag}`, inline, inline === undefined ? ++i : i);
    }
  }
  return out;
}

/** Refuses positional arguments for a command that takes none (`ffnn train model.ffnn`). */
export function noPositionals(args: ParsedArgs, command: string, hint = ''): void {
  if (args.positionals.length)
    throw new UsageError(`${command} takes no arguments besides flags, got ${args.positionals.map((p) => JSON.stringify(p)).join(' ')}${hint}`);
}
