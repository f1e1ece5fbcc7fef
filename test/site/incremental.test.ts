/**
 * Incremental builds give the same site as a cold build. A 24-session synthetic home is built
 * cold, then again with nothing changed, then after one turn is appended to one session; each
 * incremental result must be byte-identical (every file's hash) to a cold build of the same
 * input, and the unchanged rebuild must actually reuse pages, search shards and verdicts.
 *
 * Reused session pages are hard links to the previous site's files (incremental.ts, "Placing
 * reused pages"), so the previous site must never be written through them: not when Astro renders
 * a linked page after all, not when a build is interrupted, and a page changed in place in the
 * published site must not be linked (it is restored from Astro's cache instead).
 */
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToSession, firstRollout, generateHome } from '../../scripts/synth/generate.mjs';
import { fileHashes, projectRoot, runBuildScript } from './build-once.ts';

let dir: string;
let home: string;

/** Builds `home` into `<dir>/<name>/dist` with that name's own cache; returns log and report. */
async function build(name: string, extra: string[] = [], env: Record<string, string> = {}): Promise<{ log: string; report: Record<string, any>; dist: string }> {
  const out = path.join(dir, name);
  const dist = path.join(out, 'dist');
  const report = path.join(out, 'report.json');
  const log = await runBuildScript(['--out', dist, '--report', report, '--cache-dir', path.join(out, 'cache'), ...extra], path.join(out, 'build.log'), home, env);
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
let referenceBuild: Awaited<ReturnType<typeof build>>;
/** Inode of every session page of the cold site, by relative path. */
let coldInodes: Record<string, number>;
let nochangeInodes: Record<string, number>;

/** Inode of every session page (`s/<slug>/index.html`) under `dist`. */
function pageInodes(dist: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const slug of readdirSync(path.join(dist, 's'))) out[`s/${slug}/index.html`] = statSync(path.join(dist, 's', slug, 'index.html')).ino;
  return out;
}

/**
 * A hard-linked copy of a site: its files are the site's files under other names, so a write
 * into one of the site's files in place shows in the copy, while the site's own folder is
 * replaced and deleted by the next build.
 */
