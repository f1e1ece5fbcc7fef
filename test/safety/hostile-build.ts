/**
 * One real build of the hostile home (hostile-home.ts) per test run, shared by the safety test
 * files like test/site/build-once.ts shares the demo build: the first caller takes a lock folder,
 * writes the home, fingerprints it, builds (with `exclude` set, so exclusion is checked on the
 * same output), and the others wait for its marker.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, existsSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { onceAcrossWorkers, runBuildScript, runKey, testConfigPath, writeTestConfig } from '../site/build-once.ts';
import { writeHostileHome, type HostileHome } from './hostile-home.ts';

export const BASE = '/hostile/';

export interface HostileBuild {
  dir: string;
  dist: string;
  report: string;
  log: string;
  config: string;
  home: HostileHome;
  /** Fingerprint of every file of the home before the build (see fingerprint()). */
  before: Record<string, string>;
}


/** Every file and folder under `dir` (symlinks not followed). */
export function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? [full, ...walk(full)] : [full];
  });
}

/** Path → bytes, size, mtime and atime (ns) of every entry under `dir`. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of walk(dir)) {
    const st = statSync(file, { bigint: true });
    // Read with O_NOATIME, or this very check would move the access times it compares.
    let bytes = 'dir';
    if (st.isFile()) {
      const fd = openSync(file, constants.O_RDONLY | (constants.O_NOATIME ?? 0));
      try {
        bytes = createHash('sha256').update(readFileSync(fd)).digest('hex');
      } finally {
        closeSync(fd);
      }
    }
    out[path.relative(dir, file)] = `${st.mode} ${st.size} m${st.mtimeNs} a${st.atimeNs} ${bytes}`;
  }
  return out;
}

/** Text of an output file; gzip (Pagefind's index) decompressed. Latin-1 keeps bytes 1:1. */
export function textOf(file: string): string {
  const bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return gunzipSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

/** Builds the hostile home once per run (or waits for the worker that does). */
export async function hostileBuild(): Promise<HostileBuild> {
  const dir = path.join(os.tmpdir(), `codex-archive-test-hostile-${runKey()}`);
  const config = testConfigPath(`hostile-${runKey()}`);
  const paths = { dir, dist: path.join(dir, 'dist'), report: path.join(dir, 'report.json'), log: path.join(dir, 'build.log'), config };
  return onceAcrossWorkers(dir, 'the hostile build', async () => {
    const home = await writeHostileHome(dir);
    // Access times older than the modification times: a plain read would move them
    // (relatime), O_NOATIME keeps them.
    const { utimes } = await import('node:fs/promises');
    for (const f of walk(home.home)) {
      const st = statSync(f);
      await utimes(f, new Date(st.mtimeMs - 3_600_000), st.mtime);
    }
    const before = fingerprint(home.home);
    await writeTestConfig(
      `hostile-${runKey()}`,
      `{ sources: [${JSON.stringify(home.home)}], exclude: { ids: [${JSON.stringify(home.excluded.ids[0])}], cwd: [${JSON.stringify(home.excluded.cwdPattern)}] } }`,
    );
    await runBuildScript(
      ['--out', paths.dist, '--base', BASE, '--report', paths.report, '--cache-dir', path.join(dir, 'cache'), '--config', config],
      paths.log,
      home.home,
    );
    const state: HostileBuild = { ...paths, home, before };
    return state;
  });
}

/** Removes the run's hostile build and config (harmless when absent). */
export async function removeHostileBuild(): Promise<void> {
  await rm(path.join(os.tmpdir(), `codex-archive-test-hostile-${runKey()}`), { recursive: true, force: true });
  await rm(testConfigPath(`hostile-${runKey()}`), { force: true });
}
