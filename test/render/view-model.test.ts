import { beforeAll, describe, expect, test } from 'vitest';
import { initHighlighter } from '../../src/lib/render/highlight.ts';
import { headerView, turnGroups, turnView } from '../../src/lib/render/session-view.ts';
import { contextView, diffRowsHtml, frameView, itemAnchor, unknownView, jsonOrTextHtml, outputView, patchView, planView, shellStatus, shellView, subAgentView } from '../../src/lib/render/view-model.ts';
import { ITEMS, SESSION } from '../components/sample-session.ts';

beforeAll(() => initHighlighter());

describe('frames', () => {
  test('anchors are plain tokens whatever the item id holds', () => {
    expect(itemAnchor('msg_01')).toBe('item-msg_01');
    expect(itemAnchor('a b"<c>')).toBe('item-a-b--c-');
  });

  test('labels are escaped, times are UTC clock times', () => {
    expect(frameView(ITEMS.error, 'a <b>').labelHtml).toBe('a &lt;b&gt;');
    const frame = unknownView(ITEMS.unknown).frame;
    expect(frame.labelHtml).toBe('Unknown record event_msg/shiny_new_thing');
    expect(frame.clock).toBe('05:06:07');
    expect(frame.linkTitle).toBe(`Permalink · line ${ITEMS.unknown.line}`);
    expect(frame.kindClass).toBe('kind-unknown');
  });
});

describe('subAgentView', () => {
  test('says Codex\'s agent statuses in words, and shows one it does not know as written', () => {
    const agent = ITEMS.subagent.agents[0]!;
    const statuses = ['pending_init', 'shutdown', 'not_found', 'running', 'hibernating', null];
    const view = subAgentView({ ...ITEMS.subagent, agents: statuses.map((status) => ({ ...agent, status })) }, {});
    expect(view.agents.map((a) => a.statusText)).toEqual(['starting', 'shut down', 'not found', 'running', 'hibernating', null]);
  });

  test('names an agent the call does not name as the archive does, and by its id otherwise', () => {
    const agent = { threadId: 't-1', nickname: null, role: null, path: '/root/check', status: null };
    const item = { ...ITEMS.subagent, agents: [agent], reports: [{ threadId: 't-1', status: 'completed', text: '**done**' }] };
    const named = subAgentView(item, { agentName: (id) => (id === 't-1' ? 'Herschel' : null) });
    expect(named.agents[0]!.nameHtml).toBe('Herschel');
    expect(named.reports[0]!.headingText).toBe('Report from Herschel');
    expect(named.reports[0]!.html).toContain('<strong>done</strong>');
    expect(subAgentView(item, {}).agents[0]!.nameHtml).toBe('t-1');
    // The JSON the card has put in words is folded; a result it could not read is shown open.
    expect(named.outputFolded).toBe(true);
    expect(subAgentView({ ...item, reports: undefined, resultRead: true }, {}).outputFolded).toBe(true);
    expect(subAgentView({ ...item, reports: undefined }, {}).outputFolded).toBe(false);
  });
});

describe('contextView', () => {
  test('long context is cut to the output budget, and says so', () => {
    const view = contextView({ ...ITEMS.context, text: 'x'.repeat(150) }, { collapse: { headLines: 1, tailLines: 1, maxChars: 100 } });
    expect(view.textHtml).toHaveLength(100);
    expect(view.omittedText).toBe('50 characters not shown here');
    expect(view.fullHref).toBeNull();
    expect(contextView(ITEMS.context).omittedText).toBeNull();
  });

  test('a long context block stored as a file shows its start and links the whole text', () => {
    const text = Array.from({ length: 100 }, (_, i) => `rule ${i}: keep edits small`).join('\n');
    const stored: string[] = [];
    const contextHref = (item: { text: string }) => (stored.push(item.text), '../../_assets/ctx/abc.txt');
    const view = contextView({ ...ITEMS.context, text }, { contextHref });
    expect(stored).toEqual([text]);
    expect(view.fullHref).toBe('../../_assets/ctx/abc.txt');
    // Cut at a line end within the preview, and the note counts the rest.
    expect(view.textHtml.length).toBeLessThanOrEqual(320);
    expect(text.startsWith(view.textHtml)).toBe(true);
    expect(text[view.textHtml.length]).toBe('\n');
    expect(view.omittedText).toBe(`${(text.length - view.textHtml.length).toLocaleString('en-US')} characters not shown here`);
  });
});

