/**
 * The page verifier (src/integration/page-verifier.ts) scans pages while they render and records
 * clean verdicts for the final pass. A page is skipped by the final pass only when its bytes on
 * disk are exactly the bytes scanned clean, with the same options; anything else is scanned there.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PageVerifier, startPageVerifier, verdictFile } from '../../src/integration/page-verifier.ts';
import { saveVerdicts, verdictPrefix, verifyDirectory } from '../../src/lib/redact/verify.ts';
import { githubFake, planted } from './fake.ts';
import { tempDirs } from './temp-dirs.ts';

const tempDir = tempDirs('page-verifier');
const gh = githubFake();
const page = (i: number, body = `<p>session ${i} – “clean” text &amp; more</p>`) => `<!doctype html><html><body>${body}\n</body></html>\n`;

/** Writes pages `s/<i>/index.html` (as Astro does: UTF-8) plus a file the verifier never saw. */
function writeSite(dir: string, pages: string[]): void {
  pages.forEach((html, i) => {
    mkdirSync(join(dir, 's', String(i)), { recursive: true });
    writeFileSync(join(dir, 's', String(i), 'index.html'), html);
  });
  mkdirSync(join(dir, 'pagefind'), { recursive: true });
  writeFileSync(join(dir, 'pagefind', 'other.json'), '{"not":"offered"}\n');
}

