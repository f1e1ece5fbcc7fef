/**
 * What of an inline image a page may publish. A session's `data:image/png` URL is untrusted: its
 * bytes may be something else (HTML, a script) under an image name, and a real image may carry
 * text a tool wrote into it (a PNG `tEXt` chunk, JPEG EXIF or comments), which no redaction
 * reads and the verifier does not scan. So an image is published only when its bytes are the
 * type it claims, and PNG and JPEG files lose their text and metadata on the way.
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

/** PNG chunks that hold text or metadata rather than pixels or how to show them. */
const PNG_TEXT_CHUNKS = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

/** A PNG without its text and metadata chunks; null when the chunk structure is broken. */
export function pngWithoutText(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) return null;
    const type = ascii(bytes, at + 4, 4);
    if (!PNG_TEXT_CHUNKS.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') return Buffer.concat(kept);
  }
  return null;
}

/** JPEG segments that hold text or metadata: APP1 (EXIF, XMP), APP13 (IPTC), comments. */
const JPEG_TEXT_MARKERS = new Set([0xe1, 0xed, 0xfe]);

/**
 * A JPEG without its text and metadata segments (colour profiles and the like stay); null when
 * the segment structure is broken. Everything from the start of scan on is image data.
 */
export function jpegWithoutText(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xd9) return Buffer.concat([...kept, bytes.subarray(at)]);
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length) return null;
    if (marker === 0xda) return Buffer.concat([...kept, bytes.subarray(at)]);
    if (!JPEG_TEXT_MARKERS.has(marker)) kept.push(bytes.subarray(at, end));
    at = end;
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
