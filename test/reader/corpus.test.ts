/**
 * Every file written by a real Codex release (../shared/corpus) must read with no unknown record
 * kind and no reader error, and its normalised form is pinned in a reviewed golden file per
 * Codex version (test/reader/__golden__/), so a change in what readers see is a visible diff.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArchive, readRollout, summarise, type ReadResult } from '../../src/lib/reader.ts';
import { CORPUS, fileFor } from './helpers.ts';

const versions = readdirSync(CORPUS).filter((d) => d.startsWith('codex-')).sort();

/** Long strings are cut so the golden files stay reviewable; mtime-derived times are masked. */
function golden(results: ReadResult[]): string {
  const cut = (_key: string, value: unknown) =>
    typeof value === 'string' && value.length > 160 ? `${value.slice(0, 160)}…(+${value.length - 160} chars)` : value;
  const sessions = results.map(({ session, counts }) => ({
    ...session,
    // Generations 0 and 1 have no end time but the file's mtime, which differs per checkout.
    ...(session.generation <= 1 ? { endedAt: '<mtime>', durationMs: '<mtime>' } : {}),
    counts,
  }));
  return `${JSON.stringify(sessions, cut, 2)}\n`;
}

describe('the real Codex corpus', () => {
  it('has a folder per Codex version', () => {
    expect(versions.length).toBeGreaterThanOrEqual(7);
  });

  for (const version of versions) {
    it(`reads every ${version} file with no unknown kind and no error`, async () => {
      const results: ReadResult[] = [];
      for await (const result of readArchive(path.join(CORPUS, version))) results.push(result);
      expect(results.length).toBeGreaterThan(0);
      for (const { session, counts } of results) {
        expect(counts.unknownKinds, session.file).toEqual({});
        expect(session.diagnostics.filter((d) => d.severity === 'error'), session.file).toEqual([]);
        // Every physical line accounted for exactly once.
        expect(counts.blank + counts.records + counts.damaged, session.file).toBe(counts.lines);
        expect(session.turns.length, session.file).toBeGreaterThan(0);
        expect(session.title, session.file).not.toMatch(/^Session /);
      }
      await expect(golden(results)).toMatchFileSnapshot(`__golden__/${version}.json`);
    });
  }

  it('counts tokens so that the turns add up to the session, resumed and forked sessions too', async () => {
    let checked = 0;
    for (const version of versions) {
      for await (const { session } of readArchive(path.join(CORPUS, version))) {
        if (!session.tokens) continue;
        const own = session.turns.filter((t) => !t.inherited && t.tokens);
        expect(own.reduce((sum, t) => sum + t.tokens!.total, 0), session.file).toBe(session.tokens.total);
        // Codex counts from zero in a resumed process: no turn that reported tokens used none.
        expect(own.filter((t) => t.tokens!.total === 0).map((t) => t.index), session.file).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('marks the killed and interrupted runs incomplete, in every version, and no finished one', async () => {
    const seen = { cut: 0, finished: 0 };
    for (const version of versions) {
      const scenarios = JSON.parse(readFileSync(path.join(CORPUS, version, 'scenarios.json'), 'utf8')) as {
        scenario: string;
        new_files: string[];
      }[];
      const cutFiles = new Set(scenarios.filter((s) => /^(killed|interrupt)-/.test(s.scenario)).flatMap((s) => s.new_files));
      for await (const { session } of readArchive(path.join(CORPUS, version))) {
        const last = session.turns.at(-1)!;
        const where = `${version}/${session.file}`;
        if (cutFiles.has(session.file) && last.status !== 'aborted') {
          // Files before task events say nothing of how a turn ended: these end on the prompt,
          // reasoning or a command, where a finished turn ends on the answer.
          expect(session.incomplete, where).toBe(true);
          expect(last.status, where).toBe('incomplete');
          expect(last.durationMs, `${where}: a turn with no end has no duration`).toBeNull();
          seen.cut++;
        } else if (!cutFiles.has(session.file)) {
          expect(session.incomplete, where).toBe(false);
          seen.finished++;
        }
      }
    }
    expect(seen.cut).toBeGreaterThanOrEqual(9);
    expect(seen.finished).toBeGreaterThan(40);
  });

  it('shows the command a SIGINT stopped as interrupted, not declined or failed', async () => {
    let checked = 0;
    for (const version of versions) {
      const scenarios = JSON.parse(readFileSync(path.join(CORPUS, version, 'scenarios.json'), 'utf8')) as {
        scenario: string;
        new_files: string[];
      }[];
      // By file name: `codex archive` moved some files to archived_sessions/ after the run.
      const interrupted = new Set(scenarios.filter((s) => s.scenario === 'interrupt-sigint').flatMap((s) => s.new_files.map((f) => path.basename(f))));
      for await (const { session } of readArchive(path.join(CORPUS, version))) {
        const commands = session.turns.flatMap((t) => t.items).filter((i) => i.kind === 'shell');
        const where = `${version}/${session.file}`;
        if (!interrupted.has(path.basename(session.file))) {
          expect(commands.filter((c) => c.status === 'interrupted').map((c) => c.command), where).toEqual([]);
          continue;
        }
        // Files that record the abort, where the SIGINT came during `sleep 120` (0.39's came while
        // the model answered, after its command had finished).
        const sleep = commands.findLast((c) => c.command.includes('sleep 120'));
        if (session.turns.at(-1)!.status !== 'aborted' || !sleep) continue;
        expect(sleep.status, where).toBe('interrupted');
        expect(summarise(session).failedCommands, where).toBe(commands.filter((c) => c !== sleep && c.exitCode !== 0 && c.exitCode !== null).length);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('counts only the turns a fork added in its summary, not those it copied', async () => {
    const forks: [string, number, number][] = [];
    for await (const { session } of readArchive(path.join(CORPUS, 'codex-0.169.0'))) {
      if (session.turns.some((t) => t.inherited)) forks.push([session.file, session.turns.length, summarise(session).turnCount]);
    }
    // The `exec fork` session copies its source's two turns and adds one.
    expect(forks).toEqual([[expect.stringContaining('01a2003c-0bd9-79c2-8292-0707cdfd1876'), 3, 1]]);
  });

  it('takes no duration from a file\'s mtime, which is also when a backup was copied', async () => {
    let checked = 0;
    for (const version of ['codex-0.1.2505172129', 'codex-0.20.0']) {
      for await (const { session } of readArchive(path.join(CORPUS, version))) {
        const file = await fileFor(path.join(CORPUS, version, session.file), session.file);
        const later = await readRollout({ ...file, mtimeMs: file.mtimeMs + 86_400_000 });
        expect(later.session.durationMs, session.file).toBe(session.durationMs);
        expect(later.session.endedAt, session.file).not.toBe(session.endedAt);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('reports the torn TypeScript-CLI files as torn, with their final answers recovered', async () => {
    const results: ReadResult[] = [];
    for await (const r of readArchive(path.join(CORPUS, 'codex-0.1.2505172129'))) results.push(r);
    const torn = results.filter((r) => r.session.diagnostics.some((d) => d.code === 'torn-tail'));
    expect(torn).toHaveLength(3);
    for (const { session } of torn) {
      const last = session.turns.at(-1)?.items.at(-1);
      expect(last?.kind, session.file).toBe('assistant_message');
    }
  });
});
