/**
 * Opening a file for reading without leaving a trace: read-only, and without touching its
 * access time where the operating system lets us. We are guests in the user's Codex home.
 */
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createZstdDecompress } from 'node:zlib';
import { toReadError } from './errors.ts';

/** Bytes asked for per `read()` call: large enough to be fast, small enough to stay bounded. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Open `path` read-only. O_NOATIME keeps the access time as it was (only the file's owner or
 * root may use it: anyone else gets EPERM, and then we open plainly). Never creates the file.
 */
export async function openReadOnly(path: string): Promise<FileHandle> {
  const noAtime = constants.O_NOATIME;
  if (noAtime) {
    try {
      return await fsp.open(path, constants.O_RDONLY | noAtime);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EPERM') throw toReadError(err, path);
    }
  }
  try {
    return await fsp.open(path, 'r');
  } catch (err) {
    throw toReadError(err, path);
  }
}

/**
 * The raw bytes of an open file, chunk by chunk, until end of file at the moment of reading
 * (a file still being appended to is read as far as it goes). With `reuse`, every chunk is a
 * view of one buffer that the next read overwrites: that spares the garbage collector ~100 MB
 * of short-lived buffers per 100 MB file, and is safe for consumers that finish with a chunk
 * before pulling the next one (the line splitter does; a zstd stream, which queues, does not).
 */
async function* fileChunks(handle: FileHandle, path: string, reuse: boolean): AsyncGenerator<Uint8Array> {
  let shared: Buffer | null = null;
  for (;;) {
    const buffer: Buffer = reuse ? (shared ??= Buffer.allocUnsafe(CHUNK_BYTES)) : Buffer.allocUnsafe(CHUNK_BYTES);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null));
    } catch (err) {
      throw toReadError(err, path);
    }
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/**
 * The (decompressed, when `compressed`) bytes of `path` as a stream of chunks. Opening happens
 * on the first pull, and the file is closed when iteration ends, fails, or is abandoned.
 * A chunk is only valid until the next one is pulled: copy what you keep.
 */
export async function* byteChunks(path: string, compressed = false): AsyncGenerator<Uint8Array> {
  const handle = await openReadOnly(path);
  try {
    if (!compressed) {
      yield* fileChunks(handle, path, true);
      return;
    }
    const zstd = createZstdDecompress();
    // pipeline() forwards read errors into the decompressor, so iterating it rethrows them.
    pipeline(fileChunks(handle, path, false), zstd, () => {});
    try {
      for await (const chunk of zstd) yield chunk as Buffer;
    } catch (err) {
      throw toReadError(err, path);
    } finally {
      zstd.destroy();
    }
  } finally {
    await handle.close().catch(() => {});
  }
}
