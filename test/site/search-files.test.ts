/**
 * The two large files the end of a build writes, the offline index and the search job, are
 * written in pieces (utils/write-parts.ts) so neither is ever one string. These tests pin that
 * the pieces make exactly the file the one-string version made, and that a search job read back
 * gives every page its own words, whatever the line lengths and read boundaries.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFLINE_GLOBAL, OFFLINE_TEXT_CAP, offlineIndexParts } from '../../src/integration/offline-index.ts';
import { wordsHash } from '../../src/integration/pagefind.ts';
import { readSearchJob, writeSearchJob } from '../../src/integration/search-job.ts';
import type { OfflineEntry } from '../../src/integration/state.ts';
import { writeParts } from '../../src/integration/utils/write-parts.ts';

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

describe('offline index file', () => {
  it('assigns the whole index once, newest first, with control characters made visible', async () => {
    const entries = [
      entry(1, '2025-01-01T10:00:00Z'),
      entry(2, '', { title: 'Undated' }),
      entry(3, '2026-03-04T05:06:07Z', { title: 'evil\u202Etxt.exe', project: 'p\u0007' }),
      entry(4, '2025-01-01T10:00:00Z'),
    ];
    const file = path.join(dir, 'search-index.js');
    await writeParts(file, offlineIndexParts(entries), 64);
    const text = readFileSync(file, 'utf8');
    const context: Record<string, unknown> = {};
    context.self = context;
    vm.runInNewContext(text, context);
    const index = context[OFFLINE_GLOBAL] as { version: number; cap: number; entries: OfflineEntry[] };
    expect(index.version).toBe(1);
    expect(index.cap).toBe(OFFLINE_TEXT_CAP);
    expect(index.entries.map((e) => e.path)).toEqual(['s/3/', 's/1/', 's/4/', 's/2/']);
    expect(index.entries[0]!.title).not.toContain('\u202E');
    expect(index.entries[0]!.project).not.toContain('\u0007');
    expect(index.entries[1]).toEqual(JSON.parse(JSON.stringify(entries[0])));
    // One assignment of one JSON value, as JSON.stringify writes it.
    const payload = text.slice(text.indexOf('= ') + 2, text.lastIndexOf(';'));
    expect(JSON.stringify(JSON.parse(payload))).toBe(payload);
  });

  it('is a valid, empty index without sessions', () => {
    const text = [...offlineIndexParts([])].join('');
    expect(text).toContain(`self.${OFFLINE_GLOBAL} = {"version":1,"cap":${OFFLINE_TEXT_CAP},"entries":[]};`);
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

  it('refuses a job written by another version', async () => {
    const file = path.join(dir, 'old-job.json');
    await writeParts(file, [JSON.stringify({ version: 1, dir: '/site', cacheDir: null, pages: [] })]);
    const handle = await open(file, 'r');
    try {
      await expect(readSearchJob(file, handle)).rejects.toThrow(/version 1; this build script reads version 2/);
    } finally {
      await handle.close();
    }
  });
});
