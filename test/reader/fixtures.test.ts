import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRollout } from '../../src/lib/reader.ts';
import { fileFor, readFixture } from './helpers.ts';

const items = (r: Awaited<ReturnType<typeof readFixture>>) => r.session.turns.flatMap((t) => t.items);

describe('reader on awkward rollouts (fixtures/rollouts)', () => {
  it('shows a legacy fork’s copied prefix as inherited, not as new work', async () => {
    const { session } = await readFixture('legacy-fork.jsonl');
    expect(session.turns.map((t) => t.inherited)).toEqual([true, false]);
    expect(session.lineage.forkedFrom).toBe('0199b000-0000-7000-8000-0000000000a1');
    expect(session.lineage.inheritedTurns).toBe(1);
    // The title is the fork's own first prompt, and its tokens exclude the copied history.
    expect(session.title).toBe('now make it stream');
    expect(session.tokens?.total).toBe(230);
    expect(session.id).toBe('0199b000-0000-7000-8000-00000000f0c1');
  });

  it('keeps every unknown record kind, raw, and counts it', async () => {
    const { session, counts } = await readFixture('unknown-kinds.jsonl');
    const unknown = items({ session, counts }).filter((i) => i.kind === 'unknown');
    expect(unknown.map((i) => (i.kind === 'unknown' ? i.recordKind : ''))).toEqual([
      'hologram_state',
      'event_msg/telepathy_end',
      'response_item/quantum_call',
      'event_msg/item_completed (Teleport)',
      '(unrecognised json)',
    ]);
    expect(unknown[0]?.kind === 'unknown' && unknown[0].raw).toContain('"depth": 3');
    expect(counts.unknownKinds).toEqual({
      hologram_state: 1,
      'event_msg/telepathy_end': 1,
      'response_item/quantum_call': 1,
      'event_msg/item_completed (Teleport)': 1,
      '(unrecognised json)': 1,
    });
    expect(session.diagnostics.filter((d) => d.code === 'unknown-record').map((d) => d.line)).toEqual([3, 4, 5, 6, 7]);
  });

  it('fails closed on a history mode it does not know', async () => {
    const { session } = await readFixture('unsupported-history-mode.jsonl');
    expect(session.supported).toBe(false);
    expect(session.historyMode).toBe('columnar');
    expect(session.turns).toEqual([]);
    expect(session.notice).toMatch(/History format "columnar" is not supported/);
    expect(session.cwd).toBe('/srv/y');
    expect(session.diagnostics.map((d) => d.code)).toContain('unsupported-history-mode');
  });

  it('marks rolled-back turns and a failed turn', async () => {
    const { session } = await readFixture('rollback.jsonl');
    expect(session.turns.map((t) => [t.id, t.status, t.rolledBack])).toEqual([
      ['t1', 'completed', false],
      ['t2', 'completed', true],
      ['t3', 'failed', true],
    ]);
    const kinds = items({ session, counts: {} as never }).map((i) => i.kind);
    expect(kinds).toContain('error');
    expect(kinds.at(-1)).toBe('rollback');
  });

  it('recovers a complete record appended after a partial one on the same line', async () => {
    const { session, counts } = await readFixture('recovered-line.jsonl');
    const texts = items({ session, counts }).filter((i) => i.kind === 'user_message').map((i) => (i.kind === 'user_message' ? i.text : ''));
    expect(texts).toEqual(['start', 'resumed after the crash']);
    expect(session.diagnostics.map((d) => [d.code, d.line])).toContainEqual(['recovered-line', 3]);
    expect(counts).toMatchObject({ lines: 3, records: 3, damaged: 0 });
  });

  it('falls back to the file name when the header is missing', async () => {
    const { session } = await readFixture('no-session-meta.jsonl');
    expect(session.id).toBe('no-session-meta.jsonl');
    expect(session.diagnostics.map((d) => d.code)).toContain('no-session-meta');
    expect(session.title).toBe('a file whose header line is gone');
  });

  it('treats __proto__ keys as data', async () => {
    const { session } = await readFixture('proto-keys.jsonl');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(session.title).toBe('prototype keys must stay data');
    expect(items({ session, counts: {} as never }).map((i) => i.kind)).toEqual(['user_message', 'unknown']);
  });

  it('splits IDE context from the request and shows a user !command as a shell step', async () => {
    const { session } = await readFixture('ide-context.jsonl');
    expect(session.title).toBe('rename the helper to parseLine');
    const all = items({ session, counts: {} as never });
    expect(all.map((i) => (i.kind === 'context' ? `context:${i.label}` : i.kind))).toEqual([
      'context:environment',
      'context:IDE context',
      'user_message',
      'shell',
    ]);
    const shell = all.at(-1);
    expect(shell).toMatchObject({ kind: 'shell', byUser: true, command: 'git status --short', exitCode: 0, output: ' M src/app.ts\n' });
  });

  it('shows the conversation of a file that holds only events, once', async () => {
    const { session } = await readFixture('events-only.jsonl');
    expect(session.turns.map((t) => t.items.map((i) => (i.kind === 'user_message' || i.kind === 'assistant_message' ? `${i.kind}:${i.text}` : i.kind)))).toEqual([
      ['user_message:why is the cache cold?', 'assistant_message:Because the key includes the build time.'],
      ['user_message:fix it', 'assistant_message:Done: the key is the content hash now.'],
    ]);
    expect(session.title).toBe('why is the cache cold?');
  });

  it('applies metadata updates appended under the same id', async () => {
    const { session } = await readFixture('metadata-update.jsonl');
    expect(session.git).toEqual({ commit: 'bbbbbbb', branch: 'feature/x', repositoryUrl: 'git@github.com:acme/app.git' });
    expect(session.turns).toHaveLength(1);
  });
});

