/**
 * The bridge between Astro's content store and the pure index: reads the `sessions`
 * collection once per render process and builds the index in the configured time zone.
 */
import { getCollection } from 'astro:content';
import { getState } from '../state.ts';
import { hashOf } from '../incremental.ts';
import { buildArchiveIndex, type ArchiveIndex, type Summary } from './archive.ts';
import { relatedDigest, relatedSessions, type Related } from '../../lib/lineage.ts';
import { paths } from '../utils/urls.ts';
import { dayKey } from '../utils/dates.ts';
import { shardName } from '../utils/shards.ts';
import type { PlannedPage } from '../search-ahead.ts';

let cached: Promise<ArchiveIndex> | null = null;

/** The archive index for this build (memoised: every page asks for it). */
export function archiveIndex(): Promise<ArchiveIndex> {
  cached ??= getCollection('sessions').then((entries) =>
    buildArchiveIndex(
      // The store digest (file path, size, mtime, store options) keys incremental page builds.
      entries.map((e) => ({ ...e.data, digest: (e as { digest?: string }).digest })),
      getState().options.timeZone,
    ),
  );
  return cached;
}

/**
 * The incremental-build cacheKey of a session page (see incremental.ts): its file's store digest,
 * the output options, the excluded ids; a fresh key whenever a session it linked came or went.
 * `undefined` (always render) outside `astro build` or without a digest.
 */
export async function sessionCacheKey(summary: Summary): Promise<string | undefined> {
  const state = getState();
  if (!state.incremental) return undefined;
  // Pages linked ahead must all be in place before any page renders (incremental.ts, startPlacing).
  await state.incremental.placed();
  if (!summary.digest) return undefined;
  excludedKey ??= hashOf([...state.excludedIds].sort());
  // A new fork or sub-agent changes the parent's header, so it is part of the parent's key; the
  // title of the session it came from is in its own header, so that is part of its key.
  const titles = await sessionTitles();
  const from = [summary.lineage?.forkedFrom, summary.lineage?.parent].map((id) => (id ? (titles.get(id) ?? null) : null));
  const base = hashOf([state.outputKey, excludedKey, summary.digest, relatedDigest(await relatedFor(summary.id)), from]);
  const key = state.incremental.sessionKey(summary.id, base, (id) => titles.has(id));
  // A reused page is linked from the published site now, so Astro does not copy it (incremental.ts).
  await state.incremental.placeReused(summary.id, paths.session(summary.id));
  return key;
}

/** A session page's route: its summary and its incremental cacheKey. */
export interface SessionRoute {
  summary: Summary;
  key: string | undefined;
}

/**
 * Every session page's route, in the order Astro is to render them (getStaticPaths of
 * src/pages/s/[id]/index.astro, and the look-ahead: session-page.ts): the archive's order, with
 * the pages that render this build first. Astro renders one route after another; a page that
 * renders early is final early, and the search shard it belongs to can be indexed while the
 * reused pages go by (search-ahead.ts). The order changes nothing in the output.
 */
export function sessionRoutes(): Promise<SessionRoute[]> {
  routes ??= (async () => {
    const { sessions } = await archiveIndex();
    const keyed = await Promise.all(sessions.map(async (summary) => ({ summary, key: await sessionCacheKey(summary) })));
    const incremental = getState().incremental;
    if (!incremental) return keyed;
    const reused = (route: SessionRoute) => route.key !== undefined && incremental.reuses(route.summary.id);
    const ordered = [...keyed.filter((r) => !reused(r)), ...keyed.filter(reused)];
    getState().searchAhead?.plan(ordered.map((r) => plannedPage(r, reused(r))));
    return ordered;
  })();
  return routes;
}

let routes: Promise<SessionRoute[]> | null = null;

/** What search-ahead.ts needs to know of a session page once every key is known. */
function plannedPage({ summary, key }: SessionRoute, reused: boolean): PlannedPage {
  const { incremental, options } = getState();
  const here = paths.session(summary.id);
  return {
    id: summary.id,
    path: here,
    shard: shardName(dayKey(summary.startedAt, options.timeZone)),
    key: key ?? '',
    renders: !reused,
    linked: reused && (incremental?.linked.has(here) ?? false),
    words: reused ? (incremental?.previous.get(summary.id)?.offline.text ?? null) : null,
  };
}

/** Forks and sub-agents of a session, from the whole archive (a rollout names only its parent). */
export async function relatedFor(id: string): Promise<Related | null> {
  related ??= archiveIndex().then((index) => relatedSessions(index.sessions));
  return (await related).get(id) ?? null;
}

let related: Promise<Map<string, Related>> | null = null;
let titlesById: Promise<Map<string, string>> | null = null;
let excludedKey: string | null = null;

/**
 * Every session of the archive by id, with its title: which sessions have a page to link to, and
 * what a fork or sub-agent calls the session it came from.
 */
export function sessionTitles(): Promise<Map<string, string>> {
  titlesById ??= archiveIndex().then((index) => new Map(index.sessions.map((s) => [s.id, s.title])));
  return titlesById;
}

/**
 * The cacheKey of an index page: the output options and everything its props carry, each session
 * summary by its store digest. A summary is what the loader made of its file and the store
 * options, which its digest stands for (session page keys rely on the same); a year page's props
 * hold every summary of that year and of its neighbours, so hashing them whole cost ~2 s at
 * 20,000 sessions.
 */
export function indexCacheKey(props: unknown): string | undefined {
  const state = getState();
  if (!state.incremental) return undefined;
  return hashOf([state.outputKey, hashOf(JSON.stringify(props, bySummaryDigest))]);
}

/** JSON.stringify replacer: a stored summary (it carries its store digest) becomes `id:digest`. */
function bySummaryDigest(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && 'digest' in value && 'id' in value) {
    const { id, digest } = value as { id: unknown; digest: unknown };
    if (typeof id === 'string' && typeof digest === 'string') return `summary:${id}:${digest}`;
  }
  return value;
}

/**
 * Records that the page at this site path was rendered in this build (see relative-assets.ts).
 * Runs before Astro writes the page: a page linked from the published site is unlinked first, so
 * the write cannot reach the published file (incremental.ts, "Placing reused pages").
 */
export function pageRendered(here: string): void {
  const state = getState();
  state.rendered.add(here);
  state.incremental?.unplace(here);
}

/** Site options pages show (title, time zone), and whether this is `astro dev`. */
export function siteOptions(): { title: string; timeZone: string; demo: boolean; dev: boolean } {
  const { options, command } = getState();
  return { title: options.title, timeZone: options.timeZone, demo: options.demo, dev: command === 'dev' };
}
