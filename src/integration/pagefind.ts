/**
 * Builds the Pagefind index inside the Astro build (`astro:build:done`) through Pagefind's Node
 * API, as Starlight does: every response's `errors` is checked, the time is logged, and the
 * service is closed in `finally` so a failed build does not leave the binary running.
 * Only session transcripts carry `data-pagefind-body`, so only they are indexed.
 */
import type { AstroIntegrationLogger } from 'astro';
import * as pagefind from 'pagefind';

/** Thrown when Pagefind reports errors; the message lists them. */
export class PagefindError extends Error {
  override name = 'PagefindError';
}

function check(step: string, errors: readonly string[] | undefined): void {
  if (errors && errors.length > 0) {
    throw new PagefindError(`Pagefind failed to ${step}:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
}

/** Indexes `dir` (the built site) and writes `dir/pagefind/`. Returns the number of pages indexed. */
export async function buildPagefindIndex(dir: string, logger: AstroIntegrationLogger): Promise<number> {
  const started = performance.now();
  try {
    const created = await pagefind.createIndex({
      // Links must end in index.html so results open from any base path (see utils/urls.ts).
      keepIndexUrl: true,
      forceLanguage: 'en',
    });
    check('create an index', created.errors);
    const index = created.index!;
    const added = await index.addDirectory({ path: dir });
    check('index the site', added.errors);
    const written = await index.writeFiles({ outputPath: `${dir.replace(/\/$/, '')}/pagefind` });
    check('write its files', written.errors);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    logger.info(`Search index: ${added.page_count} pages in ${seconds}s.`);
    return added.page_count;
  } finally {
    await pagefind.close();
  }
}
