/**
 * Small Codex homes for the session-prep tests (unit and build): one with planted secrets, one
 * holding every awkward fixture rollout under a name discovery accepts.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rand } from '../redact/fake.ts';
import { projectRoot } from './build-once.ts';

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

/** Writes a home of every file in fixtures/rollouts and fixtures/bad, one session each. */
export function writeFixturesHome(home: string): void {
  const folder = path.join(home, 'sessions', '2025', '01', '01');
  mkdirSync(folder, { recursive: true });
  let n = 0;
  for (const sub of ['rollouts', 'bad']) {
    for (const name of readdirSync(path.join(projectRoot, 'fixtures', sub)).sort()) {
      n++;
      const id = `0199a300-0000-7000-8000-${String(n).padStart(12, '0')}`;
      const nn = String(n).padStart(2, '0');
      // A one-document file keeps its generation-0 name shape.
      const file = name.endsWith('.json') ? `rollout-2025-01-01-${id}.json` : `rollout-2025-01-01T00-00-${nn}-${id}.jsonl`;
      copyFileSync(path.join(projectRoot, 'fixtures', sub, name), path.join(folder, file));
    }
  }
}
