/**
 * Where the Codex home is, and whether a folder the user named is one. Mirrors Codex's own
 * `find_codex_home` so that "no options" means the same folder Codex writes to.
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The folder given as a source does not exist (or is not a folder). Thrown once, up front:
 * without a source there is nothing to build.
 */
export class SourceNotFoundError extends Error {
  /** The absolute path that was looked for. */
  readonly path: string;

  constructor(dir: string, why: 'missing' | 'not-a-folder' | 'unreadable' = 'missing', detail?: string) {
    const what =
      why === 'missing'
        ? 'it does not exist'
        : why === 'not-a-folder'
          ? 'it is a file, not a folder'
          : `it cannot be read${detail ? ` (${detail})` : ''}`;
    super(
      `Cannot read sessions from ${dir}: ${what}. Point at your Codex home (the folder that holds sessions/), ` +
        `for example by setting CODEX_HOME=<dir>, or at a folder of rollout-*.jsonl files.`,
    );
    this.name = 'SourceNotFoundError';
    this.path = dir;
  }
}

/**
 * The Codex home as Codex finds it: `CODEX_HOME` when set and non-empty (not trimmed: Codex
 * does not trim either), else `<home>/.codex`. Codex also canonicalises `CODEX_HOME` (following
 * symlinks, failing when missing); we only make it absolute, so this stays pure and a missing
 * folder is reported by `discoverRollouts` with a clear error instead.
 */
export function resolveCodexHome(env: NodeJS.ProcessEnv = process.env, homedir: string = os.homedir()): string {
  const fromEnv = env.CODEX_HOME;
  if (fromEnv !== undefined && fromEnv !== '') return path.resolve(fromEnv);
  return path.join(homedir, '.codex');
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    // lstat: a `sessions` symlink pointing elsewhere does not make this a Codex home.
    return (await fsp.lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * `codex-home` when `root` holds `sessions/` or `archived_sessions/` (only those are read then),
 * else `folder` (any folder of rollout files, walked recursively). Throws `SourceNotFoundError`
 * when `root` is missing or not a folder.
 */
export async function classifySource(root: string): Promise<'codex-home' | 'folder'> {
  const abs = path.resolve(root);
  let stat;
  try {
    stat = await fsp.stat(abs);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SourceNotFoundError(abs, 'missing');
    throw new SourceNotFoundError(abs, 'unreadable', code);
  }
  if (!stat.isDirectory()) throw new SourceNotFoundError(abs, 'not-a-folder');
  if ((await isDirectory(path.join(abs, 'sessions'))) || (await isDirectory(path.join(abs, 'archived_sessions')))) {
    return 'codex-home';
  }
  return 'folder';
}
