/**
 * What a non-regular file is, in words, for the messages that refuse one: ffnn reads and writes
 * only regular files (a FIFO blocks, a device never ends or is not ours to replace).
 */
import type { Stats } from 'node:fs';

export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
