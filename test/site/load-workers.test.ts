/**
 * The content loader reads rollouts on worker threads when there are many (load-worker.ts). What
 * it stores must not depend on where a file was read: the same homes are loaded with the workers
 * forced on (CODEX_ARCHIVE_LOAD_WORKERS=2) and off (=0), and the store (entries, digests, order),
 * the report and the excluded ids must be the same. A worker that dies leaves its files, and the
 * rest, to the main thread, with one logged line and nothing missing.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readInOrder, readOutcome, type ReadOutcome } from '../../src/integration/load-worker.ts';
import { codexArchiveLoader, loadWorkers, StoredSession } from '../../src/integration/loader.ts';
import { resolveOptions } from '../../src/integration/options.ts';
import { asRedact, makeRedactor } from '../../src/integration/redaction.ts';
import { initState } from '../../src/integration/state.ts';
import { clearArchiveCache, openArchive } from '../../src/lib/reader.ts';
import { CORPUS } from '../corpus.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-load-workers-'));
const savedEnv = process.env.CODEX_ARCHIVE_LOAD_WORKERS;

afterEach(() => {
  if (savedEnv === undefined) delete process.env.CODEX_ARCHIVE_LOAD_WORKERS;
  else process.env.CODEX_ARCHIVE_LOAD_WORKERS = savedEnv;
  clearArchiveCache();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Entry = { id: string; data: Record<string, unknown>; digest?: string };

/** Enough of Astro's DataStore for the loader: a Map that keeps insertion order. */
function memoryStore(entries: Entry[] = []) {
  const map = new Map(entries.map((e) => [e.id, e]));
  return {
    map,
    values: () => [...map.values()],
    keys: () => [...map.keys()],
    get: (id: string) => map.get(id),
    has: (id: string) => map.has(id),
    set: (e: Entry) => {
      map.set(e.id, e);
      return true;
    },
    delete: (id: string) => void map.delete(id),
    clear: () => map.clear(),
    entries: () => [...map.entries()],
  };
}

/** Runs the loader over `sources` once, with CODEX_ARCHIVE_LOAD_WORKERS=`workers`. */
async function load(sources: string[], workers: string, extra: Record<string, unknown> = {}, previous: Entry[] = []) {
  process.env.CODEX_ARCHIVE_LOAD_WORKERS = workers;
  clearArchiveCache();
  const { options } = resolveOptions({ sources, ...extra }, { env: {}, root });
  const state = initState({ options, root, command: 'build' });
  const store = memoryStore(previous);
  const lines: string[] = [];
  const logger = {
    info: (l: string) => lines.push(`info ${l}`),
    warn: (l: string) => lines.push(`warn ${l}`),
    error: (l: string) => lines.push(`error ${l}`),
    debug: () => {},
    label: 'test',
    options: {},
    fork: () => logger,
  };
  // The collection's meta store (the loader holds Astro's debounced save with it).
  const metaMap = new Map<string, string>();
  const meta = { get: (k: string) => metaMap.get(k), set: (k: string, v: string) => void metaMap.set(k, v), has: (k: string) => metaMap.has(k), delete: (k: string) => void metaMap.delete(k) };
  const ctx = {
    store,
    meta,
    logger,
    generateDigest: (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16),
    parseData: async ({ data }: { id: string; data: unknown }) => StoredSession.parse(data),
  };
  await (codexArchiveLoader().load as (c: unknown) => Promise<void>)(ctx);
  const { timingsMs: _t, ...report } = state.report.toJSON();
  return {
    entries: [...store.map.values()],
    report: JSON.parse(JSON.stringify(report)),
    // The report's list is sorted; the order diagnostics were added in is visible too.
    diagnostics: state.report.archive.diagnostics.list,
    excluded: [...state.excludedIds],
    // Without the timing of the summary line and the line saying where files were read.
    // Progress lines come every few seconds, however far the reading got: not compared.
    lines: lines.filter((l) => !l.includes('worker thread') && !/ files…$/.test(l)).map((l) => l.replace(/ in [0-9.]+s:/, ' in …:')),
    workerLine: lines.find((l) => l.includes('worker thread')),
  };
}

