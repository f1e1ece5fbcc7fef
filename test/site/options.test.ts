import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/integration/options.ts';

const root = '/project';
const dirs = new Set(['/project/fixtures/demo-home', '/home/me/.codex', '/data/codex']);
const ctx = (env: Record<string, string | undefined> = {}) => ({
  env: { HOME: '/nowhere', ...env },
  root,
  isDirectory: (p: string) => dirs.has(p),
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect((error as Error).name).toBe('CodexArchiveConfigError');
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('codexArchive() options', () => {
  it('fills defaults and falls back to the demo home with one notice', () => {
    const { options, notices } = resolveOptions({}, ctx());
    expect(options).toMatchObject({ title: 'Codex archive', timeZone: 'UTC', redact: true, outputChars: 2500, demo: true, exclude: { ids: [], cwd: [] } });
    expect(options.sources).toEqual([{ path: '/project/fixtures/demo-home', origin: 'demo' }]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/building the demo archive from fixtures\/demo-home.*CODEX_HOME=/);
  });

  it('uses CODEX_HOME, and CODEX_ARCHIVE_SOURCES before it', () => {
    expect(resolveOptions({}, ctx({ CODEX_HOME: '/data/codex' })).options.sources).toEqual([{ path: '/data/codex', origin: 'CODEX_HOME' }]);
    const both = resolveOptions({}, ctx({ CODEX_HOME: '/nope', CODEX_ARCHIVE_SOURCES: ['/data/codex', '/home/me/.codex'].join(path.delimiter) }));
    expect(both.options.sources.map((s) => s.origin)).toEqual(['CODEX_ARCHIVE_SOURCES', 'CODEX_ARCHIVE_SOURCES']);
    expect(both.options.demo).toBe(false);
  });

  it('reports every problem at once, one bullet each, naming the field and the fix', () => {
    const message = messageOf(() =>
      resolveOptions(
        { sources: ['/missing'], timeZone: 'Mars/Olympus', redact: 'yes', exclude: { ids: 'abc' }, colour: 'blue' },
        ctx(),
      ),
    );
    expect(message).toBe(
      [
        'Invalid codexArchive() options in astro.config.mjs: 5 problems.',
        '  - `timeZone`: not an IANA time zone name; use e.g. "UTC" or "Europe/Paris".',
        '  - `exclude.ids`: expected array, got string. Use `exclude: { ids: [...], cwd: [...] }`.',
        '  - `redact`: expected boolean, got string. Use `redact: true` (the default) or `redact: false`.',
        '  - `(options)`: unknown option `colour`. Remove it; see "Options" in README.md.',
        '  - `sources[0]`: /missing does not exist. Fix the path in astro.config.mjs, or remove it.',
      ].join('\n'),
    );
  });

  it("takes outputChars as a number of characters or 'all', and says what else it would take", () => {
    expect(resolveOptions({ outputChars: 'all' }, ctx()).options.outputChars).toBe('all');
    expect(resolveOptions({ outputChars: 12_000 }, ctx()).options.outputChars).toBe(12_000);
    expect(messageOf(() => resolveOptions({ outputChars: 'everything' }, ctx()))).toContain("`outputChars`: neither a number of characters (e.g. 2500) nor 'all'.");
    expect(messageOf(() => resolveOptions({ outputChars: 10 }, ctx()))).toContain('`outputChars`: under 1,000 characters');
  });

  it('names a missing source folder and where it came from', () => {
    expect(messageOf(() => resolveOptions({ sources: ['/data/codex', '/missing'] }, ctx()))).toBe(
      [
        'Invalid codexArchive() options in astro.config.mjs: 1 problem.',
        '  - `sources[1]`: /missing does not exist. Fix the path in astro.config.mjs, or remove it.',
      ].join('\n'),
    );
    expect(messageOf(() => resolveOptions({}, ctx({ CODEX_HOME: '/gone' })))).toContain(
      '  - `CODEX_HOME (environment)`: /gone does not exist. Point CODEX_HOME at your Codex home (the folder holding `sessions/`), or unset it to use ~/.codex.',
    );
  });

  it('resolves relative and ~ paths', () => {
    const { options } = resolveOptions({ sources: ['fixtures/demo-home'] }, ctx());
    expect(options.sources[0]!.path).toBe('/project/fixtures/demo-home');
  });
});
