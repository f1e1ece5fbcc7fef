/**
 * One build per output folder (scripts/build-lock.mjs): a second build must not start while one
 * runs, since it would delete the running build's temporary folder; a lock left by a build that
 * no longer runs is taken over.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildLockFile, releaseBuildLock, takeBuildLock } from '../../scripts/build-lock.mjs';
import { runBuildScript } from '../site/build-once.ts';

let dir: string;
let lock: string;
let holder: ChildProcess | null = null;

/** A live process that is not this one, to hold a lock. */
function liveProcess(): number {
  holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  return holder.pid!;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'codex-archive-lock-'));
  lock = path.join(dir, 'site.lock');
});

afterEach(() => {
  holder?.kill('SIGKILL');
  holder = null;
  rmSync(dir, { recursive: true, force: true });
});

describe('build lock', () => {
  it('is taken when free, and released only by its holder', () => {
    expect(takeBuildLock(lock, '/x/dist')).toBeNull();
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    releaseBuildLock(lock);
    expect(existsSync(lock)).toBe(false);

    const other = liveProcess();
    writeFileSync(lock, `${other}\n`);
    releaseBuildLock(lock);
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(other));
  });

  it('refuses while another live build holds it, naming the process and the way out', () => {
    const other = liveProcess();
    writeFileSync(lock, `${other}\n`);
    const message = takeBuildLock(lock, '/x/dist');
    expect(message).toContain(`Another build (process ${other}) is building /x/dist right now`);
    expect(message).toContain(`delete ${lock}`);
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(other));
  });

  it('takes over a lock whose build no longer runs, or that holds no pid', () => {
    writeFileSync(lock, `${deadPid()}\n`);
    expect(takeBuildLock(lock, '/x/dist')).toBeNull();
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(process.pid));
    writeFileSync(lock, 'garbage');
    expect(takeBuildLock(lock, '/x/dist')).toBeNull();
  });

  it('is kept in the project, never beside the output folder', () => {
    const root = path.join(dir, 'project');
    const file = buildLockFile(root, path.join(dir, 'home', 'dist'));
    expect(file.startsWith(path.join(root, 'node_modules', '.codex-archive-build', 'locks') + path.sep)).toBe(true);
    expect(buildLockFile(root, '/a/dist')).not.toBe(buildLockFile(root, '/b/dist'));
  });

  it('stops a second npm run build, leaving the running build its temporary folder', async () => {
    const out = path.join(dir, 'dist');
    // What a running build has: its lock, and its temporary folder beside the output folder.
    const running = liveProcess();
    const projectRoot = path.resolve(__dirname, '..', '..');
    const file = buildLockFile(projectRoot, out);
    writeFileSync(file, `${running}\n`);
    const building = path.join(dir, `.dist.building-${running}`);
    mkdirSync(building);
    writeFileSync(path.join(building, 'index.html'), 'half built');
    try {
      const failure = await runBuildScript(['--out', out, '--report', path.join(dir, 'report.json')], path.join(dir, 'log.txt')).catch((e: Error) => e);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain(`Another build (process ${running}) is building ${out} right now`);
      expect(readFileSync(path.join(building, 'index.html'), 'utf8')).toBe('half built');
      expect(existsSync(out)).toBe(false);
      expect(readFileSync(file, 'utf8').trim()).toBe(String(running));
    } finally {
      rmSync(file, { force: true });
    }
  });
});
