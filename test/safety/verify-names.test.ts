/**
 * The verifier reads file and folder NAMES too: they are published as URLs, and a page folder
 * named after a session id that is a token leaked it where no content scan looked.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { fakes, githubFake } from '../redact/fake.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-verify-names-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('verifyDirectory', () => {
  it('reports a secret in a folder or file name, and not the hashes our assets are named by', async () => {
    const gh = githubFake().value;
    const npm = fakes().find((f) => f.kind === 'npm')!.value;
    await mkdir(path.join(dir, 's', gh), { recursive: true });
    await writeFile(path.join(dir, 's', gh, 'index.html'), '<p>clean</p>');
    await mkdir(path.join(dir, '_assets', 'img'), { recursive: true });
    await writeFile(path.join(dir, '_assets', 'img', `${npm}.png`), 'x');
    const { findings } = await verifyDirectory(dir);
    const files = findings.map((f) => f.file);
    expect(files).toContain('s/[folder name]');
    expect(files).toContain('_assets/img/[file name]');
    expect(findings.filter((f) => f.file === '_assets/img/[file name]').length).toBeGreaterThan(0);
    // The report never repeats the value, and our content hashes are not findings.
    expect(files.join(' ')).not.toContain(gh.slice(4, 12));
  });

  it('does not mistake the content hashes our assets are named by for secrets', async () => {
    const clean = path.join(dir, 'clean');
    await mkdir(path.join(clean, '_assets', 'out'), { recursive: true });
    for (const hex of ['0123456789abcdef', 'fedcba9876543210', 'a1b2c3d4e5f60718']) {
      await writeFile(path.join(clean, '_assets', 'out', `${hex.repeat(4)}.txt`), 'plain text');
    }
    expect((await verifyDirectory(clean)).findings).toEqual([]);
  });
});
