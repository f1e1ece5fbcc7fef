import { describe, expect, test } from 'vitest';
import { imageView, isSafeImageSrc } from '../../src/lib/render/images.ts';

const DATA = 'data:image/png;base64,AAAA';

describe('imageView', () => {
  test('an inline image uses the URL the page stored it under', () => {
    expect(imageView({ url: DATA, path: '/tmp/a.png', label: '[Image #1]' }, () => 'assets/abc.png')).toEqual({
      kind: 'inline',
      src: 'assets/abc.png',
      alt: 'Attached image',
      captionHtml: '[Image #1] · /tmp/a.png',
    });
  });

  test('a remote image is a link, never a source', () => {
    const view = imageView({ url: 'https://tracker.example/p.png', path: null, label: null }, () => 'never-called.png');
    expect(view.kind).toBe('remote');
  });

  test('an imageSrc that returns a remote or script URL is refused', () => {
    for (const bad of ['https://evil.example/x.png', '//evil.example/x.png', 'javascript:alert(1)', 'data:image/svg+xml;base64,PHN2Zz4=']) {
      expect(imageView({ url: DATA, path: null, label: null }, () => bad).kind).toBe('missing');
    }
  });

  test('without a stored copy the caption says so', () => {
    expect(imageView({ url: DATA, path: '<b>.png', label: null }, () => null)).toEqual({ kind: 'missing', captionHtml: '&lt;b&gt;.png (not included)' });
    expect(imageView({ url: null, path: null, label: null }, undefined).kind).toBe('missing');
  });
});

describe('isSafeImageSrc', () => {
  test('relative paths and raster data URLs only', () => {
    expect(isSafeImageSrc('../assets/a.png')).toBe(true);
    expect(isSafeImageSrc('data:image/webp;base64,AAAA')).toBe(true);
    expect(isSafeImageSrc('http://x/a.png')).toBe(false);
    expect(isSafeImageSrc('\\\\host\\share')).toBe(false);
    expect(isSafeImageSrc('')).toBe(false);
  });
});
