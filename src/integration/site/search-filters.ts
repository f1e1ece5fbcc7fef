/**
 * The search filters of a session page: the values Pagefind files it under, which the search
 * page also lists as its options (src/pages/search/index.astro).
 */
import { sourceName } from '../../lib/render/session-view.ts';
import { dayKey } from '../utils/dates.ts';
import type { Summary } from './archive.ts';

/** Filter name to the session's values; one component writes them into a page (SearchMeta.astro). */
export type SearchFilters = Record<string, string[]>;

/**
 * The project filter's value for sessions with no project (neither repository nor folder): words
 * a reader understands in the filter list; src/scripts/search.js leaves it off result lines.
 */
export const NO_PROJECT = '(no project)';

/** Search filter values for a session (must match the options the search page offers). */
export function searchFilters(summary: Summary, timeZone: string): SearchFilters {
  const key = dayKey(summary.startedAt, timeZone);
  return {
    project: [summary.project ?? NO_PROJECT],
    model: summary.modelNames.length ? summary.modelNames : ['unknown'],
    year: key ? [key.year] : ['undated'],
    month: key ? [`${key.year}-${key.month}`] : ['undated'],
    source: [sourceName(summary.source ?? 'unknown')],
    archived: [summary.archived ? 'yes' : 'no'],
    'has-failed-command': [summary.failedCommands > 0 ? 'yes' : 'no'],
  };
}

