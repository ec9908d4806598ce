/**
 * Atomic file writes: the bytes go to a temporary file beside the target, are flushed to disk,
 * and the temporary file is renamed over the target. A reader sees the old file or the new one,
 * never half of either; a failed write leaves the old file untouched and no temporary behind.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { FfnnError } from '../errors.ts';

let counter = 0;

/** Writes text or bytes to path atomically (temporary file, fsync, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}${(counter++).toString(36)}.tmp`;
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* the temporary file was never created */
    }
    throw new FfnnError('IO_ERROR', `save: could not write ${path}: ${(err as Error).message}`, { path });
  }
}
