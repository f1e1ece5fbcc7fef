/**
 * Images from a session: inline (`data:`) images are shown through a URL the page provides
 * (pages move them to files); remote images are never loaded, only linked; anything else is a
 * caption.
 */
import type { ImageRef } from '../model/session.ts';
import { safeText } from './escape.ts';

/** Given an image, the URL the page stored it under (relative), or null when it has none. */
export type ImageSrc = (image: ImageRef) => string | null;

/** What an image component shows. */
export type ImageView =
  | { kind: 'inline'; src: string; alt: string; captionHtml: string }
  | { kind: 'remote'; href: string; captionHtml: string }
  | { kind: 'missing'; captionHtml: string };

const REMOTE_RE = /^https?:\/\//i;
/** Only page-relative URLs or inline raster data may go into `<img src>`. */
const SCHEME_RE = /^[a-z][a-z0-9+.-]*:/i;
const SAFE_DATA_RE = /^data:image\/(png|jpeg|gif|webp|avif);base64,/i;

/** True when a URL from `imageSrc` is safe for `<img src>`: relative, or raster `data:`. */
export function isSafeImageSrc(src: string): boolean {
  const trimmed = src.trim();
  if (trimmed.startsWith('//') || trimmed.startsWith('\\')) return false;
  if (SCHEME_RE.test(trimmed)) return SAFE_DATA_RE.test(trimmed);
  return trimmed.length > 0;
}

function caption(image: ImageRef, fallback: string): string {
  const parts = [image.label, image.path].filter((p): p is string => Boolean(p));
  return safeText(parts.length > 0 ? parts.join(' · ') : fallback);
}

/** The view of one image. */
export function imageView(image: ImageRef, imageSrc: ImageSrc | undefined): ImageView {
  const url = image.url?.trim() ?? '';
  if (REMOTE_RE.test(url)) {
    return { kind: 'remote', href: url, captionHtml: caption(image, url) };
  }
  const src = url ? (imageSrc?.(image) ?? null) : null;
  if (src && isSafeImageSrc(src)) {
    // The caption names the file; an alt repeating it would be read twice.
    return { kind: 'inline', src, alt: 'Attached image', captionHtml: caption(image, 'Image') };
  }
  return { kind: 'missing', captionHtml: `${caption(image, 'Image')} (not included)` };
}
