/**
 * How the search files are split: by half month of a session's start, in the configured time
 * zone. Pagefind's index (pagefind.ts) and the offline index (offline-index.ts) use the same
 * shards, so a rebuild after one session changed rewrites one part of each.
 */

/**
 * Shard name for a session's start day (in the configured time zone): `yyyy-mm-1` for days 1–15,
 * `yyyy-mm-2` for 16–31, `undated` without a start. Half months: busy months of a heavy user hold
 * ~3,000 sessions, ~1 GB of Pagefind memory as one index.
 */
export function shardName(day: { year: string; month: string; day: string } | null): string {
  return day ? `${day.year}-${day.month}-${Number(day.day) <= 15 ? 1 : 2}` : 'undated';
}

/** Newest shard first, `undated` last (the order search results are listed in by default). */
export function shardOrder(a: string, b: string): number {
  if (a === 'undated') return b === 'undated' ? 0 : 1;
  if (b === 'undated') return -1;
  return b.localeCompare(a);
}

/** What orders a page within its shard. */
export interface ShardMember {
  /** Site path, `s/<slug>/`. */
  path: string;
  /** Last activity (see `lastActivity`). */
  lastAt: string;
}

/** A session's last activity as shards order it: its end, else its start, else ''. */
export function lastActivity(summary: { startedAt: string | null; endedAt: string | null }): string {
  return summary.endedAt ?? summary.startedAt ?? '';
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order a shard's pages are fed to Pagefind, which is part of the index's bytes: whoever
 * builds a shard (pagefind.ts, search-ahead.ts) feeds it in this order. Least recently active
 * first, so the session that just grew (a day's work, or an old session resumed) comes last in
 * its shard, and a rebuild can index every other page of the shard before that one has rendered.
 * Code-unit comparisons, not the locale's: the same pages give the same order on any machine.
 */
export function feedOrder(a: ShardMember, b: ShardMember): number {
  return byCodeUnits(a.lastAt, b.lastAt) || byCodeUnits(a.path, b.path);
}

/** Pages grouped by shard, each shard's pages in feed order; shards in the order first met. */
export function shardsOf<T extends ShardMember & { shard: string }>(pages: Iterable<T>): Map<string, T[]> {
  const byShard = new Map<string, T[]>();
  for (const page of pages) {
    const list = byShard.get(page.shard);
    if (list) list.push(page);
    else byShard.set(page.shard, [page]);
  }
  for (const list of byShard.values()) list.sort(feedOrder);
  return byShard;
}
