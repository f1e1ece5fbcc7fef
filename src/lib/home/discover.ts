/**
 * Finding the rollout files of a source (a Codex home or any folder) without reading them:
 * which files, where, compressed or archived, and every oddity met on the way as a diagnostic.
 * It never throws for anything inside the source, never follows a symlink out of it, and
 * never opens credentials.
 */
import { accessSync, constants, lstatSync, promises as fsp, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Diagnostic } from '../model/session.ts';
import { classifySource, SourceNotFoundError } from './codex-home.ts';
import { parseRolloutName } from './rollout-name.ts';

export { SourceNotFoundError } from './codex-home.ts';

/** One rollout file found by discovery. */
export const RolloutFile = z.object({
  /** Absolute path (the link's own path when it is a symlink to a file inside the root). */
  path: z.string(),
  /** Path relative to the source root, with `/` separators: the file's identity in diagnostics. */
  relPath: z.string(),
  /** Under `archived_sessions/` (a Codex home), or under a folder of that name (a plain folder). */
  archived: z.boolean(),
  /** `.jsonl.zst`: decompress while reading. */
  compressed: z.boolean(),
  /** `json` for one-document files (generation 0), `jsonl` otherwise. */
  format: z.enum(['jsonl', 'json']),
  /** Thread UUID from the name. */
  threadId: z.string().nullable(),
  /** Second UUID of a revert's replacement file `rollout-…-<thread>_<rollout>.jsonl`. */
  rolloutId: z.string().nullable(),
  /** `YYYY-MM-DDThh-mm-ss` or `YYYY-MM-DD` from the name (local wall-clock time: a sort key). */
  nameTime: z.string().nullable(),
  /** Size in bytes on disk (compressed size for `.zst`). */
  size: z.number(),
  /** Modification time in ms since the epoch. */
  mtimeMs: z.number(),
});
export type RolloutFile = z.infer<typeof RolloutFile>;

/** Everything discovery learned about one source. */
export interface Discovery {
  /** Absolute source root. */
  root: string;
  /** `codex-home` (only `sessions/` and `archived_sessions/` are walked) or `folder` (all of it). */
  kind: 'codex-home' | 'folder';
  /** Rollout files, sorted by `relPath` (code-unit order, so the same on every machine). */
  files: RolloutFile[];
  /** Problems and skipped entries; never fatal. */
  diagnostics: Diagnostic[];
  /** `session_index.jsonl` at the root (thread names), when present. */
  sessionIndexPath: string | null;
  /** `history.jsonl` at the root (prompt history), when present. */
  historyPath: string | null;
  /** The newest `state_N.sqlite` (or `state.sqlite`) at the root, when present. */
  stateDbPath: string | null;
  /** `saved_sessions.json` at the root (names from a Codex development branch), when present. */
  savedSessionsPath: string | null;
}

/** Options of `discoverRollouts`. */
export interface DiscoverOptions {
  /** Return true to leave a file or folder out (called with its `/`-separated relative path). */
  exclude?: (relPath: string) => boolean;
}

/** Never read, never descended into, whatever folder they turn up in. */
const CREDENTIALS = new Set(['auth.json', '.credentials.json', 'secrets']);

/** How many example paths an "ignored N files" diagnostic names. */
const EXAMPLES = 5;

/** Mutable state of one walk. */
interface Walk {
  root: string;
  realRoot: string;
  exclude: (relPath: string) => boolean;
  found: (RolloutFile & { dir: string; name: string })[];
  diagnostics: Diagnostic[];
  ignored: string[];
  excluded: string[];
  credentials: string[];
}

function toRel(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}

function errorCode(err: unknown): string {
  return (err as { code?: string }).code ?? String(err);
}

