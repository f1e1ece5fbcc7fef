/**
 * What of an inline image a page may publish. A session's `data:image/png` URL is untrusted: its
 * bytes may be something else (HTML, a script) under an image name, and a real image may carry
 * text a tool wrote into it (a PNG `tEXt` chunk, JPEG EXIF or comments), which no redaction
 * reads and the verifier does not scan. So an image is published only when its bytes are the
 * type it claims, and PNG and JPEG files lose their text and metadata on the way. (GIF, WebP and
 * AVIF are checked, not cleaned: their comments and metadata stay.)
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

/**
 * The bytes a page may publish for an image that claims to be `claimed`, or null when they are
 * not that type or cannot be cleaned.
 */
export function publishableImage(bytes: Buffer, claimed: RasterType): Buffer | null {
  if (rasterType(bytes) !== claimed) return null;
  if (claimed === 'png') return pngWithoutText(bytes);
  if (claimed === 'jpg') return jpegWithoutText(bytes);
  return bytes;
}
