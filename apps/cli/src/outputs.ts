/**
 * A command's files, checked before it does any work: every output must be writable (a regular
 * file or a new name in an existing folder, see the library's atomic writer), and no output may be
 * one of the command's inputs or another output. `ffnn train --data csv:d.csv --out d.csv` fails
 * at once with OUTPUT_CONFLICT instead of training and then destroying its own training data.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FfnnError } from '@ffnn/core';
import { checkWritable } from '@ffnn/core/node';

/** A file named on the command line, with the flag that named it (for messages). */
export interface NamedPath {
  /** A flag name without dashes ("out"), or a positional argument's name in capitals ("MODEL"). */
  flag: string;
  path: string;
}

/** How a flag appears in messages: `--out`, or `MODEL` for a positional argument. */
export function flagLabel(flag: string): string {
  return /^[A-Z]/.test(flag) ? flag : `--${flag}`;
}

/** The identity of an existing file: device and inode, so hard links and aliases compare equal. */
function identity(path: string): string | null {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

/** The files an input names: a file itself, or the MNIST-layout files inside an idx:DIR folder. */
export function inputFiles(flag: string, path: string): NamedPath[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isDirectory()) {
    return readdirSync(path)
      .filter((name) => /^(train|t10k)-/.test(name))
      .map((name) => ({ flag, path: join(path, name) }));
  }
  return [{ flag, path }];
}

/**
 * Checks outputs against inputs and each other, and that each output can be written; returns the
 * resolved output paths by flag. Call it before loading data or training.
 */
export function checkOutputs(outputs: NamedPath[], inputs: NamedPath[]): Map<string, string> {
  const seen: { flag: string; real: string; id: string | null }[] = [];
  for (const i of inputs) {
    let real: string;
    try {
      real = realpathSync(i.path);
    } catch {
      continue; // a missing input is reported by its reader, with its own message
    }
    seen.push({ flag: i.flag, real, id: identity(real) });
  }
  const resolved = new Map<string, string>();
  for (const o of outputs) {
    const target = checkWritable(o.path, flagLabel(o.flag));
    const id = identity(target);
    const clash = seen.find((s) => s.real === target || (id !== null && s.id === id));
    if (clash) {
      const role = inputs.some((i) => i.flag === clash.flag) ? 'the input' : 'the output';
      throw new FfnnError(
        'OUTPUT_CONFLICT',
        `${flagLabel(o.flag)} ${o.path}: is also ${role} of ${flagLabel(clash.flag)}; writing it would destroy that file. Give another path`,
        {
          param: o.flag,
          path: o.path,
          conflictsWith: clash.flag,
        },
      );
    }
    seen.push({ flag: o.flag, real: target, id });
    resolved.set(o.flag, target);
  }
  return resolved;
}
