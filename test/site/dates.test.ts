import { describe, expect, it } from 'vitest';
import { buildArchiveIndex, type Summary } from '../../src/integration/site/archive.ts';
import { dayKey, formatDateTime } from '../../src/integration/utils/dates.ts';

describe('dayKey', () => {
  it('buckets an instant by the day in the configured zone', () => {
    expect(dayKey('2026-05-14T23:30:00Z', 'UTC')).toEqual({ year: '2026', month: '05', day: '14' });
    expect(dayKey('2026-05-14T23:30:00Z', 'Europe/Paris')).toEqual({ year: '2026', month: '05', day: '15' });
    expect(dayKey('2026-01-01T03:00:00Z', 'America/Los_Angeles')).toEqual({ year: '2025', month: '12', day: '31' });
    expect(dayKey('2026-03-29T00:30:00Z', 'Pacific/Kiritimati')).toEqual({ year: '2026', month: '03', day: '29' });
  });

  it("answers as the zone's calendar does, around midnights and clock changes, asked once or again", () => {
    const formatters = new Map<string, Intl.DateTimeFormat>();
    const reference = (time: number, timeZone: string) => {
      if (!formatters.has(timeZone)) formatters.set(timeZone, new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
      const parts = formatters.get(timeZone)!.formatToParts(new Date(time));
      const get = (type: string) => parts.find((p) => p.type === type)!.value;
      return { year: get('year'), month: get('month'), day: get('day') };
    };
    const cases: [string, string][] = [
      ['Asia/Kathmandu', '2026-05-14T18:00:00Z'], // +05:45
      ['America/St_Johns', '2026-03-08T02:00:00Z'], // -03:30, the day clocks go forward
      ['Australia/Lord_Howe', '2026-04-04T12:00:00Z'], // a half-hour clock change
      ['Africa/Monrovia', '1971-06-01T00:00:00Z'], // -00:44:30 then: no quarter hour fits
    ];
    for (const [zone, around] of cases) {
      const from = Date.parse(around) - 24 * 3600_000;
      for (let pass = 0; pass < 2; pass++) {
        for (let t = from; t < from + 48 * 3600_000; t += 29_000) {
          expect(dayKey(new Date(t).toISOString(), zone), `${zone} ${new Date(t).toISOString()}`).toEqual(reference(t, zone));
        }
      }
    }
  });

  it('returns null for missing or invalid times', () => {
    expect(dayKey(null, 'UTC')).toBeNull();
    expect(dayKey('not a date', 'UTC')).toBeNull();
  });
});

const summary = (id: string, startedAt: string | null, project: string | null = 'p'): Summary =>
  ({ id, startedAt, project, title: id, models: [], lineage: {}, turnCount: 1, failedCommands: 0 }) as unknown as Summary;

describe('buildArchiveIndex', () => {
  it('groups newest first in the zone and keeps undated sessions aside', () => {
    const index = buildArchiveIndex(
      [summary('a', '2026-05-14T23:30:00Z'), summary('b', '2026-05-15T08:00:00Z'), summary('c', null, null), summary('d', '2025-12-31T23:59:00Z')],
      'Europe/Paris',
    );
    expect(index.sessions.map((s) => s.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(index.years.map((y) => y.year)).toEqual(['2026']);
    expect(index.years[0]!.months[0]!.days.map((d) => [d.key.day, d.sessions.map((s) => s.id)])).toEqual([['15', ['b', 'a']]]);
    expect(index.years[0]!.months.map((m) => m.month)).toEqual(['05', '01']);
    expect(index.undated.map((s) => s.id)).toEqual(['c']);
    expect(index.unassigned.map((s) => s.id)).toEqual(['c']);
  });
});

describe('formatDateTime', () => {
  it('formats in the zone asked for, each zone with its own formatter', () => {
    const iso = '2026-05-14T23:30:00Z';
    expect(formatDateTime(iso, 'UTC')).toBe('14 May 2026, 23:30');
    expect(formatDateTime(iso, 'Europe/Paris')).toBe('15 May 2026, 01:30');
    // Asked again after another zone: a formatter kept for one zone never answers for another.
    expect(formatDateTime(iso, 'UTC')).toBe('14 May 2026, 23:30');
    expect(formatDateTime(iso, 'America/New_York')).toBe('14 May 2026, 19:30');
  });

  it('says so for a missing or unreadable date', () => {
    expect(formatDateTime(null, 'UTC')).toBe('unknown date');
    expect(formatDateTime('not a date', 'UTC')).toBe('unknown date');
  });
});