describe('shellStatus', () => {
  const shell = ITEMS.shell;
  test.each([
    [{ exitCode: 0, status: 'completed' }, 'Succeeded, exit code 0', false],
    [{ exitCode: 2, status: 'completed' }, 'Failed, exit code 2', true],
    [{ exitCode: null, status: 'failed' }, 'Failed', true],
    [{ exitCode: null, status: 'declined' }, 'Declined', true],
    // Stopped by the user: not a failure, whatever exit code was recorded (0.169: -1).
    [{ exitCode: -1, status: 'interrupted' }, 'Interrupted', false],
    [{ exitCode: null, status: 'in_progress' }, 'Did not finish', false],
    [{ exitCode: null, status: null }, 'Exit code not recorded', false],
  ])('%o → %s', (patch, text, failed) => {
    const status = shellStatus({ ...shell, ...patch });
    expect(status.text).toBe(text);
    expect(status.failed).toBe(failed);
  });

  test('commands typed by the user say so', () => {
    expect(shellView({ ...shell, byUser: true }, {}).frame.label).toBe('Command run by the user');
  });
});

describe('outputView', () => {
  test('empty output renders nothing', () => {
    expect(outputView(null)).toBeNull();
    expect(outputView('  \n')).toBeNull();
  });

  test('plain format does not interpret ANSI', () => {
    expect(outputView('\u001b[31mx', { format: 'plain' })!.headHtml).toContain('⟨U+001B⟩');
    expect(outputView('\u001b[31mx')!.headHtml).toBe('<span class=a31>x</span>');
  });

  test('the full-text link appears only when something is folded or cut', () => {
    expect(outputView('short', { fullHref: 'x.txt' })!.fullHref).toBeNull();
  });
});

describe('jsonOrTextHtml', () => {
  test('JSON is highlighted as JSON, anything else as plain text', () => {
    expect(jsonOrTextHtml('{"a": 1}')).toMatch(/^<pre class="code lang-json">/);
    expect(jsonOrTextHtml('{not json')).toBe('<pre class="code lang-plain"><code>{not json</code></pre>');
  });
});

describe('patchView', () => {
  test('labels each file operation in words', () => {
    const view = patchView(ITEMS.patch);
    expect(view.files.map((f) => f.opText)).toEqual(['Modified', 'Added', 'Moved']);
    expect(view.files[0]!.statsText).toBe('+1 −1');
    expect(view.outcome).toEqual({ text: 'Applied', state: 'ok' });
  });

  test('a patch with no parsed files shows the raw patch', () => {
    const view = patchView({ ...ITEMS.patch, files: [], patch: '*** Begin Patch\n*** End Patch' });
    expect(view.rawHtml).toMatch(/^<pre class="code lang-diff">/);
  });
});

describe('diffRowsHtml', () => {
  const rows = [
    { kind: 'hunk' as const, text: '@@ -1 +1 @@' },
    { kind: 'del' as const, text: 'const a = "</td><script>alert(1)</script>";', oldNo: 1 },
    { kind: 'add' as const, text: 'const a = 2;', newNo: 1 },
  ];

  test('rows are highlighted in the language of the file, one row per line', () => {
    const { html, highlighted } = diffRowsHtml(rows, 'src/a.ts');
    expect(highlighted).toBe(true);
    expect(html).toHaveLength(3);
    expect(html[0]).toBe('@@ -1 +1 @@');
    expect(html[2]).toMatch(/^<span class=k>const <\/span>/);
    expect(html[1]).toContain('&lt;/td&gt;&lt;script&gt;');
    expect(html[1]).not.toContain('<script');
  });

  test('unknown file types are escaped text', () => {
    expect(diffRowsHtml(rows, 'Makefile').highlighted).toBe(false);
    expect(diffRowsHtml(rows, 'Makefile').html[1]).toBe('const a = &quot;&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;;');
  });
});

