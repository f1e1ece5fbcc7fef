import { Parser } from 'htmlparser2';
import { describe, expect, test } from 'vitest';
import SessionHeader from '../../src/components/session/SessionHeader.astro';
import Transcript from '../../src/components/session/Transcript.astro';
import { Session } from '../../src/lib/model/session.ts';
import { htmlProblems } from '../render/html-check.ts';
import { layout, render } from './render.ts';
import { ITEMS, SESSION } from './sample-session.ts';

const hrefForSession = (id: string) => `../${id}/index.html`;
const imageSrc = () => '../assets/img-1.png';

async function page(session = SESSION) {
  const header = await render(SessionHeader, { session, hrefForSession });
  const transcript = await render(Transcript, { session, hrefForSession, imageSrc });
  return { header, transcript, all: `${header}\n${transcript}` };
}

describe('the sample session', () => {
  test('is a valid Session and holds one item of every kind', () => {
    expect(Session.safeParse(SESSION).success).toBe(true);
    const kinds = new Set(SESSION.turns.flatMap((t) => t.items.map((i) => i.kind)));
    expect([...kinds].sort()).toEqual(Object.keys(ITEMS).sort());
  });
});

describe('session page safety', () => {
  test('no inline styles, no inline scripts, nothing that runs or loads remotely', async () => {
    const { all } = await page();
    expect(all).not.toMatch(/\sstyle=/);
    // No script at all: the layout loads the site's external scripts.
    expect(all).not.toContain('<script');
    // Event handlers and javascript: URLs are checked by a real tokenizer: the same words appear,
    // harmlessly, as escaped text in the sample.
    expect(htmlProblems(all, { allowImg: true })).toEqual([]);
  });

  test('hostile text from the session is escaped everywhere', async () => {
    const { all } = await page();
    expect(all).toContain('Fix the build &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(all).toContain('&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(all).toContain('&lt;svg onload=alert(1)&gt;');
    expect(all).toContain('<span class="ctl" title="U+202E">⟨U+202E⟩</span>');
    expect(all).toContain('[x](javascript:alert(1))');
    expect(all).not.toMatch(/href="\s*javascript/i);
  });

  test('images load only from page-provided URLs; remote images are links', async () => {
    const { all } = await page();
    const sources = [...all.matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src).toBe('../assets/img-1.png');
    expect(all).toContain('<a class="image-remote" href="https://evil.example/track.png" rel="noopener noreferrer nofollow ugc">');
  });
});

describe('session page structure', () => {
  test('the header holds the only h1', async () => {
    const { header, all } = await page();
    expect(all.match(/<h1\b/g)).toHaveLength(1);
    expect(header).toMatch(/^<header class="session-header"><h1>/);
  });

  test('every turn and item has an id and a permalink to it', async () => {
    const { transcript } = await page();
    for (const turn of SESSION.turns) {
      expect(transcript).toContain(`<section id="turn-${turn.index}"`);
      expect(transcript).toContain(`href="#turn-${turn.index}"`);
      for (const item of turn.items) {
        expect(transcript).toContain(`id="item-${item.id}"`);
        expect(transcript).toContain(`href="#item-${item.id}"`);
      }
    }
  });

  test('the header lists sub-agents (nested, with nickname and role) and forks, linked', async () => {
    const related = {
      forks: [{ id: 'fork-1', title: 'A fork', nickname: null, role: null, agentPath: null, children: [] }],
      subagents: [
        {
          id: 'sub-1',
          title: 'Review <the> diff',
          nickname: 'Noether',
          role: 'reviewer',
          agentPath: null,
          children: [{ id: 'sub-2', title: 'Nested', nickname: 'Cy', role: null, agentPath: '/root/a/b', children: [] }],
        },
      ],
    };
    const header = await render(SessionHeader, { session: SESSION, hrefForSession, related });
    expect(header).toContain('<h2 class="related-title">Sub-agents</h2>');
    expect(header).toContain('<a href="../sub-1/index.html">Review &lt;the&gt; diff</a>');
    expect(header).toContain('(Noether, reviewer)');
    expect(header).toMatch(/<li><a href="..\/sub-1\/index.html">[\s\S]*<ul class="related-list"><li><a href="..\/sub-2\/index.html">Nested<\/a>/);
    expect(header).toContain('<h2 class="related-title">Forks</h2>');
    expect(header.match(/<h1\b/g)).toHaveLength(1);
  });

  test('a run of injected context folds into one block that names its parts', async () => {
    const base = SESSION.turns[0]!;
    const context = (id: string, label: string) => ({ id, line: 1, at: null, kind: 'context' as const, label, role: 'developer', text: `<${label}>` });
    const turn = { ...base, items: [context('k1', 'permissions instructions'), context('k2', 'AGENTS.md'), context('k3', 'AGENTS.md'), ...base.items.filter((i) => i.kind !== 'context')] };
    const { transcript } = await page({ ...SESSION, turns: [turn] });
    expect(transcript.match(/<details class="context-group"/g)).toHaveLength(1);
    expect(transcript).toContain('3 blocks Codex added: permissions instructions, AGENTS.md</summary>');
    // Each block inside keeps its own permalink.
    for (const id of ['k1', 'k2', 'k3']) expect(transcript).toContain(`id="item-${id}"`);
  });

  test('inherited turns are folded and unsearchable; rolled-back turns are marked in words', async () => {
    const { transcript } = await page();
    expect(transcript).toContain('<details class="inherited" data-pagefind-ignore="all"><summary>Inherited from 019a0000-0000-7000-8000-0000000000aa (1 turn)</summary>');
    expect(transcript).toContain('<section id="turn-2" class="turn is-rolled-back"');
    expect(transcript).toContain("Rolled back: removed from the model's context");
  });

  test('a failed command says so in words, with its exit code', async () => {
    const { transcript } = await page();
    expect(transcript).toContain('class="kind-shell is-failed"');
    expect(transcript).toContain('<span class="status-failed">Failed, exit code 1</span>');
  });

  test('diff rows parse into four cells (old and new line numbers, sign, text) with a class per change', async () => {
    const { transcript } = await page();
    // The rows leave out the optional </td>, </tr> and <tbody>: read them back the way a parser does.
    const tables: string[][][] = [];
    let row: string[] | null = null;
    const parser = new Parser(
      {
        onopentag(name, attribs) {
          if (name === 'table' && attribs.class?.split(' ').includes('diff')) tables.push([]);
          if (name === 'tr') tables.at(-1)!.push((row = [attribs.class ?? 'ctx']));
          if (name === 'td') row!.push('');
        },
        ontext(text) {
          if (row && row.length > 1) row[row.length - 1] += text;
        },
        onclosetag(name) {
          if (name === 'table') row = null;
        },
      },
      { decodeEntities: true },
    );
    parser.end(transcript);
    const rows = tables.flat();
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(r).toHaveLength(5);
    expect(rows).toContainEqual(['del', '2', '', '−', 'old line']);
    expect(rows).toContainEqual(['add', '', '2', '+', 'new line']);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['hunk', 'ctx', 'add', 'del']));
  });

  test('noise is kept out of search: context and unknown records', async () => {
    const { transcript } = await page();
    expect(transcript).toContain('<article id="item-c1" class="kind-context" data-pagefind-ignore="all">');
    expect(transcript).toContain('<article id="item-x1" class="kind-unknown" data-pagefind-ignore="all">');
    expect(transcript).not.toMatch(/<article id="item-r1"[^>]*data-pagefind-ignore/);
  });

  test('lineage and sub-agents link through hrefForSession', async () => {
    const { header, transcript } = await page();
    expect(header).toContain('<a href="../019a0000-0000-7000-8000-0000000000aa/index.html">');
    expect(transcript).toContain('<a href="../019a0000-0000-7000-8000-000000000002/index.html">Ada</a>');
  });

  test('the resume command has a copy button for the site copy script, and no script of its own', async () => {
    const { header } = await page();
    expect(header).toContain('<code id="resume-command">codex resume 019a0000-0000-7000-8000-000000000001</code>');
    expect(header).toContain('<button type="button" class="copy-button" data-copy="resume-command" aria-label="Copy the resume command">Copy</button>');
    expect(header).not.toContain('<script');
  });

  test('without hrefForSession, lineage is text, not a broken link', async () => {
    const header = await render(SessionHeader, { session: SESSION });
    expect(header).not.toContain('index.html');
    expect(header).toContain('<code>019a0000-0000-7000-8000-0000000000aa</code>');
  });

  test('an empty or unsupported session says so', async () => {
    const empty = await render(Transcript, { session: { ...SESSION, turns: [] } });
    expect(empty).toContain('No conversation was recorded in this session.');
    const unsupported = await render(Transcript, { session: { ...SESSION, turns: [], supported: false } });
    expect(unsupported).toContain('This session uses a format this archive cannot show yet.');
  });
});

describe('snapshots', () => {
  test('session header', async () => {
    const { header } = await page();
    await expect(layout(header)).toMatchFileSnapshot('__snapshots__/SessionHeader.html');
  });

  test('transcript', async () => {
    const { transcript } = await page();
    await expect(layout(transcript)).toMatchFileSnapshot('__snapshots__/Transcript.html');
  });
});
