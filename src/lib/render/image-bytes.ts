/**
 * What of an inline image a page may publish. A session's `data:image/png` URL is untrusted: its
 * bytes may be something else (HTML, a script) under an image name, and a real image may carry
 * text a tool wrote into it (a PNG `tEXt` chunk, JPEG EXIF or comments), which no redaction
 * reads and the verifier does not scan. So an image is published only when its bytes are the
 * type it claims, and PNG, JPEG, GIF and WebP files lose their text and metadata on the way.
 * (AVIF is checked, not cleaned: its metadata stays.)
 */

/** Raster types pages publish, by file extension. */
export type RasterType = 'png' | 'jpg' | 'gif' | 'webp' | 'avif';

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length));

/** The raster type the bytes are, by their signature, or null for anything else. */
export function rasterType(bytes: Uint8Array): RasterType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpg';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 4, 4) === 'ftyp' && /^avi[fs]$/.test(ascii(bytes, 8, 4))) return 'avif';
  return null;
}

/**
 * PNG chunks a page keeps: pixels and how to show them (an allowlist: a private chunk, `prVt`,
 * or a profile chunk can carry any text). Animated PNG's frame chunks included.
 */
const PNG_KEPT_CHUNKS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD', 'pHYs', 'acTL', 'fcTL', 'fdAT']);

/** A PNG with only the chunks a page needs, up to IEND; null when the chunk structure is broken. */
export function pngWithoutText(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) return null;
    const type = ascii(bytes, at + 4, 4);
    if (PNG_KEPT_CHUNKS.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') return Buffer.concat(kept);
  }
  return null;
}

/** JPEG application segments a page keeps: APP0 (JFIF) and APP14 (Adobe: how to decode colour). */
const JPEG_KEPT_APP = new Set([0xe0, 0xee]);

/**
 * A JPEG without its text and metadata (every APPn segment but JFIF and Adobe, comments), and
 * without anything after its end marker; null when the structure is broken. Scans (there are
 * several in a progressive JPEG) are walked to the next marker, so a comment between them goes too.
 */
export function jpegWithoutText(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 2 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      kept.push(bytes.subarray(at, at + 2));
      return Buffer.concat(kept);
    }
    if (at + 4 > bytes.length) return null;
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length || end < at + 4) return null;
    const app = marker >= 0xe0 && marker <= 0xef;
    if (!(app && !JPEG_KEPT_APP.has(marker)) && marker !== 0xfe) kept.push(bytes.subarray(at, end));
    at = end;
    if (marker === 0xda) {
      // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00 or a restart.
      let next = at;
      while (next + 1 < bytes.length && !(bytes[next] === 0xff && bytes[next + 1] !== 0x00 && !(bytes[next + 1]! >= 0xd0 && bytes[next + 1]! <= 0xd7))) next++;
      if (next + 1 >= bytes.length) return null;
      kept.push(bytes.subarray(at, next));
      at = next;
    }
  }
  return null;
}

/** GIF application extensions that only say how to loop an animation. */
const GIF_LOOP_APPS = new Set(['NETSCAPE2.0', 'ANIMEXTS1.0']);

/** The end of a run of GIF data sub-blocks starting at `at` (after its 0 terminator), or -1. */
function gifSubBlocksEnd(bytes: Buffer, at: number): number {
  let i = at;
  while (i < bytes.length) {
    const size = bytes[i]!;
    if (size === 0) return i + 1;
    i += 1 + size;
  }
  return -1;
}

/**
 * A GIF without comments, plain-text extensions and application data other than looping; null
 * when the structure is broken. Nothing after the trailer is kept.
 */
export function gifWithoutText(bytes: Buffer): Buffer | null {
  if (bytes.length < 13) return null;
  const flags = bytes[10]!;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  if (at > bytes.length) return null;
  const kept: Buffer[] = [bytes.subarray(0, at)];
  while (at < bytes.length) {
    const introducer = bytes[at]!;
    if (introducer === 0x3b) {
      kept.push(bytes.subarray(at, at + 1));
      return Buffer.concat(kept);
    }
    if (introducer === 0x21) {
      const label = bytes[at + 1];
      const end = gifSubBlocksEnd(bytes, at + 2);
      if (label === undefined || end < 0) return null;
      const app = label === 0xff ? ascii(bytes, at + 3, 11) : '';
      if (label === 0xf9 || (label === 0xff && GIF_LOOP_APPS.has(app))) kept.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    if (introducer === 0x2c) {
      if (at + 10 > bytes.length) return null;
      const local = bytes[at + 9]!;
      const data = at + 10 + (local & 0x80 ? 3 * 2 ** ((local & 0x07) + 1) : 0) + 1; // + LZW code size
      const end = gifSubBlocksEnd(bytes, data);
      if (end < 0) return null;
      kept.push(bytes.subarray(at, end));
      at = end;
      continue;
    }
    return null;
  }
  return null;
}

/** WebP chunks that hold metadata rather than the image. */
const WEBP_META_CHUNKS = new Set(['EXIF', 'XMP ', 'ICCP']);

/**
 * A WebP without EXIF, XMP and colour-profile chunks (the extended header's flags for them
 * cleared, the RIFF size set again); null when the structure is broken.
 */
export function webpWithoutText(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [];
  let at = 12;
  while (at + 8 <= bytes.length) {
    const type = ascii(bytes, at, 4);
    const size = bytes.readUInt32LE(at + 4);
    const end = at + 8 + size + (size % 2);
    if (end > bytes.length + (size % 2)) return null;
    if (!WEBP_META_CHUNKS.has(type)) {
      const chunk = Buffer.from(bytes.subarray(at, Math.min(end, bytes.length)));
      // VP8X flags: ICC 0x20, EXIF 0x08, XMP 0x04.
      if (type === 'VP8X' && chunk.length > 8) chunk[8] = chunk[8]! & ~(0x20 | 0x08 | 0x04);
      kept.push(chunk);
    }
    at = end;
  }
  if (at < bytes.length) return null;
  const body = Buffer.concat(kept);
  const head = Buffer.from(bytes.subarray(0, 12));
  head.writeUInt32LE(body.length + 4, 4);
  return Buffer.concat([head, body]);
}

/**
 * The bytes a page may publish for an image that claims to be `claimed`, or null when they are
 * not that type or cannot be cleaned.
 */
export function publishableImage(bytes: Buffer, claimed: RasterType): Buffer | null {
  if (rasterType(bytes) !== claimed) return null;
  if (claimed === 'png') return pngWithoutText(bytes);
  if (claimed === 'jpg') return jpegWithoutText(bytes);
  if (claimed === 'gif') return gifWithoutText(bytes);
  if (claimed === 'webp') return webpWithoutText(bytes);
  return bytes;
}
