/**
 * The hostile build (hostile-build.ts) in real headless Chromium, over a loopback http server and
 * from file://: every page type (home, year, month, day, projects, each project, each session,
 * search, plus search results for hostile titles). No dialog opens, no page navigates away, no
 * planted script runs (every payload sets window.__pwned), no CSP violation, and no request
 * leaves the machine.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, serve, skipBrowser, watchedPage, type Problems, type Served } from '../browser/support.ts';
import { BASE, hostileBuild, type HostileBuild } from './hostile-build.ts';

let b: HostileBuild;
let server: Served;
let browser: Browser;
let context: BrowserContext;
/** Requests to anything but the page's own origin (http) or file:// (disk), aborted. */
const outside: string[] = [];

beforeAll(async () => {
  if (skipBrowser) return;
  b = await hostileBuild();
  server = await serve(b.dist, BASE);
  browser = await launch();
  context = await browser.newContext();
  const local = new URL(server.url).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith(local + '/')) return route.continue();
    outside.push(url);
    return route.abort();
  });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** Every page type of the hostile build, site-relative. */
function pageList(): string[] {
  const list = ['index.html', '2026/index.html', '2026/03/index.html', '2026/03/04/index.html', 'projects/index.html', 'search/index.html'];
  for (const p of readdirSync(path.join(b.dist, 'projects'), { withFileTypes: true })) if (p.isDirectory()) list.push(`projects/${p.name}/index.html`);
  for (const s of readdirSync(path.join(b.dist, 's'))) list.push(`s/${s}/index.html`);
  return list;
}

interface Watch {
  page: Page;
  problems: Problems;
  dialogs: string[];
  navigations: string[];
}

async function open(): Promise<Watch> {
  const { page, problems } = await watchedPage(context);
  const dialogs: string[] = [];
  const navigations: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('framenavigated', (frame) => {
    if (frame !== page.mainFrame()) navigations.push(`frame ${frame.url()}`);
    else navigations.push(frame.url());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems, dialogs, navigations };
}

/** Loads `url`, lets timers and lazy loads run, and returns what a planted payload would have set. */
async function visit(w: Watch, url: string): Promise<{ pwned: unknown; csp: string[] }> {
  w.navigations.length = 0;
  await w.page.goto(url, { waitUntil: 'load' });
  // Focus and hover what content put on the page (autofocus/onfocus/onmouseover payloads).
  await w.page.keyboard.press('Tab');
  await w.page.mouse.move(200, 300);
  await w.page.waitForTimeout(150);
  const result = await w.page.evaluate(() => {
    const g = window as unknown as { __pwned?: unknown; __csp: string[] };
    return { pwned: g.__pwned, csp: g.__csp ?? [] };
  });
  const strayNavigation = w.navigations.filter((u) => u.split('#')[0] !== url.split('#')[0]);
  expect(strayNavigation, `navigation away from ${url}`).toEqual([]);
  return result;
}

const modes = [
  { name: 'over http', root: () => server.url },
  { name: 'from file://', root: () => pathToFileURL(b.dist).href + '/' },
] as const;

describe.skipIf(skipBrowser).each(modes)('hostile archive $name', ({ root }) => {
  it('runs no planted script, opens no dialog, leaves no page, violates no CSP, fetches nothing remote', async () => {
    const w = await open();
    const pages = pageList();
    expect(pages.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const rel of pages) {
      const { pwned, csp } = await visit(w, root() + rel);
      if (pwned !== undefined) found.push(`${rel}: window.__pwned = ${String(pwned)}`);
      for (const c of csp) found.push(`${rel}: CSP ${c}`);
    }
    expect(found).toEqual([]);
    expect(w.dialogs).toEqual([]);
    expect(w.problems.csp).toEqual([]);
    expect(w.problems.errors).toEqual([]);
    expect(outside).toEqual([]);
    await w.page.close();
  }, 120_000);

  it('lists hostile titles as search results without running them', async () => {
    const w = await open();
    await visit(w, root() + 'search/index.html');
    for (const q of ['pwned', 'script', 'img', 'answer']) {
      await w.page.locator('main [data-search-input]').fill(q);
      await w.page.waitForTimeout(600);
    }
    await w.page.locator('main [data-search-input]').fill('hostile');
    await w.page.locator('main [data-search-results] li').first().waitFor({ timeout: 10_000 });
    // The dialog search on another page, too.
    await visit(w, root() + 'index.html');
    await w.page.keyboard.press('/');
    await w.page.locator('#search-dialog [data-search-input]').fill('pwned');
    await w.page.waitForTimeout(600);
    const pwned = await w.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
    expect(pwned).toBeUndefined();
    expect(w.dialogs).toEqual([]);
    expect(w.problems.csp).toEqual([]);
    expect(w.problems.errors).toEqual([]);
    expect(outside).toEqual([]);
    await w.page.close();
  }, 60_000);
});