function isInside(realRoot: string, target: string): boolean {
  return target === realRoot || target.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/**
 * Resolve a symlink found at `p`: the target's stats when it is a file inside the root, else
 * null with a diagnostic. Symlinked folders are never entered (they could loop or leave the
 * root, and a home's own folders are never links when Codex made them).
 */
async function followLink(walk: Walk, p: string, rel: string): Promise<Stats | null> {
  let target: string;
  try {
    target = await fsp.realpath(p);
  } catch (err) {
    walk.diagnostics.push({
      file: rel,
      line: null,
      code: 'broken-symlink',
      message: `Skipped ${rel}: it is a symbolic link whose target cannot be resolved (${errorCode(err)}). Remove the link or exclude it.`,
      severity: 'info',
    });
    return null;
  }
  if (!isInside(walk.realRoot, target)) {
    walk.diagnostics.push({
      file: rel,
      line: null,
      code: 'symlink-outside-root',
      message: `Skipped ${rel}: it is a symbolic link to ${target}, outside the source folder, and links are never followed out of it. Add the target's folder as a source of its own if you want it.`,
      severity: 'warning',
    });
    return null;
  }
  const stat = await fsp.stat(target);
  if (stat.isDirectory()) {
    walk.diagnostics.push({
      file: rel,
      line: null,
      code: 'symlink-skipped',
      message: `Skipped ${rel}: it is a symbolic link to a folder, and linked folders are not entered (they can loop or repeat files). Point at ${target} directly if it holds sessions.`,
      severity: 'info',
    });
    return null;
  }
  return stat;
}

/** Walk `dir` recursively, collecting rollout files. `archived` marks everything below it. */
async function walkDir(walk: Walk, dir: string, archived: boolean): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const rel = toRel(walk.root, dir) || '.';
    walk.diagnostics.push({
      file: rel,
      line: null,
      code: 'unreadable',
      message: `Cannot list ${rel} (${errorCode(err)}): the rollouts in it are left out. Give the user running the archive read access to the folder, or exclude it.`,
      severity: 'warning',
    });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const subdirs: string[] = [];
  for (const entry of entries) {
    const p = path.join(dir, entry.name);
    const rel = toRel(walk.root, p);
    if (CREDENTIALS.has(entry.name)) {
      walk.credentials.push(rel);
      continue;
    }
    if (entry.name.startsWith('.')) {
      // Hidden: `.rollout-….paginated.tmp` staging files, `.tmp/` locks, editor files, `.git`.
      walk.ignored.push(rel);
      continue;
    }
    if (walk.exclude(rel)) {
      walk.excluded.push(rel);
      continue;
    }
    if (entry.isDirectory()) {
      subdirs.push(p);
      continue;
    }
    const name = parseRolloutName(entry.name);
    if (!entry.isSymbolicLink() && (!name || !entry.isFile())) {
      walk.ignored.push(rel);
      continue;
    }
    let stat: Stats | null;
    try {
      // Links are resolved even when the name is not a rollout's, so that a linked folder
      // (say, sessions/ moved to another disk) is reported rather than silently ignored.
      // Synchronous: one file after the other through the thread pool cost ~0.1 ms a file in
      // round trips (2-4 s of a 20,000-session rebuild), the calls themselves a few microseconds.
      stat = entry.isSymbolicLink() ? await followLink(walk, p, rel) : lstatSync(p);
      if (stat && (!name || !stat.isFile())) {
        walk.ignored.push(rel);
        stat = null;
      }
      if (stat) accessSync(p, constants.R_OK);
    } catch (err) {
      walk.diagnostics.push({
        file: rel,
        line: null,
        code: 'unreadable',
        message: `Cannot read ${rel} (${errorCode(err)}): the session is left out. Give the user running the archive read access to it, or exclude it.`,
        severity: 'warning',
      });
      continue;
    }
    if (!stat || !name) continue;
    walk.found.push({
      path: p,
      relPath: rel,
      archived,
      compressed: name.compressed,
      format: name.format,
      threadId: name.threadId,
      rolloutId: name.rolloutId,
      nameTime: name.nameTime,
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      dir,
      name: entry.name,
    });
  }
  for (const sub of subdirs) {
    await walkDir(walk, sub, archived || path.basename(sub) === 'archived_sessions');
  }
}

/** Drop `x.jsonl.zst` when `x.jsonl` sits next to it: Codex treats the compressed copy as stale. */
function dropStaleCompressed(walk: Walk): void {
  const plain = new Set(walk.found.filter((f) => !f.compressed).map((f) => f.path));
  walk.found = walk.found.filter((f) => {
    if (!f.compressed) return true;
    const sibling = f.path.slice(0, -'.zst'.length);
    if (!plain.has(sibling)) return true;
    walk.diagnostics.push({
      file: f.relPath,
      line: null,
      code: 'stale-compressed-sibling',
      message: `Skipped ${f.relPath}: the uncompressed ${path.basename(sibling)} next to it is newer by Codex's rule (a plain file wins over its .zst copy).`,
      severity: 'info',
    });
    return false;
  });
}

/** Warn when one file name is both live and archived (an interrupted move); keep both. */
function flagDuplicates(walk: Walk): void {
  const byName = new Map<string, RolloutFile[]>();
  for (const f of walk.found) {
    const key = f.name.replace(/\.zst$/, '');
    const list = byName.get(key) ?? [];
    list.push(f);
    byName.set(key, list);
  }
  for (const list of byName.values()) {
    const live = list.filter((f) => !f.archived);
    const archived = list.filter((f) => f.archived);
    if (live.length === 0 || archived.length === 0) continue;
    for (const f of list) {
      const others = list.filter((o) => o !== f).map((o) => o.relPath).join(', ');
      walk.diagnostics.push({
        file: f.relPath,
        line: null,
        code: 'duplicate-thread-file',
        message: `${f.relPath} also exists as ${others} (live and archived copies, probably an interrupted archive or unarchive). Both are kept; the newer modification time should win.`,
        severity: 'warning',
      });
    }
  }
}

