/**
 * Builds the Pagefind search index inside the Astro build (`astro:build:done`) through Pagefind's
 * Node API, as Starlight does: every response's `errors` is checked, the time is logged, and the
 * service is closed in `finally` so a failed build does not leave the binary running.
 * Only session transcripts carry `data-pagefind-body`, so only session pages are indexed.
 *
 * The index is built in SHARDS, one per half month of session start (in the configured time
 * zone; `undated` for sessions without a start): `pagefind/<yyyy-mm-1|2>/`. Pagefind
 * keeps a whole index in memory (~0.3 to 0.6 MB per page) and cannot update one, so:
 * - memory is bounded by the largest half month or PAGES_AT_ONCE, not the archive;
 * - each shard is cached in `<cacheDir>/codex-archive/search/<shard>/` with a key made of its
 *   pages' keys, and only shards whose pages changed are indexed again; the rest are hard-linked
 *   from the cache (copied where links are impossible). Nothing writes into a shard's files after
 *   they are placed: the output folder is new each build, and a shard folder is emptied before
 *   Pagefind writes into it, so a link never lets a build change the cache. After a small
 *   rebuild the changed shards are usually there already: indexed while pages rendered, with the
 *   same feed order and settings (`indexShard`), and stored under the same key (search-ahead.ts).
 * Shards are indexed by up to SERVICES Pagefind processes side by side (each holds one index),
 * within a budget of PAGES_AT_ONCE pages in memory. Each index is fed its pages in path order,
 * several requests ahead of the replies: a service handles its requests one at a time in the
 * order they were written, so every shard is byte-identical to feeding one page at a time,
 * whichever service builds it and whatever else runs alongside.
 * `pagefind/shards.json` lists the shards (newest first); the client (src/scripts/search.js)
 * imports each shard's own `pagefind.js` (instances of one module share state and mix up their
 * shards) and merges the results. `pagefind/pagefind.js` is a copy kept for older clients.
 */
import type { AstroIntegrationLogger } from 'astro';
import { createHash } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { withSearchExtra } from './search-extra.ts';
import { groupByShard, shardOrder } from './utils/shards.ts';

/** Bump when how shards are built changes (invalidates every cached shard). */
const SHARD_FORMAT = 6;

/**
 * Pagefind processes indexing shards at once. One service handles one request at a time (its
 * HTML parsing and index writing use one core), so a second one uses the second core.
 */
const SERVICES = Math.max(1, Math.min(2, availableParallelism()));

/**
 * Most pages held in Pagefind's memory at once, over all services: a service starts a shard only
 * if it fits beside the shards being built, or if nothing else is being built (a larger shard is
 * then built alone). Half months of the 20,000-session synthetic home hold ~550-600 pages, so
 * two are built at once: Pagefind peaked at 1,182 MiB there, against 691 MiB with one service.
 * Lower it to ~600 to keep that memory, at the cost of most of the second service's speed.
 */
const PAGES_AT_ONCE = 1200;

/** Pages sent to a service ahead of its replies, so it never waits for the next page. */
const AHEAD = 8;

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
 * A page's HTML as Pagefind should read it. Pagefind joins the text of adjacent inline elements
 * and of table cells, so the page's lean markup (no whitespace where CSS lays things out) gave it
 * words that are not there: an item header's label and status ("CommandSucceeded", "CodexProgress
 * note"), a patch file's path and counts ("main.go+1"), a diff row's line numbers and code
 * ("11func"), which searches and excerpts then showed. Spaces between the elements of headers,
 * headings and tables, in this copy only, keep the words apart; the published page is unchanged.
 * An item's own header (its label, status, duration and time: "Command", "Failed, exit code 1")
 * is the site's words, not the session's: indexed, it filled excerpts ("Command Succeeded, exit
 * code 0 60 ms") and matched searches for "failed" in every session with a failed command (the
 * filter "has failed command" does that). It is left out of this copy.
 * Session text is escaped in the page, so `><`, `<header>` and `<td` here are always the page's
 * own markup.
 */
export function searchableHtml(html: string, words: string): string {
  return withSearchExtra(html, words)
    .replace(/(<article\b[^>]*>)<header>[\s\S]*?<\/header>/g, '$1')
    .replace(/<(header|h[1-6])\b[^>]*>[\s\S]*?<\/\1>/g, (block) => block.replaceAll('><', '> <'))
    .replace(/<t[dhr]\b/g, ' $&');
}

