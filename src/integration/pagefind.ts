/**
 * Builds the Pagefind search index inside the Astro build (`astro:build:done`) through Pagefind's
 * Node API, as Starlight does: every response's `errors` is checked, the time is logged, and the
 * service is closed in `finally` so a failed build does not leave the binary running.
 * Only session transcripts carry `data-pagefind-body`, so only session pages are indexed.
 *
 * The index is built in SHARDS, one per half month of session start (in the configured time
 * zone; `undated` for sessions without a start): `pagefind/<yyyy-mm-1|2>/`. Pagefind
 * keeps a whole index in memory (~0.3 MB per page) and cannot update one, so:
 * - memory is bounded by the largest half month, not the archive;
 * - each shard is cached in `<cacheDir>/codex-archive/search/<shard>/` with a key made of its
 *   pages' keys, and only shards whose pages changed are indexed again; the rest are copied.
 * `pagefind/shards.json` lists the shards (newest first); the client (src/scripts/search.js)
 * imports each shard's own `pagefind.js` (instances of one module share state and mix up their
 * shards) and merges the results. `pagefind/pagefind.js` is a copy kept for older clients.
 */
import type { AstroIntegrationLogger } from 'astro';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { withSearchExtra } from './search-extra.ts';

/** Bump when how shards are built changes (invalidates every cached shard). */
const SHARD_FORMAT = 1;

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

/** One session page to index. */
export interface SearchPage {
  /** Site path, `s/<slug>/`. */
  path: string;
  /** Shard name: `yyyy-mm-1`, `yyyy-mm-2` or `undated` (see shardName). */
  shard: string;
  /** The session's word digest, placed in the page's hidden search slot (see search-extra.ts). */
  words: string;
  /** What determines the page's HTML (its incremental cache key); null: hash the HTML. */
  key: string | null;
}

/** What `pagefind/shards.json` holds. */
export interface ShardList {
  version: 1;
  /** Shard folder names under `pagefind/`, newest first, `undated` last. */
  shards: string[];
}

/** The file the client reads. */
export const SHARD_LIST_PATH = 'pagefind/shards.json';

/**
 * Shard name for a session's start day (in the configured time zone): `yyyy-mm-1` for days 1–15,
 * `yyyy-mm-2` for 16–31, `undated` without a start. Half months: busy months of a heavy user hold
 * ~3,000 sessions, ~1 GB of Pagefind memory as one index.
 */
export function shardName(day: { year: string; month: string; day: string } | null): string {
  return day ? `${day.year}-${day.month}-${Number(day.day) <= 15 ? 1 : 2}` : 'undated';
}

function shardOrder(a: string, b: string): number {
  if (a === 'undated') return b === 'undated' ? 0 : 1;
  if (b === 'undated') return -1;
  return b.localeCompare(a);
}

async function pagefindVersion(): Promise<string> {
  try {
    const file = path.join(path.dirname(path.dirname(new URL(import.meta.resolve('pagefind')).pathname)), 'package.json');
    return String(JSON.parse(await readFile(file, 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

/**
 * Indexes the session pages of `dir` into `dir/pagefind/<shard>/` and writes the shard list.
 * `cacheDir` (Astro's cache folder) keeps built shards between builds; null builds every shard.
 * Returns how many pages were indexed and how many shards were built or reused.
 */
export async function buildPagefindIndex(
  dir: string,
  pages: readonly SearchPage[],
  logger: AstroIntegrationLogger,
  cacheDir: string | null = null,
): Promise<{ pages: number; built: number; reused: number }> {
  const started = performance.now();
  const byShard = new Map<string, SearchPage[]>();
  for (const page of pages) {
    const list = byShard.get(page.shard) ?? byShard.set(page.shard, []).get(page.shard)!;
    list.push(page);
  }
  const shards = [...byShard.keys()].sort(shardOrder);
  const version = await pagefindVersion();
  const cacheRoot = cacheDir ? path.join(cacheDir, 'codex-archive', 'search') : null;
  const outRoot = path.join(dir, 'pagefind');
  await mkdir(outRoot, { recursive: true });
  let built = 0;
  let reused = 0;
  try {
    for (const shard of shards) {
      const list = byShard.get(shard)!.sort((a, b) => a.path.localeCompare(b.path));
      const hash = createHash('sha256').update(JSON.stringify([SHARD_FORMAT, version, shard]));
      const htmls = new Map<string, string>();
      for (const page of list) {
        hash.update(page.path).update('\0');
        hash.update(createHash('sha256').update(page.words).digest('hex'));
        if (page.key) hash.update(page.key);
        else {
          const html = await readFile(path.join(dir, page.path, 'index.html'), 'utf8');
          htmls.set(page.path, html);
          hash.update(html);
        }
        hash.update('\0');
      }
      const key = hash.digest('hex');
      const outputPath = path.join(outRoot, shard);
      const cached = cacheRoot ? path.join(cacheRoot, shard) : null;
      if (cached && existsSync(path.join(cached, '.key')) && (await readFile(path.join(cached, '.key'), 'utf8')) === key) {
        await cp(cached, outputPath, { recursive: true, filter: (src) => path.basename(src) !== '.key' });
        reused++;
        continue;
      }
      const created = await pagefind.createIndex({
        // Links must end in index.html so results open from any base path (see utils/urls.ts).
        keepIndexUrl: true,
        forceLanguage: 'en',
      });
      check('create an index', created.errors);
      const index = created.index!;
      for (const page of list) {
        const sourcePath = `${page.path}index.html`;
        const html = htmls.get(page.path) ?? (await readFile(path.join(dir, sourcePath), 'utf8'));
        const added = await index.addHTMLFile({ sourcePath, content: withSearchExtra(html, page.words) });
        check(`index ${sourcePath}`, added.errors);
      }
      const written = await index.writeFiles({ outputPath });
      check('write its files', written.errors);
      await index.deleteIndex();
      await removeUnusedUi(outputPath);
      built++;
      if (cached) {
        const tmp = `${cached}.${process.pid}.tmp`;
        await rm(tmp, { recursive: true, force: true });
        await cp(outputPath, tmp, { recursive: true });
        await writeFile(path.join(tmp, '.key'), key);
        await rm(cached, { recursive: true, force: true });
        await mkdir(path.dirname(cached), { recursive: true });
        await rename(tmp, cached);
      }
    }
  } finally {
    await pagefind.close();
  }
  // Shards of months that no longer have sessions leave the cache.
  if (cacheRoot && existsSync(cacheRoot)) {
    for (const name of await readdir(cacheRoot)) if (!byShard.has(name)) await rm(path.join(cacheRoot, name), { recursive: true, force: true });
  }
  // One copy of the client module at the root (every shard's copy is the same file).
  if (shards.length) await copyFile(path.join(outRoot, shards[0]!, 'pagefind.js'), path.join(outRoot, 'pagefind.js'));
  const list: ShardList = { version: 1, shards };
  await writeFile(path.join(dir, SHARD_LIST_PATH), JSON.stringify(list));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  logger.info(`Search index: ${pages.length} session pages in ${shards.length} shards (${built} built, ${reused} reused) in ${seconds}s.`);
  return { pages: pages.length, built, reused };
}
