/**
 * The Content-Security-Policy every page carries in a `<meta>` tag. Nothing inline (Astro is told
 * not to inline scripts or styles), no eval, no third-party origin: the archive shows other
 * people's text and must never run it or phone home. Pagefind compiles WebAssembly, hence
 * 'wasm-unsafe-eval'. `frame-ancestors` cannot be set from a meta tag; hosts may add it as a header.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  // No `data:`: inline images are written out as files, so a data: URL on a page could only come
  // from content that slipped past a renderer.
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
