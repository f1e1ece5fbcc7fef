/**
 * Preparing a session page on the look-ahead worker gives exactly what the render thread would
 * (src/integration/site/session-prep.ts, prep-worker.ts): the same cut, redacted and scrubbed
 * session, facts, redaction counts and digest, for the demo home, every corpus home and a home
 * with planted secrets. And the look-ahead plans only pages Astro will render, adapts when it
 * renders one it expected to be reused, and falls back to the render thread when anything fails.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRedactor } from '../../src/integration/redaction.ts';
import { SessionLookAhead, type LookAheadOptions } from '../../src/integration/site/prep-worker.ts';
import { prepareSession, type PreparedSession, type PrepInput, type PrepOptions } from '../../src/integration/site/session-prep.ts';
import { openArchive } from '../../src/lib/reader.ts';
import { CORPUS } from '../corpus.ts';
import { demoHome, projectRoot } from './build-once.ts';
import { writeFixturesHome, writeSecretsHome } from './session-prep-home.ts';

const workerUrl = new URL(`file://${path.join(projectRoot, 'src/integration/site/prep-worker.ts')}`);
const options: PrepOptions = { outputChars: 2500, excludedIds: new Set() };

let dir: string;
let secrets: string;
let fixtures: string;

/** Every rollout of a home as preparation inputs, in the reader's order. */
async function inputsOf(root: string): Promise<PrepInput[]> {
  const archive = await openArchive(root);
  return archive.files.map((f) => ({ id: `${root}:${f.relPath}`, sourceRoot: root, file: f.relPath, threadName: null }));
}

/** Takes every input in order from a look-ahead that hands the worker all it plans. */
async function viaWorker(order: PrepInput[], extra: Partial<LookAheadOptions> = {}): Promise<{ got: (PreparedSession | null)[]; lookAhead: SessionLookAhead; lines: string[] }> {
  const lines: string[] = [];
  const lookAhead = new SessionLookAhead({ workerUrl, order, options, redact: true, emailAllowlist: [], ahead: 4, inWorker: 4, log: (l) => lines.push(l), ...extra });
  const got: (PreparedSession | null)[] = [];
  for (const [i, input] of order.entries()) {
    got.push(await lookAhead.take(input.id));
    // The first take starts the worker: wait for it, so the rest is deterministic.
    if (i === 0) await lookAhead.ready();
  }
  await lookAhead.close();
  return { got, lookAhead, lines };
}

