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
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import * as pagefind from 'pagefind';
import {
  byPath,
  indexShard,
  pagefindVersion,
  searchCacheRoot,
  shardKey,
  storeShard,
  type PagefindModule,
  type SearchPage,
  type ShardPage,
} from './pagefind.ts';
import { groupByShard } from './utils/shards.ts';

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

/**
 * Pages sent to Pagefind ahead of its replies: enough that it never waits for the next page, few
 * enough that a shard's HTML and its encoded messages are not all held at once.
 */
const PAGES_AHEAD = 32;

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
  const byShard = groupByShard(pages);
  let budget = limits.pages;
  for (const shard of [...byShard.keys()].sort()) {
    const list = byShard.get(shard)!;
    if (!list.some((p) => p.renders)) continue;
    if (!list.every((p) => p.renders || (p.linked && p.words !== null))) continue;
    if (list.length > budget) continue;
    budget -= list.length;
    chosen.set(shard, list.sort(byPath));
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

/** Where a SearchAhead works. */
export interface AheadSettings {
  /** The build folder (linked pages are read from it). */
  outDir: string;
  /** Astro's cache folder (the shard cache is under it). */
  cacheDir: string;
  /** A rendered session's word digest, once it has rendered. */
  wordsOf: (id: string) => string | undefined;
  limits?: AheadLimits;
}

/** What the build calls (state.searchAhead): the class itself, or its worker (`SearchAheadWorker`). */
export interface ShardsAhead {
  /** The shards being built ahead (none before `plan`). */
  readonly shards: readonly string[];
  plan(pages: readonly PlannedPage[]): void;
  offer(here: string, html: string): void;
  finish(): Promise<AheadOutcome>;
}

/** See the module comment. One per build; `plan` once, `offer` per rendered page, `finish` once. */
export class SearchAhead implements ShardsAhead {
  private readonly byShard = new Map<string, ShardWork>();
  /** Site path of each planned page, to its shard. */
  private readonly byPath = new Map<string, ShardWork>();
  private indexing: Promise<void> | null = null;

  private readonly settings: AheadSettings;

  constructor(settings: AheadSettings) {
    this.settings = settings;
  }

  get shards(): string[] {
    return [...this.byShard.keys()];
  }

  /** Picks the shards to build ahead (chooseShards) and starts indexing them, one after another. */
  plan(pages: readonly PlannedPage[]): void {
    if (this.indexing) return;
    for (const [shard, list] of chooseShards(pages, this.settings.limits)) {
      const work: ShardWork = { shard, pages: list, givenUp: null, arrivals: new Map(), searchPages: [], indexed: false };
      for (const page of list) {
        this.byPath.set(page.path, work);
        if (!page.renders) continue;
        let resolve!: (a: Arrival) => void;
        const promise = new Promise<Arrival>((r) => (resolve = r));
        work.arrivals.set(page.path, { promise, resolve, came: false });
      }
      this.byShard.set(shard, work);
    }
    if (this.byShard.size === 0) return;
    this.indexing = this.run();
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
    for (const work of this.byShard.values()) {
      // A page that has not come by now is not coming.
      const missing = [...work.arrivals].find(([, arrival]) => !arrival.came);
      if (missing) this.giveUp(work, `${missing[0]} did not render`);
    }
    await this.indexing;
    const built: AheadOutcome['built'] = [];
    try {
      const version = await pagefindVersion();
      for (const work of this.byShard.values()) {
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
      await rm(this.scratch, { recursive: true, force: true });
    }
    const left = [...this.byShard.values()].filter((w) => w.givenUp).map((w) => ({ shard: w.shard, reason: w.givenUp! }));
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
      for (const work of this.byShard.values()) {
        if (work.givenUp) continue;
        try {
          await indexShard(service, this.feed(work), this.scratchFor(work.shard), PAGES_AHEAD);
          work.indexed = true;
        } catch (error) {
          if (!(error instanceof GivenUp)) this.giveUp(work, (error as Error).message ?? String(error));
        }
      }
    } finally {
      await service.close().catch(() => {});
    }
  }

  /**
   * Where shards are indexed before they are stored: beside the build folder, so a build that
   * fails leaves them where scripts/build.mjs sweeps its leftovers (`.<site>.building-*`).
   */
  private get scratch(): string {
    // Resolved: Astro's outDir ends in a slash, which put this folder inside the build folder.
    return `${path.resolve(this.settings.outDir)}.search-ahead`;
  }

  private scratchFor(shard: string): string {
    return path.join(this.scratch, shard);
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

/** Marks this module's worker (workerData). */
const TAG = 'codex-archive.search-ahead';

type WorkerSetup = { [TAG]: true; outDir: string; cacheDir: string; limits?: AheadLimits };
type ToWorker =
  | { type: 'plan'; pages: PlannedPage[] }
  | { type: 'offer'; here: string; html: string; id: string; words: string | undefined }
  | { type: 'finish' };
type FromWorker = { type: 'outcome'; outcome: AheadOutcome };

/** The worker side: one SearchAhead, driven by messages. */
function runWorker(setup: WorkerSetup): void {
  const port = parentPort!;
  const words = new Map<string, string>();
  const ahead = new SearchAhead({ outDir: setup.outDir, cacheDir: setup.cacheDir, limits: setup.limits, wordsOf: (id) => words.get(id) });
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'plan') ahead.plan(msg.pages);
    else if (msg.type === 'offer') {
      if (msg.words !== undefined) words.set(msg.id, msg.words);
      ahead.offer(msg.here, msg.html);
    } else {
      // Closing the port ends the worker; without an outcome, the build side gives every shard up.
      void ahead
        .finish()
        .then((outcome) => port.postMessage({ type: 'outcome', outcome } satisfies FromWorker))
        .catch(() => {})
        .finally(() => port.close());
    }
  });
}

