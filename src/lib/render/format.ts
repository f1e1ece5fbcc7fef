/**
 * Plain-text formatting for labels: durations, counts, times. Deterministic on every machine
 * (English digits and grouping, UTC), so snapshots and rebuilds do not drift.
 */
import type { TokenUsage } from '../model/session.ts';

const NUMBER = new Intl.NumberFormat('en-US');

/** `12,345`. */
export function formatCount(n: number): string {
  return NUMBER.format(n);
}

/** `1 item` / `3 items` (English plural with an `s`, or the plural given). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** `850 ms`, `1.2 s`, `42 s`, `2 min 5 s`, `1 h 3 min`; null for a missing or negative value. */
export function formatDuration(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return null;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${(Math.floor(seconds * 10) / 10).toFixed(1)} s`;
  if (seconds < 60) return `${Math.floor(seconds)} s`;
  const totalSeconds = Math.floor(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) {
    const rest = totalSeconds % 60;
    return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  return restMinutes ? `${hours} h ${restMinutes} min` : `${hours} h`;
}

/** True for a string `Date` can read. */
function validDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2026-01-02 14:03:09 UTC`; the input unchanged when it is not a date. */
export function formatDateTime(iso: string): string {
  const date = validDate(iso);
  if (!date) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `14:03:09` (UTC), for item times within a session; null when unreadable. */
export function formatClock(iso: string | null): string | null {
  if (!iso) return null;
  const date = validDate(iso);
  return date ? date.toISOString().slice(11, 19) : null;
}

/** A valid `datetime` attribute value, or null (a bad one would fail HTML validation). */
export function machineTime(iso: string | null): string | null {
  if (!iso) return null;
  const date = validDate(iso);
  return date ? date.toISOString() : null;
}

/** `12,345 tokens` with the parts that make it up when known. */
export function formatTokens(tokens: TokenUsage | null): string | null {
  if (!tokens) return null;
  const parts = [`${formatCount(tokens.input)} in`];
  if (tokens.cachedInput > 0) parts.push(`${formatCount(tokens.cachedInput)} cached`);
  parts.push(`${formatCount(tokens.output)} out`);
  if (tokens.reasoningOutput > 0) parts.push(`${formatCount(tokens.reasoningOutput)} reasoning`);
  return `${plural(tokens.total, 'token')} (${parts.join(', ')})`;
}

/** Short form of a commit hash. */
export function shortCommit(commit: string): string {
  return /^[0-9a-f]{12,}$/i.test(commit) ? commit.slice(0, 10) : commit;
}
