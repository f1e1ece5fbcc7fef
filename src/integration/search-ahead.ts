/**
 * Search shards indexed while Astro still renders, for small rebuilds.
 *
 * Why: after one session changes, its half-month shard (~600 pages at 20,000 sessions) is indexed
 * again: ~5 s of Pagefind on one core. Built after the Astro process exits (search-job.ts), those
 * seconds came on top of Astro's, while Astro's route loop uses one core and leaves the other
 * idle. Yet a changed shard's pages are final early: its reused pages are linked into the build
 * folder before any page renders (incremental.ts), and the pages that render come first in the
 * session route (collection.ts, `sessionRoutes`). So such a shard is indexed here, its pages fed
 * in path order as they become final, and stored in the shard cache under the key the search job
 * computes for it (pagefind.ts): the job then finds it cached and links it, as if an earlier build
 * had left it. Same pages, same order, same settings: the bytes are those the job would write.
 *
 * Only for small rebuilds (AHEAD_LIMITS): Pagefind holds a shard's pages in memory, here beside
 * Astro's heap, which the search job otherwise waits out. A shard is left to the job, never built
 * wrong, when anything is not as planned: a page it read as linked renders after all, a page it
 * waits for never renders, a file cannot be read, Pagefind fails.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as pagefind from 'pagefind';
import {
  indexShard,
  pagefindVersion,
  searchCacheRoot,
  shardKey,
  storeShard,
  type PagefindModule,
  type SearchPage,
  type ShardPage,
} from './pagefind.ts';

/** A session page as planned once every page's key is known. */
export interface PlannedPage {
  id: string;
  /** Site path, `s/<slug>/`. */
  path: string;
  shard: string;
  /** Its incremental cache key this build. */
  key: string;
  /** It renders this build (its key is new). */
  renders: boolean;
  /** It is linked from the previous site into the build folder (reused pages). */
  linked: boolean;
  /** The word digest of a reused page (its sidecar's); null for a page that renders. */
  words: string | null;
}

/** How small a rebuild must be for its shards to be built ahead. */
export interface AheadLimits {
  /** Most session pages rendering in the build. */
  rendered: number;
  /** Most pages in all shards built ahead (Pagefind holds ~0.3-0.6 MB a page). */
  pages: number;
}

/** A day's work: its changed pages fall in one or two shards of a few hundred pages each. */
export const AHEAD_LIMITS: AheadLimits = { rendered: 200, pages: 1200 };

/**
 * The shards to build ahead, each with its pages in path order (the order pagefind.ts feeds):
 * those with a page that renders, whose other pages are all linked with known words, within the
 * limits (shards taken in name order until the page budget is spent). None for a large build.
 */
export function chooseShards(pages: readonly PlannedPage[], limits: AheadLimits = AHEAD_LIMITS): Map<string, PlannedPage[]> {
  const chosen = new Map<string, PlannedPage[]>();
  if (pages.filter((p) => p.renders).length > limits.rendered) return chosen;
  const byShard = new Map<string, PlannedPage[]>();
  for (const page of pages) (byShard.get(page.shard) ?? byShard.set(page.shard, []).get(page.shard)!).push(page);
  let budget = limits.pages;
  for (const shard of [...byShard.keys()].sort()) {
    const list = byShard.get(shard)!;
    if (!list.some((p) => p.renders)) continue;
    if (!list.every((p) => p.renders || (p.linked && p.words !== null))) continue;
    if (list.length > budget) continue;
    budget -= list.length;
    chosen.set(shard, list.sort((a, b) => a.path.localeCompare(b.path)));
  }
  return chosen;
}

/** A rendered page's final HTML, or null when the shard was given up before it came. */
type Arrival = { html: string; words: string } | null;

interface ShardWork {
  shard: string;
  pages: PlannedPage[];
  /** Why the shard was given up (left to the search job); null while it is on. */
  givenUp: string | null;
  /** The rendered pages it waits for, by site path. */
  arrivals: Map<string, { promise: Promise<Arrival>; resolve: (a: Arrival) => void; came: boolean }>;
  /** What the search job will know of each page, to key the shard as it will. */
  searchPages: SearchPage[];
  /** Pagefind has written its files (to the scratch folder). */
  indexed: boolean;
}

/** What `finish` did: shards stored in the cache, and those left to the search job with why. */
export interface AheadOutcome {
  built: { shard: string; pages: number }[];
  left: { shard: string; reason: string }[];
}

class GivenUp extends Error {}

/** See the module comment. One per build; `plan` once, `offer` per rendered page, `finish` once. */
export class SearchAhead {
  private readonly shards = new Map<string, ShardWork>();
  /** Site path of each planned page, to its shard. */
  private readonly byPath = new Map<string, ShardWork>();
  private work: Promise<void> | null = null;

  constructor(
    private readonly settings: {
      /** The build folder (linked pages are read from it). */
      outDir: string;
      /** Astro's cache folder (the shard cache is under it). */
      cacheDir: string;
      /** A rendered session's word digest, once it has rendered. */
      wordsOf: (id: string) => string | undefined;
      limits?: AheadLimits;
    },
  ) {}

