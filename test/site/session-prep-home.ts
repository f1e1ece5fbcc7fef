/**
 * A small Codex home with planted secrets, for the session-prep tests (unit and build).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rand } from '../redact/fake.ts';

/** One rollout of the current format: a user message and an answer. */
function rollout(id: string, at: string, user: string, answer: string): string {
  const line = (type: string, payload: unknown) => JSON.stringify({ timestamp: at, type, payload });
  return [
    line('session_meta', { id, timestamp: at, cwd: '/w/app', cli_version: '0.55.0', source: 'cli' }),
    line('event_msg', { type: 'user_message', message: user, images: [] }),
    line('event_msg', { type: 'agent_message', message: answer, phase: 'final_answer' }),
  ].join('\n') + '\n';
}

/**
 * Writes a home of three sessions: two with fake secrets built at run time (test/redact/fake.ts:
 * no literal secret is in the repository), one with none.
 */
export function writeSecretsHome(home: string): void {
  const sessions = [
    ['0199a200-0000-7000-8000-00000000a001', `deploy with password=${rand(12)} and password=${rand(14)}, mail alice@corp.example.io`, 'Done.'],
    ['0199a200-0000-7000-8000-00000000a002', `my token is ${'gh' + 'p_' + rand(36)}`, `Set export API_TOKEN=${rand(20)} in CI.`],
    ['0199a200-0000-7000-8000-00000000a003', 'nothing secret here', 'Fine.'],
  ];
  sessions.forEach(([id, user, answer], i) => {
    const folder = path.join(home, 'sessions', '2026', '01', `0${i + 1}`);
    mkdirSync(folder, { recursive: true });
    const at = `2026-01-0${i + 1}T10:00:00.000Z`;
    writeFileSync(path.join(folder, `rollout-2026-01-0${i + 1}T10-00-00-${id}.jsonl`), rollout(id!, at, user!, answer!));
  });
}