describe('turn times in files without turn-end markers', () => {
  it('end a turn at its last work, not at a compaction that came between turns', async () => {
    // The demo's quillpad session (no task events): turn 1 answers at 10:31:29, Codex compacts
    // at 10:34:44 just before the next prompt, and turn 2 starts at 10:34:45.
    const file = path.resolve(import.meta.dirname, '../../fixtures/demo-home/sessions/2025/12/02/rollout-2025-12-02T10-31-17-019ade9d-d532-74ac-91e1-42026f987f4c.jsonl');
    const { session } = await readRollout(await fileFor(file, path.basename(file)));
    const [first] = session.turns;
    expect(first!.items.some((i) => i.kind === 'compaction')).toBe(true);
    expect(first!.endedAt).toBe('2025-12-02T10:31:29.736Z');
    expect(first!.durationMs).toBeLessThan(60_000);
  });
});

describe('titles', () => {
  it('are plain text: no markdown emphasis, heading marks or link syntax', async () => {
    const { plainTitle } = await import('../../src/lib/normalise/session-facts.ts');
    expect(plainTitle('## Fix the **markdown-it-py** upgrade, see [the log](https://x.test/l)')).toBe(
      'Fix the markdown-it-py upgrade, see the log',
    );
    expect(plainTitle('keep `code` and a*b*c')).toBe('keep `code` and a*b*c');
  });
});

describe('token totals across Codex processes', () => {
  const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });
  const line = (s: number, type: string, payload: object) => JSON.stringify({ timestamp: `2026-05-01T10:00:${String(s).padStart(2, '0')}.000Z`, type, payload });
  const turn = (s: number, prompt: string, total: object, last: object) => [
    line(s, 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] }),
    line(s + 1, 'event_msg', { type: 'token_count', info: { total_token_usage: total, last_token_usage: last } }),
    line(s + 2, 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] }),
  ];

  async function read(lines: string[]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'tokens-'));
    const file = path.join(dir, 'rollout-2026-05-01T10-00-00-0199d000-0000-7000-8000-000000000001.jsonl');
    const meta = line(0, 'session_meta', { id: '0199d000-0000-7000-8000-000000000001', timestamp: '2026-05-01T10:00:00.000Z', cwd: '/w', originator: 'codex_cli_rs', cli_version: '0.40.0' });
    await writeFile(file, [meta, ...lines].join('\n') + '\n');
    return (await readRollout(await fileFor(file))).session;
  }

  it('adds a resumed process whose first call re-sends more context than the whole first process used', async () => {
    // Process 1: one call, 12,000 tokens. After `codex resume`, process 2 counts from zero, and
    // its first call (the whole context again) is 12,500 on its own: above the last total.
    const session = await read([...turn(1, 'first', usage(11_000, 1_000), usage(11_000, 1_000)), ...turn(10, 'second', usage(12_000, 500), usage(12_000, 500))]);
    expect(session.turns.map((t) => t.tokens?.total)).toEqual([12_000, 12_500]);
    expect(session.tokens?.total).toBe(24_500);
  });

  it('does not count a report written twice as a new process', async () => {
    const first = turn(1, 'first', usage(11_000, 1_000), usage(11_000, 1_000));
    const again = line(4, 'event_msg', { type: 'token_count', info: { total_token_usage: usage(11_000, 1_000), last_token_usage: usage(11_000, 1_000) } });
    const session = await read([...first, again, ...turn(10, 'second', usage(24_000, 1_500), usage(12_500, 500))]);
    expect(session.turns.map((t) => t.tokens?.total)).toEqual([12_000, 13_500]);
    expect(session.tokens?.total).toBe(25_500);
  });
});