function linkedCopy(from: string, to: string): void {
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) {
      mkdirSync(path.join(to, e.name), { recursive: true });
      linkedCopy(path.join(from, e.name), path.join(to, e.name));
    } else linkSync(path.join(from, e.name), path.join(to, e.name));
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-incremental-'));
  home = path.join(dir, 'home');
  await generateHome({ out: home, sessions: 24, seed: 'incremental' });
  cold = await build('inc');
  coldHashes = fileHashes(cold.dist);
  coldInodes = pageInodes(cold.dist);
  // --force: the "nothing changed" check would stop this build before Astro starts.
  nochange = await build('inc', ['--force']);
  nochangeHashes = fileHashes(nochange.dist);
  nochangeInodes = pageInodes(nochange.dist);
  skipped = await build('inc');
  skippedHashes = fileHashes(skipped.dist);
  appendToSession(home, firstRollout(home));
  changed = await build('inc');
  changedHashes = fileHashes(changed.dist);
  // A cold build of the changed home, with a cache of its own, its search index built only once
  // the pages are: the changed build indexed its changed shard while pages rendered.
  referenceBuild = await build('reference', [], { CODEX_ARCHIVE_SEARCH_AHEAD: '0' });
  reference = fileHashes(referenceBuild.dist);
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
    expect(cold.report.incremental).toEqual({ sessionPagesRendered: 24, sessionPagesReused: 0, sessionPagesLinked: 0 });
    expect(nochange.report.incremental).toMatchObject({ sessionPagesRendered: 0, sessionPagesReused: 24 });
    // Astro's pages, counted by the build script (scripts/route-lines.mjs): index pages come back
    // from Astro's cache.
    expect(nochange.log).toMatch(/routes: \d+ rendered, [\d,]+ linked, [1-9][\d,]* restored from cache\./);
    expect(nochange.log).toMatch(/Search index: 24 session pages in \d+ shards \(0 built, \d+ reused\)/);
    expect(nochange.log).toMatch(/verify: 0 findings in 0 files .*\(\+\d+ unchanged files found clean before\)/);
    // The report still counts every session.
    expect(nochange.report.sessions).toBe(cold.report.sessions);
    expect(nochange.report.reader).toEqual(cold.report.reader);
  });

  it('links reused session pages from the previous site instead of copying them', () => {
    // A page written in the last moments of the cold build is not stamped (incremental.ts,
    // STAMP_MARGIN_MS) and is copied instead; nearly all are linked.
    const linked = nochange.report.incremental.sessionPagesLinked;
    expect(linked).toBeGreaterThan(12);
    const same = Object.keys(coldInodes).filter((page) => nochangeInodes[page] === coldInodes[page]);
    expect(same.length).toBe(linked);
    // Astro found them in place.
    expect(nochange.log).toMatch(/routes: \d+ rendered, [1-9][\d,]* linked/);
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
    expect(changed.report.incremental).toMatchObject({ sessionPagesRendered: 1, sessionPagesReused: 23 });
    // The changed shard was built while pages rendered (search-ahead.ts); the index then reused it.
    expect(changed.report.searchAhead).toMatchObject({ shards: 1 });
    expect(changed.log).toMatch(/Search index: \d{4}-\d\d-[12] \(\d+ pages?\) built while pages rendered\./);
    expect(changed.log).toMatch(/Search index: 24 session pages in \d+ shards \(1 built, 1 of them while pages rendered, \d+ reused\)/);
    // Every shard was in place when Astro finished: no search job ran after it.
    // Astro's own line (its label is coloured under CI=true).
    expect(changed.log.indexOf('Search index: 24 session pages')).toBeLessThan(changed.log.indexOf('Complete!'));
    // The verifier started once the pages were final, while the Astro process completed the index.
    expect(changed.log).toContain('Verifying the output (scripts/verify.mjs) while the search index is completed …');
    expect(changed.log).toMatch(/verify: 0 findings in \d+ files/);
    // The summary's time line says so, as its phases no longer add up.
    expect(changed.log).toMatch(/verify [\d.]+s \([\d.]+s of it during the build\)/);
    expect(referenceBuild.report.searchAhead).toBeNull();
    expect(referenceBuild.log).toMatch(/Search index: 24 session pages in (\d+) shards \(\1 built, 0 reused\)/);
  });
});

