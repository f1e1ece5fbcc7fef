/**
 * The search index of buildPagefindIndex does not depend on how the work is spread: two Pagefind
 * services fed several pages ahead write the same bytes as one service fed one page at a time
 * (the way it was built before). Reused shards are hard links to the cache, and building again
 * into an output folder that holds such links never changes the cache.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPagefindIndex, type SearchPage } from '../../src/integration/pagefind.ts';
import { SEARCH_EXTRA_SLOT } from '../../src/integration/search-extra.ts';
import { fileHashes } from './build-once.ts';

const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
const WORDS = ['quokka', 'zanzibar', 'build', 'cargo', 'flaky', 'staging', 'pyproject', 'merge', 'rebase', 'timeout', 'socket', 'parser'];

let dir: string;
let site: string;
let pages: SearchPage[];

/** A copy of the site's pages in a new folder (the index is written into the site folder). */
function siteCopy(name: string): string {
  const to = path.join(dir, name);
  for (const page of pages) {
    mkdirSync(path.join(to, page.path), { recursive: true });
    writeFileSync(path.join(to, page.path, 'index.html'), readFileSync(path.join(site, page.path, 'index.html')));
  }
  return to;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-pagefind-'));
  site = path.join(dir, 'site');
  pages = [];
  // 60 pages over 3 shards, with words shared between pages so index chunks hold several pages.
  for (let i = 0; i < 60; i++) {
    const slug = `session-${String((i * 37) % 60).padStart(2, '0')}`;
    const text = Array.from({ length: 200 }, (_, j) => WORDS[(i * 7 + j * (i % 5 + 1)) % WORDS.length]).join(' ');
    const html = `<!doctype html><html lang="en"><head><title>${slug}</title></head><body><main data-pagefind-body>
<h1 data-pagefind-meta="title">Session ${slug}</h1><span data-pagefind-filter="project">p${i % 4}</span>
<p>${text} word${i}</p><time>07:08:${String(i).padStart(2, '0')}</time>${SEARCH_EXTRA_SLOT}</main></body></html>`;
    mkdirSync(path.join(site, 's', slug), { recursive: true });
    writeFileSync(path.join(site, 's', slug, 'index.html'), html);
    pages.push({ path: `s/${slug}/`, shard: ['2026-01-1', '2026-01-2', 'undated'][i % 3]!, words: `digest${i} extra`, key: `key-${slug}` });
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('search index shards', () => {
  it('writes the same bytes with two services fed ahead as with one fed a page at a time', async () => {
    const one = siteCopy('one');
    const two = siteCopy('two');
    const again = siteCopy('again');
    expect(await buildPagefindIndex(one, pages, logger, null, { services: 1, ahead: 1 })).toEqual({ pages: 60, built: 3, reused: 0, services: 1 });
    const parallel = await buildPagefindIndex(two, pages, logger, null, { services: 2, ahead: 8 });
    // A second service needs a second instance of the `pagefind` module (see anotherService).
    expect(parallel).toEqual({ pages: 60, built: 3, reused: 0, services: 2 });
    await buildPagefindIndex(again, pages, logger, null);
    const reference = fileHashes(path.join(one, 'pagefind'));
    expect(Object.keys(reference).length).toBeGreaterThan(10);
    expect(fileHashes(path.join(two, 'pagefind'))).toEqual(reference);
    expect(fileHashes(path.join(again, 'pagefind'))).toEqual(reference);
    expect(JSON.parse(readFileSync(path.join(two, 'pagefind', 'shards.json'), 'utf8'))).toEqual({ version: 1, shards: ['2026-01-2', '2026-01-1', 'undated'] });
  });

  it('reuses shards as hard links and never changes the cache through them', async () => {
    const out = siteCopy('linked');
    const cache = path.join(dir, 'cache');
    const cold = siteCopy('cold');
    await buildPagefindIndex(cold, pages, logger, null);
    expect(await buildPagefindIndex(out, pages, logger, cache)).toMatchObject({ built: 3, reused: 0 });
    const shardCache = path.join(cache, 'codex-archive', 'search');
    const cached = fileHashes(shardCache);
    // Built again into the same folder: every shard is reused, linked to its cached file.
    expect(await buildPagefindIndex(out, pages, logger, cache)).toMatchObject({ built: 0, reused: 3 });
    const file = path.join('2026-01-1', 'pagefind-entry.json');
    expect(statSync(path.join(out, 'pagefind', file)).ino).toBe(statSync(path.join(shardCache, file)).ino);
    expect(fileHashes(path.join(out, 'pagefind'))).toEqual(fileHashes(path.join(cold, 'pagefind')));
    // One shard's pages change: it is rebuilt over its linked files, which must not reach the cache
    // of the shards left as they were, nor the old cached copy before it is replaced.
    const changed = pages.map((p) => (p.shard === '2026-01-1' ? { ...p, words: `${p.words} changed`, key: `${p.key}-2` } : p));
    expect(await buildPagefindIndex(out, changed, logger, cache)).toMatchObject({ built: 1, reused: 2 });
    const after = fileHashes(shardCache);
    for (const [rel, hash] of Object.entries(cached)) if (!rel.startsWith('2026-01-1/')) expect(after[rel]).toBe(hash);
    const fresh = siteCopy('fresh');
    await buildPagefindIndex(fresh, changed, logger, null);
    expect(fileHashes(path.join(out, 'pagefind'))).toEqual(fileHashes(path.join(fresh, 'pagefind')));
    const { '.key': _, ...rebuilt } = Object.fromEntries(Object.entries(after).filter(([rel]) => rel.startsWith('2026-01-1/')).map(([rel, h]) => [rel.slice('2026-01-1/'.length), h]));
    expect(rebuilt).toEqual(Object.fromEntries(Object.entries(fileHashes(path.join(fresh, 'pagefind', '2026-01-1')))));
  });

  it('keeps the words of headings and table cells apart, as a reader sees them, and items\' labels out', async () => {
    const out = path.join(dir, 'spacing');
    const page = `<!doctype html><html lang="en"><head><title>t</title></head><body><main data-pagefind-body>
<article><header><a href="#a">Command</a><span class="status-bad">Failed, exit code 1</span><span>3.6 s</span><time>04:29:20</time></header><pre><code>go vet ./...</code></pre></article>
<article><header><a href="#b">Reasoning</a><time>04:29:21</time></header><details><summary>Planning the change</summary><p>Why.</p></details></article>
<section><h3><span>Modified</span> <code>cmd/main.go</code><span aria-label="1 line added">+1 −1</span></h3><table class="diff"><tr class=hunk><td><td><td><td>@@ -1,3 +1,3 @@<tr><td>11<td>12<td><td>func main() {<tr class=add><td><td>13<td>+<td>export const x</table></section>
${SEARCH_EXTRA_SLOT}</main></body></html>`;
    mkdirSync(path.join(out, 's', 'spaced'), { recursive: true });
    writeFileSync(path.join(out, 's', 'spaced', 'index.html'), page);
    await buildPagefindIndex(out, [{ path: 's/spaced/', shard: 'undated', words: 'digest', key: 'k' }], logger, null);
    const folder = path.join(out, 'pagefind', 'undated', 'fragment');
    const [name] = readdirSync(folder);
    const text = gunzipSync(readFileSync(path.join(folder, name!))).toString('utf8');
    const content = JSON.parse(text.slice(text.indexOf('{'))).content as string;
    for (const words of ['go vet', 'Planning the change', 'cmd/main.go +1 −1', '11 12 func main()', '13 + export const x']) {
      expect(content).toContain(words);
    }
    expect(content).not.toMatch(/main\.go\+1|12func|\+export/);
    // An item's label, status and duration are the site's words: not indexed, not in excerpts.
    expect(content).not.toMatch(/Command|Failed|exit code|3\.6|Reasoning/);
    // The published page is left as it was.
    expect(readFileSync(path.join(out, 's', 'spaced', 'index.html'), 'utf8')).toBe(page);
  });

  it('leaves times out of the index', async () => {
    const out = siteCopy('times');
    await buildPagefindIndex(out, pages, logger, null);
    const fragments: string[] = [];
    for (const shard of ['2026-01-1', '2026-01-2', 'undated']) {
      const folder = path.join(out, 'pagefind', shard, 'fragment');
      for (const name of readdirSync(folder)) fragments.push(gunzipSync(readFileSync(path.join(folder, name))).toString('utf8'));
    }
    expect(fragments).toHaveLength(60);
    expect(fragments.join('\n')).toContain('word7');
    expect(fragments.join('\n')).not.toContain('07:08:');
  });
});
