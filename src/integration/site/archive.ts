/**
 * The archive's index structure, computed once from the stored summaries: sessions newest
 * first, date buckets in the configured time zone, projects. Pure (no Astro imports) so it is
 * tested directly; pages only read it.
 */
import type { SessionSummary } from '../../lib/model/session.ts';
import { dayKey, type DayKey } from '../utils/dates.ts';

/** What pages need from a stored session (the summary; the store adds `sourceRoot`). */
export type Summary = SessionSummary & { sourceRoot?: string; digest?: string };

/** One day with its sessions (newest first). */
export interface DayBucket {
  key: DayKey;
  sessions: Summary[];
}
/** One month with its days (newest first). */
export interface MonthBucket {
  year: string;
  month: string;
  days: DayBucket[];
  count: number;
}
/** One year with its months (newest first). */
export interface YearBucket {
  year: string;
  months: MonthBucket[];
  count: number;
}
/** One project (repository, else working folder) with its sessions. */
export interface Project {
  name: string;
  sessions: Summary[];
  /** Start time of the newest session, ISO, or null. */
  latest: string | null;
}

/** Everything the index pages show. */
export interface ArchiveIndex {
  sessions: Summary[];
  years: YearBucket[];
  /** Sessions without a usable start time: listed on the home page, no date page. */
  undated: Summary[];
  projects: Project[];
  /** Sessions with no repository and no cwd. */
  unassigned: Summary[];
}

/** Newest first; ties (and undated sessions) by id, so the order is the same on every build. */
export function compareSessions(a: Summary, b: Summary): number {
  return (b.startedAt ?? '').localeCompare(a.startedAt ?? '') || a.id.localeCompare(b.id);
}

/** Builds the index from the summaries, bucketing dates in `timeZone`. */
export function buildArchiveIndex(all: readonly Summary[], timeZone: string): ArchiveIndex {
  const sessions = [...all].sort(compareSessions);
  const years = new Map<string, Map<string, Map<string, DayBucket>>>();
  const undated: Summary[] = [];
  const projects = new Map<string, Project>();
  const unassigned: Summary[] = [];

  for (const s of sessions) {
    const key = dayKey(s.startedAt, timeZone);
    if (!key) undated.push(s);
    else {
      const months = years.get(key.year) ?? years.set(key.year, new Map()).get(key.year)!;
      const days = months.get(key.month) ?? months.set(key.month, new Map()).get(key.month)!;
      const day = days.get(key.day) ?? days.set(key.day, { key, sessions: [] }).get(key.day)!;
      day.sessions.push(s);
    }
    if (s.project) {
      const p = projects.get(s.project) ?? projects.set(s.project, { name: s.project, sessions: [], latest: null }).get(s.project)!;
      p.sessions.push(s);
      p.latest ??= s.startedAt;
    } else unassigned.push(s);
  }

  const desc = (a: string, b: string) => b.localeCompare(a);
  const yearList: YearBucket[] = [...years.keys()].sort(desc).map((year) => {
    const monthMap = years.get(year)!;
    const months = [...monthMap.keys()].sort(desc).map((month) => {
      const dayMap = monthMap.get(month)!;
      const days = [...dayMap.keys()].sort(desc).map((d) => dayMap.get(d)!);
      return { year, month, days, count: days.reduce((n, d) => n + d.sessions.length, 0) };
    });
    return { year, months, count: months.reduce((n, m) => n + m.count, 0) };
  });

  const projectList = [...projects.values()].sort(
    (a, b) => b.sessions.length - a.sessions.length || a.name.localeCompare(b.name),
  );
  return { sessions, years: yearList, undated, projects: projectList, unassigned };
}

/** Previous/next neighbours of `index` in a newest-first list: `newer` is index-1, `older` index+1. */
export function neighbours<T>(list: readonly T[], index: number): { newer: T | null; older: T | null } {
  return { newer: index > 0 ? list[index - 1]! : null, older: index + 1 < list.length ? list[index + 1]! : null };
}

/** Sessions per project page: keeps big projects' pages far below 2 MB. */
export const PROJECT_PAGE_SIZE = 100;

/** Splits a list into pages of `size` (at least one page, possibly empty). */
export function paginate<T>(list: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < list.length; i += size) pages.push(list.slice(i, i + size));
  return pages.length ? pages : [[]];
}