if (!isMainThread && (workerData as Partial<WorkerSetup> | null)?.[TAG]) runWorker(workerData as WorkerSetup);

/**
 * A SearchAhead on a worker thread of the Astro process. Astro's route loop holds the main thread;
 * there, reading the shard's pages and talking to Pagefind got a turn only between routes, and
 * the shard was done seconds after the last page. The main thread only chooses the shards and
 * hands over the pages that render; a worker that fails leaves every shard to the search index.
 */
export class SearchAheadWorker implements ShardsAhead {
  private readonly settings: AheadSettings;
  private worker: Worker | null = null;
  private outcome: Promise<AheadOutcome> | null = null;
  /** Site paths of the pages of the shards chosen, to their session ids. */
  private readonly planned = new Map<string, string>();
  shards: string[] = [];

  constructor(settings: AheadSettings) {
    this.settings = settings;
  }

  plan(pages: readonly PlannedPage[]): void {
    if (this.outcome) return;
    const chosen = chooseShards(pages, this.settings.limits);
    if (chosen.size === 0) return;
    for (const list of chosen.values()) for (const page of list) this.planned.set(page.path, page.id);
    const setup: WorkerSetup = { [TAG]: true, outDir: this.settings.outDir, cacheDir: this.settings.cacheDir, limits: this.settings.limits };
    // Its own heap limit: a worker over it stops alone and leaves its shards to the search index.
    const worker = new Worker(new URL(import.meta.url), { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 } });
    // Never keeps a failing build's process alive.
    worker.unref();
    this.worker = worker;
    const shards = [...chosen.keys()];
    this.shards = shards;
    this.outcome = new Promise<AheadOutcome>((resolve) => {
      const failed = (reason: string) => resolve({ built: [], left: shards.map((shard) => ({ shard, reason })) });
      worker.on('message', (msg: FromWorker) => resolve(msg.outcome));
      worker.on('error', (error) => failed(`search-ahead worker: ${error.message}`));
      worker.on('exit', (code) => failed(`search-ahead worker stopped (exit ${code})`));
    });
    worker.postMessage({ type: 'plan', pages: [...chosen.values()].flat() } satisfies ToWorker);
  }

  offer(here: string, html: string): void {
    const id = this.planned.get(here);
    if (id === undefined || !this.worker) return;
    this.worker.postMessage({ type: 'offer', here, html, id, words: this.settings.wordsOf(id) } satisfies ToWorker);
  }

  async finish(): Promise<AheadOutcome> {
    if (!this.worker || !this.outcome) return { built: [], left: [] };
    // Ref'd while it stores the shards: the build waits for it here.
    this.worker.ref();
    this.worker.postMessage({ type: 'finish' } satisfies ToWorker);
    const outcome = await this.outcome;
    await this.worker.terminate();
    return outcome;
  }
}