/** Summaries of skipped entries: one diagnostic per kind instead of one per file. */
function summarise(walk: Walk): void {
  const examples = (list: string[]) =>
    list.slice(0, EXAMPLES).join(', ') + (list.length > EXAMPLES ? `, and ${list.length - EXAMPLES} more` : '');
  if (walk.ignored.length > 0) {
    walk.diagnostics.push({
      file: '.',
      line: null,
      code: 'ignored-files',
      message: `Ignored ${walk.ignored.length} ${walk.ignored.length === 1 ? 'entry' : 'entries'} that are not rollout files (hidden, temporary or other names): ${examples(walk.ignored)}.`,
      severity: 'info',
    });
  }
  if (walk.excluded.length > 0) {
    walk.diagnostics.push({
      file: '.',
      line: null,
      code: 'excluded',
      message: `Left out ${walk.excluded.length} ${walk.excluded.length === 1 ? 'entry' : 'entries'} matched by the exclude option: ${examples(walk.excluded)}.`,
      severity: 'info',
    });
  }
  if (walk.credentials.length > 0) {
    walk.diagnostics.push({
      file: '.',
      line: null,
      code: 'credentials-skipped',
      message: `Did not open ${examples(walk.credentials)}: credentials are never read.`,
      severity: 'info',
    });
  }
}

async function fileAt(p: string): Promise<string | null> {
  try {
    return (await fsp.lstat(p)).isFile() ? p : null;
  } catch {
    return null;
  }
}

/** `state_5.sqlite` today; the highest `state_N.sqlite`, or `state.sqlite`, for older homes. */
async function findStateDb(root: string): Promise<string | null> {
  let names: string[];
  try {
    names = await fsp.readdir(root);
  } catch {
    return null;
  }
  const versions = names
    .map((n) => /^state(?:_(\d+))?\.sqlite$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], version: m[1] ? Number(m[1]) : 1 }))
    .sort((a, b) => b.version - a.version);
  for (const v of versions) {
    const p = await fileAt(path.join(root, v.name));
    if (p) return p;
  }
  return null;
}

/**
 * List the rollout files of `root`: a Codex home (its `sessions/` and `archived_sessions/`) or
 * any folder of rollout files (walked recursively). Throws `SourceNotFoundError` only when
 * `root` itself is missing or not a folder; everything else becomes a diagnostic.
 */
export async function discoverRollouts(root: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const abs = path.resolve(root);
  const kind = await classifySource(abs);
  let realRoot: string;
  try {
    realRoot = await fsp.realpath(abs);
  } catch (err) {
    throw new SourceNotFoundError(abs, 'unreadable', errorCode(err));
  }
  const walk: Walk = {
    root: abs,
    realRoot,
    exclude: options.exclude ?? (() => false),
    found: [],
    diagnostics: [],
    ignored: [],
    excluded: [],
    credentials: [],
  };

  if (kind === 'codex-home') {
    for (const [folder, archived] of [
      ['sessions', false],
      ['archived_sessions', true],
    ] as const) {
      const dir = path.join(abs, folder);
      let isDir = false;
      try {
        const st = await fsp.lstat(dir);
        isDir = st.isDirectory();
        if (st.isSymbolicLink()) {
          walk.diagnostics.push({
            file: folder,
            line: null,
            code: 'symlink-skipped',
            message: `Skipped ${folder}/: it is a symbolic link, and links are not followed out of the source. Add its target folder as a source of its own.`,
            severity: 'warning',
          });
        }
      } catch {
        // Absent: a home may have only one of the two folders.
      }
      if (!isDir) continue;
      if (walk.exclude(folder)) walk.excluded.push(folder);
      else await walkDir(walk, dir, archived);
    }
  } else {
    await walkDir(walk, abs, false);
  }

  dropStaleCompressed(walk);
  flagDuplicates(walk);
  summarise(walk);

  const files = walk.found
    .map(({ dir: _dir, name: _name, ...file }) => file)
    .sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  return {
    root: abs,
    kind,
    files,
    diagnostics: walk.diagnostics,
    sessionIndexPath: await fileAt(path.join(abs, 'session_index.jsonl')),
    historyPath: await fileAt(path.join(abs, 'history.jsonl')),
    stateDbPath: await findStateDb(abs),
    savedSessionsPath: await fileAt(path.join(abs, 'saved_sessions.json')),
  };
}
