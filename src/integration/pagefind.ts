/**
 * Builds the Pagefind index inside the Astro build (`astro:build:done`) through Pagefind's Node
 * API, as Starlight does: every response's `errors` is checked, the time is logged, and the
 * service is closed in `finally` so a failed build does not leave the binary running.
 * Only session transcripts carry `data-pagefind-body`, so only session pages are indexed.
 */
import type { AstroIntegrationLogger } from 'astro';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { withSearchExtra } from './search-extra.ts';

/** Thrown when Pagefind reports errors; the message lists them. */
export class PagefindError extends Error {
  override name = 'PagefindError';
}

function check(step: string, errors: readonly string[] | undefined): void {
  if (errors && errors.length > 0) {
    throw new PagefindError(`Pagefind failed to ${step}:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
}

/**
 * Pagefind always writes its ready-made UIs too. The site uses only the JS API (its own dialog
 * and search page, which also work offline), so the unused UI bundles are removed: less to
 * publish, and no third-party code or contact addresses in the output for the verifier to flag.
 */
const UNUSED_UI = /^pagefind-(ui|modular-ui|component-ui)\.(js|css)$|^pagefind-highlight\.js$/;

async function removeUnusedUi(outputPath: string): Promise<void> {
  for (const name of await readdir(outputPath)) {
    if (UNUSED_UI.test(name)) await rm(path.join(outputPath, name), { force: true });
  }
}

/**
 * Indexes the session pages of `dir` and writes `dir/pagefind/`. Returns the number of pages.
 *
 * Pages keep only part of a long output in view (the rest is a linked .txt file), so a word
 * deep in a long output is not in the page's HTML. Each page is therefore given to Pagefind
 * with its session's word digest (the offline index's distinct words, capped) placed in an
 * empty hidden slot at the end of its searchable body: the published page stays as it is, and
 * search reaches the whole session. `pages` maps a session page's site path (`s/<slug>/`) to
 * its digest. Only session pages carry `data-pagefind-body`, so only they are added.
 */
export async function buildPagefindIndex(
  dir: string,
  pages: ReadonlyMap<string, string>,
  logger: AstroIntegrationLogger,
): Promise<number> {
  const started = performance.now();
  try {
    const created = await pagefind.createIndex({
      // Links must end in index.html so results open from any base path (see utils/urls.ts).
      keepIndexUrl: true,
      forceLanguage: 'en',
    });
    check('create an index', created.errors);
    const index = created.index!;
    let count = 0;
    for (const [sitePath, words] of [...pages].sort(([a], [b]) => a.localeCompare(b))) {
      const sourcePath = `${sitePath}index.html`;
      const html = await readFile(path.join(dir, sourcePath), 'utf8');
      const added = await index.addHTMLFile({ sourcePath, content: withSearchExtra(html, words) });
      check(`index ${sourcePath}`, added.errors);
      count++;
    }
    const outputPath = path.join(dir, 'pagefind');
    const written = await index.writeFiles({ outputPath });
    check('write its files', written.errors);
    await removeUnusedUi(outputPath);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    logger.info(`Search index: ${count} session pages in ${seconds}s.`);
    return count;
  } finally {
    await pagefind.close();
  }
}
