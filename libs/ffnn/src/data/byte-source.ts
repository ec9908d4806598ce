/**
 * A file's bytes, read in pieces into a caller's buffer: plain, or gunzipped on the fly when the
 * file starts with the gzip magic (1f 8b). What the streaming readers (csv-stream.ts,
 * idx-stream.ts) read through, so neither ever holds more than its own buffer of the file.
 */
import { close, createReadStream, open, read } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { FfnnError } from '../errors.ts';
import { statRegularFile } from '../io/read-file.ts';

export interface ByteSource {
  /** Fills into[offset, offset + length) as far as the file goes; returns the bytes read (0 at the end only). */
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
  /** Whether the file is gzip data. */
  readonly gzip: boolean;
  /** The file's size on disk (compressed, for a gzip file). */
  readonly size: number;
}

const ioError = (path: string, err: unknown) => new FfnnError('IO_ERROR', `${path}: cannot read (${(err as Error).message})`, { file: path });

/** Opens a regular file (a FIFO or device is refused, as by the whole-file readers); `what` names it in messages. */
export async function openByteSource(path: string, what: string, pieceBytes = 1 << 20): Promise<ByteSource> {
  const st = statRegularFile(path, path, what);
  // a plain descriptor, not a FileHandle: Bun treats a FileHandle collected unclosed (an iterator
  // dropped halfway) as a fatal error
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => open(path, 'r', (err, f) => (err ? reject(err) : resolve(f))));
  } catch (err) {
    throw ioError(path, err);
  }
  let closed = false;
  const closeFd = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      close(fd, () => resolve());
    });
  const readAt = (into: Uint8Array, offset: number, length: number, position: number) =>
    new Promise<number>((resolve, reject) => read(fd, into, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
  try {
    const magic = new Uint8Array(2);
    const bytesRead = await readAt(magic, 0, 2, 0);
    if (bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
      await closeFd();
      return gunzipSource(path, st.size, pieceBytes);
    }
  } catch (err) {
    await closeFd();
    throw ioError(path, err);
  }
  let position = 0;
  return {
    gzip: false,
    size: st.size,
    async read(into, offset, length) {
      let total = 0;
      try {
        while (total < length) {
          const bytesRead = await readAt(into, offset + total, length - total, position);
          if (bytesRead === 0) break;
          position += bytesRead;
          total += bytesRead;
        }
      } catch (err) {
        throw ioError(path, err);
      }
      return total;
    },
    close: closeFd,
  };
}

function gunzipSource(path: string, size: number, pieceBytes: number): ByteSource {
  const file = createReadStream(path, { highWaterMark: pieceBytes });
  const gunzip = createGunzip({ chunkSize: Math.min(pieceBytes, 1 << 20) });
  file.on('error', (err) => gunzip.destroy(err));
  file.pipe(gunzip);
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer | null = null;
  let at = 0;
  let ended = false;
  return {
    gzip: true,
    size,
    async read(into, offset, length) {
      let total = 0;
      while (total < length && !ended) {
        if (pending === null || at === pending.length) {
          let r: IteratorResult<Buffer>;
          try {
            r = await chunks.next();
          } catch (err) {
            if ((err as { code?: string }).code?.startsWith('Z_')) {
              throw new FfnnError('INVALID_DATA', `${path}: corrupt gzip data (${(err as Error).message})`, { file: path });
            }
            throw ioError(path, err);
          }
          if (r.done) {
            ended = true;
            break;
          }
          pending = r.value;
          at = 0;
          continue;
        }
        const n = Math.min(length - total, pending.length - at);
        into.set(pending.subarray(at, at + n), offset + total);
        at += n;
        total += n;
      }
      return total;
    },
    async close() {
      ended = true;
      file.destroy();
      gunzip.destroy();
    },
  };
}
