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

/** Items grouped by their shard, in the order given; shards in the order first met. */
export function groupByShard<T extends { shard: string }>(items: Iterable<T>): Map<string, T[]> {
  const byShard = new Map<string, T[]>();
  for (const item of items) {
    const list = byShard.get(item.shard);
    if (list) list.push(item);
    else byShard.set(item.shard, [item]);
  }
  return byShard;
}
