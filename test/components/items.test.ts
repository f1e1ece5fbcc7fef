/**
 * One HTML snapshot per item component (and per interesting variant) in
 * `__snapshots__/items/`, so a change to what readers see shows up in review.
 */
import { describe, expect, test } from 'vitest';
import Item from '../../src/components/session/Item.astro';
import type { Item as ItemModel } from '../../src/lib/model/session.ts';
import { Item as ItemSchema } from '../../src/lib/model/session.ts';
import type { RenderContext } from '../../src/lib/render/view-model.ts';
import { htmlProblems } from '../render/html-check.ts';
import { layout, render } from './render.ts';
import { ITEMS } from './sample-session.ts';

const ctx: RenderContext = {
  hrefForSession: (id) => `../${id}/index.html`,
  imageSrc: () => '../assets/img-1.png',
};

const longOutput = Array.from({ length: 200 }, (_, i) => `\u001b[32mok\u001b[0m test ${i + 1}`).join('\n');

/** Variants beyond one-per-kind: outcomes and sizes that render differently. */
const VARIANTS: Record<string, ItemModel> = {
  'shell-success': { ...ITEMS.shell, id: 's2', exitCode: 0, status: 'completed', output: 'done\n', byUser: true },
  'shell-declined': { ...ITEMS.shell, id: 's3', exitCode: null, status: 'declined', output: null, durationMs: null, workdir: null },
  'shell-long-output': { ...ITEMS.shell, id: 's4', exitCode: 0, status: 'completed', output: longOutput },
  'patch-failed': { ...ITEMS.patch, id: 'p2', success: false, output: 'error: hunk did not apply' },
  'assistant-commentary': { ...ITEMS.assistant_message, id: 'a2', phase: 'commentary', text: 'Looking at the tests.' },
  'reasoning-empty': { ...ITEMS.reasoning, id: 'r2', summary: [], durationMs: null },
  'mcp-error': { ...ITEMS.mcp, id: 'm2', isError: true, result: 'permission denied' },
  'assistant-sources': {
    ...ITEMS.assistant_message,
    id: 'a3',
    phase: 'final_answer',
    text: 'Sessions are JSON Lines files (docs).',
    sources: [
      { url: 'https://example.com/docs/sessions', title: 'Docs <b>sessions</b>' },
      { url: 'javascript:alert(1)', title: null },
    ],
  },
  'web-search-open-page': { ...ITEMS.web_search, id: 'w2', action: 'open_page', query: null, url: 'javascript:alert(1)' },
  'unknown-truncated': { ...ITEMS.unknown, id: 'x2', truncated: true },
};

const cases = [...Object.entries(ITEMS).map(([kind, item]) => [kind, item as ItemModel] as const), ...Object.entries(VARIANTS)];

describe('item components', () => {
  test.each(cases)('%s', async (name, item) => {
    expect(ItemSchema.safeParse(item).success).toBe(true);
    const html = await render(Item, { item, ctx });
    expect(html).toMatch(/^<article id="item-[\w-]+" class="kind-/);
    expect(html).not.toMatch(/\sstyle=|<script/);
    expect(htmlProblems(html, { allowImg: true })).toEqual([]);
    await expect(layout(html)).toMatchFileSnapshot(`__snapshots__/items/${name}.html`);
  });

  test('long output keeps head and tail visible and folds the middle', async () => {
    const html = await render(Item, { item: VARIANTS['shell-long-output'], ctx: { ...ctx, collapse: { headLines: 3, tailLines: 2, maxChars: 60_000 } } });
    expect(html).toContain('<details data-pagefind-ignore="all"><summary>Show 195 more lines</summary>');
    expect(html).toContain('test 1\n');
    expect(html).toContain('test 200');
  });

  test('output over the size budget links the full text the page stored', async () => {
    const html = await render(Item, {
      item: VARIANTS['shell-long-output'],
      ctx: { ...ctx, collapse: { headLines: 3, tailLines: 2, maxChars: 400 }, largeOutputHref: (i: ItemModel) => `../outputs/${i.id}.txt` },
    });
    expect(html).toMatch(/<p class="output-omitted">[\d,]+ characters not included <a href="..\/outputs\/s4.txt">Open the full output<\/a><\/p>/);
  });

  test('a declined command is marked failed in words', async () => {
    const html = await render(Item, { item: VARIANTS['shell-declined'], ctx });
    expect(html).toContain('<span class="status-declined">Declined</span>');
  });

  test('a page link that is not http(s) is shown as text', async () => {
    const html = await render(Item, { item: VARIANTS['web-search-open-page'], ctx });
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<code>javascript:alert(1)</code>');
  });
});
