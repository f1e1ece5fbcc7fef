import { describe, expect, it } from 'vitest';
import type { Summary } from '../../src/integration/site/archive.ts';
import { NO_PROJECT, searchFilters } from '../../src/integration/site/search-filters.ts';

const summary = (over: Partial<Summary>): Summary =>
  ({ id: 'x', startedAt: '2026-03-04T05:06:07Z', project: 'github.com/a/b', modelNames: ['gpt-5.5'], source: 'cli', archived: false, failedCommands: 0, ...over }) as unknown as Summary;

describe('searchFilters', () => {
  it('gives a session its project, date, model and state as filter values', () => {
    expect(searchFilters(summary({}), 'UTC')).toMatchObject({
      project: ['github.com/a/b'],
      year: ['2026'],
      month: ['2026-03'],
      model: ['gpt-5.5'],
      archived: ['no'],
      'has-failed-command': ['no'],
    });
  });

  it('says in words that a session has no project or date', () => {
    expect(searchFilters(summary({ project: null, startedAt: null }), 'UTC')).toMatchObject({ project: [NO_PROJECT], year: ['undated'] });
    expect(NO_PROJECT).toBe('(no project)');
  });
});
