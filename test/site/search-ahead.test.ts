/**
 * Search shards built while pages render (search-ahead.ts): which shards are chosen, that a shard
 * built ahead is the one the search index would build (byte for byte) and is then reused from the
 * cache, and that a shard is left to the search index, with nothing cached, when a page it read
 * from its link renders after all or a page it waits for never renders.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPagefindIndex, type SearchPage } from '../../src/integration/pagefind.ts';
import { SEARCH_EXTRA_SLOT } from '../../src/integration/search-extra.ts';
import { chooseShards, SearchAhead, SearchAheadWorker, type PlannedPage } from '../../src/integration/search-ahead.ts';
import { fileHashes } from './build-once.ts';

const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
const WORDS = ['quokka', 'zanzibar', 'cargo', 'flaky', 'staging', 'merge', 'rebase', 'socket', 'parser'];
const SHARDS = ['2026-01-1', '2026-01-2'];

let dir: string;

/** Page i of the test site: its site path, shard, HTML and word digest. */
function page(i: number): { id: string; path: string; shard: string; html: string; words: string } {
  const slug = `session-${String((i * 7) % 24).padStart(2, '0')}`;
  const text = Array.from({ length: 120 }, (_, j) => WORDS[(i * 5 + j * (i % 4 + 1)) % WORDS.length]).join(' ');
  const html = `<!doctype html><html lang="en"><head><title>${slug}</title></head><body><main data-pagefind-body>
<h1 data-pagefind-meta="title">Session ${slug}</h1><p>${text} word${i}</p>${SEARCH_EXTRA_SLOT}</main></body></html>`;
  return { id: `id-${slug}`, path: `s/${slug}/`, shard: SHARDS[i % 2]!, html, words: `digest${i} extra` };
}

const PAGES = Array.from({ length: 24 }, (_, i) => page(i));

/** A build folder holding the given pages' files. */
function site(name: string, which: readonly ReturnType<typeof page>[]): string {
  const out = path.join(dir, name);
  for (const p of which) {
    mkdirSync(path.join(out, p.path), { recursive: true });
    writeFileSync(path.join(out, p.path, 'index.html'), p.html);
  }
  return out;
}

/** The plan of a rebuild where `rendering` pages render and every other page is linked. */
function plan(rendering: ReadonlySet<string>): PlannedPage[] {
  return PAGES.map((p) => ({
    id: p.id,
    path: p.path,
    shard: p.shard,
    key: `key-${p.path}`,
    renders: rendering.has(p.path),
    linked: !rendering.has(p.path),
    words: rendering.has(p.path) ? null : p.words,
  }));
}

const searchPages: SearchPage[] = PAGES.map((p) => ({ path: p.path, shard: p.shard, words: p.words, key: `key-${p.path}` }));
const wordsOf = (id: string) => PAGES.find((p) => p.id === id)?.words;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-search-ahead-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('choosing shards to build ahead', () => {
  const planned = (i: number, over: Partial<PlannedPage> = {}): PlannedPage => ({
    id: `id${i}`,
    path: `s/p${String(i).padStart(2, '0')}/`,
    shard: over.shard ?? 'a',
    key: `k${i}`,
    renders: false,
    linked: true,
    words: `w${i}`,
    ...over,
  });

  it('takes the shards with a page that renders, their pages in path order', () => {
    const pages = [planned(3), planned(1, { renders: true, linked: false, words: null }), planned(2), planned(4, { shard: 'b' })];
    const chosen = chooseShards(pages);
    expect([...chosen.keys()]).toEqual(['a']);
    expect(chosen.get('a')!.map((p) => p.path)).toEqual(['s/p01/', 's/p02/', 's/p03/']);
  });

  it('leaves a shard with a reused page that is not linked, or whose words are unknown', () => {
    const renders = { renders: true, linked: false, words: null };
    const pages = [planned(1, renders), planned(2, { linked: false }), planned(3, { shard: 'b', ...renders }), planned(4, { shard: 'b', words: null })];
    expect([...chooseShards(pages).keys()]).toEqual([]);
  });

  it('takes nothing from a large build, and shards only within the page budget', () => {
    const renders = { renders: true, linked: false, words: null };
    const pages = [planned(1, renders), planned(2, renders), planned(3, { shard: 'b', ...renders }), planned(4, { shard: 'b' }), planned(5, { shard: 'c', ...renders })];
    expect([...chooseShards(pages, { rendered: 3, pages: 100 }).keys()]).toEqual([]);
    expect([...chooseShards(pages, { rendered: 4, pages: 3 }).keys()]).toEqual(['a', 'c']);
  });
});

