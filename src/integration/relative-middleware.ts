/**
 * Makes a built page's asset links relative while Astro renders it (see relative-assets.ts), so
 * the page is written, and cached for incremental builds, already relative: rewriting every
 * page after the build read and wrote the whole site again (100 s at 20,000 sessions).
 * Pages this middleware did not see are still rewritten in `astro:build:done`. The final HTML
 * is also handed to the page verifier, if one runs (page-verifier.ts), and to the search shards
 * built while pages render (search-ahead.ts).
 */
import { defineMiddleware } from 'astro:middleware';
import type { PageSink } from './page-verifier.ts';
import { relativiseHtml } from './relative-assets.ts';
import { getState } from './state.ts';

/** page-verifier.ts's PAGE_VERIFIER_KEY (not imported: the page bundle would carry the detectors). */
const PAGE_VERIFIER_KEY = Symbol.for('codex-archive.page-verifier');

export const onRequest = defineMiddleware(async (context, next) => {
  const response = await next();
  const state = getState();
  if (state.command !== 'build' || !(response.headers.get('content-type') ?? '').includes('text/html')) return response;
  const base = state.base.endsWith('/') ? state.base : `${state.base}/`;
  let pathname = decodeURI(context.url.pathname);
  if (pathname.startsWith(base)) pathname = pathname.slice(base.length);
  else pathname = pathname.replace(/^\/+/, '');
  const depth = pathname.split('/').filter(Boolean).length;
  const html = relativiseHtml(await response.text(), state.base, depth);
  // Site path as Base.astro records it (`s/<slug>/`, '' for home).
  const here = depth ? `${pathname.split('/').filter(Boolean).join('/')}/` : '';
  state.relativised.add(here);
  // The final HTML, as Astro writes it (UTF-8): scanned for secrets while rendering goes on.
  ((globalThis as Record<symbol, unknown>)[PAGE_VERIFIER_KEY] as PageSink | undefined)?.offer(`${here}index.html`, html);
  state.searchAhead?.offer(here, html);
  return new Response(html, { status: response.status, statusText: response.statusText, headers: response.headers });
});
