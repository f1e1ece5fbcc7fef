/**
 * Preparing session pages on the look-ahead worker changes nothing a build writes: the same home
 * (the demo, a corpus release read in place, a home with planted secrets; one session excluded)
 * built with the worker and without it (CODEX_ARCHIVE_PREP_WORKER=0) gives the same bytes in
 * every output file, the same report counts and the same incremental records. So does a rebuild
 * in which Astro renders pages the incremental build expected it to reuse (its record of pages
 * is gone), which the look-ahead meets by preparing every page ahead from then on.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS } from '../corpus.ts';
import { demoHome, fileHashes, projectRoot, writeTestConfig } from './build-once.ts';
import { writeSecretsHome } from './session-prep-home.ts';

const EXCLUDED_ID = '019e1cb7-8427-73b5-90ca-6dbc6d363e47';

let dir: string;
let configFile: string;

interface Built {
  log: string;
  report: Record<string, any>;
  /** Every file of the site by its hash (taken at once: a later build replaces the folder). */
  hashes: Record<string, string>;
  sidecars: Record<string, any>;
  cache: string;
}

/** Runs scripts/build.mjs with the test config into `<dir>/<name>`, with `env` added. */
function build(name: string, env: Record<string, string>, extra: string[] = []): Promise<Built> {
  const out = path.join(dir, name);
  const dist = path.join(out, 'dist');
  const cache = path.join(out, 'cache');
  const report = path.join(out, 'report.json');
  const args = ['--out', dist, '--report', report, '--cache-dir', cache, '--config', configFile, ...extra];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, CODEX_ARCHIVE_SOURCES: '', CODEX_ARCHIVE_PREP_WORKER: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => {
      writeFileSync(path.join(dir, `${name}.log`), log);
      if (code !== 0) reject(new Error(`Build ${name} failed (exit ${code}):\n${log.slice(-4000)}`));
      else resolve({ log, cache, report: JSON.parse(readFileSync(report, 'utf8')), hashes: fileHashes(dist), sidecars: sidecars(cache) });
    });
  });
}

/** The report without what differs between any two builds (times, folders). */
function counts(report: Record<string, any>): Record<string, any> {
  // How the build went about it (times, search shards indexed while pages rendered), not what it made.
  const { timingsMs: _t, cacheDir: _c, searchAhead: _s, ...rest } = report;
  return rest;
}

/** The incremental records of a build, without the random part of fresh keys and the page files' inodes. */
function sidecars(cache: string): Record<string, any> {
  const data = JSON.parse(readFileSync(path.join(cache, 'codex-archive', 'pages.json'), 'utf8'));
  for (const page of Object.values<any>(data.pages)) {
    delete page.key;
    delete page.file;
  }
  return data;
}

let on: Built;
let off: Built;
let again: Built;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-prep-build-'));
  const secrets = path.join(dir, 'secrets');
  writeSecretsHome(secrets);
  const sources = [demoHome, path.join(CORPUS, 'codex-0.169.0'), secrets];
  configFile = await writeTestConfig(`prep-${process.pid}`, `{ sources: ${JSON.stringify(sources)}, exclude: { ids: [${JSON.stringify(EXCLUDED_ID)}] } }`);
  [on, off] = [await build('on', {}), await build('off', { CODEX_ARCHIVE_PREP_WORKER: '0' })];
  // Astro forgets which pages it rendered; our records say every page is reused.
  rmSync(path.join(on.cache, 'incremental-build.json'));
  again = await build('on', {}, ['--force']);
}, 600_000);

afterAll(async () => {
  if (configFile) await rm(configFile, { force: true });
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('session pages prepared on a worker', () => {
  it('were prepared there (all but the first), and not with the switch off', () => {
    const sessions = on.report.sessions as number;
    expect(sessions).toBeGreaterThan(25);
    // The worker takes a moment to start: the render thread prepares what Astro asks for meanwhile.
    // Logged by the integration, whose label Astro colours when CI is set: matched without it.
    const [, fromWorker, inProcess] = /\b(\d+) session pages prepared ahead on a worker, (\d+) in the render thread\./.exec(on.log) ?? [];
    expect(Number(fromWorker) + Number(inProcess)).toBe(sessions);
    expect(Number(fromWorker)).toBeGreaterThan(sessions / 2);
    expect(on.log).not.toMatch(/worker preparing session pages stopped/);
    expect(off.log).not.toMatch(/prepared ahead on a worker/);
  });

  it('give the same bytes in every file of the site', () => {
    expect(Object.keys(on.hashes).length).toBeGreaterThan(60);
    expect(on.hashes).toEqual(off.hashes);
  });

  it('give the same report counts, redactions included', () => {
    expect(Object.keys(on.report.redactions).length).toBeGreaterThan(1);
    expect(Object.keys(on.report.redactionsBySession)).toEqual(expect.arrayContaining(['0199a200-0000-7000-8000-00000000a001', '0199a200-0000-7000-8000-00000000a002']));
    expect(on.report.trimmedOutputs.outputs).toBeGreaterThan(0);
    expect(on.report.files.excluded).toBe(1);
    // Key order included.
    expect(JSON.stringify(counts(on.report))).toBe(JSON.stringify(counts(off.report)));
  });

  it('give the same incremental records', () => {
    expect(Object.keys(on.sidecars.pages).length).toBe(on.report.sessions);
    expect(JSON.stringify(on.sidecars)).toBe(JSON.stringify(off.sidecars));
  });

  it('are prepared ahead again when Astro renders pages expected to be reused', () => {
    expect(again.log).toMatch(/session pages expected to be reused are rendering; preparing every session page ahead from here on/);
    expect(again.log).toMatch(/session pages prepared ahead on a worker/);
    expect(again.report.incremental.sessionPagesRendered).toBe(on.report.sessions);
    expect(again.hashes).toEqual(off.hashes);
    expect(JSON.stringify(again.sidecars)).toBe(JSON.stringify(off.sidecars));
    // Files were not read again (the content store is unchanged): all else counts the same.
    expect(JSON.stringify(counts(again.report))).toBe(JSON.stringify({ ...counts(off.report), files: again.report.files }));
  });
});
