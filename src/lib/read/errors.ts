/**
 * The one error the reader throws: a file could not be opened or read to the end. Everything
 * short of that (bad lines, bad bytes) is data for the caller, never an exception.
 */

/** Codes we translate into advice; any other system code is passed through unchanged. */
const ADVICE: Record<string, string> = {
  ENOENT:
    'it does not exist. It may have been archived, compressed or deleted since the folder was listed; list the folder again.',
  EACCES:
    'permission denied. Give the user running the archive read access to it (for example `chmod u+r`), or exclude it.',
  EPERM:
    'the operating system refused access. Give the user running the archive read access to it, or exclude it.',
  EISDIR: 'it is a directory, not a file. Point at a rollout file, or at the folder that holds it.',
  ELOOP: 'it is a symbolic link that loops. Remove the link or exclude it.',
  ZSTD_CORRUPT:
    'it is not a complete zstd stream (damaged, truncated, or still being written). Use the plain .jsonl sibling if there is one, or copy the file again.',
};

/**
 * A rollout (or index) file could not be opened or read. `code` is the system error code
 * (`ENOENT`, `EACCES`, `EISDIR`, …) or `ZSTD_CORRUPT` for a bad compressed stream; `path` is the
 * absolute path. The message says what happened, where, and what to do.
 */
export class RolloutReadError extends Error {
  /** Stable code: a system error code, or `ZSTD_CORRUPT`. */
  readonly code: string;
  /** The file that failed. */
  readonly path: string;

  constructor(code: string, path: string, detail?: string, options?: { cause?: unknown }) {
    const advice = ADVICE[code] ?? `the system reported ${code}${detail ? ` (${detail})` : ''}. Check that the file is readable, or exclude it.`;
    const extra = ADVICE[code] && detail ? ` [${detail}]` : '';
    super(`Cannot read ${path}: ${advice}${extra}`, options);
    this.name = 'RolloutReadError';
    this.code = code;
    this.path = path;
  }
}

/** True for errors raised by the zstd decompressor rather than by the file system. */
function isZstdError(err: { code?: unknown; syscall?: unknown }): boolean {
  const code = typeof err.code === 'string' ? err.code : '';
  return err.syscall === undefined && (code.startsWith('ZSTD_') || code.startsWith('Z_'));
}

/** Wrap any failure met while opening or reading `path` in a `RolloutReadError` (idempotent). */
export function toReadError(err: unknown, path: string): RolloutReadError {
  if (err instanceof RolloutReadError) return err;
  const e = (err ?? {}) as { code?: unknown; syscall?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (isZstdError(e)) return new RolloutReadError('ZSTD_CORRUPT', path, message, { cause: err });
  const code = typeof e.code === 'string' ? e.code : 'EIO';
  return new RolloutReadError(code, path, message, { cause: err });
}