/** A home with awkward cases the fixtures lack: two files with one id, an id holding an e-mail address, a damaged file. */
function awkwardHome(): string {
  const home = path.join(dir, 'awkward');
  const write = (day: string, fileId: string, id: string, prompt: string) => {
    const folder = path.join(home, 'sessions/2026/01', day);
    mkdirSync(folder, { recursive: true });
    const ts = `2026-01-${day}T10:00:00.000Z`;
    const lines = [
      { timestamp: ts, type: 'session_meta', payload: { id, timestamp: ts, cwd: `/w/${day}` } },
      { timestamp: ts, type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] } },
    ];
    writeFileSync(path.join(folder, `rollout-2026-01-${day}T10-00-00-${fileId}.jsonl`), `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  };
  const dup = '0199a300-0000-7000-8000-00000000d00d';
  write('01', '0199a300-0000-7000-8000-0000000000a1', dup, 'smaller path');
  write('02', '0199a300-0000-7000-8000-0000000000b2', dup, 'larger path');
  write('03', '0199a300-0000-7000-8000-0000000000c3', 'jane.doe@acme-widgets.io', 'id with an address, title with \u202e bidi');
  write('04', '0199a300-0000-7000-8000-0000000000d4', '0199a300-0000-7000-8000-0000000000d4', 'excluded by cwd');
  mkdirSync(path.join(home, 'sessions/2026/01/05'), { recursive: true });
  writeFileSync(path.join(home, 'sessions/2026/01/05/rollout-2026-01-05T10-00-00-0199a300-0000-7000-8000-0000000000e5.jsonl'), '{"timestamp":"2026-01-05T10:0');
  return home;
}

/** fixtures/rollouts and fixtures/bad (one awkward case each) under rollout names, so discovery finds them. */
function fixturesHome(): string {
  const home = path.join(dir, 'fixtures-home');
  const folder = path.join(home, 'sessions/2026/02/01');
  mkdirSync(folder, { recursive: true });
  const files = ['rollouts', 'bad'].flatMap((sub) => readdirSync(path.join(root, 'fixtures', sub)).map((f) => path.join(root, 'fixtures', sub, f)));
  files.forEach((file, i) => {
    const n = String(i).padStart(2, '0');
    const ext = file.endsWith('.json') ? 'json' : 'jsonl';
    copyFileSync(file, path.join(folder, `rollout-2026-02-01T00-00-${n}-0199a400-0000-7000-8000-0000000000${n}.${ext}`));
  });
  return home;
}

const homes: [string, string[], Record<string, unknown>?][] = [
  ['a corpus home, read in place', [path.join(CORPUS, 'codex-0.169.0')]],
  ['every corpus home as sources', ['codex-0.1.2505172129', 'codex-0.20.0', 'codex-0.39.0', 'codex-0.63.0', 'codex-0.100.0', 'codex-0.130.0', 'codex-0.169.0'].map((v) => path.join(CORPUS, v))],
  ['the demo home, with exclusions', [path.join(root, 'fixtures/demo-home')], { exclude: { ids: ['019e1cb7-8427-73b5-90ca-6dbc6d363e47'], cwd: ['/home/maya/code/orbit-sim'] } }],
  ['fixtures/rollouts and fixtures/bad', [fixturesHome()]],
  ['duplicate ids, an id with an address, a damaged file', [awkwardHome()], { exclude: { cwd: ['/w/04'] } }],
  ['the same without redaction', [awkwardHome()], { redact: false }],
];

describe('loading on worker threads', () => {
  it.each(homes)('stores the same as the main thread: %s', async (_name, sources, extra) => {
    const off = await load(sources, '0', extra);
    const on = await load(sources, '2', extra);
    expect(off.entries.length).toBeGreaterThan(0);
    expect(off.workerLine).toBeUndefined();
    expect(on.workerLine).toMatch(/info (\d+) of \1 files read on 2 worker threads\./);
    expect(JSON.stringify(on.entries)).toBe(JSON.stringify(off.entries));
    expect(on.report).toEqual(off.report);
    expect(on.diagnostics).toEqual(off.diagnostics);
    expect(on.excluded).toEqual(off.excluded);
    expect(on.lines).toEqual(off.lines);
  }, 60_000);

  it('keeps unchanged entries and reads only changed files, the same either way', async () => {
    const sources = [awkwardHome()];
    const first = await load(sources, '0');
    // One entry stale (another digest): only its file is read again.
    const previous = first.entries.map((e, i) => (i === 0 ? { ...e, digest: 'stale' } : e));
    const off = await load(sources, '0', {}, previous);
    const on = await load(sources, '2', {}, previous);
    expect(off.report.files.unchanged).toBe(first.entries.length - 1);
    expect(JSON.stringify(on.entries)).toBe(JSON.stringify(off.entries));
    expect(on.report).toEqual(off.report);
  }, 60_000);

  it('reports the duplicate, files the address-holding id under a hash, and shows control characters', async () => {
    const { entries, diagnostics } = await load([awkwardHome()], '2', { exclude: { cwd: ['/w/04'] } });
    const byTitle = (t: string) => entries.find((e) => String(e.data.title).includes(t));
    expect(byTitle('smaller path')?.id).toBe('0199a300-0000-7000-8000-00000000d00d');
    expect(byTitle('larger path')).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['duplicate-session-id']));
    const hashed = byTitle('id with an address');
    expect(hashed?.id).toMatch(/^id-[0-9a-f]{16}$/);
    expect(String(hashed?.data.title)).toContain('⟨U+202E⟩');
    expect(byTitle('excluded by cwd')).toBeUndefined();
  }, 60_000);
});

describe('when workers start', () => {
  it('only when enough files need reading, unless the switch says otherwise', () => {
    expect(loadWorkers(1, undefined).workers).toBe(0);
    expect(loadWorkers(500, undefined).workers).toBe(0);
    expect(loadWorkers(501, undefined).workers).toBe(Math.min(os.availableParallelism() - 1, 3));
    expect(loadWorkers(20_000, '0')).toEqual({ workers: 0, forced: true });
    expect(loadWorkers(5, '2')).toEqual({ workers: 2, forced: true });
    expect(loadWorkers(5, '9')).toEqual({ workers: 3, forced: true });
    expect(loadWorkers(0, '2').workers).toBe(0);
    expect(loadWorkers(20_000, 'many').forced).toBe(false);
  });
});

describe('a store that refuses an entry', () => {
  it('stops the reading: the load fails at once, not after reading every other file', async () => {
    const archive = await openArchive(path.join(root, 'fixtures/demo-home'));
    const redact = asRedact(await makeRedactor({ redact: true, emailAllowlist: [] }));
    let reads = 0;
    const reading = readInOrder({
      files: archive.files,
      all: archive.discovery.files,
      threadNames: archive.context.threadNames ?? new Map(),
      workers: 0,
      workerUrl: new URL('file:///nowhere.mjs'),
      redact: true,
      emailAllowlist: [],
      concurrency: 1,
      readHere: (file) => {
        reads++;
        return readOutcome((f) => archive.read(f), file, redact);
      },
      commit: (i) => {
        if (i === 1) throw new Error('refused');
      },
      log: () => {},
    });
    await expect(reading).rejects.toThrow('refused');
    // Let anything still running come to rest, then count.
    await new Promise((r) => setTimeout(r, 200));
    expect(archive.files.length).toBeGreaterThan(5);
    expect(reads).toBeLessThanOrEqual(3);
  });
});

describe('a worker that fails', () => {
  it('leaves its files and the rest to the main thread, with one line', async () => {
    const home = path.join(root, 'fixtures/demo-home');
    const archive = await openArchive(home);
    const redact = asRedact(await makeRedactor({ redact: true, emailAllowlist: [] }));
    // Says it is ready, then dies on the first file it is sent.
    const dying = path.join(dir, 'dying-worker.mjs');
    writeFileSync(dying, `import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ type: 'ready' });\nparentPort.on('message', () => process.exit(3));\n`);
    const run = async (workerUrl: URL, workers: number) => {
      const got: [number, ReadOutcome][] = [];
      const lines: string[] = [];
      const stats = await readInOrder({
        files: archive.files,
        all: archive.discovery.files,
        threadNames: archive.context.threadNames ?? new Map(),
        workers,
        mainReads: false,
        workerUrl,
        redact: true,
        emailAllowlist: [],
        readHere: (file) => readOutcome((f) => archive.read(f), file, redact),
        commit: (i, o) => void got.push([i, o]),
        log: (l) => lines.push(l),
      });
      return { got, lines, stats };
    };
    const here = await run(new URL('file:///nowhere.mjs'), 0);
    const failed = await run(new URL(`file://${dying}`), 2);
    expect(failed.lines).toEqual(['A worker reading sessions stopped (exit 3); the remaining files are read in the main thread.']);
    expect(failed.stats).toMatchObject({ inWorkers: 0, here: archive.files.length, started: 2, failure: 'exit 3' });
    expect(failed.got.map(([i]) => i)).toEqual(archive.files.map((_, i) => i));
    expect(JSON.stringify(failed.got)).toBe(JSON.stringify(here.got));
    // A module that cannot load at all: the same.
    const missing = await run(new URL(`file://${path.join(dir, 'missing.mjs')}`), 1);
    expect(missing.lines).toHaveLength(1);
    expect(JSON.stringify(missing.got)).toBe(JSON.stringify(here.got));
  }, 60_000);
});
