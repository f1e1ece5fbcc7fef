/**
 * scripts/build.mjs swaps the new site in and deletes the previous one in a detached process:
 * the build does not wait for the delete, the new site is complete when the build returns, and
 * the output folder's parent is left clean, also of the leftovers of interrupted builds or
 * deletes (which the next build removes).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoHome, projectRoot } from './build-once.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'swap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(): Promise<{ code: number | null; output: string }> {
  const args = ['--out', path.join(dir, 'site'), '--report', path.join(dir, 'report.json'), '--cache-dir', path.join(dir, 'cache')];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'scripts', 'build.mjs'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, CODEX_HOME: demoHome, CODEX_ARCHIVE_SOURCES: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const ours = () => readdirSync(dir).filter((n) => n.startsWith('.site.'));

async function until(check: () => boolean, ms = 20_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('swapping the new site in', () => {
  it('replaces the previous site, deletes it in the background and cleans up leftovers', { timeout: 240_000 }, async () => {
    const first = await build();
    expect(first.code, first.output).toBe(0);
    // The previous site, plus what an interrupted build and an interrupted delete would leave.
    writeFileSync(path.join(dir, 'site', 'previous-only.txt'), 'from the previous site');
    for (const leftover of ['.site.building-1', '.site.old-2']) {
      mkdirSync(path.join(dir, leftover, 's', 'x'), { recursive: true });
      writeFileSync(path.join(dir, leftover, 's', 'x', 'index.html'), 'stale');
    }
    // Not ours: never touched.
    mkdirSync(path.join(dir, '.other.old-3'));

    const second = await build();
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/swap \d+\.\ds/);
    expect(existsSync(path.join(dir, 'site', 'index.html'))).toBe(true);
    expect(existsSync(path.join(dir, 'site', 'previous-only.txt'))).toBe(false);
    expect(await until(() => ours().length === 0), ours().join(', ')).toBe(true);
    expect(existsSync(path.join(dir, '.other.old-3'))).toBe(true);
  });
});
