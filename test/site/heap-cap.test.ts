/**
 * scripts/build.mjs runs Astro in a child process with a capped heap (CODEX_ARCHIVE_HEAP_MB).
 * A build that runs out of that heap must say so, name the variable that raises the cap, and
 * leave the previous site and the output folder's parent as they were; a malformed cap is
 * refused before anything is built.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoHome, projectRoot } from './build-once.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'heap-cap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const out = path.join(dir, 'site');
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(projectRoot, 'scripts', 'build.mjs'), '--out', out, '--report', path.join(dir, 'report.json'), '--cache-dir', path.join(dir, 'cache')],
      { cwd: projectRoot, env: { ...process.env, CODEX_HOME: demoHome, CODEX_ARCHIVE_SOURCES: '', NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the build heap cap', () => {
  it('an out-of-memory build says so, names CODEX_ARCHIVE_HEAP_MB and keeps the previous site', async () => {
    const site = path.join(dir, 'site');
    mkdirSync(site, { recursive: true });
    writeFileSync(path.join(site, 'index.html'), 'previous site');
    const { code, output } = await build({ CODEX_ARCHIVE_HEAP_MB: '24' });
    expect(code, output).toBe(1);
    expect(output).toMatch(/ran out of memory .*heap cap of 24 MB/);
    expect(output).toMatch(/CODEX_ARCHIVE_HEAP_MB=48 npm run build/);
    expect(output).toContain(`${site} is unchanged`);
    expect(readFileSync(path.join(site, 'index.html'), 'utf8')).toBe('previous site');
    expect(readdirSync(dir).filter((n) => n.includes('.building-') || n.includes('.old-'))).toEqual([]);
  });

  it('refuses a cap that is not a number', async () => {
    const { code, output } = await build({ CODEX_ARCHIVE_HEAP_MB: '1g' });
    expect(code).toBe(1);
    expect(output).toMatch(/CODEX_ARCHIVE_HEAP_MB must be a number of megabytes/);
    expect(output).not.toMatch(/Building into/);
  });
});
