/**
 * Date keys in an explicit time zone: a session started at 23:30 UTC on 14 May belongs to 15 May
 * in Paris. Keys are zero-padded strings (`2026`, `05`, `15`) so they sort and route as they are.
 */

/** Calendar day of an instant in a zone. */
export interface DayKey {
  year: string;
  month: string;
  day: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA gives ISO-like numeric parts; `hourCycle` is irrelevant here (dates only).
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The day an ISO instant falls on in `timeZone`, or null when the instant is missing or invalid.
 * The result is shared between calls: do not change it.
 */
export function dayKey(iso: string | null | undefined, timeZone: string): DayKey | null {
  if (!iso) return null;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return null;
  // Every session's day is asked for by several pages and by the search and offline indexes:
  // ~100,000 calls at 20,000 sessions, ~0.5 s of formatToParts, some of it before the first
  // page renders. Instants a quarter of an hour apart mostly fall on the same day.
  const bucket = Math.floor(time / QUARTER_HOUR_MS);
  let days = dayCache.get(timeZone);
  if (!days) dayCache.set(timeZone, (days = new Map()));
  const cached = days.get(bucket);
  if (cached !== undefined) return cached;
  const key = dayOf(time, timeZone);
  // Kept for the whole quarter hour only when its first and last instants fall on this day: so
  // for any zone, offsets that are not whole quarter hours included, every cached answer is exact.
  const start = bucket * QUARTER_HOUR_MS;
  if (sameDay(key, dayOf(start, timeZone)) && sameDay(key, dayOf(start + QUARTER_HOUR_MS - 1, timeZone))) days.set(bucket, key);
  return key;
}

const QUARTER_HOUR_MS = 15 * 60_000;
/** Per zone: quarter hours since the epoch that fall on one day, to that day. */
const dayCache = new Map<string, Map<number, DayKey | null>>();

function dayOf(time: number, timeZone: string): DayKey | null {
  const parts = formatterFor(timeZone).formatToParts(new Date(time));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const year = get('year').padStart(4, '0');
  const month = get('month');
  const day = get('day');
  if (!/^\d{4}$/.test(year) || !/^\d{2}$/.test(month) || !/^\d{2}$/.test(day)) return null;
  return Object.freeze({ year, month, day });
}

function sameDay(a: DayKey | null, b: DayKey | null): boolean {
  return a !== null && b !== null && a.year === b.year && a.month === b.month && a.day === b.day;
}

const dateTimeFormatters = new Map<string, Intl.DateTimeFormat>();

/** Readable date and time in the zone, e.g. `14 May 2026, 09:05` (no seconds, 24-hour). */
export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso || Number.isNaN(Date.parse(iso))) return 'unknown date';
  // One formatter per zone: each new Intl.DateTimeFormat holds ICU objects outside the JS heap
  // that only a garbage collection frees, and the index pages list every session. Made anew per
  // call, they grew the Astro process by ~360 MB in the first seconds of rendering 20,000
  // sessions (glibc heap 106 -> 465 MB), memory it never gave back.
  let f = dateTimeFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormatters.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** `05` → `May`. */
export function monthName(month: string): string {
  return MONTHS[Number(month) - 1] ?? month;
}

/** Groups items by a key, keeping first-seen key order; used for year/month/day buckets. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
