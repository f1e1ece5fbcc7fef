/**
 * The "nothing changed" check of `npm run build` (scripts/up-to-date.mjs): it may skip a build
 * only when code, config, arguments, environment, the Codex homes read and the output folder are
 * all as the last good build left them.
 */
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputFingerprint, recordBuild, treeHash, upToDate } from '../../scripts/up-to-date.mjs';
import { folderBytes } from '../../src/integration/utils/site-size.ts';

let dir: string;
let root: string;
let home: string;
let out: string;
let cacheDir: string;
let env: Record<string, string>;

const fingerprint = (args = { out: 'dist' }) => (sources: string[]) =>
  inputFingerprint({ root, configFile: path.join(root, 'astro.config.mjs'), args, sources, env });

async function record() {
  await recordBuild({ cacheDir, out, sources: [home], inputs: fingerprint()([home]), report: { sessions: 1 } });
}
const check = (args?: { out: string }) => upToDate({ cacheDir, out, fingerprint: fingerprint(args) });

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-uptodate-'));
  root = path.join(dir, 'project');
  home = path.join(dir, 'home');
  out = path.join(dir, 'dist');
  cacheDir = path.join(dir, 'cache');
  env = { CODEX_HOME: home, PATH: '/usr/bin' };
  mkdirSync(path.join(root, 'src'), { recursive: true });
  writeFileSync(path.join(root, 'src', 'page.ts'), 'export const a = 1;\n');
  writeFileSync(path.join(root, 'astro.config.mjs'), 'export default {};\n');
  mkdirSync(path.join(home, 'sessions', '2026', '01', '02'), { recursive: true });
  mkdirSync(path.join(home, 'log'));
  writeFileSync(path.join(home, 'sessions', '2026', '01', '02', 'rollout-a.jsonl'), '{"type":"session_meta"}\n');
  writeFileSync(path.join(home, 'session_index.jsonl'), '');
  mkdirSync(path.join(out, 's'), { recursive: true });
  writeFileSync(path.join(out, 'index.html'), '<!doctype html>');
  await record();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('up-to-date check', () => {
  it('says up to date when nothing changed, and returns the last report', async () => {
    expect((await check())?.report).toEqual({ sessions: 1 });
  });

  it('ignores what Codex writes outside the folders and files a build reads', async () => {
    writeFileSync(path.join(home, 'log', 'codex-tui.log'), 'busy');
    expect(await check()).not.toBeNull();
  });

  it.each([
    ['a rollout grew', () => appendFileSync(path.join(home, 'sessions', '2026', '01', '02', 'rollout-a.jsonl'), '{"type":"event_msg"}\n')],
    ['a rollout appeared', () => writeFileSync(path.join(home, 'sessions', '2026', '01', '02', 'rollout-b.jsonl'), '{}\n')],
    ['a rollout was touched', () => utimesSync(path.join(home, 'sessions', '2026', '01', '02', 'rollout-a.jsonl'), new Date(5_000), new Date(5_000))],
    ['a thread was renamed', () => writeFileSync(path.join(home, 'session_index.jsonl'), '{"id":"a","thread_name":"x"}\n')],
    ['the code changed', () => writeFileSync(path.join(root, 'src', 'page.ts'), 'export const a = 2;\n')],
    ['the config changed', () => writeFileSync(path.join(root, 'astro.config.mjs'), 'export default { base: "/x/" };\n')],
    ['the environment changed', () => void (env.CODEX_ARCHIVE_SOURCES = '/elsewhere')],
    ['a page was edited', () => writeFileSync(path.join(out, 'index.html'), '<!doctype html><p>edited')],
    ['a file was added to the site', () => writeFileSync(path.join(out, 's', 'extra.html'), '')],
  ])('builds when %s', async (_, change) => {
    change();
    expect(await check()).toBeNull();
  });

  it('builds when the arguments differ, the output is gone, or there is no record', async () => {
    expect(await check({ out: 'elsewhere' })).toBeNull();
    expect(await upToDate({ cacheDir: path.join(dir, 'other-cache'), out, fingerprint: fingerprint() })).toBeNull();
    rmSync(out, { recursive: true });
    expect(await check()).toBeNull();
  });

  it('takes the site size from the walk that fingerprints it, and records a fingerprint taken before the swap', async () => {
    writeFileSync(path.join(out, 's', 'page.html'), 'x'.repeat(1234));
    const site = { bytes: 0, files: 0 };
    const output = treeHash(out, { tally: site });
    expect(site).toEqual(await folderBytes(out));
    // The build walks its new folder, then renames it into place: the same fingerprint.
    const moved = path.join(dir, 'moved');
    renameSync(out, moved);
    expect(treeHash(moved)).toBe(output);
    renameSync(moved, out);
    await recordBuild({ cacheDir, out, sources: [home], inputs: fingerprint()([home]), report: { sessions: 2 }, output });
    expect((await check())?.report).toEqual({ sessions: 2 });
    // A fingerprint that is not the folder's never passes as up to date.
    await recordBuild({ cacheDir, out, sources: [home], inputs: fingerprint()([home]), report: { sessions: 3 }, output: 'stale' });
    expect(await check()).toBeNull();
  });
});
