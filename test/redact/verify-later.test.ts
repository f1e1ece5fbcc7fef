/**
 * `later`: the build verifies its pages while the search index is still being written, and the
 * index folder once it is complete. The folder must not be read before it is ready, and the
 * result must be the one a plain scan of the finished site gives.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs('verify-later');
const gh = githubFake();

/** A site of `n` pages, one with a secret, and no search index yet. */
function pages(n: number): string {
  const dir = tempDir();
  for (let i = 0; i < n; i++) {
    const page = join(dir, 's', String(i).padStart(4, '0'));
    mkdirSync(page, { recursive: true });
    writeFileSync(join(page, 'index.html'), `<!doctype html>\n${i === 7 ? `<pre>${planted(gh)}</pre>` : `<p>clean ${i}</p>`}\n`);
  }
  writeFileSync(join(dir, 'index.html'), '<p>home</p>\n');
  return dir;
}

/** The search index, written once the scan of everything else is under way. */
function writeIndex(dir: string): void {
  mkdirSync(join(dir, 'pagefind', 'fragment'), { recursive: true });
  writeFileSync(join(dir, 'pagefind', 'fragment', 'en_1.pf_fragment'), gzipSync(Buffer.from(`pagefind_dcd{"content":"${planted(gh)}"}`)));
  writeFileSync(join(dir, 'pagefind', 'pagefind-entry.json'), '{"version":"1"}\n');
}

/** A promise and the function that settles it. */
function gate(): { ready: Promise<boolean>; open: (value: boolean) => void } {
  let open!: (value: boolean) => void;
  const ready = new Promise<boolean>((r) => (open = r));
  return { ready, open };
}

describe('verify with a folder scanned later', () => {
  for (const threads of [0, 2, undefined]) {
    it(`scans the folder only once it is ready, and equals a plain scan (threads: ${threads})`, async () => {
      const dir = pages(threads === undefined ? 260 : 40);
      // The folder exists, half written, when the scan starts: it must not be listed yet.
      mkdirSync(join(dir, 'pagefind'));
      const { ready, open } = gate();
      const scan = verifyDirectory(dir, { ...(threads === undefined ? {} : { threads }), later: { folder: 'pagefind', ready } });
      let settled = false;
      void scan.finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      writeIndex(dir);
      open(true);
      const result = await scan;
      expect([...new Set(result.findings.map((f) => f.file))]).toEqual(['pagefind/fragment/en_1.pf_fragment', 's/0007/index.html']);
      expect(result).toEqual(await verifyDirectory(dir, threads === undefined ? {} : { threads }));
    });
  }

  it('keeps the same verdicts as a plain scan', async () => {
    const dir = pages(260);
    const { ready, open } = gate();
    const withLater = join(tempDir(), 'verified.json');
    const plain = join(tempDir(), 'verified.json');
    const scan = verifyDirectory(dir, { cacheFile: withLater, later: { folder: 'pagefind', ready } });
    writeIndex(dir);
    open(true);
    await scan;
    await verifyDirectory(dir, { cacheFile: plain });
    expect(readFileSync(withLater, 'utf8')).toBe(readFileSync(plain, 'utf8'));
  });

  it('stops with an error when the folder never becomes ready', async () => {
    for (const threads of [0, 2]) {
      const dir = pages(40);
      const { ready, open } = gate();
      const scan = verifyDirectory(dir, { threads, later: { folder: 'pagefind', ready } });
      open(false);
      await expect(scan).rejects.toThrow('the scan was stopped before pagefind/ was ready');
    }
  });
});

describe('scripts/verify.mjs --later', () => {
  const script = resolve('scripts/verify.mjs');
  /** Runs the verifier; `feed` writes to its stdin once it has started. Resolves exit code and output. */
  function verify(dir: string, feed: (stdin: NodeJS.WritableStream) => void): Promise<{ code: number | null; out: string }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [script, dir, '--later=pagefind', '--threads=0'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => done({ code, out }));
      feed(child.stdin);
    });
  }

  it('scans the folder after a `ready` line', async () => {
    const dir = pages(10);
    const { code, out } = await verify(dir, (stdin) => {
      setTimeout(() => {
        writeIndex(dir);
        stdin.end('ready\n');
      }, 300);
    });
    expect(code).toBe(1);
    expect(out).toContain('pagefind/fragment/en_1.pf_fragment:');
    expect(out).toContain('s/0007/index.html:');
  });

  it('stops (exit 2) when stdin closes without `ready`', async () => {
    const dir = pages(10);
    const { code, out } = await verify(dir, (stdin) => stdin.end());
    expect(code).toBe(2);
    expect(out).toContain('the scan was stopped before pagefind/ was ready');
  });
});
