import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsInResult } from '../../src/lib/normalise/agents.ts';
import { readRollout } from '../../src/lib/reader.ts';
import { fileFor } from './helpers.ts';

describe('agentsInResult', () => {
  it('reads the nickname a spawn returns', () => {
    expect(agentsInResult('{"agent_id":"019e-b0d4","nickname":"Noether"}', null).agents).toEqual([
      { threadId: '019e-b0d4', nickname: 'Noether', role: null, path: null, status: null },
    ]);
  });

  it("reads each waited-for agent's state, and the final message of those that finished", () => {
    const out = JSON.stringify({ status: { a: { completed: '- OK: contrast\n- Fix: the label' }, b: 'running', c: { errored: 'timed out' } } });
    const { agents, reports } = agentsInResult(out, null);
    expect(agents.map((a) => [a.threadId, a.status])).toEqual([['a', 'completed'], ['b', 'running'], ['c', 'errored']]);
    expect(reports).toEqual([
      { threadId: 'a', status: 'completed', text: '- OK: contrast\n- Fix: the label' },
      { threadId: 'c', status: 'errored', text: 'timed out' },
    ]);
  });

  it('gives a closed agent its previous final message', () => {
    expect(agentsInResult('{"previous_status":{"completed":"done"}}', 'a').reports).toEqual([{ threadId: 'a', status: 'completed', text: 'done' }]);
  });

  it('names nothing in text that is not a JSON object', () => {
    for (const out of [null, '', 'agent finished', '{broken', '[1,2]', '"x"']) expect(agentsInResult(out, 'a')).toEqual({ agents: [], reports: [] });
  });
});

describe('sub-agent calls in a session', () => {
  it('name the agent as the spawn did and carry its report, in the demo review session', async () => {
    const file = path.resolve(import.meta.dirname, '../../fixtures/demo-home/sessions/2026/06/02/rollout-2026-06-02T11-15-27-019e880b-adc4-74e6-abe5-53e432a67f0e.jsonl');
    const { session } = await readRollout(await fileFor(file));
    const calls = session.turns.flatMap((t) => t.items).filter((i) => i.kind === 'subagent');
    expect(calls.map((c) => [c.tool, c.agents.map((a) => a.nickname)])).toEqual([
      ['spawn_agent', ['Noether']],
      ['wait_agent', ['Noether']],
      ['close_agent', ['Noether']],
    ]);
    const wait = calls.find((c) => c.tool === 'wait_agent')!;
    expect(wait.reports).toEqual([{ threadId: '019e880b-b0d4-76cb-b43d-0a9e626ab995', status: 'completed', text: expect.stringMatching(/^Accessibility review of the dark-mode branch:\n\n- OK:/) }]);
    // close_agent returns the same final message: shown once, under the wait.
    const close = calls.find((c) => c.tool === 'close_agent')!;
    expect(close.output).toContain('previous_status');
    expect(close.reports).toBeUndefined();
    // Every call's result was read into its card, so the page folds the JSON.
    expect(calls.map((c) => c.resultRead)).toEqual([true, true, true]);
  });
});

describe('subagentNotificationText', () => {
  it('says which agent finished and what it said, as the 0.169 corpus writes it', async () => {
    const { subagentNotificationText } = await import('../../src/lib/normalise/injected.ts');
    const note = '<subagent_notification>\n{"agent_path":"01a2003c-63fc","status":{"completed":"Files: AGENTS.md, README.md, src/."}}\n</subagent_notification>';
    expect(subagentNotificationText(note)).toBe('Sub-agent 01a2003c-63fc completed: Files: AGENTS.md, README.md, src/.');
    expect(subagentNotificationText('<subagent_notification>{"agent_path":"a","status":"running"}</subagent_notification>')).toBe('Sub-agent a: running');
    // Not the shape it knows: shown as written.
    expect(subagentNotificationText('<subagent_notification>agent a is done</subagent_notification>')).toBe('<subagent_notification>agent a is done</subagent_notification>');
  });
});