/** Each input prepared in this thread with a redactor of its own (counts of that session alone). */
async function inProcess(order: PrepInput[], opts = options): Promise<PreparedSession[]> {
  const out: PreparedSession[] = [];
  for (const input of order) out.push(await prepareSession(input, opts, await makeRedactor({ redact: true, emailAllowlist: [] })));
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-prep-'));
  secrets = path.join(dir, 'secrets');
  writeSecretsHome(secrets);
  fixtures = path.join(dir, 'fixtures');
  writeFixturesHome(fixtures);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prepareSession on the worker', () => {
  const homes = () => [demoHome, secrets, fixtures, ...['codex-0.20.0', 'codex-0.39.0', 'codex-0.63.0', 'codex-0.100.0', 'codex-0.130.0', 'codex-0.169.0'].map((v) => path.join(CORPUS, v))];

  it('equals the render thread for every session of the demo, the corpus, the fixtures and a home with secrets', async () => {
    const order = (await Promise.all(homes().map(inputsOf))).flat();
    expect(order.filter((s) => s.sourceRoot === fixtures).length).toBeGreaterThanOrEqual(18);
    expect(order.length).toBeGreaterThan(80);
    const { got, lookAhead, lines } = await viaWorker(order);
    const expected = await inProcess(order);
    // The first page is asked for before anything was planned: the render thread prepares it.
    expect(got[0]).toBeNull();
    expect(lookAhead.stats).toMatchObject({ fromWorker: order.length - 1, inProcess: 1, failures: 0 });
    for (let i = 1; i < order.length; i++) {
      expect(got[i], order[i]!.id).toStrictEqual(expected[i]);
      // Own `__proto__` keys (fixtures/rollouts/proto-keys.jsonl) and key order survive the copy.
      expect(JSON.stringify(got[i])).toBe(JSON.stringify(expected[i]));
    }
    expect(JSON.stringify(got)).toContain('"__proto__"');
    expect(lines).toEqual([`codex-archive: ${order.length - 1} session pages prepared ahead on a worker, 1 in the render thread.`]);
    expect(lookAhead.running).toBe(false);
  }, 120_000);

  it('counts each page its own redactions', async () => {
    const order = await inputsOf(secrets);
    const { got } = await viaWorker([{ id: 'first', sourceRoot: demoHome, file: 'nope.jsonl', threadName: null }, ...order]);
    const counts = got.slice(1).map((p) => p!.redactions);
    // Two passwords for each address, wherever the reader repeats the message (title, raw record).
    expect(counts[0]!.email).toBeGreaterThan(0);
    expect(counts[0]).toStrictEqual({ assignment: 2 * counts[0]!.email!, email: counts[0]!.email });
    expect(Object.keys(counts[1]!).length).toBeGreaterThanOrEqual(2);
    expect(counts[2]).toEqual({});
    expect(counts).toStrictEqual((await inProcess(order)).map((p) => p.redactions));
    for (const p of got.slice(1)) expect(JSON.stringify(p!.session)).not.toMatch(/password=(?!\[)|ghp_|alice@/);
  });

  it('scrubs excluded sessions and cuts outputs as the options say', async () => {
    const order = await inputsOf(demoHome);
    const excluded = '019e1cb7-8427-73b5-90ca-6dbc6d363e47';
    const opts: PrepOptions = { outputChars: 1000, excludedIds: new Set([excluded]) };
    const { got } = await viaWorker(order, { options: opts });
    const expected = await inProcess(order, opts);
    for (let i = 1; i < order.length; i++) expect(got[i]).toStrictEqual(expected[i]);
    const all = JSON.stringify(got.slice(1));
    expect(all).not.toContain(excluded);
    expect(all).toContain('(excluded session)');
    expect(got.slice(1).some((p) => p!.facts.trimmed!.outputs > 0 && p!.collapse.maxChars === 2 * (1000 + 64))).toBe(true);
  });
});

