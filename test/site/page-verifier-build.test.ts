/**
 * Pages verified while the build renders them (src/integration/page-verifier.ts), through
 * scripts/build.mjs: the final pass skips exactly those pages (so the bytes the middleware saw
 * are the bytes Astro wrote), and a secret still fails the build, whether the verifier saw it
 * (a middleware inside ours adds it) or the page changed after it was verified (a middleware
 * around ours adds it after ours ran).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubFake } from '../redact/fake.ts';
import { demoHome, projectRoot } from './build-once.ts';

let dir: string;
const scratch = path.join(projectRoot, 'node_modules', '.codex-archive-test');
const written: string[] = [];

/** Runs scripts/build.mjs on the demo home; never rejects. `drain`: the page verifier finishes its queue. */
function build(name: string, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  const out = path.join(dir, name);
  const args = ['--out', path.join(out, 'dist'), '--report', path.join(out, 'report.json'), '--cache-dir', path.join(out, 'cache'), ...extra];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, CODEX_HOME: demoHome, CODEX_ARCHIVE_SOURCES: '', CODEX_ARCHIVE_PAGE_VERIFY: 'drain' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** An Astro config with a second integration whose middleware plants a token in every page, around ours (`pre`) or inside it (`post`). */
async function leakyConfig(order: 'pre' | 'post', token: string): Promise<string> {
  await mkdir(scratch, { recursive: true });
  const middleware = path.join(scratch, `leak-${order}-${process.pid}.mjs`);
  await writeFile(
    middleware,
    `import { defineMiddleware } from 'astro:middleware';
export const onRequest = defineMiddleware(async (context, next) => {
  const response = await next();
  if (!(response.headers.get('content-type') ?? '').includes('text/html')) return response;
  const html = (await response.text()).replace('</body>', ${JSON.stringify(`<pre>token ${token}</pre></body>`)});
  return new Response(html, { status: response.status, headers: response.headers });
});
`,
  );
  const file = path.join(scratch, `leak-${order}-${process.pid}.config.mjs`);
  await writeFile(
    file,
    `import { defineConfig } from 'astro/config';
import codexArchive from ${JSON.stringify(path.join(projectRoot, 'src/integration/index.ts'))};
const leak = { name: 'leak', hooks: { 'astro:config:setup': ({ addMiddleware }) => addMiddleware({ entrypoint: ${JSON.stringify(middleware)}, order: ${JSON.stringify(order)} }) } };
export default defineConfig({ integrations: [codexArchive(), leak], build: { format: 'directory', inlineStylesheets: 'never' } });
`,
  );
  written.push(middleware, file);
  return file;
}

/** Files under `root`. */
function countFiles(root: string): number {
  let n = 0;
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) if (e.isFile()) n++;
  return n;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'codex-archive-page-verifier-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  for (const f of written) await rm(f, { force: true });
});

const verifiedLine = /Verified while rendering: (\d+) of (\d+) pages clean \([\d.]+ MB\), (\d+) with findings and (\d+) left to the final check \((\d+) while it was behind\)/;
const verifyLine = /verify: (\d+) findings? in (\d+) files \([^)]*\)(?: \(\+(\d+) unchanged files found clean before\))?/;

describe('verifying pages while rendering', () => {
  it('the final pass skips exactly the pages verified while rendering, and scans the rest', async () => {
    const { code, output } = await build('clean');
    expect(code, output).toBe(0);
    const [, verified, offered, flagged, dropped] = verifiedLine.exec(output)!.map(Number);
    expect(offered).toBeGreaterThan(10);
    expect({ verified, flagged, dropped }).toEqual({ verified: offered, flagged: 0, dropped: 0 });
    // A fresh cache: every reused verdict is one the page verifier made, for the bytes on disk.
    const [, findings, scanned, reused] = verifyLine.exec(output)!.map(Number);
    expect(findings).toBe(0);
    expect(reused).toBe(verified);
    expect(scanned).toBeGreaterThan(0); // search index, offline index, scripts: still scanned
    const files = countFiles(path.join(dir, 'clean', 'dist'));
    expect(scanned! + reused!).toBeLessThanOrEqual(files);
  }, 240_000);

  it('a page changed after it was verified is scanned, and its secret fails the build', async () => {
    const token = githubFake().value;
    const { code, output } = await build('around', ['--config', await leakyConfig('pre', token)]);
    expect(code, output).not.toBe(0);
    // Ours saw every page clean (the token is added after it ran) …
    const [, verified, offered] = verifiedLine.exec(output)!.map(Number);
    expect(verified).toBe(offered);
    expect(verified).toBeGreaterThan(10);
    // … and the final pass scanned the pages as written, found the token and refused the build.
    expect(output).toMatch(/^s\/[^:]+\/index\.html:\d+ /m);
    expect(output).toMatch(/verifier found problems/);
    expect(output).not.toContain(token);
  }, 240_000);

  it('a page with a secret is never recorded clean, and fails the build', async () => {
    const token = githubFake().value;
    const { code, output } = await build('inside', ['--config', await leakyConfig('post', token)]);
    expect(code, output).not.toBe(0);
    const [, verified, offered, flagged] = verifiedLine.exec(output)!.map(Number);
    expect(flagged).toBe(offered);
    expect(verified).toBe(0);
    expect(output).toMatch(/^s\/[^:]+\/index\.html:\d+ /m);
    expect(output).toMatch(/verifier found problems/);
    expect(output).not.toContain(token);
  }, 240_000);
});