describe('planView', () => {
  test('statuses are words; unknown statuses pass through', () => {
    const view = planView({ ...ITEMS.plan, steps: [...ITEMS.plan.steps, { step: 's', status: 'blocked' }] });
    expect(view.steps.map((s) => s.statusText)).toEqual(['Done', 'In progress', 'To do', 'blocked']);
    expect(view.steps[3]!.stateClass).toBe('step-other');
  });
});

describe('session views', () => {
  test('header facts, lineage and repository link', () => {
    const view = headerView(SESSION, { hrefForSession: (id) => `../${id}/index.html`, project: 'acme/widgets' });
    expect(view.titleHtml).toBe('Fix the build &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(view.facts.find((f) => f.term === 'Repository')!.href).toBe('https://github.com/acme/widgets');
    expect(view.facts.find((f) => f.term === 'Project')!.html).toBe('acme/widgets');
    expect(view.lineage[0]).toMatchObject({ term: 'Forked from', href: '../019a0000-0000-7000-8000-0000000000aa/index.html' });
    expect(view.resumeCommand).toBe('codex resume 019a0000-0000-7000-8000-000000000001');
  });

  test('offers no resume command for files from CLIs without one (before the envelope format)', () => {
    for (const generation of [0, 1] as const) expect(headerView({ ...SESSION, generation }).resumeCommand).toBeNull();
    expect(headerView({ ...SESSION, generation: 3 }).resumeCommand).toBe('codex resume 019a0000-0000-7000-8000-000000000001');
  });

  test('names the session it came from by its title when the archive has it, by its id otherwise', () => {
    const titleForSession = (id: string) => (id === '019a0000-0000-7000-8000-0000000000aa' ? 'Fix `parseLine` <now>' : null);
    const view = headerView(SESSION, { hrefForSession: (id) => `../${id}/index.html`, titleForSession });
    expect(view.lineage[0]).toMatchObject({ term: 'Forked from', html: 'Fix <code>parseLine</code> &lt;now&gt;', href: '../019a0000-0000-7000-8000-0000000000aa/index.html' });
    expect(view.lineage[0]!.code).toBeUndefined();
    expect(headerView(SESSION).lineage[0]).toMatchObject({ html: '019a0000-0000-7000-8000-0000000000aa', code: true });
    const inherited = turnGroups(SESSION, undefined, titleForSession).find((g) => g.inherited);
    expect(inherited && 'summaryHtml' in inherited ? inherited.summaryHtml : null).toBe('Inherited from “Fix <code>parseLine</code> &lt;now&gt;” (1 turn)');
  });

  test('a session cut off says how long it ran at least, and is badged possibly incomplete', () => {
    const whole = headerView({ ...SESSION, durationMs: 93, incomplete: false });
    expect(whole.facts.find((f) => f.term === 'Duration')!.html).toBe('93 ms');
    const cut = headerView({ ...SESSION, durationMs: 93, incomplete: true });
    expect(cut.facts.find((f) => f.term === 'Duration')!.html).toBe('at least 93 ms (until its last record)');
    expect(cut.badges.map((b) => b.text)).toContain('Possibly incomplete');
  });

  test('a repository URL that is not https or git@ is not linked', () => {
    const view = headerView({ ...SESSION, git: { commit: null, branch: null, repositoryUrl: 'javascript:alert(1)' } });
    expect(view.facts.find((f) => f.term === 'Repository')!.href).toBeNull();
  });

  test('turns group inherited runs together', () => {
    const groups = turnGroups(SESSION);
    expect(groups.map((g) => [g.inherited, g.turns.length])).toEqual([[true, 1], [false, 2]]);
  });

  test('turn headings carry status and meta in words', () => {
    const view = turnView(SESSION.turns[1]!);
    expect(view.heading).toBe('Turn 2');
    expect(view.status).toEqual({ text: 'Failed', state: 'failed' });
    expect(view.metaHtml).toEqual(['gpt-5-codex (high)', '2 min', '1,300 tokens']);
    expect(turnView({ ...SESSION.turns[1]!, status: 'unknown' }).status).toBeNull();
  });
});
