/**
 * Browser-test support: a tiny static server that serves the built site UNDER A BASE PATH (as
 * GitHub Pages does for project sites), Chromium with the flags that keep it offline and quiet,
 * and a page opener that records every CSP violation, failed request and script error.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Browser tests run when Chromium is installed; without it they are skipped with a message,
 * EXCEPT under CI, where a missing browser must fail the run (scripts/ci-browser-setup.sh
 * installs it).
 */
export const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;
if (skipBrowser) {
  console.warn(`Skipping browser tests: ${CHROMIUM} is missing. Install it with: sudo apt-get install -y chromium`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A running server; `url` ends with the base path. */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` at `http://127.0.0.1:<port><base>`; anything outside the base is a 404. */
export async function serve(dir: string, base: string): Promise<Served> {
  const root = path.resolve(dir);
  const server = http.createServer(async (req, res) => {
    try {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (!pathname.startsWith(base)) throw new Error('outside base');
      let file = path.resolve(root, '.' + path.posix.normalize('/' + pathname.slice(base.length)));
      if (file !== root && !file.startsWith(root + path.sep)) throw new Error('traversal');
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Launches the system Chromium, offline-minded. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}

/** What went wrong while a page was open. */
export interface Problems {
  csp: string[];
  failedRequests: string[];
  errors: string[];
}

/** A page that records CSP violations (console and DOM event), failed requests and script errors. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: Problems }> {
  const page = await context.newPage();
  const problems: Problems = { csp: [], failedRequests: [], errors: [] };
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (text.includes('Refused to') || text.startsWith('CSP violation')) problems.csp.push(`${page.url()}: ${text}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`${page.url()}: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Leaving a page aborts what it was still loading (e.g. the icon): that is not a broken link.
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') problems.failedRequests.push(`${request.url()} (${reason})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.failedRequests.push(`${response.url()} (HTTP ${response.status()})`);
  });
  return { page, problems };
}