  /** Picks the shards to build ahead (chooseShards) and starts indexing them, one after another. */
  plan(pages: readonly PlannedPage[]): void {
    if (this.work) return;
    for (const [shard, list] of chooseShards(pages, this.settings.limits)) {
      const work: ShardWork = { shard, pages: list, givenUp: null, arrivals: new Map(), searchPages: [], indexed: false };
      for (const page of list) {
        this.byPath.set(page.path, work);
        if (!page.renders) continue;
        let resolve!: (a: Arrival) => void;
        const promise = new Promise<Arrival>((r) => (resolve = r));
        work.arrivals.set(page.path, { promise, resolve, came: false });
      }
      this.shards.set(shard, work);
    }
    if (this.shards.size === 0) return;
    this.work = this.run();
  }

  /** A page's final HTML, as Astro writes it (relative-middleware.ts). */
  offer(here: string, html: string): void {
    const work = this.byPath.get(here);
    if (!work || work.givenUp) return;
    const arrival = work.arrivals.get(here);
    if (!arrival) {
      // Read from its link, but Astro rendered it after all (its template or config changed).
      this.giveUp(work, `${here} was linked but rendered`);
      return;
    }
    const page = work.pages.find((p) => p.path === here)!;
    const words = this.settings.wordsOf(page.id);
    if (words === undefined) return this.giveUp(work, `${here} rendered without a search entry`);
    arrival.came = true;
    arrival.resolve({ html, words });
  }

  /**
   * Called once every page has rendered: waits for the shards being indexed, and stores those
   * still as planned in the shard cache; closes the service.
   */
  async finish(): Promise<AheadOutcome> {
    for (const work of this.shards.values()) {
      // A page that has not come by now is not coming.
      const missing = [...work.arrivals].find(([, arrival]) => !arrival.came);
      if (missing) this.giveUp(work, `${missing[0]} did not render`);
    }
    await this.work;
    const built: AheadOutcome['built'] = [];
    try {
      const version = await pagefindVersion();
      for (const work of this.shards.values()) {
        if (work.givenUp || !work.indexed) continue;
        try {
          const key = await shardKey(this.settings.outDir, work.shard, work.searchPages, version);
          await storeShard(this.scratchFor(work.shard), path.join(searchCacheRoot(this.settings.cacheDir), work.shard), key);
          built.push({ shard: work.shard, pages: work.pages.length });
        } catch (error) {
          this.giveUp(work, (error as Error).message ?? String(error));
        }
      }
    } finally {
      await rm(path.dirname(this.scratchFor('-')), { recursive: true, force: true });
    }
    const left = [...this.shards.values()].filter((w) => w.givenUp).map((w) => ({ shard: w.shard, reason: w.givenUp! }));
    return { built, left };
  }

  private giveUp(work: ShardWork, reason: string): void {
    work.givenUp ??= reason;
    for (const arrival of work.arrivals.values()) arrival.resolve(null);
  }

  /**
   * Indexes the shards into a scratch folder, one after another. Nothing is stored yet: a page
   * read from its link may still render (`offer`), so shards are stored in `finish`, once every
   * page has.
   */
  private async run(): Promise<void> {
    // The module's own service: under scripts/build.mjs nothing else in this process indexes
    // (the search job runs in its own), and a later call would start a new one after `close`.
    const service: PagefindModule = pagefind;
    try {
      for (const work of this.shards.values()) {
        if (work.givenUp) continue;
        try {
          // Every page is sent as soon as it is final: Astro's route loop holds this thread, and
          // Pagefind must not wait for it between pages.
          await indexShard(service, this.feed(work), this.scratchFor(work.shard), Infinity);
          work.indexed = true;
        } catch (error) {
          if (!(error instanceof GivenUp)) this.giveUp(work, (error as Error).message ?? String(error));
        }
      }
    } catch (error) {
      for (const work of this.shards.values()) this.giveUp(work, (error as Error).message ?? String(error));
    } finally {
      await service.close().catch(() => {});
    }
  }

  private scratchFor(shard: string): string {
    return path.join(this.settings.cacheDir, 'codex-archive', `search-ahead.${process.pid}`, shard);
  }

  /** The shard's pages in path order, each as soon as it is final. */
  private async *feed(work: ShardWork): AsyncGenerator<ShardPage> {
    for (const page of work.pages) {
      const sourcePath = `${page.path}index.html`;
      let html: string;
      let words: string;
      if (page.renders) {
        const arrival = await work.arrivals.get(page.path)!.promise;
        if (!arrival) throw new GivenUp();
        ({ html, words } = arrival);
      } else {
        html = await readFile(path.join(this.settings.outDir, sourcePath), 'utf8');
        words = page.words!;
      }
      if (work.givenUp) throw new GivenUp();
      work.searchPages.push({ path: page.path, shard: work.shard, key: page.key, words });
      yield { sourcePath, html, words };
    }
  }
}
