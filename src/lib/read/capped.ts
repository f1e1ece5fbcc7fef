/**
 * Reading a whole small document (a generation-0 `.json` rollout, `saved_sessions.json`) with a
 * ceiling, so a huge or runaway file cannot exhaust memory.
 */
import { isUtf8 } from 'node:buffer';
import { byteChunks } from './open.ts';

/** The text of a document read by `readFileCapped`. */
export interface CappedText {
  /** Decoded text (U+FFFD for bad bytes), without a leading BOM. */
  text: string;
  /** The file had more than `maxBytes` (decompressed) bytes; `text` holds only the first ones. */
  truncated: boolean;
  /** The file started with a UTF-8 BOM (stripped from `text`). */
  bom: boolean;
  /** The kept bytes were not valid UTF-8. */
  invalidUtf8: boolean;
}

/** Options of `readFileCapped`. */
export interface ReadFileCappedOptions {
  /** Most bytes kept (after decompression). */
  maxBytes: number;
  /** zstd-compressed input. */
  compressed?: boolean;
}

/**
 * Read at most `maxBytes` of `path` (decompressed when `compressed`) as text, read-only.
 * A cut never splits a UTF-8 character. Throws `RolloutReadError` if the file cannot be read.
 */
export async function readFileCapped(path: string, options: ReadFileCappedOptions): Promise<CappedText> {
  const maxBytes = Math.max(0, options.maxBytes);
  const parts: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  // byteChunks throws RolloutReadError for open/read/zstd failures; leaving the loop closes the file.
  for await (const chunk of byteChunks(path, options.compressed ?? false)) {
    const room = maxBytes - kept;
    if (chunk.length > room) {
      // Keep a few bytes beyond the cap so the cut can step back to a character boundary.
      parts.push(Buffer.from(chunk.subarray(0, Math.min(chunk.length, room + 4))));
      truncated = true;
      break;
    }
    parts.push(Buffer.from(chunk));
    kept += chunk.length;
  }
  let bytes = Buffer.concat(parts);
  if (truncated) {
    let end = maxBytes;
    for (let back = 0; back < 3 && end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80; back++) end--;
    bytes = bytes.subarray(0, end);
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  return { text: body.toString('utf8'), truncated, bom, invalidUtf8: !isUtf8(body) };
}
