/**
 * The verifier's known files (verify.ts, "Known files"): a file it found clean is recognised by
 * device, inode, size and modification time and not read again; any write, a replaced file or
 * a file too recently written to be told apart is read (and a secret in it found).
 */
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownFilesPath, verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs('verify-known');
const gh = githubFake();
/** An hour ago: old enough to be recorded (the margin is seconds). */
const anHourAgo = () => new Date(Date.now() - 3_600_000);

/** A small site whose files were last written an hour ago. */
function site(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 's', 'a'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<p>home, clean</p>\n');
  writeFileSync(join(dir, 's', 'a', 'index.html'), `<p>${'clean words '.repeat(20)}</p>\n`);
  for (const f of ['index.html', 's/a/index.html']) utimesSync(join(dir, f), anHourAgo(), anHourAgo());
  return dir;
}

/** The page with the same length, other bytes: a secret in place of some of its words. */
function sameSizeWithSecret(file: string): void {
  const before = readFileSync(file, 'utf8');
  const secret = `<pre>${planted(gh)}</pre>`;
  writeFileSync(file, secret + before.slice(secret.length));
  expect(readFileSync(file).length).toBe(Buffer.byteLength(before));
}

describe('verify: known files', () => {
  it('recognises unchanged files without reading them, and records only old enough files', async () => {
    const dir = site();
    writeFileSync(join(dir, 'fresh.html'), '<p>written just now</p>\n');
    const cacheFile = join(tempDir(), 'verified.json');
    const first = await verifyDirectory(dir, { cacheFile });
    expect(first).toMatchObject({ findings: [], filesScanned: 3, filesReused: 0, filesKnown: 0 });
    const known = JSON.parse(readFileSync(knownFilesPath(cacheFile), 'utf8')).known as Record<string, string>;
    // The two old files; not the one written within the margin.
    expect(Object.keys(known)).toHaveLength(2);
    const second = await verifyDirectory(dir, { cacheFile });
    expect(second).toMatchObject({ findings: [], filesScanned: 0, filesReused: 3, filesKnown: 2 });
  });

  it('reads a file written in place again, even with the same size', async () => {
    const dir = site();
    const cacheFile = join(tempDir(), 'verified.json');
    await verifyDirectory(dir, { cacheFile });
    sameSizeWithSecret(join(dir, 's', 'a', 'index.html'));
    const again = await verifyDirectory(dir, { cacheFile });
    expect(again.filesKnown).toBe(1);
    expect(again.filesScanned).toBe(1);
    expect(new Set(again.findings.map((f) => f.file))).toEqual(new Set(['s/a/index.html']));
  });

  it('reads a file replaced by another of the same size and modification time', async () => {
    const dir = site();
    const cacheFile = join(tempDir(), 'verified.json');
    await verifyDirectory(dir, { cacheFile });
    const page = join(dir, 's', 'a', 'index.html');
    const other = join(dir, 'other.tmp');
    writeFileSync(other, readFileSync(page));
    sameSizeWithSecret(other);
    // The recorded file's size and modification time: only the inode tells them apart.
    const { atime, mtime } = statSync(page);
    utimesSync(other, atime, mtime);
    expect(statSync(other, { bigint: true }).mtimeNs).toBe(statSync(page, { bigint: true }).mtimeNs);
    renameSync(other, page);
    const again = await verifyDirectory(dir, { cacheFile });
    expect(new Set(again.findings.map((f) => f.file))).toEqual(new Set(['s/a/index.html']));
  });

  it('recognises a hard link to a known file under its new name (how incremental builds place pages)', async () => {
    const dir = site();
    const cacheFile = join(tempDir(), 'verified.json');
    await verifyDirectory(dir, { cacheFile });
    const next = tempDir();
    mkdirSync(join(next, 's', 'a'), { recursive: true });
    linkSync(join(dir, 's', 'a', 'index.html'), join(next, 's', 'a', 'index.html'));
    writeFileSync(join(next, 'index.html'), '<p>a new home</p>\n');
    const again = await verifyDirectory(next, { cacheFile });
    expect(again).toMatchObject({ findings: [], filesScanned: 1, filesReused: 1, filesKnown: 1 });
  });

  it('does not use known files recorded with other options', async () => {
    const dir = site();
    const cacheFile = join(tempDir(), 'verified.json');
    await verifyDirectory(dir, { cacheFile, emailAllowlist: ['someone@example.org'] });
    const other = await verifyDirectory(dir, { cacheFile });
    expect(other).toMatchObject({ filesScanned: 2, filesReused: 0, filesKnown: 0 });
  });
});
