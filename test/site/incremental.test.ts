/**
 * Incremental builds give the same site as a cold build. A 24-session synthetic home is built
 * cold, then again with nothing changed, then after one turn is appended to one session; each
 * incremental result must be byte-identical (every file's hash) to a cold build of the same
 * input, and the unchanged rebuild must actually reuse pages, search shards and verdicts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToSession, firstRollout, generateHome } from '../../scripts/synth/generate.mjs';
import { fileHashes, runBuildScript } from './build-once.ts';

let dir: string;
let home: string;

/** Builds `home` into `<dir>/<name>/dist` with that name's own cache; returns log and report. */
async function build(name: string, extra: string[] = []): Promise<{ log: string; report: Record<string, any>; dist: string }> {
  const out = path.join(dir, name);
  const dist = path.join(out, 'dist');
  const report = path.join(out, 'report.json');
  const log = await runBuildScript(['--out', dist, '--report', report, '--cache-dir', path.join(out, 'cache'), ...extra], path.join(out, 'build.log'), home);
  return { log, report: JSON.parse(readFileSync(report, 'utf8')), dist };
}

let cold: Awaited<ReturnType<typeof build>>;
let nochange: Awaited<ReturnType<typeof build>>;
let coldHashes: Record<string, string>;
let nochangeHashes: Record<string, string>;
let skipped: Awaited<ReturnType<typeof build>>;
let skippedHashes: Record<string, string>;
let changed: Awaited<ReturnType<typeof build>>;
let changedHashes: Record<string, string>;
let reference: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-incremental-'));
  home = path.join(dir, 'home');
  await generateHome({ out: home, sessions: 24, seed: 'incremental' });
  cold = await build('inc');
  coldHashes = fileHashes(cold.dist);
  // --force: the "nothing changed" check would stop this build before Astro starts.
  nochange = await build('inc', ['--force']);
  nochangeHashes = fileHashes(nochange.dist);
  skipped = await build('inc');
  skippedHashes = fileHashes(skipped.dist);
  appendToSession(home, firstRollout(home));
  changed = await build('inc');
  changedHashes = fileHashes(changed.dist);
  // A cold build of the changed home, with a cache of its own.
  reference = fileHashes((await build('reference')).dist);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('incremental build', () => {
  it('rebuilds an unchanged home byte for byte', () => {
    expect(Object.keys(coldHashes).length).toBeGreaterThan(50);
    expect(nochangeHashes).toEqual(coldHashes);
  });

  it('reuses every session page, every search shard and every verdict when nothing changed', () => {
    expect(cold.report.incremental).toEqual({ sessionPagesRendered: 24, sessionPagesReused: 0 });
    expect(nochange.report.incremental).toEqual({ sessionPagesRendered: 0, sessionPagesReused: 24 });
    expect(nochange.log).toMatch(/\(restored\)/);
    expect(nochange.log).toMatch(/Search index: 24 session pages in \d+ shards \(0 built, \d+ reused\)/);
    expect(nochange.log).toMatch(/verify: 0 findings in 0 files .*\(\+\d+ unchanged files found clean before\)/);
    // The report still counts every session.
    expect(nochange.report.sessions).toBe(cold.report.sessions);
    expect(nochange.report.reader).toEqual(cold.report.reader);
  });

  it('stops early when nothing changed, leaving the site and the report as they were', () => {
    expect(skipped.log).toMatch(/Nothing changed since the last build \(.*\): .*dist\/ is up to date \(24 sessions; checked in [\d.]+s\)/);
    expect(skipped.log).not.toMatch(/Building into/);
    expect(skippedHashes).toEqual(coldHashes);
    const { timingsMs, upToDate, ...rest } = skipped.report;
    const { timingsMs: _builtTimings, ...built } = nochange.report;
    expect(rest).toEqual(built);
    expect(Object.keys(timingsMs)).toEqual(['up-to-date check']);
    expect(upToDate.since).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('after one session grew, matches a cold build of the same home', () => {
    expect(changedHashes).toEqual(reference);
    expect(changedHashes).not.toEqual(coldHashes);
    expect(changed.report.incremental).toEqual({ sessionPagesRendered: 1, sessionPagesReused: 23 });
    expect(changed.log).toMatch(/Search index: 24 session pages in \d+ shards \(1 built, \d+ reused\)/);
  });
});
