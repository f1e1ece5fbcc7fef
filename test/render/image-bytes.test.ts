import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gifWithoutText, jpegWithoutText, pngWithoutText, publishableImage, rasterType, webpWithoutText } from '../../src/lib/render/image-bytes.ts';

/** A 1×1 PNG (the components' sample image). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** The sample PNG with a chunk put after IHDR (8-byte signature + 25-byte IHDR chunk). */
const pngWith = (chunk: Buffer) => Buffer.concat([PNG.subarray(0, 33), chunk, PNG.subarray(33)]);

function jpegSegment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}
/** A minimal JPEG-shaped file: SOI, segments, a start of scan with its data, EOI. */
const jpeg = (...segments: Buffer[]) =>
  Buffer.concat([Buffer.from([0xff, 0xd8]), ...segments, jpegSegment(0xda, Buffer.from([1, 2, 3])), Buffer.from([9, 9, 9, 0xff, 0xd9])]);

describe('inline images a page publishes', () => {
  it('knows raster types by their bytes, not by what the data URL says', () => {
    expect(rasterType(PNG)).toBe('png');
    expect(rasterType(jpeg())).toBe('jpg');
    expect(rasterType(Buffer.from('GIF89a\x01\x00'))).toBe('gif');
    expect(rasterType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(publishableImage(Buffer.from('<html><script>alert(1)</script>'), 'png')).toBeNull();
    expect(publishableImage(PNG, 'jpg')).toBeNull();
  });

  it('drops the text a tool wrote into a PNG and keeps the pixels', () => {
    const token = 'token=gh' + 'p_' + 'A'.repeat(36);
    for (const type of ['tEXt', 'iTXt', 'zTXt', 'eXIf']) {
      const tagged = pngWith(pngChunk(type, Buffer.from(`Comment\0${token}`, 'latin1')));
      expect(tagged.toString('latin1')).toContain(token);
      const out = publishableImage(tagged, 'png')!;
      expect(out.toString('latin1'), type).not.toContain('AAAAAAAA');
      expect(out.equals(PNG), type).toBe(true);
    }
    expect(pngWithoutText(PNG.subarray(0, 40))).toBeNull();
    // Only chunks that draw the image stay: a private chunk or a profile can carry any text.
    for (const type of ['prVt', 'iCCP', 'sPLT']) expect(publishableImage(pngWith(pngChunk(type, Buffer.from(token))), 'png')!.equals(PNG), type).toBe(true);
    expect(publishableImage(Buffer.concat([PNG, Buffer.from(token)]), 'png')!.equals(PNG)).toBe(true);
  });

  it('drops every application segment but JFIF and Adobe, comments, and what follows the end', () => {
    const jfif = jpegSegment(0xe0, Buffer.from('JFIF\0'));
    const adobe = jpegSegment(0xee, Buffer.from('Adobe\0'));
    const tagged = jpeg(
      jfif,
      jpegSegment(0xe1, Buffer.from('Exif\0\0secret-owner')),
      jpegSegment(0xfe, Buffer.from('password=hunter2')),
      jpegSegment(0xe2, Buffer.from('ICC_PROFILE\0desc token-in-profile')),
      jpegSegment(0xef, Buffer.from('app15 token-in-app15')),
      adobe,
    );
    const out = jpegWithoutText(Buffer.concat([tagged, Buffer.from('trailing token-after-end')]))!;
    expect(out.toString('latin1')).not.toMatch(/secret-owner|hunter2|token-/);
    expect(out.equals(jpeg(jfif, adobe))).toBe(true);
    expect(jpegWithoutText(Buffer.from([0xff, 0xd8, 0x00, 0x01]))).toBeNull();
  });

  it('drops a comment between the scans of a progressive JPEG, keeping both scans', () => {
    const scan = (n: number) => Buffer.concat([jpegSegment(0xda, Buffer.from([1, 2, 3])), Buffer.from([n, 0xff, 0x00, n, 0xff, 0xd0, n])]);
    const file = Buffer.concat([Buffer.from([0xff, 0xd8]), scan(7), jpegSegment(0xfe, Buffer.from('token-between-scans')), scan(8), Buffer.from([0xff, 0xd9])]);
    const out = jpegWithoutText(file)!;
    expect(out.toString('latin1')).not.toContain('token-between-scans');
    expect(out.equals(Buffer.concat([Buffer.from([0xff, 0xd8]), scan(7), scan(8), Buffer.from([0xff, 0xd9])]))).toBe(true);
  });

  it('drops comments and application data from a GIF, keeping looping, frames and timing', () => {
    const head = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0]), Buffer.from([0, 0, 0, 255, 255, 255])]);
    const comment = Buffer.concat([Buffer.from([0x21, 0xfe, 14]), Buffer.from('token-in-gifcm', 'latin1'), Buffer.from([0])]);
    const loop = Buffer.concat([Buffer.from([0x21, 0xff, 11]), Buffer.from('NETSCAPE2.0', 'latin1'), Buffer.from([3, 1, 0, 0, 0])]);
    const xmp = Buffer.concat([Buffer.from([0x21, 0xff, 11]), Buffer.from('XMP DataXMP', 'latin1'), Buffer.from([12]), Buffer.from('token-in-xmp', 'latin1'), Buffer.from([0])]);
    const timing = Buffer.from([0x21, 0xf9, 4, 0, 10, 0, 0, 0]);
    const frame = Buffer.concat([Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0]), Buffer.from([2, 2, 0x44, 0x01, 0])]);
    const gif = Buffer.concat([head, comment, loop, xmp, timing, frame, Buffer.from([0x3b]), Buffer.from('token-after-end', 'latin1')]);
    expect(rasterType(gif)).toBe('gif');
    const out = publishableImage(gif, 'gif')!;
    expect(out.toString('latin1')).not.toContain('token-');
    expect(out.equals(Buffer.concat([head, loop, timing, frame, Buffer.from([0x3b])]))).toBe(true);
    expect(gifWithoutText(gif.subarray(0, 30))).toBeNull();
  });

  it('drops EXIF, XMP and the colour profile from a WebP and says so in its header', () => {
    const chunk = (type: string, data: Buffer) => {
      const headr = Buffer.alloc(8);
      headr.write(type, 0, 'latin1');
      headr.writeUInt32LE(data.length, 4);
      return Buffer.concat([headr, data, data.length % 2 ? Buffer.from([0]) : Buffer.alloc(0)]);
    };
    const riff = (...chunks: Buffer[]) => {
      const body = Buffer.concat(chunks);
      const headr = Buffer.alloc(12);
      headr.write('RIFF', 0, 'latin1');
      headr.writeUInt32LE(body.length + 4, 4);
      headr.write('WEBP', 8, 'latin1');
      return Buffer.concat([headr, body]);
    };
    const vp8x = (flags: number) => chunk('VP8X', Buffer.from([flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    const image = chunk('VP8L', Buffer.from([0x2f, 1, 2, 3, 4]));
    const webp = riff(vp8x(0x20 | 0x08 | 0x04 | 0x10), chunk('ICCP', Buffer.from('token-in-icc')), image, chunk('EXIF', Buffer.from('token-in-exif')), chunk('XMP ', Buffer.from('token-in-xmp1')));
    expect(rasterType(webp)).toBe('webp');
    const out = webpWithoutText(webp)!;
    expect(out.toString('latin1')).not.toContain('token-');
    expect(out.equals(riff(vp8x(0x10), image))).toBe(true);
    expect(webpWithoutText(webp.subarray(0, 25))).toBeNull();
  });
});
