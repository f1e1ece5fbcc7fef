/**
 * The two large files the end of a build writes, the offline index and the search job, are
 * written in pieces (utils/write-parts.ts) so neither is ever one string. These tests pin that
 * the pieces make exactly the file the one-string version made, and that a search job read back
 * gives every page its own words, whatever the line lengths and read boundaries.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_INDEX_PATH, OFFLINE_PARTS_DIR, OFFLINE_TEXT_CAP, offlineIndexList, offlineIndexParts } from '../../src/integration/offline-index.ts';
import { buildPagefindIndex, placeCachedShards, wordsHash } from '../../src/integration/pagefind.ts';
import { readSearchJob, runSearchJob, writeSearchJob } from '../../src/integration/search-job.ts';
import type { OfflineEntry } from '../../src/integration/state.ts';
import { writeParts } from '../../src/integration/utils/write-parts.ts';
import { readOfflineIndex } from './offline-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-search-files-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const entry = (n: number, date: string, extra: Partial<OfflineEntry> = {}): OfflineEntry => ({
  path: `s/${n}/`,
  title: `Session ${n}`,
  date,
  project: 'app',
  filters: { project: ['app'], year: [date.slice(0, 4) || 'undated'] },
  text: `word${n} ${'x'.repeat(n % 7)}`,
  ...extra,
});

describe('writeParts', () => {
  it('writes exactly the joined parts, whatever the batch size', async () => {
    const parts = ['a', '', 'bé', '😀', 'c'.repeat(5000), '\n', 'end'];
    for (const batch of [1, 3, 4096, 1 << 20]) {
      const file = path.join(dir, `parts-${batch}.txt`);
      await writeParts(file, parts, batch);
      expect(readFileSync(file, 'utf8')).toBe(parts.join(''));
    }
  });
});

describe('offline index files', () => {
  const shardOf = (e: OfflineEntry) => (e.date ? e.date.slice(0, 7) : 'undated');
  /** Writes the list and parts as index.ts does, into a new folder; returns the folder. */
  async function writeIndex(entries: OfflineEntry[]): Promise<string> {
    const site = await mkdtemp(path.join(dir, 'site-'));
    await mkdir(path.join(site, OFFLINE_PARTS_DIR), { recursive: true });
    const names: string[] = [];
    for (const part of offlineIndexParts(entries, shardOf)) {
      await writeParts(path.join(site, OFFLINE_PARTS_DIR, part.name), part.pieces, 64);
      names.push(part.name);
    }
    await writeFile(path.join(site, OFFLINE_INDEX_PATH), offlineIndexList(names));
    return site;
  }

  const entries = [
    entry(1, '2025-01-01T10:00:00Z'),
    entry(2, '', { title: 'Undated' }),
    entry(3, '2026-03-04T05:06:07Z', { title: 'evil\u202Etxt.exe', project: 'p\u0007' }),
    entry(4, '2025-01-01T10:00:00Z'),
    entry(5, '2025-01-20T10:00:00Z'),
  ];

  it('lists one part per shard, newest first, whose entries read in order are one sorted list', async () => {
    const index = readOfflineIndex(await writeIndex(entries));
    expect(index.version).toBe(2);
    expect(index.cap).toBe(OFFLINE_TEXT_CAP);
    expect(index.parts.map((p) => p.split('.')[0])).toEqual(['2026-03', '2025-01', 'undated']);
    expect(index.entries.map((e) => e.path)).toEqual(['s/3/', 's/5/', 's/1/', 's/4/', 's/2/']);
    expect(index.entries[0]!.title).not.toContain('\u202E');
    expect(index.entries[0]!.project).not.toContain('\u0007');
    expect(index.entries[2]).toEqual(JSON.parse(JSON.stringify(entries[0])));
  });

  it('writes the same bytes for a part whose entries did not change, and a new name for one that did', async () => {
    const before = await writeIndex(entries);
    const changed = entries.map((e) => (e.path === 's/5/' ? { ...e, text: 'new words' } : e));
    const after = await writeIndex(changed);
    const a = readOfflineIndex(before);
    const b = readOfflineIndex(after);
    expect(b.parts[0]).toBe(a.parts[0]);
    expect(b.parts[2]).toBe(a.parts[2]);
    expect(b.parts[1]).not.toBe(a.parts[1]);
    for (const i of [0, 2]) {
      const rel = `${OFFLINE_PARTS_DIR}/${a.parts[i]}`;
      expect(readFileSync(path.join(after, rel))).toEqual(readFileSync(path.join(before, rel)));
    }
    // Entries in any input order give the same files.
    const shuffled = readOfflineIndex(await writeIndex([...entries].reverse()));
    expect(shuffled.parts).toEqual(a.parts);
  });

  it('is a valid, empty index without sessions', async () => {
    const index = readOfflineIndex(await writeIndex([]));
    expect(index.parts).toEqual([]);
    expect(index.entries).toEqual([]);
  });
});

