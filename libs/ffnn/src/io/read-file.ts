/**
 * Reading a file a user names as an input (a config, a history summary, a data file): only a
 * regular file, and only up to a size limit, both checked before reading. A FIFO or /dev/zero
 * would otherwise block or grow without end, and a file past the limit fails as a coded error
 * naming the limit instead of ENOMEM.
 */
import { readFileSync, type Stats, statSync } from 'node:fs';
import { FfnnError } from '../errors.ts';
import { fileKind } from './file-kind.ts';

/** Default limit for small text inputs (configs, history summaries): 256 MiB. */
export const MAX_TEXT_INPUT_BYTES = 256 * 2 ** 20;

/**
 * Stats a file about to be read: a missing or unreadable one is an IO_ERROR "NAME: cannot read
 * (...)", anything but a regular file an IO_ERROR "NAME: expected a regular WHAT, got a FIFO ...".
 * `name` starts the messages (the path, or the flag and the path).
 */
export function statRegularFile(path: string, name: string, what = 'file'): Stats {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    throw new FfnnError('IO_ERROR', `${name}: cannot read (${(err as Error).message})`, { file: path });
  }
  if (!st.isFile()) throw new FfnnError('IO_ERROR', `${name}: expected a regular ${what}, got ${fileKind(st)}`, { file: path });
  return st;
}

/** Checks that `path` is a readable regular file of at most `maxBytes`; returns its size. */
export function checkInputFile(path: string, label: string, maxBytes: number): number {
  const st = statRegularFile(path, `${label} ${path}`);
  if (st.size > maxBytes) {
    throw new FfnnError('SIZE_LIMIT', `${label} ${path}: ${st.size} bytes, more than the limit of ${maxBytes} bytes`, {
      file: path,
      limit: maxBytes,
      size: st.size,
    });
  }
  return st.size;
}

/** Reads a regular file of at most `maxBytes` as UTF-8 text (see checkInputFile). */
export function readInputText(path: string, label: string, maxBytes = MAX_TEXT_INPUT_BYTES): string {
  checkInputFile(path, label, maxBytes);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new FfnnError('IO_ERROR', `${label} ${path}: cannot read (${(err as Error).message})`, { file: path });
  }
}
