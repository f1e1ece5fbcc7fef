/**
 * A faithful physical line reader for rollout files: every byte of the input belongs to exactly
 * one yielded line (or its `\n`), lines are decoded without ever failing, and memory stays
 * bounded by `maxLineBytes` however long a line is. It does not interpret lines: empty and
 * whitespace-only lines are yielded too, so callers can count what they skip.
 */
import { isUtf8 } from 'node:buffer';
import { byteChunks } from './open.ts';

export { RolloutReadError } from './errors.ts';

/** One physical line of a file. */
export interface RawLine {
  /** 1-based physical line number. */
  line: number;
  /** Offset of the line's first byte in the (decompressed) stream. */
  byteOffset: number;
  /**
   * Bytes of the line without its `\n`. Includes a BOM or a `\r` that `text` omits, so that
   * `byteOffset + byteLength` is always the offset of the `\n` (or of the end of the stream).
   */
  byteLength: number;
  /**
   * Decoded text: UTF-8 with U+FFFD for bad bytes (never fatal), a leading BOM stripped on
   * line 1, one trailing `\r` stripped. For an oversized line, only its first 64 KiB.
   */
  text: string;
  /** The line ended with `\n` (false only for a last line without newline). */
  terminated: boolean;
  /** Longer than `maxLineBytes`: `text` holds only the first 64 KiB, the rest was skipped unbuffered. */
  oversized: boolean;
  /** The kept bytes were not valid UTF-8 (replacement characters were used). */
  invalidUtf8: boolean;
}

/** Options of `readLines` and `readLinesFromStream`. */
export interface ReadLinesOptions {
  /** Longest line kept whole, in bytes (default 64 MiB). Longer lines are cut to a 64 KiB prefix. */
  maxLineBytes?: number;
  /** The file is zstd-compressed (`.jsonl.zst`); decompress while streaming. Ignored for streams. */
  compressed?: boolean;
}

/** Default `maxLineBytes`: lines of tens of MB (inline images, compaction copies) are real. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** How much of an oversized line is kept, so a caller can still say what it was. */
export const OVERSIZED_PREFIX_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/** Decode bytes without ever throwing; report whether replacement characters were needed. */
function decode(bytes: Buffer): { text: string; invalid: boolean } {
  const invalid = !isUtf8(bytes);
  // Buffer#toString replaces bad sequences with U+FFFD and, unlike TextDecoder, keeps a BOM,
  // so we decide ourselves where a BOM is stripped (line 1 only).
  return { text: bytes.toString('utf8'), invalid };
}

/**
 * Cut `bytes` to at most `limit` bytes without splitting a UTF-8 sequence, so a prefix of a
 * valid line does not look invalid just because the cut fell inside a character.
 */
function utf8Prefix(bytes: Buffer, limit: number): Buffer {
  if (bytes.length <= limit) return bytes;
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  let back = 0;
  while (end > 0 && back < 3 && ((bytes[end] ?? 0) & 0xc0) === 0x80) {
    end--;
    back++;
  }
  return bytes.subarray(0, end);
}

/** Mutable state of the line being assembled from chunks. */
interface Pending {
  start: number;
  parts: Buffer[];
  kept: number;
  total: number;
  oversized: boolean;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/**
 * Split a byte stream into physical lines (`\n`-terminated). Chunk boundaries may fall
 * anywhere, including inside a UTF-8 sequence, a BOM or a CRLF pair. Errors of the stream
 * itself propagate unchanged.
 */
export async function* readLinesFromStream(
  stream: AsyncIterable<Uint8Array>,
  options: ReadLinesOptions = {},
): AsyncGenerator<RawLine> {
  const maxLineBytes = Math.max(1, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const keepOversized = Math.min(OVERSIZED_PREFIX_BYTES, maxLineBytes);
  // Keep a few bytes past the prefix so utf8Prefix can see whether the cut split a character.
  const keepRaw = keepOversized + 4;
  let lineNo = 0;
  let pending: Pending = { start: 0, parts: [], kept: 0, total: 0, oversized: false };

  /** Add bytes of the current line, keeping at most maxLineBytes (then only a prefix). */
  const append = (bytes: Buffer): void => {
    pending.total += bytes.length;
    if (pending.oversized) {
      // Already over the limit: the prefix is kept; the rest is counted, not stored.
      return;
    }
    if (pending.kept + bytes.length <= maxLineBytes) {
      // Copy: the caller (or our file reader) may reuse the chunk's memory.
      pending.parts.push(Buffer.from(bytes));
      pending.kept += bytes.length;
      return;
    }
    // Crossing the limit: keep only a prefix and drop the rest now, so memory never grows
    // past maxLineBytes plus one chunk. Copy just the prefix bytes (concatenating all kept
    // parts first would double the peak), then let the parts go.
    const prefix = Buffer.allocUnsafe(keepRaw);
    let filled = 0;
    for (const part of [...pending.parts, bytes]) {
      if (filled >= keepRaw) break;
      filled += part.copy(prefix, filled, 0, Math.min(part.length, keepRaw - filled));
    }
    pending.parts = [prefix.subarray(0, filled)];
    pending.kept = filled;
    pending.oversized = true;
  };

  const finish = (terminated: boolean): RawLine => {
    lineNo++;
    let bytes = pending.parts.length === 1 ? pending.parts[0]! : Buffer.concat(pending.parts, pending.kept);
    if (pending.oversized) bytes = utf8Prefix(bytes, keepOversized);
    let { text, invalid } = decode(bytes);
    if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!pending.oversized && text.endsWith('\r')) text = text.slice(0, -1);
    const line: RawLine = {
      line: lineNo,
      byteOffset: pending.start,
      byteLength: pending.total,
      text,
      terminated,
      oversized: pending.oversized,
      invalidUtf8: invalid,
    };
    pending = { start: pending.start + pending.total + (terminated ? 1 : 0), parts: [], kept: 0, total: 0, oversized: false };
    return line;
  };

  for await (const raw of stream) {
    const chunk = toBuffer(raw);
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NEWLINE, pos);
      if (nl === -1) {
        append(chunk.subarray(pos));
        break;
      }
      if (pending.total === 0 && !pending.oversized && nl - pos <= maxLineBytes) {
        // Fast path: the whole line is inside this chunk; decode it in place, no copy.
        pending.parts = [chunk.subarray(pos, nl)];
        pending.kept = pending.total = nl - pos;
      } else {
        append(chunk.subarray(pos, nl));
      }
      yield finish(true);
      pos = nl + 1;
    }
  }
  if (pending.total > 0) yield finish(false);
}

/**
 * Read the physical lines of a rollout file, streaming (a file never has to fit in memory).
 * The file is opened read-only and its access time is left alone where possible. Throws
 * `RolloutReadError` when the file cannot be opened or read, or a `.zst` stream is corrupt; lines
 * already yielded before such a failure stay valid.
 */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<RawLine> {
  // byteChunks already turns open/read/zstd failures into RolloutReadError; anything else
  // would be a bug here and is better seen as itself.
  yield* readLinesFromStream(byteChunks(path, options.compressed ?? false), options);
}

export { readFileCapped } from './capped.ts';
export type { CappedText, ReadFileCappedOptions } from './capped.ts';
