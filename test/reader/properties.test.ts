/**
 * Properties of the reader over arbitrary input: it never throws for file content, and every
 * physical line is accounted for exactly once (record, blank or damaged).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRollout } from '../../src/lib/reader.ts';
import { fileFor } from './helpers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-props-'));
let n = 0;

async function readBytes(bytes: Uint8Array) {
  const file = path.join(dir, `rollout-2026-01-01T00-00-00-${String(n++).padStart(8, '0')}-0000-7000-8000-000000000000.jsonl`);
  writeFileSync(file, bytes);
  return readRollout(await fileFor(file));
}

function physicalLines(bytes: Uint8Array): number {
  let lines = 0;
  for (const b of bytes) if (b === 0x0a) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines++;
  return lines;
}

const envelopeTypes = ['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted', 'world_state', 'mystery'];
const payloadTypes = ['message', 'reasoning', 'function_call', 'function_call_output', 'custom_tool_call', 'token_count', 'task_started', 'task_complete', 'turn_aborted', 'item_completed', 'thread_rolled_back', 'other'];

/** Records shaped like Codex's, with arbitrary values where Codex puts values. */
const recordLike = fc
  .record({
    timestamp: fc.oneof(fc.constant('2026-01-01T00:00:00.000Z'), fc.string()),
    type: fc.constantFrom(...envelopeTypes),
    payload: fc.record(
      {
        type: fc.constantFrom(...payloadTypes),
        role: fc.constantFrom('user', 'assistant', 'developer', 'system'),
        content: fc.oneof(fc.jsonValue(), fc.array(fc.record({ type: fc.constantFrom('input_text', 'output_text', 'input_image'), text: fc.string() }))),
        call_id: fc.constantFrom('c1', 'c2'),
        name: fc.constantFrom('shell', 'apply_patch', 'update_plan', 'exec_command', 'spawn_agent', 'x'),
        arguments: fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))),
        output: fc.jsonValue(),
        item: fc.jsonValue(),
        info: fc.jsonValue(),
        turn_id: fc.constantFrom('t1', 't2'),
        num_turns: fc.integer({ min: -3, max: 5 }),
        id: fc.string(),
        history_mode: fc.constantFrom('legacy', 'paginated', 'other'),
      },
      { requiredKeys: ['type'] },
    ),
  })
  .map((r) => JSON.stringify(r));

describe('reader properties', () => {
  it('never throws on arbitrary bytes and accounts for every line once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        const { counts } = await readBytes(bytes);
        expect(counts.lines).toBe(physicalLines(bytes));
        expect(counts.blank + counts.records + counts.damaged).toBe(counts.lines);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on record-shaped lines mixed with junk, and validates its output', async () => {
    const line = fc.oneof({ weight: 5, arbitrary: recordLike }, { weight: 1, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.constant('') });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), async (lines, finalNewline) => {
        const text = lines.join('\n') + (finalNewline ? '\n' : '');
        const bytes = new TextEncoder().encode(text);
        const { counts, session } = await readBytes(bytes);
        expect(counts.blank + counts.records + counts.damaged).toBe(physicalLines(bytes));
        expect(typeof session.title).toBe('string');
      }),
      { numRuns: 200 },
    );
  });

  it('survives 100,000-deep nesting', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const payload = `{"timestamp":"2026-01-01T00:00:00.000Z","type":"response_item","payload":{"type":"function_call","name":"x","call_id":"c","arguments":${JSON.stringify(deep)}}}`;
    const text = `${deep}\n{"timestamp":"2026-01-01T00:00:00.000Z","type":"mystery","payload":${deep}}\n${payload}\n`;
    const { counts, session } = await readBytes(new TextEncoder().encode(text));
    expect(counts.lines).toBe(3);
    expect(counts.records + counts.damaged).toBe(3);
    expect(session.turns.flatMap((t) => t.items).length).toBeGreaterThan(0);
  });
});
