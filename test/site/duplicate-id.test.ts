/**
 * Two rollout files whose headers claim the same session id: the build must pick the same one
 * every time (files are read in parallel, so arrival order varies), and report the other.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuildScript } from './build-once.ts';

const ID = '0199a300-0000-7000-8000-00000000d00d';
const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-dupid-'));
const home = path.join(dir, 'home');

function rollout(day: string, fileId: string, prompt: string, filler: number): void {
  const folder = path.join(home, 'sessions/2026/01', day);
  mkdirSync(folder, { recursive: true });
  const lines = [
    { timestamp: `2026-01-${day}T10:00:00.000Z`, type: 'session_meta', payload: { id: ID, timestamp: `2026-01-${day}T10:00:00.000Z`, cwd: '/w' } },
    { timestamp: `2026-01-${day}T10:00:01.000Z`, type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] } },
    // Filler makes this file slow to read, so it finishes after the other one.
    ...Array.from({ length: filler }, (_, i) => ({ timestamp: `2026-01-${day}T10:00:02.000Z`, type: 'event_msg', payload: { type: 'token_count', info: null, n: i, pad: 'x'.repeat(200) } })),
  ];
  writeFileSync(path.join(folder, `rollout-2026-01-${day}T10-00-00-${fileId}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

beforeAll(async () => {
  rollout('01', '0199a300-0000-7000-8000-0000000000a1', 'the copy with the smaller path', 20_000);
  rollout('02', '0199a300-0000-7000-8000-0000000000b2', 'the copy with the larger path', 0);
  await runBuildScript(['--out', path.join(dir, 'dist'), '--cache-dir', path.join(dir, 'cache'), '--report', path.join(dir, 'report.json')], path.join(dir, 'build.log'), home);
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('two files with one session id', () => {
  it('keeps the file with the smaller path, whichever is read first', () => {
    const page = readFileSync(path.join(dir, 'dist/s', ID, 'index.html'), 'utf8');
    expect(page).toContain('the copy with the smaller path');
    expect(page).not.toContain('the copy with the larger path');
  });

  it('reports the other file', () => {
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    const dup = report.reader.diagnostics.list.filter((d: { code: string }) => d.code === 'duplicate-session-id');
    expect(dup.map((d: { file: string }) => d.file)).toEqual(['sessions/2026/01/02/rollout-2026-01-02T10-00-00-0199a300-0000-7000-8000-0000000000b2.jsonl']);
  });
});