/** One session page to index. */
export interface SearchPage {
  /** Site path, `s/<slug>/`. */
  path: string;
  /** Shard name: `yyyy-mm-1`, `yyyy-mm-2` or `undated` (see shardName). */
  shard: string;
  /**
   * The session's word digest, placed in the page's hidden search slot (see search-extra.ts), or
   * how to read it (search-job.ts): only pages of shards that are built again are read.
   */
  words: string | (() => Promise<string>);
  /** sha256 (hex) of the words, if known without reading them (part of the shard's key). */
  wordsHash?: string;
  /** What determines the page's HTML (its incremental cache key); null: hash the HTML. */
  key: string | null;
}

/** sha256 (hex) of a page's words: what a shard's key holds of them (see `SearchPage.wordsHash`). */
export function wordsHash(words: string): string {
  return createHash('sha256').update(words).digest('hex');
}

function wordsOf(page: SearchPage): Promise<string> {
  return typeof page.words === 'string' ? Promise.resolve(page.words) : page.words();
}

/** What `pagefind/shards.json` holds. */
export interface ShardList {
  version: 1;
  /** Shard folder names under `pagefind/`, newest first, `undated` last. */
  shards: string[];
}

/** The file the client reads. */
export const SHARD_LIST_PATH = 'pagefind/shards.json';

