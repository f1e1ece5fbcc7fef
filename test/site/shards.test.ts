/**
 * How search shards are named and ordered (src/integration/utils/shards.ts): the order of a
 * shard's pages is part of its index's bytes, so it must be the same wherever it is computed.
 */
import { describe, expect, it } from 'vitest';
import { feedOrder, lastActivity, shardName, shardOrder, shardsOf } from '../../src/integration/utils/shards.ts';

describe('search shards', () => {
  it('names a half month, and lists the newest first with undated last', () => {
    expect(shardName({ year: '2026', month: '03', day: '15' })).toBe('2026-03-1');
    expect(shardName({ year: '2026', month: '03', day: '16' })).toBe('2026-03-2');
    expect(shardName(null)).toBe('undated');
    expect(['undated', '2025-12-2', '2026-01-1', '2025-12-1'].sort(shardOrder)).toEqual(['2026-01-1', '2025-12-2', '2025-12-1', 'undated']);
  });

  it('takes a session’s last activity from its end, else its start', () => {
    expect(lastActivity({ startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-03-01T00:00:00Z' })).toBe('2026-03-01T00:00:00Z');
    expect(lastActivity({ startedAt: '2026-01-01T00:00:00Z', endedAt: null })).toBe('2026-01-01T00:00:00Z');
    expect(lastActivity({ startedAt: null, endedAt: null })).toBe('');
  });

  it('feeds a shard least recently active first, then by path, in any locale', () => {
    const page = (path: string, lastAt: string, shard = 'a') => ({ path, lastAt, shard });
    // An old session resumed today: it stays in its start's shard, and comes last there.
    const resumed = page('s/0001/', '2026-11-22T09:00:00Z');
    const pages = [resumed, page('s/b/', '2026-01-02T00:00:00Z'), page('s/B/', '2026-01-02T00:00:00Z'), page('s/x/', '', 'undated'), page('s/0002/', '2026-01-01T12:00:00Z')];
    const byShard = shardsOf(pages);
    expect([...byShard.keys()]).toEqual(['a', 'undated']);
    // Code units: 'B' before 'b' whatever the locale says.
    expect(byShard.get('a')!.map((p) => p.path)).toEqual(['s/0002/', 's/B/', 's/b/', 's/0001/']);
    expect([...pages].sort(feedOrder)[0]!.path).toBe('s/x/');
    // The input is left as it was.
    expect(pages[0]).toBe(resumed);
  });
});