describe('PageVerifier', () => {
  it('a page verified while rendering is not scanned again; everything else is', async () => {
    const dir = tempDir();
    const cacheFile = join(tempDir(), 'verified.json');
    const pages = Array.from({ length: 5 }, (_, i) => page(i));
    const v = new PageVerifier({ cacheFile, scanOptions: { emailAllowlist: [] } });
    pages.forEach((html, i) => expect(v.offer(`s/${i}/index.html`, html)).toBe(true));
    const stats = await v.finish({ drain: true });
    expect(stats).toMatchObject({ offered: 5, verified: 5, flagged: 0, dropped: 0 });

    writeSite(dir, pages);
    const result = await verifyDirectory(dir, { cacheFile, emailAllowlist: [], threads: 0 });
    expect(result).toMatchObject({ findings: [], filesReused: 5, filesScanned: 1 });
  });

  it('a page whose bytes changed after it was verified is scanned, and its secret found', async () => {
    const dir = tempDir();
    const cacheFile = join(tempDir(), 'verified.json');
    const pages = [page(0), page(1), page(2)];
    const v = new PageVerifier({ cacheFile, scanOptions: { emailAllowlist: [] } });
    pages.forEach((html, i) => v.offer(`s/${i}/index.html`, html));
    await v.finish({ drain: true });

    // What is written differs from what was verified: one byte, and a secret added.
    writeSite(dir, [pages[0]!.replace('session 0', 'session O'), pages[1]!.replace('</body>', `<pre>${planted(gh)}</pre></body>`), pages[2]!]);
    const result = await verifyDirectory(dir, { cacheFile, emailAllowlist: [], threads: 0 });
    expect(result.filesReused).toBe(1);
    expect(result.filesScanned).toBe(3);
    expect(new Set(result.findings.map((f) => f.file))).toEqual(new Set(['s/1/index.html']));
  });

  it('never records a page with a secret; the final pass finds it', async () => {
    const dir = tempDir();
    const cacheFile = join(tempDir(), 'verified.json');
    const pages = [page(0), page(1, `<pre>${planted(gh)}</pre>`)];
    const v = new PageVerifier({ cacheFile, scanOptions: { emailAllowlist: [] } });
    pages.forEach((html, i) => v.offer(`s/${i}/index.html`, html));
    expect(await v.finish({ drain: true })).toMatchObject({ verified: 1, flagged: 1 });
    expect(readFileSync(cacheFile, 'utf8')).not.toContain(gh.random);

    writeSite(dir, pages);
    const result = await verifyDirectory(dir, { cacheFile, emailAllowlist: [], threads: 0 });
    expect(result.filesReused).toBe(1);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(new Set(result.findings.map((f) => f.file))).toEqual(new Set(['s/1/index.html']));
  });

  it('verdicts made with other options are not used', async () => {
    const dir = tempDir();
    const cacheFile = join(tempDir(), 'verified.json');
    const pages = [page(0, '<p>mail someone@example.org</p>')];
    const v = new PageVerifier({ cacheFile, scanOptions: { emailAllowlist: ['someone@example.org'] } });
    v.offer('s/0/index.html', pages[0]!);
    expect(await v.finish({ drain: true })).toMatchObject({ verified: 1 });
    writeSite(dir, pages);
    const other = await verifyDirectory(dir, { cacheFile, threads: 0 });
    expect(other.filesReused).toBe(0);
    expect(other.filesScanned).toBe(2);
  });

  it('merges its verdicts into the file instead of replacing them', async () => {
    const cacheFile = join(tempDir(), 'verified.json');
    const prefix = verdictPrefix({ emailAllowlist: [] });
    await saveVerdicts(cacheFile, prefix, ['earlier-a', 'earlier-b']);
    const v = new PageVerifier({ cacheFile, scanOptions: { emailAllowlist: [] } });
    v.offer('s/0/index.html', page(0));
    await v.finish({ drain: true });
    const saved = JSON.parse(readFileSync(cacheFile, 'utf8')) as { prefix: string; clean: string[] };
    expect(saved.prefix).toBe(prefix);
    expect(saved.clean).toEqual(expect.arrayContaining(['earlier-a', 'earlier-b']));
    expect(saved.clean).toHaveLength(3);
  });

  it('drops pages instead of queueing past its bounds, and never waits for the worker', async () => {
    const cacheFile = join(tempDir(), 'verified.json');
    const v = new PageVerifier({ cacheFile, scanOptions: {}, maxQueuedPages: 2, maxQueuedBytes: 1 << 20 });
    const big = page(0, 'x'.repeat(2 << 20));
    expect(v.offer('s/big/index.html', big)).toBe(false);
    const accepted = Array.from({ length: 10 }, (_, i) => v.offer(`s/${i}/index.html`, page(i))).filter(Boolean).length;
    expect(accepted).toBeLessThanOrEqual(2);
    expect(v.pending).toBeLessThanOrEqual(2);
    const started = performance.now();
    const stats = await v.finish();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(stats.offered).toBe(11);
    expect(stats.verified + stats.dropped).toBe(11);
    expect(v.offer('s/late/index.html', page(99))).toBe(false);
  });

  it('abort writes nothing', async () => {
    const cacheFile = join(tempDir(), 'verified.json');
    const v = new PageVerifier({ cacheFile, scanOptions: {} });
    v.offer('s/0/index.html', page(0));
    await v.abort();
    expect(() => readFileSync(cacheFile)).toThrow();
  });

  it('runs only where a final pass will use it, with the options scripts/verify.mjs scans with', async () => {
    const init = { cacheDir: tempDir(), emailAllowlist: ['a@x.org', '@corp.dev'], redact: true };
    expect(startPageVerifier({ ...init, env: {} })).toBeNull();
    expect(startPageVerifier({ ...init, redact: false, env: { CODEX_ARCHIVE_BUILD_STAGE: 'astro' } })).toBeNull();
    expect(startPageVerifier({ ...init, env: { CODEX_ARCHIVE_BUILD_STAGE: 'astro', CODEX_ARCHIVE_PAGE_VERIFY: '0' } })).toBeNull();
    const v = startPageVerifier({ ...init, env: { CODEX_ARCHIVE_BUILD_STAGE: 'astro' } })!;
    expect(v).not.toBeNull();
    v.offer('index.html', page(0, '<p>a@x.org</p>'));
    await v.finish({ drain: true });
    // scripts/verify.mjs --allow-email=a@x.org,@corp.dev scans with { emailAllowlist: [...] }.
    const saved = JSON.parse(readFileSync(verdictFile(init.cacheDir), 'utf8')) as { prefix: string };
    expect(saved.prefix).toBe(verdictPrefix({ emailAllowlist: ['a@x.org', '@corp.dev'] }));
  });
});
