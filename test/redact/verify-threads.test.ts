/**
 * The verifier's worker threads: the same findings, in the same order, and the same verdict file
 * whatever the thread count, including the default (threads start once a site has 200 files).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const run = promisify(execFile);
const tempDir = tempDirs('verify-threads');
const gh = githubFake();

/** A site of `n` session pages (every 37th with a secret on line 2), a Pagefind shard and a few roots. */
function site(n: number): string {
  const dir = tempDir();
  for (let i = 0; i < n; i++) {
    const page = join(dir, 's', String(i).padStart(4, '0'));
    mkdirSync(page, { recursive: true });
    const secret = i % 37 === 5 ? `<pre>${planted(gh)}</pre>` : `<p>clean ${i}</p>`;
    writeFileSync(join(page, 'index.html'), `<!doctype html>\n${secret}\n<p>${'words '.repeat(200)}</p>\n`);
    if (i % 50 === 0) writeFileSync(join(page, 'out.txt'), `line\n`.repeat(100) + (i === 100 ? `${planted(gh)}\n` : ''));
  }
  mkdirSync(join(dir, 'pagefind', 'fragment'), { recursive: true });
  writeFileSync(join(dir, 'pagefind', 'fragment', 'en_1.pf_fragment'), gzipSync(Buffer.from(`pagefind_dcd{"content":"${planted(gh)}"}`)));
  writeFileSync(join(dir, 'pagefind', 'fragment', 'en_2.pf_fragment'), gzipSync(Buffer.from('pagefind_dcd{"content":"clean"}')));
  writeFileSync(join(dir, 'index.html'), '<p>home</p>\n');
  writeFileSync(join(dir, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  return dir;
}

describe('verify with worker threads', () => {
  const dir = site(260);

  it('finds the same things in the same order with 0, 1, 2 and 3 threads and by default', async () => {
    const inThread = await verifyDirectory(dir, { threads: 0 });
    expect(inThread.filesScanned).toBe(260 + 6 + 2 + 1);
    expect(new Set(inThread.findings.map((f) => f.file)).size).toBe(7 + 1 + 1); // pages 5, 42, …, 227; s/0100/out.txt; one fragment
    expect(inThread.findings.some((f) => f.file === 's/0100/out.txt' && f.line === 101)).toBe(true);
    expect(inThread.findings.some((f) => f.file === 'pagefind/fragment/en_1.pf_fragment')).toBe(true);
    for (const threads of [1, 2, 3, undefined]) {
      const threaded = await verifyDirectory(dir, threads === undefined ? {} : { threads });
      expect(threaded, `threads: ${threads}`).toEqual(inThread);
    }
  });

  it('writes the same verdicts with threads as without, and reuses them', async () => {
    const one = join(tempDir(), 'verified.json');
    const two = join(tempDir(), 'verified.json');
    const a = await verifyDirectory(dir, { cacheFile: one, threads: 0 });
    const b = await verifyDirectory(dir, { cacheFile: two, threads: 2 });
    expect(b).toEqual(a);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    // Clean files are reused, files with findings are scanned again (and still reported).
    const again = await verifyDirectory(dir, { cacheFile: two, threads: 2 });
    expect(again.filesScanned).toBe(9);
    expect(again.filesReused).toBe(a.filesScanned - 9);
    expect(again.findings).toEqual(a.findings);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
  });

  it('a changed file is scanned again by the threads', async () => {
    const small = site(20);
    const cacheFile = join(tempDir(), 'verified.json');
    const first = await verifyDirectory(small, { cacheFile, threads: 2 });
    expect(first.findings.map((f) => f.file)).not.toContain('s/0003/index.html');
    writeFileSync(join(small, 's', '0003', 'index.html'), `<p>\n${planted(gh)}</p>\n`);
    const second = await verifyDirectory(small, { cacheFile, threads: 2 });
    expect(second.findings.filter((f) => f.file === 's/0003/index.html').map((f) => f.line)).toContain(2);
    expect(second.filesReused).toBe(first.filesScanned - 3);
  });

  it('the script takes --threads and prints the same findings', async () => {
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'verify.mjs');
    const outputs = [];
    for (const threads of ['0', '2']) {
      const err = await run(process.execPath, [script, dir, `--threads=${threads}`]).catch((e) => e);
      expect(err.code).toBe(1);
      outputs.push(err.stdout);
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[0].split('\n').filter(Boolean).length).toBeGreaterThan(10);
    const bad = await run(process.execPath, [script, dir, '--threads=two']).catch((e) => e);
    expect(bad.code).toBe(2);
  });
});
