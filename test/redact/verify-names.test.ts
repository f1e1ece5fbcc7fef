/**
 * Names have verdicts too (verify.ts, listFolder): a folder whose names were all found clean by
 * the same detectors is not scanned again, and any change to its names (a page folder named
 * after a token, say) is scanned and found, whatever else was cached.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs('verify-names');
const gh = githubFake();

/** root, s/, s/a/, s/b/: four folders, every page named index.html. */
function site(): string {
  const dir = tempDir();
  for (const id of ['a', 'b']) {
    mkdirSync(join(dir, 's', id), { recursive: true });
    writeFileSync(join(dir, 's', id, 'index.html'), '<p>clean words</p>\n');
  }
  writeFileSync(join(dir, 'index.html'), '<p>home</p>\n');
  return dir;
}

describe.each([{ threads: 0 }, { threads: 2 }])('verify: names found clean before (threads: $threads)', ({ threads }) => {
  it('are not scanned again, folder by folder', async () => {
    const dir = site();
    const cacheFile = join(tempDir(), 'verified.json');
    expect(await verifyDirectory(dir, { cacheFile, threads })).toMatchObject({ findings: [], foldersReused: 0 });
    expect(await verifyDirectory(dir, { cacheFile, threads })).toMatchObject({ findings: [], foldersReused: 4 });
    // Without a verdict file, every name is scanned.
    expect(await verifyDirectory(dir, { threads })).toMatchObject({ findings: [], foldersReused: 0 });
  });

  it('a folder named after a token is found on every run, and a new one in a folder found clean before', async () => {
    const dir = site();
    const cacheFile = join(tempDir(), 'verified.json');
    await verifyDirectory(dir, { cacheFile, threads });
    const token = planted(gh);
    mkdirSync(join(dir, 's', token));
    writeFileSync(join(dir, 's', token, 'index.html'), '<p>clean words</p>\n');
    for (let run = 0; run < 2; run++) {
      const result = await verifyDirectory(dir, { cacheFile, threads });
      expect(result.findings.length).toBeGreaterThan(0);
      expect(new Set(result.findings.map((f) => f.file))).toEqual(new Set(['s/[folder name]']));
      // Root and the two old page folders are unchanged; s/ changed, and the new folder's own
      // names (index.html) are the same as every page folder's.
      expect(result.foldersReused).toBe(4);
    }
  });
});
