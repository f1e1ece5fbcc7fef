/**
 * The built demo archive in headless Chromium, two ways: served over http UNDER A BASE PATH
 * (/codex-archive/, like a GitHub Pages project site) and opened from disk (file://).
 * Checks: every item kind renders, a word from deep inside a session is found and opens it,
 * filters narrow results, every internal link resolves, no CSP violation, and axe passes on
 * every page type.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/lib/reader.ts';
import { paths } from '../../src/integration/utils/urls.ts';
import { BASE, demoBuild, demoHome, type DemoBuild } from '../site/build-once.ts';
import { launch, serve, skipBrowser, watchedPage, type Served } from './support.ts';

/** Planted once, deep in the December 2025 quillpad session's pytest output (fixtures/demo-home/README.md). */
const DEEP_WORD = 'zanzibarquokka';
const DEEP_SESSION = '019ade9d-d532-74ac-91e1-42026f987f4c';
/** Planted in the middle of the same output, which the page leaves out (fixtures/demo-home/README.md). */
const UNSHOWN_WORD = 'fennecpangolin';
/** Its only TypeScript is a fenced code block: the word is its fence's language alone. */
const FENCE_SESSION = '01a1a24a-d61f-7560-82fc-d5f22dd86f4c';

let build: DemoBuild;
let server: Served;
let browser: Browser;
let context: BrowserContext;
/** Item kinds per session id, from the reader. */
const kinds = new Map<string, Set<string>>();

