import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clipLongStrings, clipText, MAX_TEXT_CHARS } from '../../src/lib/normalise/clip.ts';
import { readRollout } from '../../src/lib/reader.ts';
import { fileFor } from './helpers.ts';

describe('clipping overlong texts', () => {
  it('keeps head and tail around a marker that says what was left out and where', () => {
    const text = `HEAD${'x'.repeat(100)}TAIL`;
    const out = clipText(text, 7, 20);
    expect(out.startsWith('HEADxxxxxx')).toBe(true);
    expect(out.endsWith('xxxxxxTAIL')).toBe(true);
    expect(out).toContain('88 characters left out by codex-archive');
    expect(out).toContain('line 7');
  });

  it('clips nested strings in place but never a data: URL', () => {
    const image = `data:image/png;base64,${'A'.repeat(50)}`;
    const value = { a: [{ b: 'y'.repeat(40) }], img: image, short: 'ok' };
    expect(clipLongStrings(value, 1, 20)).toBe(20);
    expect(value.a[0]!.b).toContain('left out');
    expect(value.img).toBe(image);
    expect(value.short).toBe('ok');
  });

  it('bounds a session holding a multi-megabyte command output, and reports it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-clip-'));
    const file = path.join(dir, 'rollout-2026-01-01T00-00-00-0199a000-0000-7000-8000-00000000c119.jsonl');
    const big = `first line\n${'0123456789'.repeat(300_000)}\nlast line`;
    const lines = [
      { timestamp: '2026-01-01T00:00:00.000Z', type: 'session_meta', payload: { id: '0199a000-0000-7000-8000-00000000c119', timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w' } },
      { timestamp: '2026-01-01T00:00:01.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'print a lot' }] } },
      { timestamp: '2026-01-01T00:00:02.000Z', type: 'response_item', payload: { type: 'function_call', name: 'shell', call_id: 'c', arguments: '{"command":["bash","-lc","seq 1 1000000"]}' } },
      { timestamp: '2026-01-01T00:00:03.000Z', type: 'response_item', payload: { type: 'function_call_output', call_id: 'c', output: `Exit code: 0\nWall time: 1 seconds\nOutput:\n${big}` } },
    ];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    const { session } = await readRollout(await fileFor(file));
    const shell = session.turns[0]!.items.find((i) => i.kind === 'shell');
    expect(shell?.kind === 'shell' && shell.exitCode).toBe(0);
    const output = shell?.kind === 'shell' ? shell.output! : '';
    expect(output.length).toBeLessThan(MAX_TEXT_CHARS + 500);
    expect(output.startsWith('first line')).toBe(true);
    expect(output.endsWith('last line')).toBe(true);
    expect(output).toContain('the full text is in the rollout file, line 4');
    expect(session.diagnostics.map((d) => [d.code, d.line])).toContainEqual(['clipped-text', 4]);
  });
});
