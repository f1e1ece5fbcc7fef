/**
 * A second real build with `exclude`: excluded sessions leave no page, link, id or search entry
 * anywhere in the output. Then the same build again: unchanged files are not re-read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/lib/reader.ts';
import { demoHome, runBuildScript, writeTestConfig } from './build-once.ts';

/** The dark-mode thread: the 05-13 session is a fork of it. */
const EXCLUDED_ID = '019e1cb7-8427-73b5-90ca-6dbc6d363e47';
const FORK_ID = '019e20a3-765f-718d-8e88-406a0e57d8ce';
const EXCLUDED_CWD = '/home/maya/code/orbit-sim';

let dir: string;
let dist: string;
let reportFile: string;
let configFile: string;
let excludedIds: string[];

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
}

/** Text of an output file; Pagefind's index files are gzip-compressed. */
function textOf(file: string): string {
  const bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipSync(bytes).toString('latin1');
  return bytes.toString('utf8');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-exclude-'));
  dist = path.join(dir, 'dist');
  reportFile = path.join(dir, 'report.json');
  configFile = await writeTestConfig(
    `exclude-${process.pid}`,
    `{ sources: [${JSON.stringify(demoHome)}], exclude: { ids: [${JSON.stringify(EXCLUDED_ID)}], cwd: [${JSON.stringify(EXCLUDED_CWD)}] } }`,
  );
  const archive = await openArchive(demoHome);
  excludedIds = [];
  for (const file of archive.files) {
    const { session } = await archive.read(file);
    if (session.id === EXCLUDED_ID || session.cwd?.startsWith(EXCLUDED_CWD)) excludedIds.push(session.id);
  }
  await runBuildScript(['--out', dist, '--report', reportFile, '--cache-dir', path.join(dir, 'cache'), '--config', configFile], path.join(dir, 'build.log'));
}, 300_000);

afterAll(async () => {
  await rm(configFile, { force: true });
  await rm(dir, { recursive: true, force: true });
});

describe('exclude', () => {
  it('leaves no page, link, id or search entry of an excluded session', () => {
    expect(excludedIds.length).toBeGreaterThanOrEqual(2);
    for (const id of excludedIds) expect(existsSync(path.join(dist, 's', id))).toBe(false);
    for (const file of walk(dist)) {
      const text = textOf(file);
      for (const id of excludedIds) expect(text.includes(id), `${id} in ${path.relative(dist, file)}`).toBe(false);
    }
    expect(readdirSync(path.join(dist, 'projects')).some((p) => p.includes('orbit-sim'))).toBe(false);
  });

  it('keeps the fork of an excluded session, without a link back', () => {
    const html = readFileSync(path.join(dist, 's', FORK_ID, 'index.html'), 'utf8');
    expect(html).not.toContain(EXCLUDED_ID);
  });

  it('counts exclusions in the report only', () => {
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.files.excluded).toBe(excludedIds.length);
    expect(report.sessions).toBe(readdirSync(path.join(dist, 's')).length);
  });

  it('does not re-read unchanged files on the next build', async () => {
    // --force: with nothing changed the build would stop at the up-to-date check, before the loader.
    await runBuildScript(['--out', dist, '--report', reportFile, '--cache-dir', path.join(dir, 'cache'), '--config', configFile, '--force'], path.join(dir, 'build2.log'));
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.files.read).toBe(0);
    expect(report.files.unchanged).toBe(readdirSync(path.join(dist, 's')).length);
    for (const id of excludedIds) expect(existsSync(path.join(dist, 's', id))).toBe(false);
  }, 300_000);
});