beforeAll(async () => {
  if (skipBrowser) return;
  build = await demoBuild();
  server = await serve(build.dist, BASE);
  browser = await launch();
  context = await browser.newContext();
  const archive = await openArchive(demoHome);
  for (const file of archive.files) {
    const { session } = await archive.read(file);
    kinds.set(session.id, new Set(session.turns.flatMap((t) => t.items.map((i) => i.kind))));
  }
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

const modes = [
  { name: 'over http under /codex-archive/', root: () => server.url },
  { name: 'from file://', root: () => pathToFileURL(build.dist).href + '/' },
] as const;

describe.skipIf(skipBrowser).each(modes)('demo archive $name', ({ name, root }) => {
  const fromDisk = name.startsWith('from file');

  /** The search page with `words` typed into it. */
  async function searchPage(words: string) {
    const watched = await watchedPage(context);
    await watched.page.goto(`${root()}search/index.html`);
    await watched.page.locator('main [data-search-input]').fill(words);
    return watched;
  }

  /** Closes the page and checks it broke no CSP rule and threw nothing. */
  async function closeClean({ page, problems }: Awaited<ReturnType<typeof watchedPage>>) {
    await page.close();
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
  }

  it('lays out diff rows without cell classes or end tags: four columns, numbers in a gutter', async () => {
    const { page } = await watchedPage(context);
    const withPatch = [...kinds].find(([, k]) => k.has('patch'))![0];
    await page.goto(`${root()}s/${withPatch}/index.html`);
    const rows = await page.locator('table.diff tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.children].map((td) => getComputedStyle(td));
        return { cells: cells.length, number: cells[0]!.textAlign === 'right' && cells[0]!.userSelect === 'none', text: cells[3]!.whiteSpace };
      }),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.cells === 4 && r.number && r.text === 'pre')).toBe(true);
    await page.close();
  });

  it('renders every item kind of every session, with no CSP violation', async () => {
    const { page, problems } = await watchedPage(context);
    for (const [id, expected] of kinds) {
      await page.goto(`${root()}s/${id}/index.html`);
      expect(await page.locator('h1').count()).toBe(1);
      for (const kind of expected) {
        const count = await page.locator(`.transcript article.kind-${kind.replace(/_/g, '-')}`).count();
        expect(count, `${id}: ${kind}`).toBeGreaterThan(0);
      }
    }
    await page.close();
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
  });

  it('finds a word from deep inside a session and opens it', async () => {
    const { page, problems } = await watchedPage(context);
    await page.goto(`${root()}index.html`);
    await page.keyboard.press('/');
    const dialog = page.locator('#search-dialog');
    await expect(dialog.isVisible()).resolves.toBe(true);
    await dialog.locator('[data-search-input]').fill(DEEP_WORD);
    const first = dialog.locator('[data-search-results] li a').first();
    await first.waitFor({ timeout: 15_000 });
    const hrefs = await dialog.locator('[data-search-results] li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    // The word sits in the folded middle of a long command output: it must be indexed anyway.
    expect(hrefs, 'search results for the planted word').toEqual([expect.stringContaining(`s/${DEEP_SESSION}/index.html`)]);
    // The excerpt comes from the text the page shows (the output's tail), not from the hidden
    // list of the session's words that is indexed after it.
    const excerpt = await dialog.locator('[data-search-results] li p').first().innerHTML();
    if (!fromDisk) expect(excerpt).toMatch(/<mark>tests\/test_import\.py::test_import_zanzibarquokka_notebook<\/mark> PASSED/);
    // Pagefind knows which turn holds the match: the result opens there, not at the top.
    if (!fromDisk) expect(hrefs[0]).toMatch(/index\.html#turn-1-title$/);
    await first.click();
    await page.waitForURL(new RegExp(`/s/${DEEP_SESSION}/`), { timeout: 10_000 });
    expect(await page.locator('h1').count()).toBe(1);
    await page.close();
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
    if (fromDisk) expect(problems.failedRequests).toEqual([]);
  });

  it('publishes and indexes nothing of the middle of an output that a page leaves out', async () => {
    const watched = await searchPage(UNSHOWN_WORD);
    const { page } = watched;
    const status = page.locator('main [data-search-status]');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^No /);
    expect(await page.locator('main [data-search-results] li').count()).toBe(0);
    // The word the same output shows near its end is found (the search did run).
    await page.locator('main [data-search-input]').fill(DEEP_WORD);
    await page.locator('main [data-search-results] li a').first().waitFor({ timeout: 15_000 });
    await closeClean(watched);
  });

  it('names the word when only the hidden word list of a page matched', async () => {
    // "typescript" is only the language of a code fence in the November 2026 session: the page
    // shows the code, not the word, so no excerpt of the page can hold it.
    const watched = await searchPage('typescript');
    const { page } = watched;
    const hit = page.locator('main [data-search-results] li', { has: page.locator(`a[href*="s/${FENCE_SESSION}/"]`) });
    await hit.waitFor({ timeout: 15_000 });
    if (!fromDisk) expect(await hit.locator('p').innerHTML()).toBe('Found in this session: <mark>typescript</mark>');
    await closeClean(watched);
  });

  it('shows the code spans of a title as code, in search results and on the page alike', async () => {
    const watched = await searchPage('regex');
    const { page } = watched;
    const link = page.locator('main [data-search-results] li a', { hasText: 'Write a regex' }).first();
    await link.waitFor({ timeout: 15_000 });
    // The demo title is cut inside its second span ("…like `2026-04-02T19:58:4…"): both halves
    // of the site (title.ts on the page, search.js in results) close it before the ellipsis.
    const inResult = await link.locator('code').allTextContents();
    expect(inResult).toEqual(['2026-04-02', '2026-04-02T19:58:4']);
    expect(await link.textContent()).not.toContain('`');
    await link.click();
    await page.waitForURL((url) => url.pathname.includes('/s/'), { timeout: 10_000 });
    expect(await page.locator('h1 code').allTextContents()).toEqual(inResult);
    expect(await page.title()).toMatch(/^Write a regex that matches ISO 8601 dates like 2026-04-02 and/);
    await closeClean(watched);
  });

  it('narrows results with a filter and sorts by date', async () => {
    const { page, problems } = await watchedPage(context);
    await page.goto(`${root()}search/index.html`);
    const results = page.locator('main [data-search-results] li');
    const status = page.locator('main [data-search-status]');
    await page.locator('main [data-search-input]').fill('tests');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/\d+ sessions?\./);
    const all = await results.count();
    expect(all).toBeGreaterThan(1);
    await page.locator('select[data-search-filter="project"]').selectOption('github.com/maya-okafor/quillpad');
    await expect.poll(async () => results.count(), { timeout: 15_000 }).toBeLessThan(all);
    const narrowed = await results.count();
    expect(narrowed).toBeGreaterThan(0);
    await page.locator('select[data-search-sort]').selectOption('date-desc');
    await expect.poll(async () => {
      const dates = await results.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
      return dates.length === narrowed && dates.every((d, i) => i === 0 || dates[i - 1]! >= d);
    }).toBe(true);
    // Back from a result shows the same search again: query, filter, order and results.
    const firstHref = await results.locator('a').first().getAttribute('href');
    await results.locator('a').first().click();
    await page.waitForURL((url) => url.pathname.includes('/s/'), { timeout: 10_000 });
    await page.goBack();
    await expect.poll(() => page.locator('main [data-search-input]').inputValue(), { timeout: 10_000 }).toBe('tests');
    expect(await page.locator('select[data-search-filter="project"]').inputValue()).toBe('github.com/maya-okafor/quillpad');
    expect(await page.locator('select[data-search-sort]').inputValue()).toBe('date-desc');
    await expect.poll(async () => results.count(), { timeout: 15_000 }).toBe(narrowed);
    expect(await results.locator('a').first().getAttribute('href')).toBe(firstHref);
    await page.close();
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
  });

  it('switches the theme with the header button and remembers it', async () => {
    const themeContext = await browser.newContext({ colorScheme: 'light' });
    const { page, problems } = await watchedPage(themeContext);
    await page.goto(`${root()}index.html`);
    const toggle = page.locator('[data-theme-toggle]');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await page.goto(`${root()}projects/index.html`);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await themeContext.close();
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
  });

  it('moves from the search field to the results with the arrow keys, and opens one with Enter', async () => {
    const { page, problems } = await watchedPage(context);
    await page.goto(`${root()}index.html`);
    await page.keyboard.press('/');
    const dialog = page.locator('#search-dialog');
    await dialog.locator('[data-search-input]').fill(DEEP_WORD);
    await dialog.locator('[data-search-results] li a').first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.closest('[data-search-results]') !== null)).toBe(true);
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => document.activeElement?.matches('[data-search-input]'))).toBe(true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/s/${DEEP_SESSION}/`), { timeout: 10_000 });
    await page.close();
    expect(problems.errors).toEqual([]);
  });

  it('opens the search dialog from the header button', async () => {
    const { page } = await watchedPage(context);
    await page.goto(`${root()}s/${DEEP_SESSION}/index.html`);
    await page.locator('.site-header [data-search-open]').click();
    expect(await page.locator('#search-dialog').isVisible()).toBe(true);
    expect(page.url()).toContain(`/s/${DEEP_SESSION}/`);
    await page.keyboard.press('Escape');
    expect(await page.locator('#search-dialog').isVisible()).toBe(false);
    await page.close();
  });

  it('moves between turns with j and k on a session page', async () => {
    const { page } = await watchedPage(context);
    await page.goto(`${root()}s/${DEEP_SESSION}/index.html`);
    await page.locator('main').click({ position: { x: 1, y: 1 } });
    await page.keyboard.press('j');
    const first = await page.evaluate(() => document.activeElement?.id);
    expect(first).toMatch(/^turn-/);
    await page.keyboard.press('j');
    const second = await page.evaluate(() => document.activeElement?.id);
    expect(second).toMatch(/^turn-/);
    expect(second).not.toBe(first);
    await page.keyboard.press('k');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(first);
    await page.close();
  });

  it('resolves every internal link, with no CSP violation or failed request', async () => {
    const { page, problems } = await watchedPage(context);
    const start = `${root()}index.html`;
    const seen = new Set<string>([start]);
    const queue = [start];
    const broken: string[] = [];
    while (queue.length) {
      const url = queue.shift()!;
      const response = await page.goto(url);
      if (!fromDisk && response?.status() !== 200) broken.push(`${url} (${response?.status()})`);
      if (!url.endsWith('.html')) continue;
      const links = await page.$$eval('a[href]', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const link of links) {
        const clean = link.split('#')[0]!;
        if (!clean.startsWith(root()) || seen.has(clean)) continue;
        expect(clean.endsWith('index.html') || /\.(txt|png|jpg|gif|webp)$/.test(clean), `link ${clean} on ${url}`).toBe(true);
        seen.add(clean);
        queue.push(clean);
      }
    }
    await page.close();
    expect(seen.size).toBeGreaterThan(30);
    expect(broken).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
  });
});

// Pagefind's shards exist only over http(s) (file:// uses the offline index).
describe.skipIf(skipBrowser)('search over http', () => {
  it('opens every search shard as soon as the search page loads, before any query', async () => {
    const { page, problems } = await watchedPage(context);
    const requested = new Set<string>();
    page.on('request', (request) => requested.add(new URL(request.url()).pathname));
    const shards: string[] = JSON.parse(await readFile(path.join(build.dist, 'pagefind', 'shards.json'), 'utf8')).shards;
    expect(shards.length).toBeGreaterThan(1);
    await page.goto(`${server.url}search/index.html`);
    const opened = () => shards.filter((s) => [...requested].some((p) => p.endsWith(`/pagefind/${s}/pagefind-entry.json`))).length;
    await expect.poll(opened, { timeout: 15_000 }).toBe(shards.length);
    // Nothing was typed: the search itself has not run yet.
    expect(await page.locator('main [data-search-results] li').count()).toBe(0);
    await page.locator('main [data-search-input]').fill(DEEP_WORD);
    await page.locator('main [data-search-results] li a').first().waitFor({ timeout: 15_000 });
    await page.close();
    expect(problems.csp).toEqual([]);
    expect(problems.errors).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
  });
});

describe.skipIf(skipBrowser)('accessibility (axe-core) per page type', () => {
  const axeSource = readFileSync(path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
  const pages = [
    ['home', 'index.html'],
    ['session', `s/${DEEP_SESSION}/index.html`],
    ['session with images and tools', 's/019e45a3-ca84-71fc-b928-4794214872a4/index.html'],
    ['year', '2026/index.html'],
    ['month', '2026/05/index.html'],
    ['day', '2026/05/12/index.html'],
    ['projects', 'projects/index.html'],
    ['project', `${paths.project('github.com/maya-okafor/quillpad')}index.html`],
    ['search', 'search/index.html'],
  ] as const;

  const runs = [
    ...pages.map(([kind, rel]) => [kind, rel, 'light'] as const),
    ['home', 'index.html', 'dark'] as const,
    ['session', `s/${DEEP_SESSION}/index.html`, 'dark'] as const,
    ['search', 'search/index.html', 'dark'] as const,
  ];

  it.each(runs)('%s page (%s) has no axe violations (WCAG 2 A/AA, %s theme)', async (_kind, rel, colorScheme) => {
    // The site's CSP (rightly) forbids injected inline scripts; bypass it for the axe run only.
    const axeContext = await browser.newContext({ bypassCSP: true, colorScheme });
    const page = await axeContext.newPage();
    await page.goto(`${server.url}${rel}`);
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return result.violations.map((v: any) => `${v.id}: ${v.help} (${v.nodes.length}) e.g. ${v.nodes[0]?.target?.join(' ')}`);
    });
    await axeContext.close();
    expect(violations).toEqual([]);
  });
});
