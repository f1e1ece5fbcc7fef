/**
 * Search shards verified as the search job writes them (src/integration/shard-verifier.ts): the
 * final pass skips exactly the shard files found clean, and still finds a secret in a shard,
 * whether the shard verifier saw the file or never reached it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPagefindIndex, type SearchPage } from '../../src/integration/pagefind.ts';
import { verdictFile } from '../../src/integration/page-verifier.ts';
import { SEARCH_EXTRA_SLOT } from '../../src/integration/search-extra.ts';
import { ShardVerifier } from '../../src/integration/shard-verifier.ts';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs('shard-verifier');
const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
const gh = githubFake();

/** A site of 12 session pages over two shards; `secret` puts a token in the index of page 7 only. */
function site(secret: boolean): { dir: string; pages: SearchPage[] } {
  const dir = tempDir();
  const pages: SearchPage[] = [];
  for (let i = 0; i < 12; i++) {
    const slug = `s${String(i).padStart(2, '0')}`;
    mkdirSync(join(dir, 's', slug), { recursive: true });
    writeFileSync(join(dir, 's', slug, 'index.html'), `<!doctype html><html lang="en"><body><main data-pagefind-body><h1>Session ${i}</h1><p>walrus harbour ${i}</p>${SEARCH_EXTRA_SLOT}</main></body></html>`);
    // The word digest reaches the index but not the page (search-extra.ts): only the final pass's
    // look at the shard, or this verifier's, can catch what is in it.
    pages.push({ path: `s/${slug}/`, shard: i % 2 ? '2026-01-1' : '2026-01-2', words: secret && i === 7 ? `digest ${planted(gh)}` : `digest ${i}`, key: `k${i}` });
  }
  return { dir, pages };
}

const settings = (cacheDir: string) => ({ cacheDir, emailAllowlist: [] });

describe('ShardVerifier', () => {
  it('the final pass skips exactly the shard files it found clean', async () => {
    const { dir, pages } = site(false);
    const cacheDir = tempDir();
    const verifier = new ShardVerifier(dir, settings(cacheDir));
    const folders: string[] = [];
    await buildPagefindIndex(dir, pages, logger, null, { written: (folder) => (folders.push(folder), verifier.written(folder)) });
    const stats = await verifier.finish({ drain: true });
    expect(folders.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['pagefind/2026-01-1', 'pagefind/2026-01-2']);
    expect(stats.verified).toBeGreaterThan(12); // fragments, index chunks, metadata, pagefind.js …
    expect(stats).toMatchObject({ flagged: 0, dropped: 0 });

    const result = await verifyDirectory(dir, { cacheFile: verdictFile(cacheDir), emailAllowlist: [], threads: 0 });
    expect(result.findings).toEqual([]);
    // And pagefind/pagefind.js, a copy of a shard's: the same bytes have the same verdict.
    expect(result.filesReused).toBe(stats.verified + 1);
    expect(result.filesScanned).toBe(13); // the pages and shards.json
  });

  it('records no verdict for a shard file with a secret, and the final pass finds it', async () => {
    const { dir, pages } = site(true);
    const cacheDir = tempDir();
    const verifier = new ShardVerifier(dir, settings(cacheDir));
    await buildPagefindIndex(dir, pages, logger, null, { written: (folder) => verifier.written(folder) });
    const stats = await verifier.finish({ drain: true });
    expect(stats.flagged).toBeGreaterThan(0);
    expect(readFileSync(verdictFile(cacheDir), 'utf8')).not.toContain(gh.random);

    const result = await verifyDirectory(dir, { cacheFile: verdictFile(cacheDir), emailAllowlist: [], threads: 0 });
    const files = new Set(result.findings.map((f) => f.file));
    expect([...files].every((f) => f.startsWith('pagefind/2026-01-1/'))).toBe(true);
    expect(files.size).toBe(stats.flagged);
  });

  it('stopped before it reached a shard, leaves the whole shard to the final pass', async () => {
    const { dir, pages } = site(true);
    const cacheDir = tempDir();
    const verifier = new ShardVerifier(dir, settings(cacheDir));
    const stopped = verifier.finish();
    await buildPagefindIndex(dir, pages, logger, null, { written: (folder) => verifier.written(folder) });
    expect((await stopped).verified).toBe(0);

    const result = await verifyDirectory(dir, { cacheFile: verdictFile(cacheDir), emailAllowlist: [], threads: 0 });
    expect(result.filesReused).toBe(0);
    expect(result.findings.some((f) => f.file.startsWith('pagefind/2026-01-1/'))).toBe(true);
  });
});
