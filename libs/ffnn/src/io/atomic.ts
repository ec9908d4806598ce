/**
 * Every file ffnn writes goes through here (models, predictions, histories, reports, ONNX graphs,
 * experiment results). The rules, which README repeats:
 *
 * - Atomic: the bytes go to a temporary file in the target's folder, are flushed to disk, and the
 *   temporary file is renamed over the target. A reader sees the old file or the new one, never
 *   half of either; a failed write (disk full, no permission) leaves the old file untouched.
 * - Only regular files are replaced. A directory, FIFO, device or socket at the path is refused
 *   (OUTPUT_CONFLICT): `--out /dev/null` never turns the null device into a file.
 * - A symlink is followed: the file it points to is replaced and the link stays a link. A link
 *   that points nowhere is refused.
 * - The replaced file keeps its permission bits (and, where the process may, its owner).
 * - Temporary files are named `.NAME.ffnn-tmp-PID-N` and removed on every error path. A process
 *   killed mid-write (kill -9) cannot clean up; the next write to that folder removes temporaries
 *   whose process is gone (`removeStaleTemporaries`).
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FfnnError } from '../errors.ts';
import { fileKind } from './file-kind.ts';

let counter = 0;
const TEMP_MARK = '.ffnn-tmp-';
const TEMP_PATTERN = /^\..*\.ffnn-tmp-(\d+)-\d+$/;
/** Temporary files this process has open right now (removed on exit if still there). */
const live = new Set<string>();
let exitHookInstalled = false;

/**
 * Where a write to `path` really lands: the path itself, or the file a symlink points to.
 * Throws OUTPUT_CONFLICT for anything that is not (or will not be) a regular file.
 */
export function resolveOutputPath(path: string, label = 'output'): string {
  if (typeof path !== 'string' || path === '') {
    throw new FfnnError('INVALID_PARAM', `${label}: expected a file path, got ${path === '' ? 'an empty string' : typeof path}`, { param: label });
  }
  let target = resolve(path);
  let st: Stats | null;
  try {
    st = lstatSync(target);
  } catch {
    st = null; // a new file: its folder is checked below
  }
  if (st?.isSymbolicLink()) {
    try {
      target = realpathSync(target);
    } catch {
      throw new FfnnError('OUTPUT_CONFLICT', `${label} ${path}: a symbolic link to a file that does not exist; give the file's own path`, {
        param: label,
        path,
      });
    }
    st = statSync(target);
  }
  if (st && !st.isFile()) {
    throw new FfnnError(
      'OUTPUT_CONFLICT',
      `${label} ${path}: is ${fileKind(st)}; ffnn writes only regular files (give a file name${st.isDirectory() ? ' inside it' : ''})`,
      { param: label, path },
    );
  }
  const folder = dirname(target);
  let dirStat: Stats;
  try {
    dirStat = statSync(folder);
  } catch {
    throw new FfnnError('IO_ERROR', `${label} ${path}: the folder ${folder} does not exist`, { param: label, path });
  }
  if (!dirStat.isDirectory()) throw new FfnnError('IO_ERROR', `${label} ${path}: ${folder} is not a folder`, { param: label, path });
  // compare outputs and inputs by the real folder, so a/../b and b are one file
  return join(realpathSync(folder), basename(target));
}

/**
 * Checks before any long work that `path` can be written: resolves it (see resolveOutputPath) and
 * creates and removes a temporary file in its folder, which catches a missing folder, no
 * permission and a read-only file system. Returns the resolved target.
 */
export function checkWritable(path: string, label = 'output'): string {
  const target = resolveOutputPath(path, label);
  const tmp = temporaryName(target);
  try {
    closeSync(openSync(tmp, 'wx', 0o600));
    unlinkSync(tmp);
  } catch (err) {
    throw new FfnnError('IO_ERROR', `${label} ${path}: cannot write in ${dirname(target)} (${(err as Error).message})`, { param: label, path });
  }
  return target;
}

function temporaryName(target: string): string {
  return join(dirname(target), `.${basename(target)}${TEMP_MARK}${process.pid}-${counter++}`);
}

function processIsGone(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes ffnn temporary files in `folder` left by processes that no longer run; returns their names. */
export function removeStaleTemporaries(folder: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_PATTERN.exec(name);
    if (!m || !processIsGone(Number(m[1]))) continue;
    try {
      unlinkSync(join(folder, name));
      removed.push(name);
    } catch {
      /* another process removed it first */
    }
  }
  return removed;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const tmp of live) {
      try {
        unlinkSync(tmp);
      } catch {
        /* already renamed or removed */
      }
    }
  });
}

/** Writes text or bytes to path atomically under the rules in the module comment. */
export function writeFileAtomic(path: string, data: string | Uint8Array, label = 'save'): void {
  const target = resolveOutputPath(path, label);
  removeStaleTemporaries(dirname(target));
  let previous: { mode: number; uid: number; gid: number } | null = null;
  try {
    const st = statSync(target);
    previous = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch {
    /* a new file */
  }
  const tmp = temporaryName(target);
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  installExitHook();
  let fd: number | null = null;
  live.add(tmp);
  try {
    fd = openSync(tmp, 'wx', previous ? 0o600 : 0o666);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (previous) {
      chmodSync(tmp, previous.mode);
      try {
        chownSync(tmp, previous.uid, previous.gid);
      } catch {
        /* only root may give a file away; the owner is then the writer */
      }
    }
    renameSync(tmp, target);
    live.delete(tmp);
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
    live.delete(tmp);
    throw new FfnnError('IO_ERROR', `${label}: could not write ${path}: ${(err as Error).message}`, { path });
  }
}
