import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jpegWithoutText, pngWithoutText, publishableImage, rasterType } from '../../src/lib/render/image-bytes.ts';

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
});