describe('search job file', () => {
  it('gives every page back its own words, read from the file only when asked', async () => {
    // Lines longer than the reader's 1 MB buffer, and many short ones, so lines straddle reads.
    const inputs = Array.from({ length: 400 }, (_, i) => ({
      path: `s/${i}/`,
      shard: i % 2 ? '2025-01-1' : 'undated',
      key: i % 3 ? `key-${i}` : null,
      words: i % 97 === 5 ? `big${i} ${'ß'.repeat(700_000)}` : `w${i} "quoted" \\ 😀 ${'y'.repeat(i)}`,
    }));
    const file = path.join(dir, 'job.jsonl');
    await writeSearchJob(file, { dir: '/site', cacheDir: null, pages: inputs });
    const handle = await open(file, 'r');
    try {
      const job = await readSearchJob(file, handle);
      expect(job.dir).toBe('/site');
      expect(job.cacheDir).toBeNull();
      expect(job.pages.map(({ path, shard, key }) => ({ path, shard, key }))).toEqual(inputs.map(({ path, shard, key }) => ({ path, shard, key })));
      // Read back out of order: each read is its own line.
      for (const i of [399, 5, 0, 102, 200]) {
        const page = job.pages[i]!;
        const words = typeof page.words === 'string' ? page.words : await page.words();
        expect(words).toBe(inputs[i]!.words);
        expect(page.wordsHash).toBe(wordsHash(inputs[i]!.words));
      }
    } finally {
      await handle.close();
    }
  });

  it('leaves the shards the integration placed as they are, and builds the rest', async () => {
    const pages = [0, 1, 2, 3].map((i) => ({ path: `s/p${i}/`, shard: i % 2 ? '2025-01-2' : '2025-01-1', key: `k${i}`, words: `digest${i}` }));
    const site = (name: string) => {
      const root = path.join(dir, name);
      for (const p of pages) {
        mkdirSync(path.join(root, p.path), { recursive: true });
        writeFileSync(path.join(root, p.path, 'index.html'), `<html lang="en"><body><main data-pagefind-body><h1>Page ${p.path}</h1><p>walrus ${p.words}</p></main></body></html>`);
      }
      return root;
    };
    const cacheDir = path.join(dir, 'job-cache');
    const logger = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as never;
    await buildPagefindIndex(site('job-first'), pages, logger, cacheDir);
    // The next build placed the first shard itself; the second is left to the job.
    const next = site('job-next');
    const placed = await placeCachedShards(next, pages, cacheDir, new Set(['2025-01-2']));
    expect([...placed]).toEqual(['2025-01-1']);
    const marker = path.join(next, 'pagefind', '2025-01-1', 'placed-by-the-integration');
    writeFileSync(marker, '');
    const file = path.join(dir, 'placed-job.jsonl');
    await writeSearchJob(file, { dir: next, cacheDir, pages, placed, builtAhead: [] });
    const lines: string[] = [];
    await runSearchJob(file, (line) => lines.push(line));
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(path.join(next, 'pagefind', '2025-01-2', 'pagefind-entry.json'))).toBe(true);
    expect(lines.join('\n')).toMatch(/4 session pages in 2 shards \(0 built, 2 reused\)/);
  });

  it('refuses a job written by another version', async () => {
    const file = path.join(dir, 'old-job.json');
    await writeParts(file, [JSON.stringify({ version: 1, dir: '/site', cacheDir: null, pages: [] })]);
    const handle = await open(file, 'r');
    try {
      await expect(readSearchJob(file, handle)).rejects.toThrow(/version 1; this build script reads version 3/);
    } finally {
      await handle.close();
    }
  });
});
