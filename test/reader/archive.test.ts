import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearArchiveCache, openArchive, readArchive, readRolloutAt, shareArchive, summarise, projectOf } from '../../src/lib/reader.ts';
import { addToReport, emptyReport, reportLine, unknownTotal } from '../../src/lib/report.ts';
import { CORPUS } from './helpers.ts';

const THREAD = '0199d100-0000-7000-8000-000000000001';
const REVISION = '0199d100-0000-7000-8000-0000000000aa';

function line(ordinal: number, type: string, payload: object, ts = '2026-08-20T10:00:00.000Z') {
  return JSON.stringify({ timestamp: ts, ordinal, type, payload });
}

/** A paginated thread reverted once: the old file stays, the new one continues a prefix of it. */
function revertedHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-revert-'));
  const day = path.join(home, 'sessions/2026/08/20');
  mkdirSync(day, { recursive: true });
  const meta = { id: THREAD, timestamp: '2026-08-20T10:00:00.000Z', cwd: '/w', cli_version: '0.150.0', history_mode: 'paginated' };
  const base = [
    line(0, 'session_meta', meta),
    line(1, 'event_msg', { type: 'task_started', turn_id: 'a' }),
    line(2, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'keep this turn' }] }),
    line(3, 'event_msg', { type: 'task_complete', turn_id: 'a' }),
    line(4, 'event_msg', { type: 'task_started', turn_id: 'b' }),
    line(5, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'reverted away' }] }),
    line(6, 'event_msg', { type: 'task_complete', turn_id: 'b' }),
  ];
  const baseText = `${base.join('\n')}\n`;
  const cut = Buffer.byteLength(`${base.slice(0, 4).join('\n')}\n`);
  writeFileSync(path.join(day, `rollout-2026-08-20T10-00-00-${THREAD}.jsonl`), baseText);
  const revision = [
    line(4, 'session_meta', { ...meta, history_base: { thread_id: THREAD, end_ordinal_exclusive: 4, end_byte_offset: cut } }, '2026-08-20T11:00:00.000Z'),
    line(5, 'event_msg', { type: 'task_started', turn_id: 'c' }, '2026-08-20T11:00:01.000Z'),
    line(6, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'after the revert' }] }, '2026-08-20T11:00:01.000Z'),
    line(7, 'event_msg', { type: 'task_complete', turn_id: 'c' }, '2026-08-20T11:00:02.000Z'),
  ];
  writeFileSync(path.join(day, `rollout-2026-08-20T11-00-00-${THREAD}_${REVISION}.jsonl`), `${revision.join('\n')}\n`);
  return home;
}

describe('archive-level reading', () => {
  it('renders only the current file of a reverted thread, with the kept prefix inherited', async () => {
    const archive = await openArchive(revertedHome());
    expect(archive.discovery.files).toHaveLength(2);
    expect(archive.files.map((f) => path.basename(f.path))).toEqual([`rollout-2026-08-20T11-00-00-${THREAD}_${REVISION}.jsonl`]);
    expect(archive.diagnostics.map((d) => d.code)).toContain('superseded-file');
    const { session } = await archive.read(archive.files[0]!);
    const prompts = session.turns.map((t) => [t.items.find((i) => i.kind === 'user_message')?.kind === 'user_message' ? (t.items.find((i) => i.kind === 'user_message') as { text: string }).text : null, t.inherited]);
    expect(prompts).toEqual([
      ['keep this turn', true],
      ['after the revert', false],
    ]);
  });

  it('takes thread names from session_index.jsonl (the 0.169 corpus renames a chat)', async () => {
    const titles: string[] = [];
    for await (const { session } of readArchive(path.join(CORPUS, 'codex-0.169.0'))) if (session.threadName) titles.push(session.threadName);
    expect(titles).toEqual(['Fixture chat (renamed)']);
  });

  it('aggregates a report with counts, never values', async () => {
    const report = emptyReport();
    for await (const { session, counts } of readArchive(path.join(CORPUS, 'codex-0.130.0'))) addToReport(report, session, counts);
    expect(report.sessions).toBe(16);
    expect(report.files.archived).toBe(1);
    expect(report.files.byGeneration).toEqual({ '2': 16 });
    expect(report.recordsByKind['event_msg/mcp_tool_call_end']).toBe(1);
    expect(unknownTotal(report)).toBe(0);
    expect(report.lines.total).toBe(report.lines.blank + report.lines.records + report.lines.damaged);
    expect(reportLine(report)).toMatch(/^16 sessions \(gen 2: 16\), \d+ records, 0 damaged lines skipped, 0 unknown records kept raw/);
  });

  it('summarises a session for the content store without its transcript', async () => {
    for await (const { session } of readArchive(path.join(CORPUS, 'codex-0.39.0'))) {
      const summary = summarise(session);
      expect(summary).not.toHaveProperty('turns');
      expect(summary.project).toBe('example.com/fixture/project');
      expect(JSON.stringify(summary).length).toBeLessThan(2_000);
      if (session.file.includes('41de-71f0')) expect(summary.failedCommands).toBe(1);
    }
  });

  it('keeps lineage only for forks and sub-agents, and each model once', async () => {
    let plain = 0;
    let related = 0;
    for (const home of [path.join(CORPUS, 'codex-0.169.0'), path.join(import.meta.dirname, '../../fixtures/demo-home')]) {
      for await (const { session } of readArchive(home)) {
        const summary = summarise(session);
        expect(summary.modelNames).toEqual([...new Set(session.models.map((m) => m.model))]);
        if (session.lineage.parent || session.lineage.forkedFrom) {
          related++;
          expect(summary.lineage).toEqual(session.lineage);
        } else if (summary.lineage === null) plain++;
      }
    }
    expect(related).toBeGreaterThan(0);
    expect(plain).toBeGreaterThan(0);
  });

  it('groups SSH and HTTPS remotes of one repository as one project', () => {
    const p = (url: string) => projectOf({ cwd: '/x', git: { commit: null, branch: null, repositoryUrl: url } });
    expect(p('git@github.com:acme/app.git')).toBe('github.com/acme/app');
    expect(p('https://github.com/acme/app.git')).toBe('github.com/acme/app');
    expect(p('ssh://git@GitHub.com/acme/app')).toBe('github.com/acme/app');
    expect(projectOf({ cwd: '/home/ana/app', git: null })).toBe('/home/ana/app');
  });
});

describe('readRolloutAt with a shared archive', () => {
  it("reads through the loader's discovery instead of walking the home again", async () => {
    const home = revertedHome();
    const archive = await openArchive(home);
    clearArchiveCache();
    shareArchive(home, archive);
    const first = archive.files[0]!;
    expect((await readRolloutAt(home, first.relPath)).session.id).toBe(THREAD);
    // A rollout written after the shared discovery is not known to it: proof no new walk ran.
    const later = `sessions/2026/08/20/rollout-2026-08-20T12-00-00-0199d100-0000-7000-8000-000000000002.jsonl`;
    writeFileSync(path.join(home, later), `${line(0, 'session_meta', { id: '0199d100-0000-7000-8000-000000000002', timestamp: '2026-08-20T12:00:00.000Z', cwd: '/w', cli_version: '0.150.0' })}\n`);
    await expect(readRolloutAt(home, later)).rejects.toThrow('is no longer in');
    // Without a shared archive, the first read discovers the home itself.
    clearArchiveCache();
    expect((await readRolloutAt(home, later)).session.id).toBe('0199d100-0000-7000-8000-000000000002');
    clearArchiveCache();
  });
});
