/**
 * The verifier's verdict cache (`cacheFile`): a file is skipped only when its exact bytes were
 * found clean before with the same options; a file with findings is never remembered.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs('verify-cache');
const gh = githubFake();

describe('verify with a verdict cache', () => {
  it('skips files it found clean, scans changed ones, never remembers a finding', async () => {
    const dir = tempDir();
    const cacheFile = join(tempDir(), 'verified.json');
    mkdirSync(join(dir, 's'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<p>clean</p>\n');
    writeFileSync(join(dir, 's', 'a.html'), '<p>also clean</p>\n');

    const first = await verifyDirectory(dir, { cacheFile });
    expect(first).toMatchObject({ findings: [], filesScanned: 2, filesReused: 0 });
    const second = await verifyDirectory(dir, { cacheFile });
    expect(second).toMatchObject({ findings: [], filesScanned: 0, filesReused: 2 });

    // Same name, new bytes: scanned again, and the secret is found every time.
    writeFileSync(join(dir, 's', 'a.html'), `<pre>${planted(gh)}</pre>\n`);
    for (let i = 0; i < 2; i++) {
      const again = await verifyDirectory(dir, { cacheFile });
      expect(again.filesScanned).toBe(1);
      expect(again.filesReused).toBe(1);
      expect(again.findings.length).toBeGreaterThan(0);
      expect(new Set(again.findings.map((f) => f.file))).toEqual(new Set(['s/a.html']));
    }
    expect(readFileSync(cacheFile, 'utf8')).not.toContain(planted(gh));
  });

  it('does not reuse verdicts made with other options', async () => {
    const dir = tempDir();
    const cacheFile = join(tempDir(), 'verified.json');
    writeFileSync(join(dir, 'index.html'), '<p>write to someone@example.org</p>\n');
    await verifyDirectory(dir, { cacheFile, emailAllowlist: ['someone@example.org'] });
    const other = await verifyDirectory(dir, { cacheFile });
    expect(other.filesReused).toBe(0);
    expect(other.filesScanned).toBe(1);
  });
});