describe.each([
  ['on this thread', SearchAhead],
  ['on a worker', SearchAheadWorker],
])('a shard built ahead, %s', (where, Ahead) => {
  it('is the shard the search index builds, which then reuses it', async () => {
    // Two pages of the first shard render; they arrive out of path order, after a while.
    const rendering = [PAGES[4]!, PAGES[0]!];
    const out = site(`ahead-${where}`, PAGES.filter((p) => !rendering.includes(p)));
    const cacheDir = path.join(dir, `ahead-${where}-cache`);
    const ahead = new Ahead({ outDir: out, cacheDir, wordsOf });
    ahead.plan(plan(new Set(rendering.map((p) => p.path))));
    for (const p of rendering) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Astro writes the page as the middleware hands it on.
      site(`ahead-${where}`, [p]);
      ahead.offer(p.path, p.html);
    }
    expect(await ahead.finish()).toEqual({ built: [{ shard: SHARDS[0], pages: 12 }], left: [] });

    expect(await buildPagefindIndex(out, searchPages, logger, cacheDir)).toMatchObject({ built: 1, reused: 1 });
    const reference = site(`reference-${where}`, PAGES);
    await buildPagefindIndex(reference, searchPages, logger, null);
    expect(fileHashes(path.join(out, 'pagefind'))).toEqual(fileHashes(path.join(reference, 'pagefind')));
  });

  it('works beside the build folder, never inside it (Astro names the folder with a trailing slash)', async () => {
    const rendering = PAGES[1]!;
    const out = site(`scratch-${where}`, PAGES.filter((p) => p !== rendering));
    const ahead = new Ahead({ outDir: `${out}${path.sep}`, cacheDir: path.join(dir, `scratch-${where}-cache`), wordsOf });
    ahead.plan(plan(new Set([rendering.path])));
    site(`scratch-${where}`, [rendering]);
    ahead.offer(rendering.path, rendering.html);
    // Indexed shards wait in the scratch folder until finish() stores them.
    const scratch = `${out}.search-ahead`;
    const deadline = Date.now() + 20_000;
    while (!existsSync(path.join(scratch, SHARDS[1]!, 'pagefind-entry.json')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(existsSync(path.join(scratch, SHARDS[1]!, 'pagefind-entry.json'))).toBe(true);
    expect(readdirSync(out).filter((name) => name.startsWith('.'))).toEqual([]);
    expect((await ahead.finish()).built).toEqual([{ shard: SHARDS[1], pages: 12 }]);
    expect(existsSync(scratch)).toBe(false);
  });

  it.each([
    ['while the shard is indexed', 0],
    ['after the shard is indexed', 1500],
  ])('is left to the search index when a page it read from its link renders after all, %s', async (name, wait) => {
    const rendering = PAGES[2]!;
    const out = site(`rerendered-${wait}-${where}`, PAGES);
    const cacheDir = path.join(dir, `rerendered-${wait}-${where}-cache`);
    const ahead = new Ahead({ outDir: out, cacheDir, wordsOf });
    ahead.plan(plan(new Set([rendering.path])));
    ahead.offer(rendering.path, rendering.html);
    await new Promise((resolve) => setTimeout(resolve, wait));
    // A linked page of the same shard, rendered anyway (its template changed, say).
    ahead.offer(PAGES[6]!.path, PAGES[6]!.html);
    const outcome = await ahead.finish();
    expect(outcome.built).toEqual([]);
    expect(outcome.left).toEqual([{ shard: SHARDS[0], reason: `${PAGES[6]!.path} was linked but rendered` }]);
    expect(existsSync(path.join(cacheDir, 'codex-archive', 'search', SHARDS[0]!))).toBe(false);
  });

  it('is left to the search index when a page it waits for never renders', async () => {
    const out = site(`missing-${where}`, PAGES);
    const cacheDir = path.join(dir, `missing-${where}-cache`);
    const ahead = new Ahead({ outDir: out, cacheDir, wordsOf });
    ahead.plan(plan(new Set([PAGES[1]!.path, PAGES[3]!.path])));
    ahead.offer(PAGES[3]!.path, PAGES[3]!.html);
    const outcome = await ahead.finish();
    expect(outcome).toEqual({ built: [], left: [{ shard: SHARDS[1], reason: `${PAGES[1]!.path} did not render` }] });
    expect(existsSync(path.join(cacheDir, 'codex-archive', 'search', SHARDS[1]!))).toBe(false);
    // Nothing of the work is left behind in the cache folder.
    expect(readdirSync(dir).filter((name) => name.endsWith('.search-ahead'))).toEqual([]);
    expect(readFileSync(path.join(out, PAGES[1]!.path, 'index.html'), 'utf8')).toBe(PAGES[1]!.html);
  });
});