describe('pages linked from the previous site', () => {
  /** The `inc` site as the last build left it (a hard-linked copy) and its files' hashes. */
  function keepPrevious(name: string): { copy: string; hashes: Record<string, string> } {
    const copy = path.join(dir, name);
    mkdirSync(copy);
    linkedCopy(changed.dist, copy);
    return { copy, hashes: fileHashes(copy) };
  }

  it('are written as new files when Astro renders them after all, leaving the previous site as it was', async () => {
    const previous = keepPrevious('before-rerender');
    // Without its own record Astro renders every page, while our keys say "reused": every
    // session page is linked, then unlinked as it renders.
    rmSync(path.join(dir, 'inc', 'cache', 'incremental-build.json'));
    const rerendered = await build('inc', ['--force']);
    expect(rerendered.report.incremental).toEqual({ sessionPagesRendered: 24, sessionPagesReused: 0, sessionPagesLinked: 0 });
    // Nearly every page was stamped by the last build, so linked, so unlinked as it rendered.
    const unlinked = Number(/(\d+) session pages linked from the previous site rendered after all \(unlinked first\)/.exec(rerendered.log)?.[1]);
    expect(unlinked).toBeGreaterThan(12);
    expect(fileHashes(previous.copy)).toEqual(previous.hashes);
    expect(fileHashes(rerendered.dist)).toEqual(reference);
  }, 300_000);

  it('are not linked when the published file was changed in place; the change is not carried over', async () => {
    const dist = path.join(dir, 'inc', 'dist');
    const page = Object.keys(pageInodes(dist))[0]!;
    const file = path.join(dist, page);
    const original = readFileSync(file);
    // Same size, same inode, other bytes: only its modification time tells.
    writeFileSync(file, Buffer.concat([original.subarray(0, original.length - 8), Buffer.from('tampered')]));
    const next = await build('inc', ['--force']);
    expect(next.report.incremental).toMatchObject({ sessionPagesRendered: 0, sessionPagesReused: 24 });
    expect(next.report.incremental.sessionPagesLinked).toBeLessThan(24);
    expect(readFileSync(path.join(next.dist, page))).toEqual(original);
    expect(fileHashes(next.dist)).toEqual(reference);
  }, 300_000);

  it('stay as they were when a build is interrupted after linking them', async () => {
    const dist = path.join(dir, 'inc', 'dist');
    const before = fileHashes(dist);
    const previous = keepPrevious('before-interrupt');
    const args = ['--out', dist, '--report', path.join(dir, 'inc', 'report.json'), '--cache-dir', path.join(dir, 'inc', 'cache'), '--force'];
    const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), ...args], {
      cwd: projectRoot,
      // Every page line, so the build is stopped right after Astro found a linked page.
      env: { ...process.env, CODEX_HOME: home, CODEX_ARCHIVE_SOURCES: '', CODEX_ARCHIVE_PAGE_LINES: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let sent = false;
    const code = await new Promise<number | null>((resolve) => {
      const watch = (d: Buffer) => {
        output += d;
        // Astro says "(cached)" for a page it found already in place: a linked one.
        if (!sent && /\(cached\)/.test(output)) {
          sent = true;
          child.kill('SIGINT');
        }
      };
      child.stdout.on('data', watch);
      child.stderr.on('data', watch);
      child.on('close', resolve);
    });
    expect(sent, output).toBe(true);
    expect(code, output).toBe(130);
    expect(output).toMatch(/Interrupted: .* is unchanged/);
    expect(fileHashes(dist)).toEqual(before);
    expect(fileHashes(previous.copy)).toEqual(previous.hashes);
    expect(readdirSync(path.join(dir, 'inc')).filter((n) => /\.building-\d+/.test(n))).toEqual([]);
  }, 300_000);
});

describe('a session removed from the home', () => {
  it('leaves no page or folder behind, though pages are linked before keys are known', async () => {
    // A session whose page the last build stamped (only those are linked ahead; a page written in
    // the build's last moments is not stamped, so pick one that was).
    const sidecars = JSON.parse(readFileSync(path.join(dir, 'inc', 'cache', 'codex-archive', 'pages.json'), 'utf8')).pages as Record<string, { file?: string }>;
    const id = Object.keys(sidecars).find((k) => sidecars[k]!.file)!;
    expect(id).toBeDefined();
    const rollouts = (readdirSync(home, { recursive: true }) as string[]).filter((f) => f.endsWith(`${id}.jsonl`));
    expect(rollouts).toHaveLength(1);
    expect(readdirSync(path.join(dir, 'inc', 'dist', 's')).some((slug) => slug.includes(id))).toBe(true);
    rmSync(path.join(home, rollouts[0]!));
    const next = await build('inc');
    expect(next.log).toMatch(/1 linked pages of sessions no longer in the archive left out/);
    expect(readdirSync(path.join(next.dist, 's')).some((slug) => slug.includes(id))).toBe(false);
    // 23 pages left; a fork or sub-agent of the removed session renders again (its header changed).
    const { sessionPagesReused, sessionPagesRendered } = next.report.incremental;
    expect(sessionPagesReused + sessionPagesRendered).toBe(23);
    expect(sessionPagesReused).toBeGreaterThan(18);
    // The same site as a cold build of the smaller home.
    expect(fileHashes(next.dist)).toEqual(fileHashes((await build('reference-removed')).dist));
  }, 300_000);
});
