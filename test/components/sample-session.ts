/**
 * A session holding one item of every kind, with hostile text in the places an attacker controls,
 * validated against the zod `Session` schema so the test data cannot drift from the model.
 */
import { Session, type Item } from '../../src/lib/model/session.ts';

const at = '2026-03-04T05:06:07.000Z';
let line = 1;
const base = (id: string) => ({ id, line: line++, at });

/** A PNG as small as a data URL gets. */
export const TINY_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** One item of every kind, keyed by kind. */
export const ITEMS = {
  user_message: {
    ...base('u1'),
    kind: 'user_message',
    text: 'Fix the **build** <script>alert(1)</script>\nsecond line [x](javascript:alert(1))',
    images: [
      { url: TINY_PNG, path: '/tmp/screen.png', label: '[Image #1]' },
      { url: 'https://evil.example/track.png', path: null, label: null },
    ],
  },
  assistant_message: {
    ...base('a1'),
    kind: 'assistant_message',
    text: '# Done\n\nI changed `src/a.ts`.\n\n```ts\nconst x: number = 1;\n```\n\n<img src=x onerror=alert(1)>',
    phase: 'final_answer',
    role: 'assistant',
  },
  reasoning: {
    ...base('r1'),
    kind: 'reasoning',
    summary: ['**Inspecting the build**\n\nThe build fails because of a typo.'],
    durationMs: 2300,
  },
  context: {
    ...base('c1'),
    kind: 'context',
    label: 'AGENTS.md',
    role: 'user',
    text: '# AGENTS.md instructions for /repo\n\n<INSTRUCTIONS>\nBe nice.\n</INSTRUCTIONS>',
  },
  shell: {
    ...base('s1'),
    kind: 'shell',
    callId: 'call_1',
    tool: 'exec_command',
    command: 'npm test -- --run "a b"',
    workdir: '/repo',
    exitCode: 1,
    durationMs: 1234,
    output: '\u001b[31mFAIL\u001b[0m src/a.test.ts\n</pre><script>alert(1)</script>\nevil \u202Etxt.exe',
    status: 'failed',
    byUser: false,
  },
  patch: {
    ...base('p1'),
    kind: 'patch',
    callId: 'call_2',
    files: [
      { path: 'src/a.ts', op: 'update', movePath: null, diff: '@@ -1,3 +1,3 @@\n context\n-old line\n+new line\n more' },
      { path: 'src/new.ts', op: 'add', movePath: null, diff: '+export const y = 2;\n+' },
      { path: 'src/old.ts', op: 'update', movePath: 'src/renamed.ts', diff: '@@\n-a\n+b' },
    ],
    patch: null,
    output: 'Success. Updated the following files:\nM src/a.ts',
    success: true,
  },
  plan: {
    ...base('pl1'),
    kind: 'plan',
    explanation: 'Three steps.',
    steps: [
      { step: 'Read the code', status: 'completed' },
      { step: 'Fix <the> bug', status: 'in_progress' },
      { step: 'Run tests', status: 'pending' },
    ],
    text: null,
  },
  web_search: {
    ...base('w1'),
    kind: 'web_search',
    action: 'search',
    query: 'astro container api',
    url: 'https://docs.astro.build/en/reference/container-reference/',
    pattern: null,
    status: 'completed',
  },
  mcp: {
    ...base('m1'),
    kind: 'mcp',
    callId: 'call_3',
    server: 'github',
    tool: 'search_issues',
    arguments: '{\n  "query": "bug"\n}',
    result: '{"total": 0}',
    isError: false,
    durationMs: 420,
  },
  view_image: {
    ...base('v1'),
    kind: 'view_image',
    callId: 'call_4',
    path: '/repo/screenshot.png',
    images: [{ url: TINY_PNG, path: '/repo/screenshot.png', label: null }],
  },
  subagent: {
    ...base('sa1'),
    kind: 'subagent',
    callId: 'call_5',
    tool: 'spawn_agent',
    prompt: 'Review the diff',
    arguments: '{"message": "Review the diff", "agent_type": "reviewer"}',
    output: '{"agent_id": "019a0000-0000-7000-8000-000000000002"}',
    agents: [
      { threadId: '019a0000-0000-7000-8000-000000000002', nickname: 'Ada', role: 'reviewer', path: '/root/ada', status: 'running' },
    ],
  },
  agent_message: {
    ...base('am1'),
    kind: 'agent_message',
    author: '/root/ada',
    recipient: '/root',
    text: 'Looks good.',
  },
  tool_call: {
    ...base('t1'),
    kind: 'tool_call',
    callId: 'call_6',
    name: 'request_user_input',
    namespace: null,
    arguments: '{"question": "Continue?"}',
    output: 'yes',
    images: [],
  },
  compaction: { ...base('cp1'), kind: 'compaction', summary: 'We fixed the build.' },
  aborted: { ...base('ab1'), kind: 'aborted', reason: 'interrupted' },
  error: { ...base('e1'), kind: 'error', message: 'stream error: <b>timeout</b>' },
  rollback: { ...base('rb1'), kind: 'rollback', numTurns: 1 },
  notice: { ...base('n1'), kind: 'notice', label: 'review started', text: 'Reviewing **changes**' },
  unknown: {
    ...base('x1'),
    kind: 'unknown',
    recordKind: 'event_msg/shiny_new_thing',
    raw: '{\n  "type": "event_msg",\n  "payload": {"html": "<svg onload=alert(1)>"}\n}',
    truncated: false,
  },
} satisfies { [K in Item['kind']]: Extract<Item, { kind: K }> };

