import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/lib/model/session.ts';
import { readSavedSessionNames, readThreadNames } from '../../src/lib/home/thread-names.ts';
import { readPromptHistory } from '../../src/lib/home/history.ts';

import { CORPUS } from '../corpus.ts';
const A = '01a2003c-0628-7a33-ada7-f49f99d78293';
const B = '01a2003c-0bd9-79c2-8292-0707cdfd1876';
const C = '01a2003c-0dde-7222-9829-5a76d28ab95a';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'codex-archive-side-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('readThreadNames', () => {
  it('reads the corpus index', async () => {
    const diagnostics: Diagnostic[] = [];
    const names = await readThreadNames(join(CORPUS, 'codex-0.169.0/session_index.jsonl'), diagnostics);
    expect([...names]).toEqual([[C, 'Fixture chat (renamed)']]);
    expect(diagnostics).toEqual([]);
  });

  it('lets the last line win, clears on an empty name, and reports bad lines by number', async () => {
    const p = file(
      'session_index.jsonl',
      [
        JSON.stringify({ id: A, thread_name: 'first', updated_at: 'unknown' }),
        JSON.stringify({ id: B, thread_name: 'keep me' }),
        '{"id":"broken",',
        JSON.stringify({ id: A, thread_name: '  second  ' }),
        '',
        JSON.stringify({ id: C, thread_name: 'gone soon' }),
        JSON.stringify({ id: 7, thread_name: 'no' }),
        JSON.stringify({ id: C, thread_name: '   ' }),
        '{"id":"' + A + '","thread_name":"par',
      ].join('\n'),
    );
    const diagnostics: Diagnostic[] = [];
    const names = await readThreadNames(p, diagnostics);
    expect([...names]).toEqual([
      [B, 'keep me'],
      [A, 'second'],
    ]);
    expect(diagnostics.map((d) => [d.line, d.code, d.severity])).toEqual([
      [3, 'invalid-json', 'warning'],
      [7, 'invalid-record', 'warning'],
      [9, 'truncated-last-line', 'info'],
    ]);
    expect(diagnostics[0]!.file).toBe('session_index.jsonl');
    expect(diagnostics[0]!.message).toMatch(/^Skipped line 3 of session_index\.jsonl: not valid JSON \(/);
    expect(diagnostics[1]!.message).toMatch(/^Skipped line 7 of session_index\.jsonl: not a thread name record \(.* at id\)\.$/);
  });

  it('returns an empty map for no file, and a diagnostic for an unreadable one', async () => {
    expect((await readThreadNames(null, [])).size).toBe(0);
    const diagnostics: Diagnostic[] = [];
    const missing = join(dir, 'missing.jsonl');
    expect((await readThreadNames(missing, diagnostics)).size).toBe(0);
    expect(diagnostics).toEqual([
      expect.objectContaining({ file: 'missing.jsonl', line: null, code: 'unreadable', severity: 'warning' }),
    ]);
    expect(diagnostics[0]!.message).toContain(`Cannot read ${missing}: it does not exist.`);
  });
});

describe('readSavedSessionNames', () => {
  it('maps conversation ids to the most recently saved name', async () => {
    const p = file(
      'saved_sessions.json',
      JSON.stringify({
        entries: {
          old: { name: 'old', conversationId: A, rolloutPath: '/x', cwd: '/', model: 'm', savedAt: '2026-01-01T00:00:00Z' },
          newer: { name: 'newer', conversationId: A, rolloutPath: '/x', cwd: '/', model: 'm', savedAt: '2026-02-01T00:00:00Z' },
          other: { name: 'other', conversationId: B, savedAt: '2026-01-01T00:00:00Z' },
          bad: { name: 3 },
        },
      }),
    );
    const diagnostics: Diagnostic[] = [];
    const names = await readSavedSessionNames(p, diagnostics);
    expect(Object.fromEntries(names)).toEqual({ [A]: 'newer', [B]: 'other' });
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-record']);
    expect(diagnostics[0]!.message).toBe('Skipped the entry "bad" of saved_sessions.json: it has no string "name" and "conversationId".');
  });

  it('reports a damaged file and returns no names', async () => {
    const diagnostics: Diagnostic[] = [];
    const names = await readSavedSessionNames(file('torn.json', '{"entries":{"a":'), diagnostics);
    expect(names.size).toBe(0);
    expect(diagnostics[0]).toMatchObject({ file: 'torn.json', code: 'invalid-json', severity: 'warning' });
    expect((await readSavedSessionNames(null)).size).toBe(0);
  });

  it('accepts a BOM', async () => {
    const names = await readSavedSessionNames(file('bom.json', '\uFEFF' + JSON.stringify({ entries: { x: { name: 'x', conversationId: C } } })), []);
    expect(names.get(C)).toBe('x');
  });
});

describe('readPromptHistory', () => {
  it('groups the corpus history by session, in file order', async () => {
    const history = await readPromptHistory(join(CORPUS, 'codex-0.169.0/history.jsonl'));
    expect(history.get('01a2003c-195a-74b1-83b1-d460f9c59ce1')?.map((e) => e.ts)).toEqual([1795300268, 1795300269]);
    expect(history.get('01a2003c-7691-7e01-b129-72037c48f1f1')).toEqual([
      { ts: 1795300292, text: '[scenario:denied] Write a file outside the workspace.' },
    ]);
  });

  it('reports bad lines with their numbers and keeps the good ones', async () => {
    const p = file(
      'history.jsonl',
      [
        JSON.stringify({ session_id: A, ts: 1, text: 'one' }),
        'not json',
        JSON.stringify({ session_id: A, ts: '2', text: 'string ts' }),
        JSON.stringify({ session_id: A, ts: 3, text: 'three' }),
      ].join('\r\n') + '\r\n',
    );
    const diagnostics: Diagnostic[] = [];
    const history = await readPromptHistory(p, diagnostics);
    expect(history.get(A)).toEqual([
      { ts: 1, text: 'one' },
      { ts: 3, text: 'three' },
    ]);
    expect(diagnostics.map((d) => [d.file, d.line, d.code])).toEqual([
      ['history.jsonl', 2, 'invalid-json'],
      ['history.jsonl', 3, 'invalid-record'],
    ]);
  });

  it('reports a directory in place of the file', async () => {
    const p = join(dir, 'dir-history.jsonl');
    mkdirSync(p);
    const diagnostics: Diagnostic[] = [];
    expect((await readPromptHistory(p, diagnostics)).size).toBe(0);
    expect(diagnostics[0]).toMatchObject({ code: 'unreadable', line: null });
    expect(diagnostics[0]!.message).toContain('it is a directory, not a file');
  });
});