describe('the look-ahead', () => {
  it('never prepares pages the incremental build expects to reuse', async () => {
    const order = await inputsOf(demoHome);
    const reused = new Set(order.filter((_, i) => i % 2 === 1).map((s) => s.id));
    const lines: string[] = [];
    const lookAhead = new SessionLookAhead({ workerUrl, order, options, redact: true, emailAllowlist: [], reused: (id) => reused.has(id), ahead: 4, inWorker: 4, log: (l) => lines.push(l) });
    const rendered = order.filter((s) => !reused.has(s.id));
    for (const [i, s] of rendered.entries()) {
      const p = await lookAhead.take(s.id);
      if (i > 0) expect(p?.session.id).toBeTruthy();
      if (i === 0) await lookAhead.ready();
    }
    // Had it prepared a reused page, that page would count as unused.
    expect(lookAhead.stats).toMatchObject({ fromWorker: rendered.length - 1, inProcess: 1, unused: 0 });
    expect(lookAhead.running).toBe(false);
  });

  it('prepares every page ahead once a page expected to be reused renders after all', async () => {
    const order = await inputsOf(demoHome);
    const { got, lookAhead, lines } = await viaWorker(order, { reused: () => true });
    expect(got[0]).toBeNull();
    expect(got.slice(1).every((p) => p !== null)).toBe(true);
    expect(lookAhead.stats.fromWorker).toBe(order.length - 1);
    expect(lines[0]).toMatch(/session pages expected to be reused are rendering; preparing every session page ahead/);
  });

  it('counts pages Astro skipped without asking as unused, and leaves unknown pages to the render thread', async () => {
    const order = await inputsOf(demoHome);
    const lookAhead = new SessionLookAhead({ workerUrl, order, options, redact: true, emailAllowlist: [], ahead: 4, inWorker: 4, log: () => {} });
    expect(await lookAhead.take(order[0]!.id)).toBeNull();
    await lookAhead.ready();
    expect(await lookAhead.take('not-a-session')).toBeNull();
    // Pages 1 and 2 were planned; Astro goes on to page 3.
    expect((await lookAhead.take(order[3]!.id))?.session.id).toBeTruthy();
    expect(lookAhead.stats).toMatchObject({ fromWorker: 1, inProcess: 2, unused: 2 });
    await lookAhead.close();
    expect(await lookAhead.take(order[4]!.id)).toBeNull();
    expect(lookAhead.running).toBe(false);
  });

  it('leaves a session the worker cannot prepare to the render thread and carries on', async () => {
    const order = await inputsOf(demoHome);
    order.splice(2, 0, { id: 'missing', sourceRoot: demoHome, file: 'sessions/gone.jsonl', threadName: null });
    const { got, lookAhead, lines } = await viaWorker(order);
    expect(got[2]).toBeNull();
    await expect(prepareSession(order[2]!, options, null)).rejects.toThrow(/no longer in/);
    expect(got.filter((p) => p !== null).length).toBe(order.length - 2);
    expect(lookAhead.stats.failures).toBe(0);
    expect(lines).toHaveLength(1);
  });

  it('falls back to the render thread, with one line, when the worker cannot start', async () => {
    const order = await inputsOf(demoHome);
    const { got, lookAhead, lines } = await viaWorker(order, { workerUrl: new URL('file:///nonexistent/prep-worker.ts') });
    expect(got.every((p) => p === null)).toBe(true);
    expect(lookAhead.stats).toMatchObject({ fromWorker: 0, inProcess: order.length, failures: 1 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^codex-archive: the worker preparing session pages stopped \(.*\); session pages are prepared in the render thread from here on\.$/);
  });

  it('falls back to the render thread when the worker runs out of its heap, then starts another', async () => {
    // a, b, c, d: b holds 40 outputs of 0.9 MB, more than the worker's 32 MB heap.
    const home = path.join(dir, 'oom');
    writeSecretsHome(home);
    const folder = path.join(home, 'sessions', '2026', '01', '01');
    const at = '2026-01-01T11:00:00.000Z';
    const line = (type: string, payload: unknown) => JSON.stringify({ timestamp: at, type, payload }) + '\n';
    const big = 'x'.repeat(900_000);
    const parts = [line('session_meta', { id: '0199a200-0000-7000-8000-00000000b001', timestamp: at, cwd: '/w', cli_version: '0.55.0', source: 'cli' })];
    for (let i = 0; i < 40; i++) {
      parts.push(line('response_item', { type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: `c${i}` }));
      parts.push(line('response_item', { type: 'function_call_output', call_id: `c${i}`, output: big + i }));
    }
    writeFileSync(path.join(folder, 'rollout-2026-01-01T11-00-00-0199a200-0000-7000-8000-00000000b001.jsonl'), parts.join(''));
    const [a, b, c] = await inputsOf(home);
    expect(b!.file).toMatch(/b001/);
    const d = (await inputsOf(demoHome))[0]!;
    const first: PrepInput = { id: 'first', sourceRoot: home, file: 'nope.jsonl', threadName: null };
    const lines: string[] = [];
    const lookAhead = new SessionLookAhead({
      workerUrl, order: [first, a!, b!, c!, d], options, redact: true, emailAllowlist: [], ahead: 2, inWorker: 2,
      log: (l) => lines.push(l), resourceLimits: { maxOldGenerationSizeMb: 32 },
    });
    expect(await lookAhead.take('first')).toBeNull();
    await lookAhead.ready();
    expect((await lookAhead.take(a!.id))?.session.id).toBe('0199a200-0000-7000-8000-00000000a001');
    expect(await lookAhead.take(b!.id)).toBeNull();
    expect(lines[0]).toMatch(/^codex-archive: the worker preparing session pages stopped \(.*memory limit.*\); the pages it had are prepared in the render thread\.$/);
    expect(await lookAhead.take(c!.id)).toBeNull();
    await lookAhead.ready();
    const last = await lookAhead.take(d.id);
    expect(last).toStrictEqual((await inProcess([d]))[0]);
    expect(lookAhead.stats).toMatchObject({ fromWorker: 2, inProcess: 3, failures: 1 });
    expect(lookAhead.running).toBe(false);
  }, 60_000);
});