export async function pagefindVersion(): Promise<string> {
  try {
    const file = path.join(path.dirname(path.dirname(new URL(import.meta.resolve('pagefind')).pathname)), 'package.json');
    return String(JSON.parse(await readFile(file, 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

/** The `pagefind` module: its functions talk to the one service process the module starts. */
export type PagefindModule = typeof pagefind;

/**
 * A second instance of the `pagefind` module, which starts its own service process (the module
 * keeps one per instance; a query string makes the runtime load a separate instance). Null if it
 * cannot be loaded: the shards are then built by the first service alone, with the same output.
 */
async function anotherService(n: number): Promise<PagefindModule | null> {
  try {
    const module = (await import(/* @vite-ignore */ `${import.meta.resolve('pagefind')}?service=${n}`)) as PagefindModule;
    return typeof module.createIndex === 'function' && module.createIndex !== pagefind.createIndex ? module : null;
  } catch {
    return null;
  }
}

/** Where built shards are kept between builds, one folder each with its `.key`. */
export function searchCacheRoot(cacheDir: string): string {
  return path.join(cacheDir, 'codex-archive', 'search');
}

/** A shard to index this build. */
interface ShardJob {
  shard: string;
  /** In path order. */
  pages: SearchPage[];
  outputPath: string;
  /** Its cache folder, and the key to store there; null without a cache. */
  cached: string | null;
  key: string | null;
}

/** What a shard's index is made from: format, Pagefind version, name, and each page's key and words. */
export async function shardKey(dir: string, shard: string, list: readonly SearchPage[], version: string): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([SHARD_FORMAT, version, shard]));
  for (const page of list) {
    hash.update(page.path).update('\0');
    hash.update(page.wordsHash ?? wordsHash(await wordsOf(page)));
    hash.update(page.key ? page.key : await readFile(path.join(dir, page.path, 'index.html'), 'utf8'));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Where a hard link cannot be made and a copy is the way: other device, no link support. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'EACCES']);

/**
 * Puts the files of `from` (recursively, those `keep` accepts at its top) at `to`, which must not
 * exist yet, as hard links (a copy where a link cannot be made): shard files are written once by
 * Pagefind and never modified after, so the cache and the output can share them.
 */
async function placeFiles(from: string, to: string, keep: (name: string) => boolean = () => true): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = (await readdir(from, { withFileTypes: true })).filter((entry) => keep(entry.name));
  await Promise.all(
    entries.map(async (entry) => {
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) return placeFiles(source, target);
      try {
        await link(source, target);
      } catch (error) {
        if (!NO_LINK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        // COPYFILE_EXCL: never write into a file that is already there (it may be a link).
        await copyFile(source, target, constants.COPYFILE_EXCL);
      }
    }),
  );
}

/**
 * Builds `jobs` with `services`, each taking the next shard in list order when it fits the page
 * budget. Which service builds a shard, and when, does not change the shard's files.
 */
async function buildShards(dir: string, jobs: readonly ShardJob[], services: readonly PagefindModule[], ahead: number): Promise<void> {
  const queue = [...jobs];
  let held = 0;
  let failed = false;
  let wake: () => void = () => {};
  let released = new Promise<void>((resolve) => (wake = resolve));
  const release = (count: number) => {
    held -= count;
    wake();
    released = new Promise<void>((resolve) => (wake = resolve));
  };
  const worker = async (service: PagefindModule) => {
    while (!failed && queue.length > 0) {
      const job = queue[0]!;
      if (held > 0 && held + job.pages.length > PAGES_AT_ONCE) {
        await released;
        continue;
      }
      queue.shift();
      held += job.pages.length;
      try {
        await buildShard(dir, job, service, ahead);
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        release(job.pages.length);
      }
    }
  };
  // Every worker has stopped before the services are closed; the first failure is reported.
  const results = await Promise.allSettled(services.map(worker));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/** One page as an index reads it: its path in the site, its HTML and its word digest. */
export interface ShardPage {
  sourcePath: string;
  html: string;
  words: string;
}

/** The settings every shard's index is made with. */
function indexConfig(): pagefind.PagefindServiceConfig {
  return {
    // Links must end in index.html so results open from any base path (see utils/urls.ts).
    keepIndexUrl: true,
    // Times (each item's clock) are not search terms. Said here once rather than by a
    // data-pagefind-ignore on every item: ~640 bytes a page, ~13 MB of a 20,000-session site.
    excludeSelectors: ['time'],
    forceLanguage: 'en',
  };
}

/**
 * Indexes pages into `outputPath` with one service, in the order `feed` gives them (the order is
 * part of the index's bytes: feed path order). At most `ahead` requests wait for a reply.
 */
export async function indexShard(service: PagefindModule, feed: AsyncIterable<ShardPage>, outputPath: string, ahead: number): Promise<void> {
  const created = await service.createIndex(indexConfig());
  check('create an index', created.errors);
  const index = created.index!;
  const pending: Promise<void>[] = [];
  try {
    try {
      for await (const page of feed) {
        const { sourcePath } = page;
        pending.push(index.addHTMLFile({ sourcePath, content: searchableHtml(page.html, page.words) }).then((added) => check(`index ${sourcePath}`, added.errors)));
        if (pending.length >= ahead) await pending.shift();
      }
      await Promise.all(pending);
    } catch (error) {
      await Promise.allSettled(pending);
      throw error;
    }
    const written = await index.writeFiles({ outputPath });
    check('write its files', written.errors);
  } finally {
    // A failure's own error is the one to report.
    await index.deleteIndex().catch(() => {});
  }
  await removeUnusedUi(outputPath);
}

/**
 * Keeps a built shard (`outputPath`) in the cache folder `cached` under `key`, as links to its
 * files: placed whole under a temporary name, then renamed in, so a shard in the cache is always
 * complete.
 */
export async function storeShard(outputPath: string, cached: string, key: string): Promise<void> {
  const tmp = `${cached}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await placeFiles(outputPath, tmp);
  await writeFile(path.join(tmp, '.key'), key);
  await rm(cached, { recursive: true, force: true });
  await mkdir(path.dirname(cached), { recursive: true });
  await rename(tmp, cached);
}

/** Reads a job's pages from the built site, in path order. */
async function* pagesFromSite(dir: string, pages: readonly SearchPage[]): AsyncGenerator<ShardPage> {
  for (const page of pages) {
    const sourcePath = `${page.path}index.html`;
    yield { sourcePath, html: await readFile(path.join(dir, sourcePath), 'utf8'), words: await wordsOf(page) };
  }
}

/** Indexes one shard into its output folder, and stores it in the cache. */
async function buildShard(dir: string, job: ShardJob, service: PagefindModule, ahead: number): Promise<void> {
  await indexShard(service, pagesFromSite(dir, job.pages), job.outputPath, ahead);
  if (job.cached && job.key) await storeShard(job.outputPath, job.cached, job.key);
}

/** How the work is spread (tests compare settings: the output must not depend on them). */
export interface Tuning {
  /** Pagefind services at most (default SERVICES). */
  services?: number;
  /** Pages sent ahead of the replies (default AHEAD; 1: wait for each page's reply). */
  ahead?: number;
}

/**
 * The order a shard's pages are fed to Pagefind, which is part of the index's bytes: whoever
 * builds a shard (this module, search-ahead.ts) feeds it in this order.
 */
export function byPath(a: { path: string }, b: { path: string }): number {
  return a.path.localeCompare(b.path);
}

/** The pages of each shard in path order, newest shard first (`undated` last). */
function shardsOf(pages: readonly SearchPage[]): Map<string, SearchPage[]> {
  const byShard = groupByShard(pages);
  return new Map(
    [...byShard.keys()].sort(shardOrder).map((shard) => [shard, byShard.get(shard)!.sort(byPath)]),
  );
}

/**
 * Links a shard's cached index into `dir/pagefind/<shard>/` when its key (its pages' keys and
 * words) matches; otherwise returns the job of building it. The folder is emptied first: never
 * write through a file another build placed there (it may be linked to the cache).
 */
async function placeCached(dir: string, shard: string, list: SearchPage[], cacheRoot: string | null, version: string): Promise<ShardJob | null> {
  const outputPath = path.join(dir, 'pagefind', shard);
  await rm(outputPath, { recursive: true, force: true });
  const cached = cacheRoot ? path.join(cacheRoot, shard) : null;
  const key = cached ? await shardKey(dir, shard, list, version) : null;
  if (cached && key && existsSync(path.join(cached, '.key')) && (await readFile(path.join(cached, '.key'), 'utf8')) === key) {
    await placeFiles(cached, outputPath, (name) => name !== '.key');
    return null;
  }
  return { shard, pages: list, outputPath, cached, key };
}

/**
 * Links into `dir/pagefind/` the shards, other than `skip`, whose cached index matches their
 * pages, as buildPagefindIndex would, and returns their names: linked while something else is
 * still under way, they are passed to it as `placed`.
 */
export async function placeCachedShards(dir: string, pages: readonly SearchPage[], cacheDir: string, skip: ReadonlySet<string>): Promise<Set<string>> {
  const version = await pagefindVersion();
  const placed = new Set<string>();
  for (const [shard, list] of shardsOf(pages)) {
    if (skip.has(shard)) continue;
    if (!(await placeCached(dir, shard, list, searchCacheRoot(cacheDir), version))) placed.add(shard);
  }
  return placed;
}

/**
 * Indexes the session pages of `dir` into `dir/pagefind/<shard>/` and writes the shard list.
 * `cacheDir` (Astro's cache folder) keeps built shards between builds; null builds every shard.
 * `placed`: shards this build has already linked into place (placeCachedShards), `builtAhead` the
 * ones among them it indexed while pages rendered (search-ahead.ts).
 * Returns how many pages were indexed, how many shards were built or reused, and by how many services.
 */
export async function buildPagefindIndex(
  dir: string,
  pages: readonly SearchPage[],
  logger: AstroIntegrationLogger,
  cacheDir: string | null = null,
  tuning: Tuning = {},
  placed: ReadonlySet<string> = new Set(),
  builtAhead: ReadonlySet<string> = new Set(),
): Promise<{ pages: number; built: number; reused: number; services: number }> {
  const { services: serviceCount = SERVICES, ahead = AHEAD } = tuning;
  const started = performance.now();
  const byShard = shardsOf(pages);
  const shards = [...byShard.keys()];
  const version = await pagefindVersion();
  const cacheRoot = cacheDir ? searchCacheRoot(cacheDir) : null;
  await mkdir(path.join(dir, 'pagefind'), { recursive: true });
  let reused = 0;
  let builtBefore = 0;
  const toBuild: ShardJob[] = [];
  for (const [shard, list] of byShard) {
    if (placed.has(shard)) {
      if (builtAhead.has(shard)) builtBefore++;
      else reused++;
      continue;
    }
    const job = await placeCached(dir, shard, list, cacheRoot, version);
    if (job) toBuild.push(job);
    else reused++;
  }
  const services: PagefindModule[] = [pagefind];
  try {
    for (let i = 1; i < Math.min(serviceCount, toBuild.length); i++) {
      const more = await anotherService(i);
      if (more) services.push(more);
    }
    await buildShards(dir, toBuild, services, ahead);
  } finally {
    await Promise.all(services.map((service) => service.close()));
  }
  const built = toBuild.length + builtBefore;
  // Shards of months that no longer have sessions leave the cache.
  if (cacheRoot && existsSync(cacheRoot)) {
    for (const name of await readdir(cacheRoot)) if (!byShard.has(name)) await rm(path.join(cacheRoot, name), { recursive: true, force: true });
  }
  // One copy of the client module at the root (every shard's copy is the same file).
  const outRoot = path.join(dir, 'pagefind');
  if (shards.length) await copyFile(path.join(outRoot, shards[0]!, 'pagefind.js'), path.join(outRoot, 'pagefind.js'));
  const list: ShardList = { version: 1, shards };
  await writeFile(path.join(dir, SHARD_LIST_PATH), JSON.stringify(list));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const by = toBuild.length ? ` by ${services.length} Pagefind service${services.length === 1 ? '' : 's'}` : '';
  const whileRendering = builtBefore ? `, ${builtBefore} of them while pages rendered` : '';
  logger.info(`Search index: ${pages.length} session pages in ${shards.length} shard${shards.length === 1 ? '' : 's'} (${built} built${whileRendering}, ${reused} reused) in ${seconds}s${by}.`);
  return { pages: pages.length, built, reused, services: toBuild.length ? services.length : 0 };
}