const turnBase = {
  startedAt: at,
  endedAt: '2026-03-04T05:08:07.000Z',
  durationMs: 120_000,
  model: 'gpt-5-codex',
  effort: 'high',
  tokens: { input: 1000, cachedInput: 200, output: 300, reasoningOutput: 50, total: 1300 },
  rolledBack: false,
  inherited: false,
};

/** A fork with one inherited turn, one rolled-back turn holding every item, and a final turn. */
export const SESSION = Session.parse({
  id: '019a0000-0000-7000-8000-000000000001',
  file: 'sessions/2026/03/04/rollout-2026-03-04T05-06-07-019a0000-0000-7000-8000-000000000001.jsonl',
  generation: 2,
  historyMode: 'legacy',
  supported: true,
  notice: null,
  archived: true,
  title: 'Fix the build <script>alert(1)</script>',
  threadName: 'Build fix',
  preview: 'Fix the build',
  startedAt: at,
  endedAt: '2026-03-04T06:06:07.000Z',
  durationMs: 3_600_000,
  cwd: '/repo',
  git: { commit: '0123456789abcdef0123456789abcdef01234567', branch: 'main', repositoryUrl: 'git@github.com:acme/widgets.git' },
  originator: 'codex_cli_rs',
  cliVersion: '0.99.0',
  source: 'cli',
  threadSource: null,
  modelProvider: 'openai',
  models: [{ model: 'gpt-5-codex', effort: 'high', fromTurn: 1 }],
  lineage: {
    forkedFrom: '019a0000-0000-7000-8000-0000000000aa',
    parent: null,
    depth: null,
    nickname: null,
    role: null,
    agentPath: null,
    inheritedTurns: 1,
  },
  tokens: { input: 5000, cachedInput: 1000, output: 900, reasoningOutput: 100, total: 5900 },
  contextWindow: 272000,
  incomplete: false,
  turns: [
    { ...turnBase, id: 't1', index: 1, status: 'completed', inherited: true, items: [{ ...ITEMS.user_message, id: 'inh1', line: 100 }] },
    { ...turnBase, id: 't2', index: 2, status: 'failed', rolledBack: true, items: Object.values(ITEMS) },
    { ...turnBase, id: 't3', index: 3, status: 'completed', tokens: null, items: [] },
  ],
  diagnostics: [{ file: 'sessions/x.jsonl', line: 7, code: 'invalid-json', message: 'Line 7 is not valid JSON', severity: 'warning' }],
});
